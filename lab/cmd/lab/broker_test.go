package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBrokerCommand runs "lab broker" on dir and returns its address and a
// function that stops it and returns its exit code.
func startBrokerCommand(t *testing.T, dir string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"broker", "--port", "0", "--data-dir", dir}, &out, &errOut) }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "\n") {
		select {
		case c := <-code:
			cancel()
			t.Fatalf("lab broker exited with %d: %s", c, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("lab broker did not say it listens; stderr: %s", errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	line := strings.TrimSpace(out.String())
	addr, ok := strings.CutPrefix(line, "kafka broker listening on ")
	if !ok || !strings.HasPrefix(addr, "127.0.0.1:") {
		cancel()
		t.Fatalf("first line = %q, want kafka broker listening on 127.0.0.1:<port>", line)
	}
	var once sync.Once
	c := -1
	stop := func() int {
		once.Do(func() {
			cancel()
			c = <-code
		})
		return c
	}
	t.Cleanup(func() { stop() })
	return addr, stop
}

func TestBrokerCommandServesAndPersists(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	addr, stop := startBrokerCommand(t, dir)
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, nil, "kept"); err != nil {
		t.Fatalf("create topic: %v", err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "kept", Value: []byte("v")}).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	cl.Close()
	if c := stop(); c != 0 {
		t.Fatalf("lab broker exited with %d after an interrupt, want 0", c)
	}

	addr, _ = startBrokerCommand(t, dir)
	cl, err = kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, "kept")
	if err != nil {
		t.Fatalf("list offsets: %v", err)
	}
	if o, ok := ends.Lookup("kept", 0); !ok || o.Offset != 1 {
		t.Fatalf("after a restart on the same data dir, kept[0] ends at %+v, want offset 1", o)
	}
}

func TestBrokerCommandRefusesATakenPort(t *testing.T) {
	addr, _ := startBrokerCommand(t, t.TempDir())
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	var out, errOut syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c := run(ctx, []string{"broker", "--port", port, "--data-dir", t.TempDir()}, &out, &errOut); c != 1 {
		t.Fatalf("exit code %d, want 1", c)
	}
	if !strings.Contains(errOut.String(), "port "+port+" is already in use") {
		t.Fatalf("stderr = %q, want it to name the taken port", errOut.String())
	}
}

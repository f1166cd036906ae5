package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/embedded"
)

// noStackConfigured clears the CTALAB_* variables, so that serve decides
// from the ports alone.
func noStackConfigured(t *testing.T) {
	for _, v := range append(clientconf.EnvVars(), jdbcEnv) {
		t.Setenv(v, "")
	}
}

// silentListener accepts TCP connections and never says anything: a port
// held by something that is not Kafka.
func silentListener(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestServeRefusesANonKafkaListenerOnTheKafkaPortNamingPortAndFlags(t *testing.T) {
	noStackConfigured(t)
	port := silentListener(t)
	offset := port - embedded.StandardPorts.Kafka
	_, stderr, code := runCLI(t, "serve", "--port-offset", strconv.Itoa(offset), "--listen", "127.0.0.1:0", "--ticks", "1")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{fmt.Sprintf("port %d", port), "--port-offset", "CTALAB_BROKERS", "--brokers"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "using the stack") {
		t.Errorf("serve took the silent listener for a stack:\n%s", stderr)
	}
}

func TestServeFindsTheDashboardPortTakenBeforeStartingTheStack(t *testing.T) {
	noStackConfigured(t)
	port := silentListener(t)
	_, stderr, code := runCLI(t, "serve", "--port-offset", strconv.Itoa(silentListener(t)-embedded.StandardPorts.Kafka), "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--ticks", "1")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("port %d", port)) || !strings.Contains(stderr, "--listen") {
		t.Errorf("stderr does not name port %d and --listen:\n%s", port, stderr)
	}
	if strings.Contains(stderr, "embedded stack") || strings.Contains(stderr, "Kafka protocol") {
		t.Errorf("the stack was considered before the dashboard's port was checked:\n%s", stderr)
	}
}

// The probe is not a mere TCP connect: a real Kafka broker answers it.
func TestSpeaksKafkaTellsABrokerFromASilentListener(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := broker.Start(ctx, broker.WithPort(0))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !speaksKafka(b.Addrs()[0], 5*time.Second) {
		t.Errorf("the embedded broker at %s was not recognised as Kafka", b.Addrs()[0])
	}
	if speaksKafka(fmt.Sprintf("127.0.0.1:%d", silentListener(t)), 500*time.Millisecond) {
		t.Error("a silent listener was taken for Kafka")
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
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

// Ctrl-C while the embedded stack starts says "interrupted" and nothing of
// the half-started services' transcripts or of port hints.
func TestServeInterruptedDuringStartUpSaysInterrupted(t *testing.T) {
	noStackConfigured(t)
	offset, err := embedded.FreeOffset()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--port-offset", strconv.Itoa(offset), "--listen", "127.0.0.1:0", "--ticks", "1"}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), "starting the embedded stack") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start the embedded stack:\n%s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	var code int
	select {
	case code = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("serve did not return a minute after the interrupt:\n%s", stderr.String())
	}
	out := stderr.String()
	if strings.Contains(out, "embedded stack ready") {
		t.Skip("the stack was ready before the interrupt arrived")
	}
	if code != 130 || !strings.Contains(out, "serve: interrupted") {
		t.Errorf("exit %d, want 130 and \"serve: interrupted\"; stderr:\n%s", code, out)
	}
	for _, noise := range []string{"FATAL", "--port-offset", "server log"} {
		if strings.Contains(out, noise) {
			t.Errorf("stderr holds %q:\n%s", noise, out)
		}
	}
}

// logKeys matches the keys of a slog text line outside quoted values.
var logKeys = regexp.MustCompile(`(?:^| )([A-Za-z_][A-Za-z0-9_.]*)=(?:"(?:[^"\\]|\\.)*"|\S*)`)

// No log line of a whole serve run (the embedded stack, the pipeline, the
// dashboard) repeats a key, as "component=dashboard component=dashboard" did.
func TestServeLogLinesDoNotRepeatAKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole embedded stack")
	}
	noStackConfigured(t)
	offset, err := embedded.FreeOffset()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--port-offset", strconv.Itoa(offset), "--listen", "127.0.0.1:0", "--ticks", "2", "--pace", "max"}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(stderr.String(), "msg=dashboard url=") {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("the dashboard did not come up:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d after an interrupt of a running pipeline:\n%s", code, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if !strings.HasPrefix(line, "time=") {
			continue
		}
		seen := map[string]bool{}
		for _, m := range logKeys.FindAllStringSubmatch(line, -1) {
			if seen[m[1]] {
				t.Errorf("key %q repeated in %s", m[1], line)
			}
			seen[m[1]] = true
		}
	}
}

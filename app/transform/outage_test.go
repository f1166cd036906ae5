package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/fixtures"
	"github.com/ctalab/ctalab/lab/broker"
)

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it holds; Run ending or ctx ending first fails
// the test.
func waitFor(t *testing.T, ctx context.Context, done chan error, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case err := <-done:
			t.Fatalf("Run ended while waiting for %s: %v", what, err)
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}

func TestTransformerRidesOutABrokerRestartAndTransformsEveryRow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	start := func(addr string) *broker.Broker {
		b, err := broker.Start(ctx, broker.WithDataDir(dir), broker.WithListenAddr(addr), broker.WithAutoCreateTopics(true))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b := start("127.0.0.1:0")
	addr := b.Addrs()[0]
	rows, _ := fixtures.Stations()
	input := "org.chicago.cta.stations"
	client := &kafka.Client{Addr: kafka.TCP(addr)}
	if _, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: input, NumPartitions: 1, ReplicationFactor: 1}}}); err != nil {
		t.Fatal(err)
	}
	write := func(rs []fixtures.Station) {
		t.Helper()
		w := &kafka.Writer{Addr: kafka.TCP(addr), Topic: input, RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond}
		defer w.Close()
		var msgs []kafka.Message
		for _, r := range rs {
			msgs = append(msgs, kafka.Message{Value: connectJSON(t, r)})
		}
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			t.Fatal(err)
		}
	}
	half := len(rows) / 2
	write(rows[:half])

	var logs logBuffer
	tr, err := New(Config{Brokers: []string{addr}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(runCtx) }()
	waitFor(t, ctx, done, "the first half to be read", func() bool { return tr.Stats().Consumed >= int64(half) })

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, done, "the outage's Warn line", func() bool {
		return strings.Contains(logs.String(), `"Kafka unreachable at `+addr+`, retrying"`)
	})
	b = start(addr)
	defer b.Close()
	write(rows[half:])

	// Every (line, station) pair of the fixture reaches the output; a row
	// read again after the restart only repeats its key.
	want := map[Key]bool{}
	for _, r := range rows {
		if r.Color() != "" {
			want[Key{Line: r.Color(), StationID: r.StationID}] = true
		}
	}
	got := map[Key]bool{}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{addr}, Topic: "org.chicago.cta.stations.table.v1", MaxWait: 50 * time.Millisecond})
	defer r.Close()
	for len(got) < len(want) {
		readCtx, stopRead := context.WithCancel(ctx)
		go func() {
			select {
			case <-done:
				stopRead()
			case <-readCtx.Done():
			}
		}()
		m, err := r.ReadMessage(readCtx)
		stopRead()
		if err != nil {
			t.Fatalf("after %d of %d keys: %v (Run ended early?)", len(got), len(want), err)
		}
		var k Key
		if err := json.Unmarshal(m.Key, &k); err != nil {
			t.Fatal(err)
		}
		if !want[k] {
			t.Fatalf("unexpected key %+v", k)
		}
		got[k] = true
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil when stopped", err)
	}
	if !strings.Contains(logs.String(), `"Kafka reachable again at `+addr+`"`) {
		t.Errorf("no Info line saying Kafka is reachable again:\n%s", logs.String())
	}
}

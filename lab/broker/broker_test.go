package broker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startBroker(ctx context.Context, t *testing.T, opts ...Option) *Broker {
	t.Helper()
	b, err := Start(ctx, opts...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// produce writes one message per key with a fresh transport, so no pooled
// connection outlives a broker restart.
func produce(ctx context.Context, t *testing.T, b *Broker, topic string, keys ...string) {
	t.Helper()
	w := &kafka.Writer{
		Addr:                   kafka.TCP(b.Addrs()...),
		Topic:                  topic,
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           2 * time.Millisecond,
		AllowAutoTopicCreation: true,
		Transport:              &kafka.Transport{},
	}
	defer w.Close()
	for _, k := range keys {
		if err := w.WriteMessages(ctx, kafka.Message{Key: []byte(k), Value: []byte("value-" + k)}); err != nil {
			t.Fatalf("write %s to %s: %v", k, topic, err)
		}
	}
}

// consumeGroup reads n messages as a member of group, commits them, and
// leaves the group before returning.
func consumeGroup(ctx context.Context, t *testing.T, b *Broker, topic, group string, n int) []string {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        b.Addrs(),
		Topic:          topic,
		GroupID:        group,
		StartOffset:    kafka.FirstOffset,
		SessionTimeout: 2 * time.Second, // below Kafka's 6 s floor: needs the lowered minimum
		MaxWait:        100 * time.Millisecond,
		Dialer:         &kafka.Dialer{Timeout: 5 * time.Second},
	})
	defer r.Close()
	var keys []string
	for len(keys) < n {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("fetch from %s after %d messages: %v", topic, len(keys), err)
		}
		if err := r.CommitMessages(ctx, m); err != nil {
			t.Fatalf("commit: %v", err)
		}
		keys = append(keys, string(m.Key))
	}
	return keys
}

func keys(prefix string, from, to int) []string {
	var ks []string
	for i := from; i < to; i++ {
		ks = append(ks, fmt.Sprintf("%s%d", prefix, i))
	}
	return ks
}

func client(b *Broker) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(b.Addrs()...), Transport: &kafka.Transport{}}
}

func TestRoundTripAndRestartKeepsRecordsAndOffsets(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	if addrs := b.Addrs(); len(addrs) != 1 || !strings.HasPrefix(addrs[0], "127.0.0.1:") {
		t.Fatalf("Addrs() = %v, want one 127.0.0.1 address", addrs)
	}

	produce(ctx, t, b, "trains", keys("m", 0, 10)...)
	got := consumeGroup(ctx, t, b, "trains", "g1", 10)
	if strings.Join(got, ",") != strings.Join(keys("m", 0, 10), ",") {
		t.Fatalf("consumed %v", got)
	}
	meta, err := client(b).Metadata(ctx, &kafka.MetadataRequest{Topics: []string{"trains"}})
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	if len(meta.Topics) != 1 || len(meta.Topics[0].Partitions) != DefaultPartitions {
		t.Fatalf("auto-created topic metadata = %+v, want %d partition(s)", meta.Topics, DefaultPartitions)
	}

	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	b2 := startBroker(ctx, t, WithDataDir(dir))
	c := client(b2)
	offs, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{"trains": {kafka.LastOffsetOf(0)}}})
	if err != nil {
		t.Fatalf("list offsets after restart: %v", err)
	}
	if last := offs.Topics["trains"][0].LastOffset; last != 10 {
		t.Fatalf("high watermark after restart = %d, want 10", last)
	}
	fetched, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: "g1", Topics: map[string][]int{"trains": {0}}})
	if err != nil {
		t.Fatalf("offset fetch after restart: %v", err)
	}
	if committed := fetched.Topics["trains"][0].CommittedOffset; committed != 10 {
		t.Fatalf("committed offset after restart = %d, want 10", committed)
	}

	produce(ctx, t, b2, "trains", keys("m", 10, 13)...)
	got = consumeGroup(ctx, t, b2, "trains", "g1", 3)
	if strings.Join(got, ",") != strings.Join(keys("m", 10, 13), ",") {
		t.Fatalf("after restart group g1 consumed %v, want only the new messages", got)
	}
}

func TestAutoCreateTopicsOff(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t, WithAutoCreateTopics(false))
	w := &kafka.Writer{
		Addr:                   kafka.TCP(b.Addrs()...),
		Topic:                  "missing",
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           2 * time.Millisecond,
		AllowAutoTopicCreation: true,
		MaxAttempts:            1,
		Transport:              &kafka.Transport{},
	}
	defer w.Close()
	err := w.WriteMessages(ctx, kafka.Message{Value: []byte("x")})
	if !errors.Is(err, kafka.UnknownTopicOrPartition) {
		t.Fatalf("write to a missing topic with auto-creation off: err = %v, want Unknown Topic Or Partition", err)
	}
}

func TestPortInUseIsNamed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	b, err := Start(testContext(t), WithPort(port))
	if err == nil {
		_ = b.Close()
		t.Fatalf("Start on taken port %d succeeded", port)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(port)) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("error does not name the taken port %d: %v", port, err)
	}
}

func TestListenAddr(t *testing.T) {
	ctx := testContext(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b := startBroker(ctx, t, WithListenAddr(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))))
	if want := []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}; strings.Join(b.Addrs(), ",") != strings.Join(want, ",") {
		t.Fatalf("Addrs() = %v, want %v", b.Addrs(), want)
	}
	produce(ctx, t, b, "fixed", "a")
}

// countRecords reads a partition from the earliest offset to the high
// watermark and counts the records still there.
func countRecords(ctx context.Context, t *testing.T, b *Broker, topic string) int {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:   b.Addrs(),
		Topic:     topic,
		Partition: 0,
		MaxWait:   50 * time.Millisecond,
		Dialer:    &kafka.Dialer{Timeout: 5 * time.Second},
	})
	defer r.Close()
	if err := r.SetOffset(kafka.FirstOffset); err != nil {
		t.Fatal(err)
	}
	c := client(b)
	offs, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(0)}}})
	if err != nil {
		t.Fatalf("list offsets: %v", err)
	}
	hw := offs.Topics[topic][0].LastOffset
	n := 0
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read %s: %v", topic, err)
		}
		n++
		if m.Offset >= hw-1 {
			return n
		}
	}
}

// waitCompacted polls until the topic holds fewer than before records.
func waitCompacted(ctx context.Context, t *testing.T, b *Broker, topic string, before int) int {
	t.Helper()
	for {
		n := countRecords(ctx, t, b, topic)
		if n < before {
			return n
		}
		select {
		case <-ctx.Done():
			t.Fatalf("topic %s still holds %d records; compaction never ran", topic, n)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestCompactedTopicsAreCompacted(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir), WithCompactionInterval(100*time.Millisecond))
	c := client(b)
	resp, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{
		Topic: "stations-table", NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}},
	}}})
	if err != nil || resp.Errors["stations-table"] != nil {
		t.Fatalf("create compacted topic: %v %v", err, resp.Errors)
	}
	dup := func(from, to int) []string {
		var ks []string
		for i := from; i < to; i++ {
			ks = append(ks, fmt.Sprintf("k%d", i%2))
		}
		return ks
	}
	produce(ctx, t, b, "stations-table", dup(0, 20)...)
	waitCompacted(ctx, t, b, "stations-table", 20)

	// After a restart no topic is created or changed, yet compaction runs.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b2 := startBroker(ctx, t, WithDataDir(dir), WithCompactionInterval(100*time.Millisecond))
	before := countRecords(ctx, t, b2, "stations-table")
	produce(ctx, t, b2, "stations-table", dup(0, 20)...)
	waitCompacted(ctx, t, b2, "stations-table", before+20)
}

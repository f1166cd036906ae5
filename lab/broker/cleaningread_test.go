package broker

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A reader of a compacted partition from its earliest offset, while the
// cleaner keeps removing superseded records, always gets records: Kafka's
// cleaner never moves the log start, and a fetch from an offset it removed
// is answered with the next batch it kept (LogCleaner, UnifiedLog.read,
// apache/kafka 3.9). kafka-go's Conn, a client that takes a fetch answer
// with no records below the high watermark for a broken batch (conn.go
// ReadBatchWith: newMessageSetReader on an empty set, io.ErrUnexpectedEOF),
// reads every batch without an error however the cleanings fall between
// its fetches.
func TestAReaderFromTheEarliestOffsetOfACompactedPartitionNeverFailsWhileItIsCleaned(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := startBroker(ctx, t, WithCompactionInterval(time.Millisecond))
	const topic = "cleaned-table"
	cl := newCompactedTopic(ctx, t, b, topic)
	// one record before the first read: a fetch of an empty partition
	// ends its wait with no records, which kafka-go's Conn reports as
	// RequestTimedOut
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte("k0"), Value: []byte("first")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	// a few keys written over and over, one batch each: every cleaning
	// removes the batches before the last of each key
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			r := &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("k%d", i%4)), Value: []byte(fmt.Sprint(i))}
			if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	defer func() { close(stop); wg.Wait() }()

	dialer := &kafka.Dialer{Timeout: 10 * time.Second}
	deadline := time.Now().Add(4 * time.Second)
	reads := 0
	for time.Now().Before(deadline) {
		conn, err := dialer.DialLeader(ctx, "tcp", b.Addrs()[0], topic, 0)
		if err != nil {
			t.Fatal(err)
		}
		first, err := conn.ReadFirstOffset()
		if err == nil {
			_, err = conn.Seek(first, kafka.SeekAbsolute)
		}
		if err != nil {
			conn.Close()
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		batch := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: 1 << 20, MaxWait: 10 * time.Millisecond})
		for {
			if _, err := batch.ReadMessage(); err != nil {
				break
			}
		}
		err = batch.Close()
		conn.Close()
		if err != nil {
			t.Fatalf("read %d from the earliest offset %d of a partition being cleaned: %v", reads+1, first, err)
		}
		reads++
	}
	t.Logf("%d reads from the earliest offset", reads)
}

// A fetch that waits at the end of a compacted partition for more bytes
// than arrive, while a cleaning removes the offset it waits at, is
// answered with the next batch the cleaner kept, as Kafka answers a fetch
// from a removed offset (UnifiedLog.read reads from the first batch at or
// past it; the cleaner never moves the log start, apache/kafka 3.9
// LogCleaner). kafka-go's Conn takes an answer with no records below the
// high watermark for a broken batch, so it tells the two apart.
func TestAFetchWaitingAtAnOffsetACleaningRemovesGetsTheNextKeptBatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := startBroker(ctx, t, WithCompactionInterval(20*time.Millisecond))
	const topic = "waited-on"
	cl := newCompactedTopic(ctx, t, b, topic)
	write := func(v string) {
		t.Helper()
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	write("v0")
	write("v1")

	conn, err := (&kafka.Dialer{Timeout: 10 * time.Second}).DialLeader(ctx, "tcp", b.Addrs()[0], topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Seek(2, kafka.SeekAbsolute); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	// The fetch waits at offset 2 for a megabyte: the three small records
	// written meanwhile do not end its wait, and the cleanings while it
	// waits remove offset 2 (superseded by 3; the cleaner looks at every
	// batch but the last, 4).
	type result struct {
		offsets []int64
		err     error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		batch := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1 << 20, MaxBytes: 2 << 20, MaxWait: 3 * time.Second})
		for {
			m, err := batch.ReadMessage()
			if err != nil {
				break
			}
			r.offsets = append(r.offsets, m.Offset)
		}
		r.err = batch.Close()
		done <- r
	}()
	time.Sleep(300 * time.Millisecond) // the fetch is parked
	write("v2")
	write("v3")
	write("v4")
	r := <-done
	if r.err != nil {
		t.Fatalf("the fetch waiting at offset 2 while a cleaning removed it: %v (offsets read %v)", r.err, r.offsets)
	}
	if len(r.offsets) == 0 || r.offsets[0] != 3 || r.offsets[len(r.offsets)-1] != 4 {
		t.Fatalf("read offsets %v, want the kept batches 3 and 4 (offset 2 cleaned while the fetch waited)", r.offsets)
	}
}

// newCompactedTopic creates a one-partition compacted topic on b and returns
// a client producing to it without lingering, closed when t ends.
func newCompactedTopic(ctx context.Context, t *testing.T, b *Broker, topic string) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, topic); err != nil {
		t.Fatal(err)
	}
	return cl
}

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
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, topic); err != nil {
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

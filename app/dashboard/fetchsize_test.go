package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/topic"
)

// The readers ask for at most readerMaxBytes of a partition per fetch, but
// a record batch larger than that is still read: Kafka returns the first
// batch of a fetch whole, whatever its size, so that a consumer always
// makes progress (max.partition.fetch.bytes, Apache Kafka consumer
// configs, https://kafka.apache.org/documentation/#consumerconfigs; KIP-74).
func TestASummaryBatchLargerThanAFetchIsReadToItsLastRecord(t *testing.T) {
	s := newStack(t)
	s.station("blue", 40380, 16, "Clark/Lake")
	s.station("red", 41400, 20, "Roosevelt")

	// One batch of 60,000 summary updates, the last ones 40380 -> 59998
	// and 41400 -> 59999, in a topic that takes a batch that large.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	maxMessage := strconv.Itoa(16 << 20)
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, map[string]*string{"max.message.bytes": &maxMessage}, topic.TurnstileSummary); err != nil {
		t.Fatal(err)
	}
	w := &kafka.Writer{Addr: kafka.TCP(s.brokers...), RequiredAcks: kafka.RequireAll, AllowAutoTopicCreation: true,
		BatchSize: 100_000, BatchBytes: 16 << 20, BatchTimeout: time.Second}
	t.Cleanup(func() { w.Close() })
	const updates = 60_000
	msgs := make([]kafka.Message, 0, updates)
	for i := range updates {
		id := []int{40380, 41400}[i%2]
		v, err := json.Marshal(map[string]any{"COUNT": i, "PAD": fmt.Sprintf("%024d", i)})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, kafka.Message{Topic: topic.TurnstileSummary, Key: turnstileKey(id), Value: v})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		var we kafka.WriteErrors
		if errors.As(err, &we) && len(we) > 0 {
			err = fmt.Errorf("%d of %d records failed, the first with: %w", we.Count(), len(we), we[0])
		}
		t.Fatal(err)
	}
	if st := w.Stats(); st.Writes != 1 || st.BatchBytes.Max <= readerMaxBytes {
		t.Fatalf("the summary went out in %d batches of at most %d bytes; the spec needs one batch larger than a fetch (%d bytes)", st.Writes, st.BatchBytes.Max, readerMaxBytes)
	}

	d := s.start(t)
	d.waitReady()
	st := d.status()
	if got := st.Lines[0].Stations[0].TurnstileEntries; got != updates-2 {
		t.Errorf("Clark/Lake shows %d entries, want the batch's last update for it, %d", got, updates-2)
	}
	if got := st.Lines[2].Stations[0].TurnstileEntries; got != updates-1 {
		t.Errorf("Roosevelt shows %d entries, want the batch's last update for it, %d", got, updates-1)
	}
}

package produce

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// With several partitions a keyed record goes where the Java client's
// default partitioner puts it, murmur2 of the key modulo the partition
// count (Apache Kafka's BuiltInPartitioner.partitionForKey; franz-go's
// StickyKeyPartitioner hashes the same way), and each partition holds its
// records in the order they were handed over, however a produce request
// groups them.
func TestTurnstileEntriesOfSeveralPartitionsLandWhereMurmur2PutsThemInOrder(t *testing.T) {
	_, cfg := fakeKafka(t)
	cfg.Partitions = 3
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := New(ctx, cfg, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	start := time.UnixMilli(1_700_000_000_000)
	for i := range n {
		if err := p.Turnstile(sim.TurnstileEntry{Time: start.Add(time.Duration(i) * time.Millisecond), StationID: 40380, StationName: "Clark/Lake", Line: sim.Blue}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats().Turnstiles; st.Acked != n || st.Failed != 0 {
		t.Fatalf("turnstile counts %+v, want %d acknowledged", st, n)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.Brokers...), kgo.ConsumeTopics(topic.Turnstile), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	registry, err := schema.NewRegistry(cfg.SchemaRegistry, nil)
	if err != nil {
		t.Fatal(err)
	}
	serde := schema.NewSerde(registry)
	murmur2 := kgo.StickyKeyPartitioner(nil).ForTopic(topic.Turnstile)
	last := map[int32]int64{} // per partition, the latest entry's time
	read := 0
	for read < n {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("after %d of %d records: %v", read, n, err)
		}
		for _, r := range fs.Records() {
			read++
			if want := int32(murmur2.Partition(r, cfg.Partitions)); r.Partition != want {
				t.Errorf("record at offset %d is in partition %d, murmur2 of its key says %d", r.Offset, r.Partition, want)
			}
			k, err := serde.Decode(ctx, r.Key)
			if err != nil {
				t.Fatal(err)
			}
			at, ok := k.(map[string]any)["timestamp"].(int64)
			if !ok {
				t.Fatalf("key %v has no long timestamp", k)
			}
			if prev, ok := last[r.Partition]; ok && at <= prev {
				t.Errorf("partition %d: the entry of %d follows that of %d", r.Partition, at, prev)
			}
			last[r.Partition] = at
		}
	}
	if len(last) != cfg.Partitions {
		t.Errorf("entries went to %d partitions, want all %d", len(last), cfg.Partitions)
	}
}

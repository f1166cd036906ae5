package restproxy

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

// explicitPartition marks, in a record's context, that the request named the
// record's partition.
type explicitPartition struct{}

func withExplicitPartition(ctx context.Context) context.Context {
	return context.WithValue(ctx, explicitPartition{}, true)
}

func isExplicit(r *kgo.Record) bool {
	if r.Context == nil {
		return false
	}
	v, _ := r.Context.Value(explicitPartition{}).(bool)
	return v
}

// partitioner honours a record's explicit partition and otherwise defers to
// Kafka's default partitioning (murmur2 of the key, sticky for null keys), as
// the Java producer inside the REST Proxy does.
type partitioner struct{ inner kgo.Partitioner }

func newPartitioner() kgo.Partitioner {
	return partitioner{inner: kgo.StickyKeyPartitioner(nil)}
}

func (p partitioner) ForTopic(topic string) kgo.TopicPartitioner {
	return &topicPartitioner{inner: p.inner.ForTopic(topic)}
}

type topicPartitioner struct{ inner kgo.TopicPartitioner }

func (tp *topicPartitioner) RequiresConsistency(r *kgo.Record) bool {
	return isExplicit(r) || tp.inner.RequiresConsistency(r)
}

func (tp *topicPartitioner) Partition(r *kgo.Record, n int) int {
	if isExplicit(r) {
		return int(r.Partition)
	}
	return tp.inner.Partition(r, n)
}

// OnNewBatch forwards the sticky partitioner's batch notifications.
func (tp *topicPartitioner) OnNewBatch() {
	if o, ok := tp.inner.(kgo.TopicPartitionerOnNewBatch); ok {
		o.OnNewBatch()
	}
}

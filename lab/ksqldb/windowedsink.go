package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// sinkPartitioner is the record partitioner of a query's producers. Kafka
// Streams writes a key serialized by a WindowedSerializer through
// WindowedStreamPartitioner (StreamSinkNode picks it), which hashes the
// key without its window (serializeBaseKey), so every window of a key
// lands in one partition. Records of any other topic, and of a sink
// without windows, take the Java producer's default partitioner.
func (q *runningQuery) sinkPartitioner() kgo.Opt {
	def := kgo.StickyKeyPartitioner(nil)
	if q.sinkWindow == "" {
		return kgo.RecordPartitioner(def)
	}
	return kgo.RecordPartitioner(windowedPartitioner{def: def, topic: q.info.SinkTopic, suffix: operators.WindowBytes(q.sinkWindow)})
}

// windowedPartitioner partitions the windowed keys of one topic by their
// base key and defers every other record to def.
type windowedPartitioner struct {
	def    kgo.Partitioner
	topic  string
	suffix int
}

// ForTopic implements kgo.Partitioner.
func (p windowedPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	tp := p.def.ForTopic(topic)
	if topic != p.topic {
		return tp
	}
	return baseKeyPartitioner{def: tp, suffix: p.suffix}
}

// baseKeyPartitioner is WindowedStreamPartitioner over one topic.
type baseKeyPartitioner struct {
	def    kgo.TopicPartitioner
	suffix int
}

// RequiresConsistency implements kgo.TopicPartitioner.
func (p baseKeyPartitioner) RequiresConsistency(r *kgo.Record) bool {
	return r.Key != nil || p.def.RequiresConsistency(r)
}

// Partition implements kgo.TopicPartitioner: murmur2 of the key without
// its window's trailing bytes.
func (p baseKeyPartitioner) Partition(r *kgo.Record, n int) int {
	if r.Key == nil || len(r.Key) < p.suffix {
		return p.def.Partition(r, n)
	}
	base := kgo.Record{Key: r.Key[:len(r.Key)-p.suffix]}
	return p.def.Partition(&base, n)
}

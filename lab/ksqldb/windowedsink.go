package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// sinkPartitioner is the record partitioner of a query's producers. Kafka
// Streams writes a key serialized by a WindowedSerializer through
// WindowedStreamPartitioner (StreamSinkNode picks it), which hashes the
// key without its window (serializeBaseKey), so every window of a key
// lands in one partition. A window or session store's changelog record
// goes to the partition of its task, which is the partition of its key
// without the window (its store key's trailing bytes: see aggstore.go).
// Records of any other topic, and of a sink without windows, take the
// Java producer's default partitioner.
func (q *runningQuery) sinkPartitioner() kgo.Opt {
	def := kgo.StickyKeyPartitioner(nil)
	suffixes := map[string]int{}
	if q.sinkWindow != "" {
		suffixes[q.info.SinkTopic] = operators.WindowBytes(q.sinkWindow)
	}
	if q.aggLog != nil {
		if n := q.aggLog.windowSuffix(); n > 0 {
			suffixes[q.aggLog.topic] = n
		}
	}
	if len(suffixes) == 0 {
		return kgo.RecordPartitioner(def)
	}
	return kgo.RecordPartitioner(windowedPartitioner{def: def, suffixes: suffixes})
}

// windowedPartitioner partitions the windowed keys of some topics by
// their base key (the key without its last suffixes[topic] bytes) and
// defers every other record to def.
type windowedPartitioner struct {
	def      kgo.Partitioner
	suffixes map[string]int
}

// ForTopic implements kgo.Partitioner.
func (p windowedPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	tp := p.def.ForTopic(topic)
	suffix, ok := p.suffixes[topic]
	if !ok {
		return tp
	}
	return baseKeyPartitioner{def: tp, suffix: suffix}
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

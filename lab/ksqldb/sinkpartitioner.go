package ksqldb

import (
	"maps"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// sinkPartitioner is the record partitioner of a query's producers. Kafka
// Streams writes a key serialized by a WindowedSerializer through
// WindowedStreamPartitioner (StreamSinkNode picks it), which hashes the
// key without its window (serializeBaseKey), so every window of a key
// lands in one partition. A store's changelog record goes to the
// partition of its task, which is the partition of the key the store key
// is built around: an aggregate store's key without its window (its
// trailing bytes: see aggstore.go; the partition of the task itself,
// which an aggregate change or a table's row, a join's table's too, names,
// where the source was written to partitions its keys do not hash to), a
// join store's key without its
// time, sequence number or side (joinStores.keyParts), windowed or not.
// Records of any other topic, and of a sink without windows, take the
// Java producer's default partitioner.
func (q *runningQuery) sinkPartitioner() kgo.Opt {
	def := kgo.StickyKeyPartitioner(nil)
	parts := map[string]keyPart{}
	if q.sinkWindow != "" {
		parts[q.info.SinkTopic] = keyPart{suffix: operators.WindowBytes(q.sinkWindow)}
	}
	if q.aggLog != nil {
		parts[q.aggLog.topic] = keyPart{suffix: q.aggLog.windowSuffix(), task: true}
	}
	if q.srcStore != nil {
		parts[q.changelog] = keyPart{task: true} // a table's rows (sourcestore.go)
	}
	if q.repart != nil && q.repart.store != "" {
		parts[q.repart.store] = keyPart{task: true}
	}
	for _, tl := range q.tableLogs {
		parts[tl.topic] = keyPart{task: true} // a join's table's rows (jointables.go)
	}
	if q.joinStores != nil {
		maps.Copy(parts, q.joinStores.keyParts(q.plan))
	}
	for _, logs := range q.windowLogs {
		for _, topic := range logs {
			if _, ok := parts[topic]; !ok {
				parts[topic] = keyPart{task: true} // its own layout's entries
			}
		}
	}
	if q.plan.Join != nil && q.plan.Join.Windowed() && q.changelog == q.appID+operators.JoinStoreChangelog {
		parts[q.changelog] = keyPart{task: true}
	}
	if q.fkProto != nil {
		// a foreign-key join's answers go to their left record's
		// partition, its subscription store's entries to their task's
		// (see fkprotocol.go)
		for _, topic := range q.fkProto.fixedTopics() {
			parts[topic] = keyPart{task: true}
		}
	}
	if len(parts) == 0 {
		return kgo.RecordPartitioner(def)
	}
	return kgo.RecordPartitioner(baseKeyPartitioner{def: def, parts: parts})
}

// keyPart is where a topic's keys hold the key their partition is
// hashed from: after prefix bytes and before suffix bytes; or, with task,
// the partition the record is given (its store's task), where the topic
// has it.
type keyPart struct {
	prefix, suffix int
	task           bool
}

// baseKeyPartitioner partitions the records of some topics by the base
// key their keys hold (parts[topic]: a sink's windowed key, a store's
// changelog key) and defers every other record to def.
type baseKeyPartitioner struct {
	def   kgo.Partitioner
	parts map[string]keyPart
}

// ForTopic implements kgo.Partitioner.
func (p baseKeyPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	tp := p.def.ForTopic(topic)
	part, ok := p.parts[topic]
	if !ok {
		return tp
	}
	return &baseKeyTopicPartitioner{def: tp, part: part}
}

// baseKeyTopicPartitioner is baseKeyPartitioner over one topic: for a
// sink, WindowedStreamPartitioner. franz-go asks a topic's partitioner for
// one record at a time (under the topic's lock), so the record it hands
// def can be its own.
type baseKeyTopicPartitioner struct {
	def  kgo.TopicPartitioner
	part keyPart
	base kgo.Record // the record def hashes: only its key is set
}

// RequiresConsistency implements kgo.TopicPartitioner.
func (p *baseKeyTopicPartitioner) RequiresConsistency(r *kgo.Record) bool {
	return r.Key != nil || p.def.RequiresConsistency(r)
}

// Partition implements kgo.TopicPartitioner: murmur2 of the key without
// its leading and trailing bytes (a window, a store's time and sequence
// number, an outer join store's time and side).
func (p *baseKeyTopicPartitioner) Partition(r *kgo.Record, n int) int {
	if p.part.task && r.Partition >= 0 && int(r.Partition) < n {
		return int(r.Partition)
	}
	if r.Key == nil || len(r.Key) < p.part.prefix+p.part.suffix {
		return p.def.Partition(r, n)
	}
	p.base.Key = r.Key[p.part.prefix : len(r.Key)-p.part.suffix]
	part := p.def.Partition(&p.base, n)
	p.base.Key = nil
	return part
}

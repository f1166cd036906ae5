package ksqldb

import (
	"bytes"
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kgo"
)

// storeKeys lists the keys of a materialized table's rows in the order a
// ksqlDB table scan reads them: store partition (an aggregate's or a
// table row's task, else the key's partition) by store partition, in ascending
// order, and within a partition in the order of the store, the serialized
// key's bytes (then the window's start). A LIMIT keeps the first rows of
// that order (pull-queries-with-limit-clause.json "on CTAS", "windowed -
// single column from multi-column key"). A key lookup (lookup) lists only
// the rows in the store partition their key hashes to: KsLocator asks
// KafkaStreams.queryMetadataForKey for each key the WHERE clause pins (the
// default partitioner's murmur2 of the serialized key, without a window)
// and KsMaterializedTable and KsMaterializedWindowTable read that
// partition's store alone, so a key an aggregation met in another task (a
// source written to partitions its keys do not hash to) is not found
// there. A key's partition is counted over the store's tasks (the
// partitions of the query's source). The caller holds rq.proc.Mu.
func storeKeys(rq *runningQuery, tasks int, lookup bool) []string {
	type entry struct {
		k                 string
		partition, hashed int
		key               []byte
		start             int64
	}
	part := kgo.StickyKeyPartitioner(nil).ForTopic(rq.info.SinkTopic)
	var keyCols []int
	for i, c := range rq.plan.Out.Cols {
		if c.Key {
			keyCols = append(keyCols, i)
		}
	}
	es := make([]entry, 0, len(rq.proc.Materialized))
	for k, vals := range rq.proc.Materialized {
		e := entry{k: k}
		keys := make([]any, 0, len(keyCols))
		for _, i := range keyCols {
			if i < len(vals) {
				keys = append(keys, vals[i])
			}
		}
		if b, err := rq.outKey.Encode(keys); err == nil {
			e.key = b
			if tasks > 1 && b != nil {
				e.hashed = part.Partition(&kgo.Record{Key: b}, tasks)
			}
		}
		e.partition = e.hashed
		if g := rq.proc.Groups[k]; g != nil {
			e.start = g.WindowStart
		}
		// an aggregate, or a table's row, is in its task's store
		// partition, which a key written to another partition than it
		// hashes to reaches
		if task, ok := rq.proc.StorePartition(k); ok {
			e.partition = int(task)
		}
		if lookup && e.partition != e.hashed {
			continue
		}
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.partition != b.partition {
			return a.partition < b.partition
		}
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c < 0
		}
		if a.start != b.start {
			return a.start < b.start
		}
		return a.k < b.k
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.k
	}
	return out
}

// topicPartitions is the partition count of a topic, known when its
// source was declared with it.
func (s *Server) topicPartitions(ctx context.Context, topic string, known int) int {
	if known > 0 {
		return known
	}
	if tm, err := s.topicMetaOnce(ctx, topic); err == nil && tm.partitions > 0 {
		return int(tm.partitions)
	}
	return 1
}

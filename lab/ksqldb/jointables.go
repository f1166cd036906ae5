package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// tableLog is the changelog of the store a persistent join keeps a table
// side's rows in (planner.JoinPlan.TableStore): ksqlDB materializes a
// source table it joins with its pseudo columns (the historical plans'
// "KafkaTopic_Right.Source.Materialized" schema: the table's columns, then
// ROWPARTITION and ROWOFFSET) and Kafka Streams logs the store to
// <application id>-<store>-changelog, keyed by the table's key, the row in
// the table's value format (the step's stateStoreFormats), at the record's
// time, in the partition of the task that keeps the row (the partition of
// the table's record). The join writes each table record's entry as it applies it; the
// state itself is restored from the table's topic (restoreJoinTables), as
// before.
type tableLog struct {
	topic string
	// raw: the store of a table the first thread rekeys
	// (<Side>SourceKeyed-Materialize) logs the repartition records it
	// reads, which hold its entries already
	raw   bool
	store *sourceStore // the entries' layout, where not raw
	// a raw log's serdes: the repartition's, for the changelog topic,
	// whose schemas the query registers under the changelog's subjects
	// as the store's serdes do in Kafka Streams (historical plan
	// multi-joins_-_table-table-table_-_SR-enabled_key_format: each
	// <Side>SourceKeyed-Materialize-changelog's keySchema); the schemas
	// are the repartition's, so the records' ids are too
	key, val *formats.Serde
}

// newTableLogs are the table-side changelogs of a persistent join of
// application app, by leaf.
func (s *Server) newTableLogs(app string, plan *planner.Plan) map[int]*tableLog {
	jp := plan.Join
	if !plan.Persistent || jp == nil {
		return nil
	}
	out := map[int]*tableLog{}
	for i := range plan.JoinRepartitions {
		if rp := &plan.JoinRepartitions[i]; rp.Table {
			topic := app + "-" + rp.Store + "-changelog"
			src := jp.Leaves[rp.Leaf].Source
			out[rp.Leaf] = &tableLog{topic: topic, raw: true,
				key: s.repartitionKeySerde(rp, topic),
				val: formats.NewSerde(src.ValueFormat, rp.Values, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable)}
		}
	}
	for i, l := range jp.Leaves {
		store := jp.TableStore(i)
		if store == "" || out[i] != nil {
			continue
		}
		topic := app + "-" + store + "-changelog"
		out[i] = &tableLog{topic: topic, store: s.newSourceStore(topic, l.Source)}
	}
	return out
}

// record is the changelog entry of a table record the join applies, nil
// where it cannot be serialized (the processing log has it).
func (tl *tableLog) record(q *runningQuery, in *kgo.Record, row operators.InRow) *kgo.Record {
	if !tl.raw {
		return tl.store.entry(q, &q.arena, tl.topic, in, row)
	}
	out := q.arena.record()
	// the store of the task processing the record (sinkPartitioner)
	out.Topic, out.Key, out.Timestamp, out.Partition = tl.topic, q.arena.copy(in.Key), in.Timestamp, in.Partition
	if !row.Tombstone {
		out.Value = q.arena.copy(in.Value)
	}
	return out
}

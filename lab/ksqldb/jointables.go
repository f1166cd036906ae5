package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// tableLog is the changelog of the store a persistent join keeps a table
// side's rows in (planner.JoinPlan.TableStore): ksqlDB materializes a
// source table it joins with its pseudo columns (the historical plans'
// "KafkaTopic_Right.Source.Materialized" schema: the table's columns, then
// ROWPARTITION and ROWOFFSET) and Kafka Streams logs the store to
// <application id>-<store>-changelog, keyed by the table's key, the row in
// the table's value format (the step's stateStoreFormats), at the record's
// time. The join writes each table record's entry as it applies it; the
// state itself is restored from the table's topic (restoreJoinTables), as
// before.
type tableLog struct {
	topic string
	// raw: the store of a table the first thread rekeys
	// (<Side>SourceKeyed-Materialize) logs the repartition records it
	// reads, which hold its entries already
	raw  bool
	val  *formats.Serde
	from []int // per value column, its index in the leaf's row
	vals []any
}

// newTableLogs are the table-side changelogs of a persistent join, by leaf.
func (s *Server) newTableLogs(qi *metastore.Query, plan *planner.Plan) map[int]*tableLog {
	jp := plan.Join
	if !plan.Persistent || jp == nil {
		return nil
	}
	out := map[int]*tableLog{}
	for _, rp := range plan.JoinRepartitions {
		if rp.Table {
			out[rp.Leaf] = &tableLog{topic: s.appID(qi.ID) + "-" + rp.Store + "-changelog", raw: true}
		}
	}
	for i, l := range jp.Leaves {
		store := jp.TableStore(i)
		if store == "" || out[i] != nil {
			continue
		}
		src := l.Source
		topic := s.appID(qi.ID) + "-" + store + "-changelog"
		var cols []types.Column
		var from []int
		for j, c := range src.Schema.Cols {
			if !c.Key {
				cols, from = append(cols, c), append(from, j)
			}
		}
		for j, c := range expr.PseudoColumns {
			if c.Name != "ROWTIME" { // the record's time
				cols, from = append(cols, c), append(from, len(src.Schema.Cols)+j)
			}
		}
		out[i] = &tableLog{topic: topic, from: from,
			val: formats.NewSerde(src.ValueFormat, cols, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable)}
	}
	return out
}

// record is the changelog entry of a table record the join applies, nil
// where it cannot be serialized (the processing log has it).
func (tl *tableLog) record(q *runningQuery, in *kgo.Record, row operators.InRow) *kgo.Record {
	out := q.arena.record()
	out.Topic, out.Key, out.Timestamp = tl.topic, q.arena.copy(in.Key), in.Timestamp
	if row.Tombstone {
		return out
	}
	if tl.raw {
		out.Value = q.arena.copy(in.Value)
		return out
	}
	vals := tl.vals[:0]
	for _, idx := range tl.from {
		vals = append(vals, row.Vals[idx])
	}
	tl.vals = vals
	v, err := q.arena.encode(tl.val, vals)
	if err != nil {
		q.srv.processingError(q.info.ID, in, &serializeError{topic: tl.topic, err: err})
		return nil
	}
	out.Value = v
	return out
}

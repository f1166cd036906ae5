package ksqldb

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// ProjectLastStore is the store ksqlDB keeps a table-table join's
// projection in: TableSelectBuilder materializes a projection whose input
// has no store of its own, and a join's result has none (every table-table
// join's topology in the historical plans, primary-key and foreign-key,
// has KTABLE-TRANSFORMVALUES-… (stores: [Project-Last]) before its
// KTABLE-TOSTREAM; an aggregation of a join has none). Kafka Streams logs
// the store to <application id>-Project-Last-changelog.
const ProjectLastStore = "Project-Last"

// projectLog writes the Project-Last store's changelog of a persistent
// table-table join: an entry for every result the projection forwards to
// the sink (KTableTransformValues puts each result in the store as it
// forwards it, a tombstone for a delete), at the result's time. The step's
// formats are the join's internal ones (the historical plans' Project
// step: the key in the join's key format, named after the left source's
// key; the value in the left source's value format, wrapped), not the
// sink's. This server keeps the projection's state in the processor
// (operators.Processor.Materialized) and rebuilds it from the tables, so
// the changelog is written, as a reader of the topic sees it in ksqlDB,
// and not read back.
type projectLog struct {
	topic    string
	key, val *formats.Serde
}

// newProjectLog is the Project-Last changelog of a persistent query, nil
// unless it is a table-table join with no aggregation after it.
func (s *Server) newProjectLog(qi *metastore.Query, plan *planner.Plan) *projectLog {
	jp := plan.Join
	if !plan.Persistent || jp == nil || !jp.TableTable() || plan.Agg != nil || qi.SourceTable {
		return nil
	}
	left := jp.Leaves[0].Source // a table-table join's key format is the left's
	topic := s.appID(qi.ID) + "-" + ProjectLastStore + "-changelog"
	key, val := s.leftFormatSerdes(left, plan.Out.Keys(), plan.Out.Values(), topic)
	return &projectLog{topic: topic, key: key, val: val}
}

// leftFormatSerdes are the key and value serdes of an internal topic of a
// table-table join written in the join's formats, the left source's
// (SchemaKTable's key format, JoinNode's value format for the source on
// the left), its value wrapped: keys and vals as left's topic would
// serialize them.
func (s *Server) leftFormatSerdes(left *metastore.Source, keys, vals []types.Column, topic string) (key, val *formats.Serde) {
	key = formats.NewSerde(left.KeyFormat, keys, true, topic, s.reg).AvroKeyFor(left.Name).WithDelimiter(left.KeyDelimiter).WithProtobufNullable(left.KeyProtoNullable)
	val = formats.NewSerde(left.ValueFormat, vals, false, topic, s.reg).WithDelimiter(left.ValueDelimiter).WithAvroFullName(left.ValueAvroName).WithProtobufNullable(left.ValueProtoNullable)
	return key, val
}

// record is the changelog entry of result o (already split into q's key and
// value scratch by encode).
func (pl *projectLog) record(q *runningQuery, o operators.OutRow) (*kgo.Record, error) {
	k, err := q.arena.encode(pl.key, q.keyScratch)
	if err != nil {
		return nil, err
	}
	rec := q.arena.record()
	rec.Topic, rec.Key, rec.Timestamp = pl.topic, k, time.UnixMilli(o.TS)
	if !o.Tombstone {
		if rec.Value, err = q.arena.encode(pl.val, q.valScratch); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

package ksqldb

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// fkStoreLog writes the changelog of the store an N-way join that starts
// with a foreign-key join keeps that join's results in
// (planner.ForeignKeyStore): <application id>-KTABLE-FK-JOIN-OUTPUT-STATE-STORE-<n>-changelog,
// made compacted with a partition per task as the query's other
// changelogs. Each entry the processor hands over (operators.OutRow.FKStore)
// is a record keyed by the left table's key, its value the joined row, in
// the join's formats (ForeignKeyTableTableJoinBuilder: the left table's
// key format and the left source's value format, wrapped), at the
// answer's time; a timestamped store logs the plain value with the time as
// the record's (ChangeLoggingTimestampedKeyValueBytesStore). The join's
// state is rebuilt from the tables on a restart (restoreJoinTables), so
// the changelog is written, as a reader of the topic sees it in ksqlDB,
// and not read back.
type fkStoreLog struct {
	topic    string
	plan     *planner.ForeignKeyStore
	key, val *formats.Serde
	keys     []any // record's scratch (the caller holds the processor's lock)
	vals     []any
}

// newFKStoreLog is the output store changelog of a persistent query's
// plan (a push query's as planner.TransientJoinPlan gives it) under
// application app, nil unless its join has one.
func (s *Server) newFKStoreLog(app string, qi *metastore.Query, plan *planner.Plan) *fkStoreLog {
	fs := plan.ForeignKeyStore()
	if fs == nil || qi.SourceTable {
		return nil
	}
	topic := app + "-" + fs.Name + "-changelog"
	key, val := s.leftFormatSerdes(plan.Join.Leaves[0].Source, fs.Keys, fs.Values, topic)
	return &fkStoreLog{topic: topic, plan: fs, key: key, val: val}
}

// record is the changelog record of store entry o.
func (fl *fkStoreLog) record(q *runningQuery, o operators.OutRow) (*kgo.Record, error) {
	fl.keys, fl.vals = fl.keys[:0], fl.vals[:0]
	for _, i := range fl.plan.KeyFrom {
		fl.keys = append(fl.keys, o.Vals[i])
	}
	k, err := q.arena.encode(fl.key, fl.keys)
	if err != nil {
		return nil, err
	}
	rec := q.arena.record()
	rec.Topic, rec.Key, rec.Timestamp = fl.topic, k, time.UnixMilli(o.TS)
	if o.Tombstone {
		return rec, nil
	}
	for _, i := range fl.plan.From {
		fl.vals = append(fl.vals, o.Vals[i])
	}
	if rec.Value, err = q.arena.encode(fl.val, fl.vals); err != nil {
		return nil, err
	}
	return rec, nil
}

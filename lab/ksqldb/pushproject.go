package ksqldb

import (
	"context"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// A push query's table-table join materializes its projection in
// Project-Last as the persistent join does (projectlast.go): SchemaKTable.
// select gives a transient query's final projection the same internal
// formats, the join's key format and the left source's value format, and
// TableSelectBuilder materializes it where the join before it has no
// store. Its layout is the transient projection's: FinalProjectNode keeps
// the join's key as the key of a transient query's schema and every
// projected column, the key's copy too, as a value ("Transient queries
// return key columns in the value"). So each entry is keyed by the
// result's key column (the projection names it: planner.TransientJoinPlan)
// and holds the row the client gets, at the result's time, a tombstone
// for a deleted result.

// transientProjectLog is the Project-Last changelog of a push query's
// table-table join (plan, as planner.TransientJoinPlan gives it) under
// application app, nil for another join.
func (s *Server) transientProjectLog(app string, plan *planner.Plan) (*projectLog, int) {
	jp := plan.Join
	keyAt := slices.IndexFunc(plan.Out.Cols, func(c types.Column) bool { return c.Key })
	if jp == nil || !jp.TableTable() || keyAt < 0 {
		return nil, -1
	}
	vals := make([]types.Column, len(plan.Out.Cols))
	for i, c := range plan.Out.Cols {
		c.Key = false
		vals[i] = c
	}
	topic := app + "-" + ProjectLastStore + "-changelog"
	key, val := s.leftFormatSerdes(jp.Leaves[0].Source, plan.Out.Cols[keyAt:keyAt+1], vals, topic)
	return &projectLog{topic: topic, key: key, val: val}, keyAt
}

// project writes the Project-Last entry of result o, which the client
// gets next; one that cannot be serialized goes to the processing log.
func (ps *pushStores) project(ctx context.Context, in *kgo.Record, o operators.OutRow) {
	if ps == nil || ps.rq.projLog == nil {
		return
	}
	q, pl := ps.rq, ps.rq.projLog
	q.keyScratch = append(q.keyScratch[:0], o.Vals[ps.keyAt])
	k, err := q.arena.encode(pl.key, q.keyScratch)
	var v []byte
	if err == nil && !o.Tombstone {
		v, err = q.arena.encode(pl.val, o.Vals)
	}
	if err != nil {
		q.srv.processingError(q.info.ID, in, &serializeError{topic: pl.topic, err: err})
		return
	}
	rec := q.arena.record()
	rec.Topic, rec.Key, rec.Value, rec.Timestamp = pl.topic, k, v, time.UnixMilli(o.TS)
	ps.cl.Produce(ctx, rec, ps.errs.promise)
}

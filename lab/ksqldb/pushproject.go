package ksqldb

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// A push query's table-table join materializes its projection in
// Project-Last as the persistent join does (projectlast.go): SchemaKTable.
// select gives a transient query's final projection the same internal
// formats, the join's key format and the left source's value format, and
// TableSelectBuilder materializes it where the join before it has no
// store. Its layout is the transient projection's: FinalProjectNode keeps
// the join's key as the key of a transient query's schema and every
// projected column, the key's copies too, as a value ("Transient queries
// return key columns in the value"). So each entry is keyed by the join's
// key, named as the join names it (planner.TransientProjectKey), whether
// the projection leaves it out or renames it, and holds the row the
// client gets, at the result's time, a tombstone for a deleted result.

// transientProjectLog is the Project-Last changelog of push query q's
// table-table join (plan, as planner.TransientJoinPlan gives it) under
// application app, nil for another join or an aggregated one.
func (s *Server) transientProjectLog(app string, q *sql.Query, plan *planner.Plan) *projectLog {
	jp := plan.Join
	if jp == nil || !jp.TableTable() || plan.Agg != nil {
		return nil // an aggregation's Prepare step is materialized instead (pushaggregate.go)
	}
	vals := make([]types.Column, len(plan.Out.Cols))
	for i, c := range plan.Out.Cols {
		c.Key = false
		vals[i] = c
	}
	topic := app + "-" + ProjectLastStore + "-changelog"
	key, val := s.leftFormatSerdes(jp.Leaves[0].Source, []types.Column{planner.TransientProjectKey(plan, q)}, vals, topic)
	return &projectLog{topic: topic, key: key, val: val}
}

// project writes the Project-Last entry of result o, which the client
// gets next, keyed by its join key; one that cannot be serialized goes to
// the processing log.
func (ps *pushStores) project(ctx context.Context, in *kgo.Record, o operators.OutRow) {
	if ps == nil || ps.rq.projLog == nil {
		return
	}
	q, pl := ps.rq, ps.rq.projLog
	q.keyScratch = append(q.keyScratch[:0], o.JoinKey)
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

package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// prepareLog is the changelog of an aggregation of a table-table join's
// Aggregate-Prepare-Last store (planner.PrepareLast), laid out as Kafka
// Streams logs a timestamped key-value store (apache/kafka 3.9,
// ChangeLoggingTimestampedKeyValueBytesStore): a record per put, keyed by
// the join key in the join's key format, the Prepare row in the join's
// value format as the value (null where the result is gone or WHERE
// drops it), at the join result's time. A restart reads the rows back
// from it.
type prepareLog struct {
	topic    string
	plan     *planner.PrepareLast
	width    int // the joined row's columns
	key, val *formats.Serde
	keys     []any
	vals     []any
}

// newPrepareLog is the Prepare-Last changelog of a persistent query's
// plan (a push query's as planner.TransientJoinPlan gives it) under
// application app, nil unless it aggregates a table-table join.
func (s *Server) newPrepareLog(app string, plan *planner.Plan) *prepareLog {
	pl := plan.PrepareLast
	if pl == nil || !plan.Persistent {
		return nil
	}
	topic := app + "-" + planner.PrepareLastStore + "-changelog"
	key, val := s.leftFormatSerdes(plan.Join.Leaves[0].Source, pl.Keys, pl.Values, topic)
	return &prepareLog{topic: topic, plan: pl, width: len(plan.In.Cols), key: key, val: val}
}

// record is the changelog record of a change of the store: the joined
// row's key and, unless the change deletes it, its Prepare row.
func (pl *prepareLog) record(q *runningQuery, c operators.Change, row []any) (*kgo.Record, error) {
	keys := pl.keys[:0]
	for _, idx := range pl.plan.KeyFrom {
		keys = append(keys, row[idx])
	}
	pl.keys = keys
	k, err := q.arena.encode(pl.key, keys)
	if err != nil {
		return nil, err
	}
	rec := q.arena.record()
	rec.Topic, rec.Key, rec.Timestamp = pl.topic, k, time.UnixMilli(c.TS)
	if c.Deleted() {
		return rec, nil
	}
	vals := pl.plan.AppendValues(pl.vals[:0], row)
	pl.vals = vals
	if rec.Value, err = q.arena.encode(pl.val, vals); err != nil {
		return nil, err
	}
	return rec, nil
}

// restore reads the store back from its changelog into the processor; a
// record it cannot read fails the restore. The caller holds q.proc.Mu.
func (pl *prepareLog) restore(ctx context.Context, q *runningQuery) error {
	return q.srv.restoreChangelog(ctx, pl.topic, func(r *kgo.Record) error {
		keys, err := pl.key.Decode(ctx, r.Key)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		if len(keys) != len(pl.plan.KeyFrom) {
			return fmt.Errorf("key: %d columns, want %d", len(keys), len(pl.plan.KeyFrom))
		}
		if r.Value == nil {
			q.proc.RestorePrepared(keys, nil)
			return nil
		}
		vals, err := pl.val.Decode(ctx, r.Value)
		if err != nil {
			return fmt.Errorf("value: %w", err)
		}
		row := make([]any, pl.width)
		placeValues(row, pl.plan.From, vals)
		for i, idx := range pl.plan.KeyFrom {
			row[idx] = keys[i]
		}
		q.proc.RestorePrepared(keys, row)
		return nil
	})
}

// storeRecord is the changelog record of a change of a store the query
// keeps in ksqlDB's layout, with the topic it goes to: the Prepare-Last
// store's, else the aggregate store's (aggLog.changeRecord). A change of
// a store the query does not log fails.
func (q *runningQuery) storeRecord(c operators.Change) (*kgo.Record, string, error) {
	if row, ok := c.PreparedRow(); ok {
		if q.prepLog == nil {
			return nil, q.changelog, errors.New("a Prepare-Last change of a query without that store")
		}
		r, err := q.prepLog.record(q, c, row)
		return r, q.prepLog.topic, err
	}
	if q.aggLog == nil {
		return nil, q.changelog, fmt.Errorf("a state change of key %q of a query without an aggregate store", c.Key)
	}
	r, err := q.aggLog.changeRecord(q, c)
	return r, q.aggLog.topic, err
}

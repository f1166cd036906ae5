package ksqldb

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// A push query whose topology writes a joined row to a repartition topic
// and reads it back in a later sub-topology, a chain's result rekeyed
// between two joins (the later join's <L_...>Join-repartition) or a
// table-table join's result grouped by its aggregation
// (Aggregate-GroupBy-repartition), has those topics under its transient
// application id (QueryBuilder.buildTransientQuery builds the persistent
// query's steps; planner.PlanTransient), written with the persistent
// query's records (joinstages.go). As the persistent query's main thread
// does, the processor goes on with each such row at once as it hands it
// out (operators.OutRow.Stage, GroupBy), so nothing reads the topics back.

// internal writes the internal record of o, a joined row the aggregation
// groups or a chain's result so far rekeyed for a later join
// (operators.OutRow.Stage), to its repartition topic, or an entry of a
// chain's foreign-key join's output store (operators.OutRow.FKStore) to
// its changelog (fkstorelog.go), and reports whether o was one (the
// client gets no such row); a query without that topic drops it.
func (ps *pushStores) internal(ctx context.Context, in *kgo.Record, o operators.OutRow) bool {
	if !o.GroupBy && o.Stage == 0 && !o.FKStore {
		return false
	}
	if ps == nil {
		return true
	}
	q, js := ps.rq, ps.rq.jstages
	switch {
	case o.FKStore && q.fkLog != nil:
		rec, err := q.fkLog.record(q, o)
		if err != nil {
			q.srv.processingError(q.info.ID, in, &serializeError{topic: q.fkLog.topic, err: err})
			return true
		}
		ps.cl.Produce(ctx, rec, ps.errs.promise)
	case js == nil:
	case o.GroupBy && js.groupBy != nil:
		js.writeGroupBy(q, in, o, func(rec *kgo.Record) { ps.cl.Produce(ctx, rec, ps.errs.promise) })
	case o.Stage > 0:
		if rec := js.staged(q, in, o); rec != nil {
			ps.cl.Produce(ctx, rec, ps.errs.promise)
		}
	}
	return true
}

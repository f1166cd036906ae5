package ksqldb

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// A push query aggregating a table-table join, or a chain of them, runs the persistent
// aggregation's steps under its transient application id (QueryBuilder.
// buildTransientQuery; planner.PlanTransient): the join's results
// go, as Changes of a result's previous and new Prepare rows, through
// Aggregate-GroupBy-repartition (joinStages.writeGroupBy), the Prepare
// rows are kept in Aggregate-Prepare-Last and the aggregate in
// Aggregate-Aggregate-Materialize, each logged to its changelog with the
// persistent query's records (preparelast.go, aggstore.go). One
// aggregating a join of a stream with tables or streams, alone or chained, has no
// Prepare store: its joined rows go through Aggregate-GroupBy-repartition
// where it groups by anything but the result's key, and its aggregate is
// kept in Aggregate-Aggregate-Materialize, as the persistent query's. As the
// persistent query's main thread does, the processor aggregates each
// result at once as it hands it to the repartition topic, so nothing
// reads the topic back; nor are the changelogs read back, as a transient
// query is never restored.

// logAggregate writes the Prepare-Last or aggregate store record of change
// c that processing in made; one that cannot be serialized goes to the
// processing log.
func (ps *pushStores) logAggregate(ctx context.Context, in *kgo.Record, c operators.Change) {
	rec, topic, err := ps.rq.storeRecord(c)
	if err != nil {
		ps.rq.srv.processingError(ps.rq.info.ID, in, &serializeError{topic: topic, err: err})
		return
	}
	if rec != nil {
		ps.cl.Produce(ctx, rec, ps.errs.promise)
	}
}

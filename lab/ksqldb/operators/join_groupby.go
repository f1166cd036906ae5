package operators

import "slices"

// groupByJoined hands an aggregation of a join its joined row r: ksqlDB
// writes the row, grouped, to the aggregation's repartition topic
// (planner.Repartition), and the aggregation reads it back from there.
// Here the row goes out first, marked GroupBy, for the query to write,
// and is aggregated at once, before any later input, as ksqlDB's test
// driver forwards a repartition's records. The query applies WHERE and
// drops a row with a null grouping value as the repartition does, logging
// what they throw; what they throw here is dropped.
//
// A table's update (a table-table join's result) goes out with the
// result's previous row that the aggregation took, as KTableRepartitionMap
// forwards a Change of the old and new values.
func (p *Processor) groupByJoined(r InRow, changelog bool) ([]OutRow, []Change) {
	var prior []any
	if p.plan.Source.Table {
		prior = p.srcRows[r.SrcKey] // a row of its own (keptRow)
	}
	outs, changes := p.processScope(r, changelog)
	// the query's repartition filters and groups the row again, and logs
	// what that throws (see planner.Plan.StepFailures)
	p.plan.WhereFailures.Take()
	p.plan.Agg.GroupFailures.Take()
	if r.Tombstone && prior == nil && r.Old == nil {
		return outs, changes
	}
	g := OutRow{TS: r.TS, GroupBy: true, Tombstone: r.Tombstone, Prior: prior, OldResult: r.Old}
	if !r.Tombstone {
		g.Vals = slices.Clone(r.Vals)
	}
	return append([]OutRow{g}, outs...), changes
}

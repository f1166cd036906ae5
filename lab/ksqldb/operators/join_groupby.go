package operators

import "slices"

// groupByJoined hands an aggregation of a join its joined row r: ksqlDB
// writes the row, grouped, to the aggregation's repartition topic
// (planner.Repartition), and the aggregation reads it back from there.
// Here the row goes out first, marked GroupBy, for the query to write,
// and is aggregated at once, before any later input, as ksqlDB's test
// driver forwards a repartition's records. The query applies WHERE and
// drops a row with a null grouping value as the repartition does.
func (p *Processor) groupByJoined(r InRow, changelog bool) ([]OutRow, []Change) {
	outs, changes := p.processScope(r, changelog)
	if r.Tombstone {
		return outs, changes
	}
	return append([]OutRow{{Vals: slices.Clone(r.Vals), TS: r.TS, GroupBy: true}}, outs...), changes
}

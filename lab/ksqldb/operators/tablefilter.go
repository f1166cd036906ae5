package operators

import "slices"

// A table's WHERE sees its rows' old values too: ksqlDB evaluates the
// predicate in a transformValues ahead of the filter (TableFilterBuilder),
// and the filter asks it for old values, which the materialized source
// grants (apache/kafka 3.9 KTableFilter's constructor), so each change
// evaluates the predicate on its new row and then on the key's old row
// (KTableTransformValues.process). The old row's result changes nothing
// here (whether the key had a result is Materialized's); what it throws
// is logged, so a plan whose WHERE logs (planner.Plan.WhereFailures over
// a table) keeps each key's last source row.

// filterOld evaluates WHERE over the old source row of r's key, for what
// it throws, and keeps r's row as the key's; nothing where the plan's
// WHERE does not log.
//
// A table-table join's filter sees old values too, the join's result
// before the update (apache/kafka 3.9 KTableKTableJoinMerger sends them),
// which the join gives as r.Old.
func (p *Processor) filterOld(r InRow) {
	if p.plan.WhereFailures == nil {
		return
	}
	if p.plan.Join != nil {
		if r.Old != nil {
			p.Pass(r.Old)
		}
		return
	}
	old, had := p.srcRows[r.SrcKey]
	if r.Tombstone {
		delete(p.srcRows, r.SrcKey)
	} else {
		p.srcRows[r.SrcKey] = r.Vals // the decoder gives a table row of its own
	}
	if !had {
		return
	}
	// the pseudo columns and key columns are added after the source's
	// store, in the context of the record at hand: the old row's ROWTIME
	// is its time (SourceBuilder's AddRemainingPseudoAndKeyCols)
	rowtime := len(p.plan.Source.Schema.Cols)
	old = slices.Clone(old)
	old[rowtime] = r.Vals[rowtime]
	p.Pass(old)
}

// restoreSourceRow keeps row, read back from a table's store, as its
// key's last source row where the plan's WHERE logs.
func (p *Processor) restoreSourceRow(srcKey string, row []any, deleted bool) {
	if p.plan.WhereFailures == nil {
		return
	}
	if deleted {
		delete(p.srcRows, srcKey)
		return
	}
	p.srcRows[srcKey] = row
}

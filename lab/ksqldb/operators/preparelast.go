package operators

// An aggregation of a table-table join keeps each join result's row that
// passes WHERE, as ksqlDB keeps its Prepare row in the
// Aggregate-Prepare-Last store (planner.PrepareLast): the row the
// aggregation takes out of its group when the result changes. Each put
// and delete is a change the query logs to the store's changelog
// (PreparedRow), and a restart reads the rows back (RestorePrepared).

// applyTableRow applies an update of a table-table join's result r to its
// groups: the result's previous row is taken out, the new one, where it
// passes WHERE, added and kept.
func (p *Processor) applyTableRow(r InRow, changelog bool) {
	prev, had := p.srcRows[r.SrcKey]
	if had {
		p.apply(prev, nil, p.groupTask(r.Task), -1)
	}
	if !r.Tombstone && p.Pass(r.Vals) {
		kept := p.keptRow(r.Vals)
		p.apply(kept, nil, p.groupTask(r.Task), +1) // a null grouping value: kept, in no group
		p.srcRows[r.SrcKey] = kept
		if changelog {
			p.changes = append(p.changes, Change{Key: "s" + r.SrcKey, row: kept, prepared: true, TS: r.TS})
		}
		return
	}
	if had {
		delete(p.srcRows, r.SrcKey)
		if changelog {
			p.changes = append(p.changes, Change{Key: "s" + r.SrcKey, row: prev, del: true, prepared: true, TS: r.TS})
		}
	}
}

// PreparedRow is the joined row a change puts in the Prepare-Last store,
// or where it deletes the result's row (Deleted), the row it deletes; ok
// is false for a change of another store.
func (c Change) PreparedRow() (row []any, ok bool) {
	if !c.prepared {
		return nil, false
	}
	return c.row, true
}

// RestorePrepared keeps row, read back from the Prepare-Last store, as the
// row of the join result keyed keys (planner.PrepareLast.Keys); a nil row
// forgets the result's row. The row holds the Prepare step's columns and
// the keys at KeyFrom, enough for the aggregation and its repartition to
// take it out again. The caller holds p.mu.
func (p *Processor) RestorePrepared(keys, row []any) {
	srcKey := EncodeVals(keys)
	if row == nil {
		delete(p.srcRows, srcKey)
		return
	}
	p.srcRows[srcKey] = row
}

package operators

import (
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// The output store of a foreign-key join that starts an N-way join
// (planner.ForeignKeyStore): Kafka Streams' KTableSource after the join's
// ResponseJoinProcessorSupplier puts every answer the join resolves for a
// left key, the joined row or, where there is no result, null; the store's
// cache writes a null for a key it does not hold to neither the store nor
// its changelog (CachingKeyValueStore.putAndMaybeForward), so a tombstone
// is logged only where the store held a result. The entries go out as
// OutRows marked FKStore, before the results the same update makes.
//
// An answer's time is the subscription's (SubscriptionJoinProcessorSupplier):
// for a left row's update, the later of its time and that of the right row
// it finds (for a delete, the right row its old foreign key pointed at);
// for a right row's update, the right record's own time
// (ForeignTableJoinProcessorSupplier forwards each subscriber's answer
// with it).

// putForeignKeyStore appends to outs the store entry of left key pk's
// answer to update r, lrow and rrow being the rows the answer joins (nil
// where there is none), oldRight, for a left row's delete, the right row
// its foreign key pointed at.
func (p *Processor) putForeignKeyStore(outs []OutRow, r InRow, pk string, lrow, rrow, oldRight []any) []OutRow {
	jp, fk := p.plan.Join, p.join.fk
	exists := lrow != nil && (rrow != nil || jp.Steps[0].Type == sql.LeftJoin)
	if !exists && !fk.stored[pk] {
		return outs
	}
	from := rrow
	switch {
	case r.Leaf == 1:
		from = nil
	case lrow == nil:
		from = oldRight
	}
	row := make([]any, jp.Width)
	switch {
	case lrow != nil:
		copy(row[jp.Leaves[0].Base:], lrow)
	case r.Leaf == 0: // a deleted left row: its key is in the tombstone
		copy(row[jp.Leaves[0].Base:], r.Vals)
	}
	o := OutRow{Vals: row, TS: answerTime(r.TS, from), Tombstone: !exists, FKStore: true}
	if !exists {
		delete(fk.stored, pk)
		return append(outs, o)
	}
	if rrow != nil {
		copy(row[jp.Leaves[1].Base:], rrow)
	}
	fk.stored[pk] = true
	return append(outs, o)
}

// detachForeignKeyStore appends to outs the store entry a LEFT JOIN's left
// row r puts when its update takes it away from the right key old it
// pointed at (oldRight, that key's row): Kafka Streams'
// SubscriptionSendProcessorSupplier.leftJoinInstructions sends the old key
// DELETE_KEY_AND_PROPAGATE, answered with no right value, which
// ResponseJoinProcessorSupplier joins with the current left row, before
// the new key's answer. A delete's answer is the tombstone the update's
// own answer puts.
func (p *Processor) detachForeignKeyStore(outs []OutRow, r InRow, old string, oldRight []any) []OutRow {
	jp := p.plan.Join
	if r.Tombstone || jp.Steps[0].Type != sql.LeftJoin {
		return outs
	}
	if enc, ok := p.foreignKeyOf(r.Vals); ok && enc == old {
		return outs
	}
	return p.putForeignKeyStore(outs, InRow{Vals: r.Vals, SrcKey: r.SrcKey, TS: answerTime(r.TS, oldRight)}, r.SrcKey, r.Vals, nil, nil)
}

// answerTime is the later of ts and the ROWTIME of row, or ts where row is
// nil.
func answerTime(ts int64, row []any) int64 {
	if rowTime, ok := rowTimeOf(row); ok {
		return max(ts, rowTime)
	}
	return ts
}

// rowTimeOf is the ROWTIME of a table's row as the join keeps it (the
// source's columns, then the pseudo columns), false for a nil row.
func rowTimeOf(row []any) (int64, bool) {
	if row == nil {
		return 0, false
	}
	t, ok := row[len(row)-len(expr.PseudoColumns)].(int64)
	return t, ok
}

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
// OutRows marked FKStore, each before the result its answer makes.
//
// An answer's time is the subscription's (SubscriptionJoinProcessorSupplier):
// for a left row's update, the later of its time and that of the right row
// it finds (for a delete, the right row its old foreign key pointed at);
// for a right row's update, the right record's own time
// (ForeignTableJoinProcessorSupplier forwards each subscriber's answer
// with it).

// putForeignKeyStore appends to outs the store entry of left key pk's
// answer to update r at time ts, lrow and rrow being the rows the answer
// joins (nil where there is none); the caller leaves out a tombstone for
// a key the store does not hold.
func (p *Processor) putForeignKeyStore(outs []OutRow, r InRow, pk string, lrow, rrow []any, ts int64) []OutRow {
	jp := p.plan.Join
	exists := lrow != nil && (rrow != nil || jp.Steps[0].Type == sql.LeftJoin)
	row := make([]any, jp.Width)
	switch {
	case lrow != nil:
		copy(row[jp.Leaves[0].Base:], lrow)
	case r.Leaf == 0: // a deleted left row: its key is in the tombstone
		copy(row[jp.Leaves[0].Base:], r.Vals)
	}
	if exists && rrow != nil {
		copy(row[jp.Leaves[1].Base:], rrow)
	}
	return append(outs, OutRow{Vals: row, TS: ts, Tombstone: !exists, FKStore: true})
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

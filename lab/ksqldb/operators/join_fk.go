package operators

import (
	"maps"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Foreign-key table-table joins (the docs' "Semantics of Foreign-Key
// Table-Table Joins"), alone or starting an N-way join of tables, as Kafka
// Streams 3.9 runs them (KTableImpl.doJoinOnForeignKey): a left row's
// update subscribes it to the right key its foreign key points at, with
// instructions that say which answers come back
// (SubscriptionSendProcessorSupplier); a right row's update answers every
// left row subscribed to its key (ForeignTableJoinProcessorSupplier); and
// each answer, a right row or none, is joined with the current left row
// into the join's result, a tombstone where an [INNER] JOIN's answer has
// no right row or the left row is gone (ResponseJoinProcessorSupplier).
//
// ksqlDB's foreign-key extractor wraps the key it computes, null or not
// (KsqlKeyExtractor: GenericKey.genericKey), so the instructions never see
// a null foreign key: a null one is compared by its serialized form, null
// bytes, and goes out as a null record key, which
// SubscriptionReceiveProcessorSupplier drops unless the instruction is
// PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, answered with no right row.
// A right table keyed in DELIMITED writes it as zero bytes, which its key
// deserializer refuses as the right side reads the subscription: Kafka
// Streams skips the record, and a null foreign key is never answered
// (confluentinc/ksql v7.9.0 KsqlDelimitedSerializer,
// KsqlDelimitedDeserializer; apache/kafka 3.9.0-rc3
// RecordDeserializer.handleDeserializationFailure, as ksqlDB's
// LogMetricAndContinueExceptionHandler continues).

// fkAnswer is one answer the join resolves for a left row: the right row
// (nil for none) and the answer's time.
type fkAnswer struct {
	right []any
	ts    int64
}

// processForeignKey handles an update of any table of a foreign-key join
// or of an N-way join that starts with one (LogicalPlanner.verifyForeignKeyJoin
// allows a foreign-key join only first): the primary-key joins after it
// join the foreign-key join's result, keyed by the left table's key, with
// their tables' rows.
func (p *Processor) processForeignKey(r InRow, changelog bool) ([]OutRow, []Change) {
	js := p.join
	fk := js.fk
	lt, rt := js.tables[0], js.tables[1]
	k := r.SrcKey
	var outs []OutRow
	var changes []Change
	switch {
	case r.Leaf == 1:
		// every subscriber, in key order, at the right record's time
		// (ForeignTableJoinProcessorSupplier forwards with its context)
		js.updateTable(r)
		for _, pk := range slices.Sorted(maps.Keys(fk.refs[k])) {
			outs, changes = p.answerForeignKey(outs, changes, r, pk, fkAnswer{rt[k], r.TS}, changelog)
		}
		return outs, changes
	case r.Leaf > 1: // a table of a primary-key join after the foreign-key one
		old := p.oldForeignKeyResult(k)
		js.updateTable(r)
		return p.emitForeignKey(outs, changes, r, k, true, r.TS, false, changelog, old)
	}
	prev := lt[k]
	if prev != nil && p.plan.JoinFailures != nil {
		// the subscription's sender extracts the old row's foreign key
		// before the new row's (SubscriptionSendProcessorSupplier), and
		// logs what that throws
		p.foreignKeyOf(prev)
	}
	var nu string
	nuOK := false
	if !r.Tombstone {
		nu, nuOK = p.foreignKeyOf(r.Vals)
	}
	answers := p.leftAnswers(r, prev != nil, nu, nuOK)
	js.updateTable(r)
	p.subscribe(r, nu, nuOK)
	for _, a := range answers {
		outs, changes = p.answerForeignKey(outs, changes, r, k, a, changelog)
	}
	return outs, changes
}

// leftAnswers are the answers a left row's update r gets, had is whether
// the row existed before, nu its encoded foreign key where nuOK: SubscriptionSendProcessorSupplier's
// leftJoinInstructions for a LEFT JOIN, else defaultJoinInstructions, as
// SubscriptionJoinProcessorSupplier answers them, each at the later of the
// update's time and the right row's it finds (confluentinc/kafka
// v7.9.4-ccs, CP 7.9.4's, with KAFKA-18713 and KAFKA-16407: an old key is
// unsubscribed unanswered but for an [INNER] JOIN's delete, and an
// [INNER] JOIN's unchanged key is answered only with a right row). It
// reads the subscriptions and tables as they were before r.
func (p *Processor) leftAnswers(r InRow, had bool, nu string, nuOK bool) []fkAnswer {
	jp, fk, rt := p.plan.Join, p.join.fk, p.join.tables[1]
	old, oldOK := fk.fkOf[r.SrcKey] // a null foreign key has no subscription
	// DELETE_KEY_AND_PROPAGATE to the old key: no right row
	deleted := func() fkAnswer { return fkAnswer{nil, answerTime(r.TS, rt[old])} }
	// PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE to the new key: its row or none
	propagate := func() fkAnswer {
		if !nuOK {
			return fkAnswer{nil, r.TS}
		}
		return fkAnswer{rt[nu], answerTime(r.TS, rt[nu])}
	}
	// an update's null foreign key whose subscription the right side
	// cannot read (a delete's goes out as null bytes, which it reads)
	lost := !r.Tombstone && !nuOK && fk.nullLost
	// PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE to the new key: its row, if any
	onlyIfFound := func() []fkAnswer {
		if nuOK && rt[nu] != nil {
			return []fkAnswer{propagate()}
		}
		return nil
	}
	var answers []fkAnswer
	switch {
	case !had && r.Tombstone:
	case jp.Steps[0].Type == sql.LeftJoin:
		// a changed key (a delete's being null) is unsubscribed first
		// with DELETE_KEY_NO_PROPAGATE, not answered (KAFKA-18713)
		if !lost {
			answers = append(answers, propagate())
		}
	case !had:
		answers = onlyIfFound()
	case r.Tombstone:
		if oldOK {
			answers = append(answers, deleted())
		}
	case oldOK == nuOK && nu == old:
		// an unchanged key, null ones too (KAFKA-16407)
		answers = onlyIfFound()
	case !lost:
		// the old key's DELETE_KEY_NO_PROPAGATE is not answered
		answers = append(answers, propagate())
	}
	return answers
}

// subscribe moves a left row's subscription to the foreign key of its
// update r, nu where nuOK, none for a delete or a null foreign key.
func (p *Processor) subscribe(r InRow, nu string, nuOK bool) {
	fk := p.join.fk
	k := r.SrcKey
	if old, ok := fk.fkOf[k]; ok {
		delete(fk.refs[old], k)
		if len(fk.refs[old]) == 0 {
			delete(fk.refs, old)
		}
		delete(fk.fkOf, k)
	}
	if nuOK {
		fk.fkOf[k] = nu
		if fk.refs[nu] == nil {
			fk.refs[nu] = map[string]bool{}
		}
		fk.refs[nu][k] = true
	}
}

// answerForeignKey joins answer a with left key pk's current row into the
// foreign-key join's result and passes it on. The result of a join of two
// tables is not materialized (ForeignKeyTableTableJoinBuilder: Materialized
// without a store name), so every result goes out, a tombstone too
// (fk-join.json "Should support inner join with left value-column
// expression" deletes a left row whose result was gone); where joins
// follow, it is put to the join's output store, whose cache passes on no
// tombstone for a key it does not hold (CachingKeyValueStore).
func (p *Processor) answerForeignKey(outs []OutRow, changes []Change, r InRow, pk string, a fkAnswer, changelog bool) ([]OutRow, []Change) {
	jp, fk := p.plan.Join, p.join.fk
	lrow := p.join.tables[0][pk]
	exists := lrow != nil && (a.right != nil || jp.Steps[0].Type == sql.LeftJoin)
	_, held := fk.held[pk]
	nway := len(jp.Steps) > 1
	if nway && !exists && !held {
		return outs, changes
	}
	if fk.logged {
		outs = p.putForeignKeyStore(outs, r, pk, lrow, a.right, a.ts)
	}
	old := p.oldForeignKeyResult(pk)
	if exists {
		fk.held[pk] = a.ts
		if fk.stored != nil {
			fk.stored[pk] = fkAnswerRows{lrow, a.right}
		}
	} else {
		delete(fk.held, pk)
		delete(fk.stored, pk)
	}
	// a right row's tombstone for a key it never had is left alone
	return p.emitForeignKey(outs, changes, r, pk, a.right != nil, a.ts, !nway && r.Leaf == 0, changelog, old)
}

// fkAnswerRows are the left and right rows of a foreign-key join's
// answer, the right one nil for none.
type fkAnswerRows struct{ left, right []any }

// oldForeignKeyResult is the N-way join's result for left key pk before
// the update at hand, nil for none, where a WHERE after it logs what it
// throws on old results (fkState.stored): the primary-key joins after the
// foreign-key one ask their parents for old values with forced
// materialization (apache/kafka 3.9.0-rc3
// KTableKTableAbstractJoin.enableSendingOldValues), so the foreign-key
// join's output store sends the answer it held (KTableSource.process),
// and each join step joins a change's old value with the other side's
// current row (KTableKTableInnerJoin.process and its kin): the answer
// the store holds joined with the later tables' rows as they are before
// the update. Call it before a later table takes its update.
func (p *Processor) oldForeignKeyResult(pk string) []any {
	fk := p.join.fk
	if fk.stored == nil {
		return nil
	}
	ans := fk.stored[pk]
	included, exists := p.foreignKeyChain(pk, ans.left, ans.right)
	if !exists {
		return nil
	}
	old := make([]any, p.plan.Join.Width)
	key, _ := p.foreignKeyRow(old, included, pk, ans.left, ans.right, 0)
	old[p.plan.Join.KeySlot] = key
	return old
}

// foreignKeyChain folds the joins over left key pk, the foreign-key
// join's result joining lrow and rrow (nil where there is none), with the
// later tables' rows: it reports which leaves the result holds and
// whether there is a result.
func (p *Processor) foreignKeyChain(pk string, lrow, rrow []any) ([]bool, bool) {
	jp, js := p.plan.Join, p.join
	included := js.fk.in
	exists := lrow != nil && (rrow != nil || jp.Steps[0].Type == sql.LeftJoin)
	included[0], included[1] = exists, exists && rrow != nil
	for _, st := range jp.Steps[1:] {
		right := js.tables[st.Right][pk] != nil
		if !exists {
			clear(included[:st.Right])
		}
		included[st.Right] = right
		exists = joinExists(st.Type, exists, right)
	}
	return included, exists
}

// foreignKeyRow copies into row the rows of left key pk's result that
// the leaves included hold, the foreign-key join's being lrow and rrow.
// It returns the key the left row or a later table's row holds (nil for
// none) and the latest of ts and the later tables' rows' times: the
// foreign-key join's result counts with the time of the answer that put
// it.
func (p *Processor) foreignKeyRow(row []any, included []bool, pk string, lrow, rrow []any, ts int64) (any, int64) {
	jp, js := p.plan.Join, p.join
	var key any
	if lrow != nil {
		copy(row[jp.Leaves[0].Base:], lrow)
		key = lrow[keyColumn(jp.Leaves[0])]
	}
	for leaf, in := range included {
		side := js.tables[leaf][pk]
		if leaf == 1 {
			side = rrow
		}
		if !in || side == nil || leaf == 0 {
			continue
		}
		copy(row[jp.Leaves[leaf].Base:], side)
		if leaf == 1 {
			continue
		}
		if rowTime, ok := rowTimeOf(side); ok {
			ts = max(ts, rowTime)
		}
		if key == nil { // the tables after the foreign-key join are keyed by pk
			key = side[keyColumn(jp.Leaves[leaf])]
		}
	}
	return key, ts
}

// emitForeignKey folds the joins over left key pk, the foreign-key join's
// result holding its right row where withRight, and passes the whole
// join's result on at time ts, the later of it and the times of the rows
// of the joins after the foreign-key one (KTableKTableInnerJoin and its
// kin), the foreign-key join's result counting with the time of the answer
// that put it, with old, the result before the update where WHERE logs
// what it throws on it (oldForeignKeyResult). A result that is gone
// becomes a tombstone where it had a result, or where force.
func (p *Processor) emitForeignKey(outs []OutRow, changes []Change, r InRow, pk string, withRight bool, ts int64, force, changelog bool, old []any) ([]OutRow, []Change) {
	jp, js := p.plan.Join, p.join
	fk := js.fk
	lrow := js.tables[0][pk]
	var rrow []any
	if withRight {
		rrow = js.tables[1][fk.fkOf[pk]]
	}
	included, exists := p.foreignKeyChain(pk, lrow, rrow)
	if held, ok := fk.held[pk]; ok && r.Leaf > 1 && included[0] {
		ts = max(ts, held)
	}
	if !exists && !fk.result[pk] && !force {
		return outs, changes
	}
	row := js.row
	clear(row)
	// the left row's key columns, which a result of a table keyed by
	// several reads, are in the row whether or not the row is in the
	// result (a deleted left row's are in its tombstone)
	if lrow == nil && r.Leaf == 0 {
		copy(row[jp.Leaves[0].Base:], r.Vals)
	}
	key, ts := p.foreignKeyRow(row, included, pk, lrow, rrow, ts)
	if key == nil && r.Leaf != 1 { // a deleted row: its key is in the tombstone
		key = r.Vals[keyColumn(jp.Leaves[r.Leaf])]
	}
	row[jp.KeySlot] = key
	if exists {
		fk.result[pk] = true
	} else {
		delete(fk.result, pk)
	}
	if !force && !p.resultExisted(row, exists, r.Task) {
		return outs, changes
	}
	o, c := p.processRow(InRow{Vals: row, SrcKey: pk, Tombstone: !exists, TS: ts, Old: old}, changelog)
	return append(outs, o...), append(changes, c...)
}

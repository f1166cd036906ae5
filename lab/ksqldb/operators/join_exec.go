package operators

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Running joins: the processor's join state, the batch loop of a join query
// and how it reads its several topics (see join.go for the planning).

// joinState is a join processor's state: each table side's current rows by
// task and encoded PRIMARY KEY (rowKey), laid out as that source's input
// row.
type joinState struct {
	tables map[int]map[string][]any
	// byTask: the tables' rows are kept per task, as Kafka Streams keeps
	// a table's store (KTableSource puts a row through the store of the
	// task processing the record) and a join looks it up (the
	// KTableSourceValueGetter of KStreamKTableJoinProcessor and
	// KTableKTableJoinProcessor is inited with the task's context, so it
	// reads the task's store alone): every join but a foreign-key one,
	// whose subscriptions reach the right table's rows wherever they are
	// here (see join_fk.go)
	byTask bool
	rowBuf []byte // rowKey's
	row    []any  // the joined row, reused: nothing keeps it past processRow
	key    [1]any
	keyBuf []byte
	// wins are, per task (InRow.Task), each stream-stream step's state
	// by step (see join_window.go); nil for a join without such steps
	wins map[int32][]*windowState
	fk   *fkState // foreign-key joins
}

// fkState indexes a foreign-key join's left rows by the right key they
// point at, Kafka Streams' subscriptions (see join_fk.go).
type fkState struct {
	refs   map[string]map[string]bool // encoded foreign key -> left keys
	fkOf   map[string]string          // left key -> its encoded non-null foreign key
	result map[string]bool            // left keys that have a result of the whole join
	in     []bool                     // emitForeignKey's scratch: which leaves a result holds
	// held are the left keys the foreign-key join itself has a result
	// for, with the time of the answer that put it
	held map[string]int64
	// logged: the join's output store has a changelog (see join_fkstore.go)
	logged bool
	// stored are the rows of the answer the join's output store holds
	// per left key, where a WHERE after an N-way join logs what it throws
	// on old results (see oldForeignKeyResult); nil elsewhere
	stored map[string]fkAnswerRows
	// nullLost: a null foreign key's subscription never reaches the
	// right table (see leftAnswers)
	nullLost bool
}

func newJoinState(p *planner.Plan) *joinState {
	jp := p.Join
	if jp == nil {
		return nil
	}
	js := &joinState{tables: map[int]map[string][]any{}, row: make([]any, jp.Width), byTask: !jp.ForeignKey()}
	if jp.Windowed() {
		js.wins = map[int32][]*windowState{}
	}
	if jp.ForeignKey() {
		js.fk = &fkState{refs: map[string]map[string]bool{}, fkOf: map[string]string{}, result: map[string]bool{},
			in: make([]bool, len(jp.Leaves)), held: map[string]int64{}, logged: (p.Persistent || p.LogsFKStore) && len(jp.Steps) > 1,
			nullLost: jp.Leaves[1].Source.KeyFormat == formats.Delimited}
		if len(jp.Steps) > 1 && p.WhereFailures != nil {
			js.fk.stored = map[string]fkAnswerRows{}
		}
	}
	for i, l := range jp.Leaves {
		if l.Source.Table {
			js.tables[i] = map[string][]any{}
		}
	}
	return js
}

// winsOf are a task's stream-stream steps' states by step, new at the
// task's first record: Kafka Streams keeps each step's stores and stream
// time per task (KStreamImplJoin's TimeTrackerSupplier hands each task
// its own TimeTracker).
func (p *Processor) winsOf(task int32) []*windowState {
	js := p.join
	if wins, ok := js.wins[task]; ok {
		return wins
	}
	steps := p.plan.Join.Steps
	wins := make([]*windowState, len(steps))
	for i, st := range steps {
		if st.Within != nil {
			wins[i] = newWindowState()
		}
	}
	js.wins[task] = wins
	return wins
}

// ProcessJoin handles one decoded row of a join's source r.leaf; the caller
// holds p.mu. A table row updates that table's state (a tombstone deletes the
// key) and produces nothing; a stream row looks each table up by its join
// key: no match drops it ([INNER] JOIN) or leaves the table's columns null
// (LEFT JOIN), as the docs' "Semantics of Stream-Table Joins" table shows.
func (p *Processor) ProcessJoin(r InRow, changelog bool) ([]OutRow, []Change) {
	jp, js := p.plan.Join, p.join
	if js.wins != nil {
		return p.processJoinWindow(r, changelog)
	}
	if jp.ForeignKey() {
		return p.processForeignKey(r, changelog)
	}
	if jp.TableTable() {
		return p.processTableJoin(r, changelog)
	}
	if _, ok := js.tables[r.Leaf]; ok {
		js.updateTable(r)
		return nil, nil
	}
	if r.Leaf != 0 || r.Tombstone {
		return nil, nil
	}
	row := js.row
	clear(row)
	copy(row[jp.Leaves[0].Base:], r.Vals)
	var stages []OutRow
	task := r.Task
	for from := 0; ; {
		to := p.stageEnd(from)
		if !p.lookupTables(row, jp.Steps[from:to], task) {
			return stages, nil
		}
		if to == len(jp.Steps) {
			break
		}
		// the result so far, rekeyed for step to: the query writes it to
		// that step's repartition topic, and the join goes on with it at
		// once, before any later input, as ksqlDB's test driver forwards
		// a repartition's records, in the task of the partition it goes to
		stages = append(stages, OutRow{Vals: slices.Clone(row), TS: r.TS, Stage: to})
		task = p.stageTask(&stages[len(stages)-1], task)
		from = to
	}
	outs, changes := p.processRow(InRow{Vals: row, TS: r.TS, Task: task}, changelog)
	if stages != nil {
		outs = append(stages, outs...)
	}
	return outs, changes
}

// stageTask is the task that goes on with Stage row o, the joined row
// at the step whose left input the query rekeys through a repartition
// topic: the partition of that topic the row's record goes to
// (StageTask, which makes the record), task itself where the query has
// not given one.
func (p *Processor) stageTask(o *OutRow, task int32) int32 {
	if p.StageTask == nil {
		return task
	}
	return p.StageTask(o, task)
}

// stageEnd is the first step after from whose left input the query
// rekeys through a chain repartition (planner.JoinRepartition.Step), or
// the number of steps.
func (p *Processor) stageEnd(from int) int {
	end := len(p.plan.Join.Steps)
	for _, rp := range p.plan.JoinRepartitions {
		if rp.Step > from && rp.Step < end {
			end = rp.Step
		}
	}
	return end
}

// updateTable applies a table side's row to the state of its task.
func (js *joinState) updateTable(r InRow) {
	t := js.tables[r.Leaf]
	k := js.rowKey(r.Task, r.SrcKey)
	if r.Tombstone {
		delete(t, string(k))
	} else {
		t[string(k)] = r.Vals
	}
}

// rowKey is the key of a table's row of encoded key key in the store of
// task (byTask), else key itself, in js.rowBuf: valid until the next call.
func (js *joinState) rowKey(task int32, key string) []byte {
	js.rowBuf = js.rowBuf[:0]
	if js.byTask {
		js.rowBuf = taskGroupKey(js.rowBuf, task)
	}
	js.rowBuf = append(js.rowBuf, key...)
	return js.rowBuf
}

// lookupTables joins the joined row with the tables of steps, stream-table
// joins one after the other, each table's rows of task, and sets the row's
// join key to the last one's.
// It reports false when the row is dropped: an [INNER] JOIN found nothing
// (a row whose join key is null finds nothing, rekeyed or not: Kafka
// Streams' repartition filter passes a null key on, and
// KStreamKTableJoinProcessor pads such a record in a LEFT JOIN).
func (p *Processor) lookupTables(row []any, steps []planner.JoinStep, task int32) bool {
	jp, js := p.plan.Join, p.join
	var key any
	for _, st := range steps {
		key = st.LeftKey.Eval(row)
		var match []any
		if key != nil {
			js.key[0] = key
			js.keyBuf = appendVals(js.keyBuf[:0], js.key[:])
			match = p.lookupTable(st, row, js.rowKey(task, string(js.keyBuf)))
		}
		if match == nil {
			if st.Type == sql.InnerJoin {
				return false
			}
			continue
		}
		copy(row[jp.Leaves[st.Right].Base:], match)
	}
	row[jp.KeySlot] = key
	return true
}

// lookupTable is the row of step st's table for the key key (rowKey)
// of the joined row, nil for none. A windowed table is looked up by the
// stream's windowed key: Kafka Streams' KStreamKTableJoinProcessor gets
// the table's value for the record's own key, Windowed<GenericKey> on both
// sides (SourceBuilderV1.buildWindowedTable, confluentinc/ksql v7.9.0;
// Analyzer lets a windowed source join only a windowed one), and the
// table's store holds it by the windowed key's bytes: a time window's key
// and start (TimeWindowedSerializer), so a stream window of another size
// that starts at the same time matches, and a session's key, end and
// start (SessionWindowedSerializer), so a session matches only the same
// session.
func (p *Processor) lookupTable(st planner.JoinStep, row []any, key []byte) []any {
	jp, js := p.plan.Join, p.join
	w := jp.Leaves[st.Right].Source.Window
	if w == nil {
		return js.tables[st.Right][string(key)]
	}
	start, end, ok := leafWindow(jp, st.LeftLeaf(), row)
	if !ok {
		return nil
	}
	match := js.tables[st.Right][string(WindowKey(key, start))]
	if match != nil && w.Type == sql.Session {
		if e, _ := match[len(jp.Leaves[st.Right].Source.Schema.Cols)+len(expr.PseudoColumns)+1].(int64); e != end {
			return nil
		}
	}
	return match
}

// leafWindow is the window of source leaf's row within joined row row,
// false where the source is not windowed or the row holds none of it.
func leafWindow(jp *planner.JoinPlan, leaf int, row []any) (start, end int64, ok bool) {
	l := jp.Leaves[leaf]
	if l.Source.Window == nil {
		return 0, 0, false
	}
	at := l.Base + len(l.Source.Schema.Cols) + len(expr.PseudoColumns)
	start, ok = row[at].(int64)
	end, _ = row[at+1].(int64)
	return start, end, ok
}

// joinExists reports whether a table-table join has a result for a key,
// given which sides have a row for it.
func joinExists(t sql.JoinType, left, right bool) bool {
	switch t {
	case sql.LeftJoin:
		return left
	case sql.RightJoin:
		return right
	case sql.OuterJoin:
		return left || right
	}
	return left && right
}

// processTableJoin handles an update of any table of a chain of
// primary-key table-table joins: the key's result after the update goes
// out, or a tombstone when there was one before and there is none now (the
// docs' "Semantics of Primary-Key Table-Table Joins", each step joining the
// result of the steps before it). The result carries the latest timestamp
// of the rows it joins.
func (p *Processor) processTableJoin(r InRow, changelog bool) ([]OutRow, []Change) {
	jp, js := p.plan.Join, p.join
	k := string(js.rowKey(r.Task, r.SrcKey)) // the rows of the record's task
	row := js.row
	clear(row)
	copy(row[jp.Leaves[r.Leaf].Base:], r.Vals)
	key := jp.TableKey(r.Leaf).Eval(row)
	before, was := tableChain(jp, js, k)
	var old []any // the result before the update, where WHERE logs what it throws
	if before && p.plan.WhereFailures != nil {
		old = make([]any, len(row))
		p.joinedRow(old, was, k, key, 0)
	}
	js.updateTable(r)
	after, included := tableChain(jp, js, k)
	if !before && !after {
		return nil, nil
	}
	if jp.JoinsWindowedTables() {
		// the join forwards a result, which its projection fails to store
		p.fail(ErrWindowedResultKey)
		return nil, nil
	}
	ts := p.joinedRow(row, included, k, key, r.TS)
	if !p.resultExisted(row, after, r.Task) {
		return nil, nil
	}
	return p.processRow(InRow{Vals: row, SrcKey: r.SrcKey, Tombstone: !after, TS: ts, Old: old, Task: r.Task}, changelog)
}

// joinedRow fills row with the result of a chain of primary-key
// table-table joins for key k (rowKey), the rows of the tables included, and its
// join key; it returns the latest of ts and the rows' timestamps.
func (p *Processor) joinedRow(row []any, included []bool, k string, key any, ts int64) int64 {
	jp, js := p.plan.Join, p.join
	clear(row)
	for leaf, in := range included {
		side := js.tables[leaf][k]
		if !in || side == nil {
			continue
		}
		copy(row[jp.Leaves[leaf].Base:], side)
		if rowTime, ok := rowTimeOf(side); ok {
			ts = max(ts, rowTime)
		}
	}
	row[jp.KeySlot] = key
	return ts
}

// tableChain folds a chain of primary-key table-table joins over one key:
// whether it has a result, and which tables' rows the result holds (a
// table on the left of a step whose left side has no result holds none).
func tableChain(jp *planner.JoinPlan, js *joinState, k string) (bool, []bool) {
	included := make([]bool, len(jp.Leaves))
	exists := js.tables[0][k] != nil
	included[0] = exists
	for _, st := range jp.Steps {
		if !exists {
			clear(included[:st.Right])
		}
		right := js.tables[st.Right][k] != nil
		included[st.Right] = right
		exists = joinExists(st.Type, exists, right)
	}
	return exists, included
}

// resultExisted reports, for a table join's row that is gone, whether its
// key had a result to delete (in task's store, where tableTasks): a join result that never existed gets no
// tombstone (ksqlDB's test case "table table join with where clause").
// Rows that exist report true, and so do all where WHERE filters, which
// drops what neither had nor has a result itself (processSimple).
func (p *Processor) resultExisted(row []any, exists bool, task int32) bool {
	if p.plan.Agg != nil || p.plan.Where != nil || exists {
		return true
	}
	k := p.outKey(p.Project(row))
	if p.tableTasks() {
		p.keyBuf = TaskRowKey(p.keyBuf[:0], task, k)
		k = string(p.keyBuf)
	}
	_, had := p.Materialized[k]
	p.plan.Failures.Take() // ksqlDB's select never sees the row (a null value)
	return had
}

// foreignKeyOf is the encoded foreign key of a left row of a foreign-key
// join, false where it is null.
func (p *Processor) foreignKeyOf(vals []any) (string, bool) {
	jp, js := p.plan.Join, p.join
	row := js.row
	clear(row)
	copy(row[jp.Leaves[0].Base:], vals)
	v := jp.Steps[0].LeftKey.Eval(row)
	if v == nil {
		return "", false
	}
	js.key[0] = v
	return string(appendVals(nil, js.key[:])), true
}

// keyColumn is the index of a table leaf's (only) key column in its row.
func keyColumn(l planner.JoinLeaf) int {
	return slices.IndexFunc(l.Source.Schema.Cols, func(c types.Column) bool { return c.Key })
}

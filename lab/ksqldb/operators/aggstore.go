package operators

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// An aggregation of one source keeps its groups in ksqlDB's store layout
// (planner.AggStore): a group's record in the changelog is its grouping
// values, its window, and a row of the non-aggregate columns of the
// latest row it took followed by each call's intermediate value. The
// query encodes them in its formats (see the ksqldb package's
// aggstore.go); this file gives and takes the values.

// AggregateKey is what an aggregate change's changelog key holds: the
// grouping values and, for a windowed aggregation, the window.
type AggregateKey struct {
	Keys       []any
	Windowed   bool
	Start, End int64
}

// Aggregate is the key of an aggregate change, ok false for a change of
// another kind (a source row, a materialized row, a final emit's time).
func (c Change) Aggregate() (AggregateKey, bool) {
	if c.group == nil {
		return AggregateKey{}, false
	}
	g := c.group
	return AggregateKey{Keys: g.keys, Windowed: g.windowed, Start: g.WindowStart, End: g.WindowEnd}, true
}

// Task is the task whose store an aggregate change or a stream-stream
// join's store change is of (the InRow.Task of the rows it holds): its
// changelog record goes to that task's partition. -1 for a group of a
// join's aggregation (groupTask), whose record is partitioned by its key;
// 0 for other changes.
func (c Change) Task() int32 {
	if c.group != nil {
		return c.group.task
	}
	return c.task
}

// Deleted reports a change that removes its key (a tombstone).
func (c Change) Deleted() bool { return c.del }

// EmitClose is the close time of the last final emit that a change of an
// EMIT FINAL aggregation records, ok false for other changes.
func (c Change) EmitClose() (int64, bool) {
	if c.Key != emitKey {
		return 0, false
	}
	return c.closeTime, true
}

// LastEmits are the close times of each task's last final emit, for the
// tasks that made one; the caller holds p.mu.
func (p *Processor) LastEmits() map[int32]int64 {
	out := map[int32]int64{}
	for task, c := range p.clocks {
		if c.lastEmit != noTimestamp {
			out[task] = c.lastEmit
		}
	}
	return out
}

// noteNonAgg copies a row's non-aggregate columns into its group, as
// KudafAggregator and KudafUndoAggregator copy them from every row they
// apply (confluentinc/ksql v7.9.0, ksqldb-execution).
func (p *Processor) noteNonAgg(g *group, row []any) {
	st := p.plan.AggStore
	if st == nil {
		return
	}
	if len(g.nonAgg) != len(st.NonAgg) {
		g.nonAgg = make([]any, len(st.NonAgg))
	}
	for i, idx := range st.NonAgg {
		g.nonAgg[i] = row[idx]
	}
}

// StoreRow is an aggregate change's row in the store: the non-aggregate
// columns, then each KSQL_AGG_VARIABLE_<n>'s intermediate value. The
// caller holds p.mu.
func (p *Processor) StoreRow(c Change) []any {
	st := p.plan.AggStore
	g := c.group
	row := make([]any, 0, len(st.Values))
	if g.nonAgg != nil {
		row = append(row, g.nonAgg...)
	} else {
		row = append(row, make([]any, len(st.NonAgg))...)
	}
	for _, ci := range st.Vars {
		row = append(row, p.plan.Agg.Calls[ci].Intermediate(g.states[ci]))
	}
	return row
}

// RestoreGroup applies one record of the store's changelog: the group of
// k holds row (nil deletes it), its latest record at ts, in the store of
// task (the changelog partition the record was read from).
func (p *Processor) RestoreGroup(k AggregateKey, row []any, ts int64, task int32) error {
	ap, st := p.plan.Agg, p.plan.AggStore
	var b []byte
	switch {
	case ap.Window == nil:
		task = p.groupTask(task)
		b = appendVals(taskGroupKey(nil, task), k.Keys)
	case ap.Window.Kind == sql.Session:
		b = sessionKey(appendVals(taskGroupKey(nil, task), k.Keys), k.Start, k.End)
	default:
		b = WindowKey(appendVals(taskGroupKey(nil, task), k.Keys), k.Start)
	}
	gk := string(b)
	if row == nil {
		delete(p.Groups, gk)
		return nil
	}
	if len(row) != len(st.Values) {
		return fmt.Errorf("aggregate store row of %d columns, want %d", len(row), len(st.Values))
	}
	nonAgg := len(st.NonAgg)
	states := make([]expr.AggState, len(ap.Calls))
	set := make([]bool, len(ap.Calls))
	for i, ci := range st.Vars {
		if set[ci] {
			continue
		}
		s, err := ap.Calls[ci].FromIntermediate(row[nonAgg+i])
		if err != nil {
			return fmt.Errorf("aggregate store %s: %w", st.Values[nonAgg+i].Name, err)
		}
		states[ci], set[ci] = s, true
	}
	if slices.Contains(set, false) {
		return errors.New("aggregate store without a variable for every call")
	}
	g := newGroup(gk, slices.Clone(k.Keys), states)
	g.nonAgg = slices.Clone(row[:nonAgg])
	g.maxTs, g.task = ts, task
	if ap.Window != nil {
		g.windowed, g.WindowStart, g.WindowEnd = true, k.Start, k.End
		if ap.Window.Kind == sql.Session {
			g.maxTs = k.End // a session's rows carry its end
		}
	}
	p.Groups[gk] = g
	return nil
}

// RestoreLastEmit sets the close time of a task's last final emit, read
// back from the metadata of the query's committed offsets.
func (p *Processor) RestoreLastEmit(task int32, t int64) {
	c := p.taskClock(task)
	c.lastEmit = max(c.lastEmit, t)
}

// RestoreSourceRow applies one entry of a table source's store partition
// task to the materialized result of a query projecting the table: the
// row's projection where it passes WHERE, else (and for a deleted key,
// whose row holds its key columns alone) no row for its key in that
// task's store; the row is kept as srcKey's source row where WHERE logs
// (filterOld). The caller holds p.mu.
func (p *Processor) RestoreSourceRow(srcKey string, row []any, deleted bool, ts int64, task int32) {
	vals := p.Project(row)
	k := p.outKey(vals)
	if p.tableTasks() {
		k = string(TaskRowKey(nil, task, k))
		srcKey = string(TaskRowKey(nil, task, srcKey))
	}
	p.restoreSourceRow(srcKey, row, deleted)
	if deleted || !p.Pass(row) {
		p.dropMat(k)
		return
	}
	p.setMat(k, vals, ts)
}

package operators

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// InRow is one decoded input record, laid out as the plan's input scope.
type InRow struct {
	Vals      []any
	SrcKey    string // encoded source key (table sources)
	Tombstone bool
	TS        int64
	Leaf      int // joins: the source the row is of (see join.go)
	// Task is the Kafka Streams task that processes the row: the
	// partition of the input topic, or of the query's repartition topic,
	// it was read from (a windowed aggregation keeps a clock per task)
	Task int32
	// Group, for a row read back from the query's repartition topic, are
	// its grouping values (the record's key); WHERE was applied before
	// the row was written there. Nil for a row of the source.
	Group []any
	// Retract, for a table's row read back from the repartition topic, is
	// the old row the update takes out of the group (nil for none); Vals
	// is the new row, absent for a Tombstone (KTableAggregate's subtract
	// and add of a Change).
	Retract []any
	// NullKey marks a record whose key is null as a whole, not a key of
	// null columns (GenericKeySerDe reads null bytes as a null key); a
	// stream's projection passes that null key on.
	NullKey bool
	// JoinKey, where Rekeyed, is the join key of a stream record with a
	// null value read back from a join's repartition topic: the record's
	// key, as its row holds no value to compute it from.
	JoinKey any
	Rekeyed bool
	// Old, for a result of a chain of primary-key table-table joins whose
	// WHERE logs what it throws, is the key's result before the update
	// (nil for none), which the filter evaluates after the new one
	// (filterOld).
	Old []any
}

// OutRow is one result row in the plan's output schema order.
type OutRow struct {
	Vals      []any
	Tombstone bool
	TS        int64
	// Stage, where not 0, marks the joined row (Vals, in the joined row's
	// layout, its own copy) of a chain's joins before step Stage, which the
	// query writes to that step's repartition topic; it is not a result
	Stage int
	// Staged is, for a Stage row, what the query made of it as the
	// processor handed it over (StageTask): the record it writes to the
	// step's repartition topic, or why it cannot write one; nil where it
	// writes none
	Staged any
	// the window of a Windowed aggregation's row
	Windowed               bool
	WindowStart, WindowEnd int64
	// KeySlot, when not nil, is where the query writing the row may keep
	// its encoded key for the next rows of the same group and window,
	// whose keys are the same (nil while none is kept).
	KeySlot *[]byte
	// NullKey is a result written with a null key: the null key of its
	// input, passed on by a stream's projection (see InRow.NullKey).
	NullKey bool
	// GroupBy marks a joined row (Vals, in the joined row's layout, its
	// own copy) that an aggregation of a join groups, which the query
	// writes to the aggregation's repartition topic; it is not a result
	GroupBy bool
	// JoinKey, for a result of a table-table join, is the join's key
	// (the joined row's KeySlot), which a push query's projection may
	// leave out or rename
	JoinKey any
	// Prior, for a GroupBy row of a table (a table-table join's result),
	// is the result's previous row the aggregation took, nil for none;
	// Vals is the new row, absent for a Tombstone
	Prior []any
	// OldResult, for such a row, is the join's result before the update
	// (InRow.Old), which the aggregation's WHERE evaluates after the new
	// one whether or not it took it; nil for none
	OldResult []any
	// FKStore marks an entry of a foreign-key join's output store
	// (planner.ForeignKeyStore; Vals in the joined row's layout, its own
	// copy), which the query logs to the store's changelog; it is not a
	// result
	FKStore bool
}

// Change is one state-store update for the changelog. It is encoded only
// when written, so a batch encodes just the last state of each Key (which
// names the store entry it changes).
type Change struct {
	Key string
	// row, where prepared (a change of a table-table join aggregation's
	// Prepare-Last store), is the result's joined row (see preparelast.go)
	row      []any
	prepared bool
	group    *group // the new state of an aggregate (see aggstore.go)
	del      bool   // the entry is deleted (tombstone)
	// raw is a stream-stream join's window record in this server's own
	// layout (OwnWindowEntry)
	raw []byte
	// put is a record put in a stream-stream step's window store, outer an
	// update of its outer store, where the processor logs its join stores
	// as ksqlDB's (see join_store.go)
	put   *winRec
	outer *outerEntry
	TS    int64 // the changelog record's timestamp
	// Side is a stream-stream join record's side: 0 for the step's left
	// input, 1 for the stream it joins
	Side int
	// Step is a stream-stream join record's step of the join
	Step int
	// closeTime is an EMIT FINAL change's close time of the last emit
	closeTime int64
	task      int32 // a stream-stream join record's task (Task)
}

// Value is the changelog value of a window record in this server's own
// layout (OwnWindowEntry); nil deletes.
func (c Change) Value() []byte {
	if c.del {
		return nil
	}
	return c.raw
}

type group struct {
	key    string // encoded group key
	logKey string // its Change's Key, "a" + key
	keys   []any
	states []expr.AggState
	nonAgg []any // the non-aggregate columns of the latest row (planner.AggStore)
	// windowed aggregation: the window and the largest timestamp in it
	windowed                      bool
	WindowStart, WindowEnd, maxTs int64
	task                          int32  // the task whose store holds the group (InRow.Task)
	boxed                         [2]any // WindowStart and WindowEnd as row values (see bounds)
	sinkKey                       []byte // the encoded key of its rows (OutRow.KeySlot)
}

// bounds are the window's start and end as row values, boxed once per
// window rather than once per update (a session's bounds move as it grows).
func (g *group) bounds() (start, end any) {
	if s, ok := g.boxed[0].(int64); !ok || s != g.WindowStart || g.boxed[1].(int64) != g.WindowEnd {
		g.boxed = [2]any{g.WindowStart, g.WindowEnd}
	}
	return g.boxed[0], g.boxed[1]
}

// StorePartition is the store partition (task) that holds the
// materialized row of key k: its group's task, or the task of a table's
// row (TaskRowKey); ok is false for a row kept in no task's store here
// (see groupTask). The caller holds p.mu.
func (p *Processor) StorePartition(k string) (task int32, ok bool) {
	if g := p.Groups[k]; g != nil {
		return g.task, g.task != noTask
	}
	if p.tableTasks() && len(k) >= 4 {
		return int32(binary.BigEndian.Uint32([]byte(k[:4]))), true
	}
	return 0, false
}

// noTask is the task of a group whose task is not known here (groupTask).
const noTask = -1

// groupTask is the task of the store of the group that a row of task
// goes to. A join's aggregation is run at once on the joined row
// (groupByJoined), where Kafka Streams runs it in a task of its
// repartition topic, the partition the grouping key hashes to: the groups
// of a non-windowed one have noTask, and their changelog records are
// partitioned by their keys (sinkPartitioner), which comes to the same;
// a windowed one asks that task for its clock too (windowTask).
func (p *Processor) groupTask(task int32) int32 {
	if p.plan.Join != nil && p.plan.Repartition != nil {
		return noTask
	}
	return task
}

// windowTask is the task whose windows (or sessions), stream time and
// store partition a windowed aggregation's row of task, grouped as
// p.gvals, goes to: a join's aggregation runs in the task of its
// repartition topic's partition the grouping key hashes to (GroupTask),
// as Kafka Streams runs it in the sub-topology reading
// Aggregate-GroupBy-repartition; any other in task, its input's.
func (p *Processor) windowTask(task int32) int32 {
	if p.plan.Join == nil || p.plan.Repartition == nil || p.GroupTask == nil {
		return task
	}
	return p.GroupTask(p.gvals, task)
}

// tableTasks reports a plan projecting a table, whose rows each task
// keeps in its own store: KTableSource gets the old row and puts the new
// one through the store of the task processing the record (apache/kafka
// 3.9), so a key written to two partitions has a row in each. The result
// of a primary-key table-table join is such a table too, each task's
// joining the rows of its own tables' stores (joinState.byTask), and
// ksqlDB materializes its projection through the task's store
// (TableSelectBuilder, ksql v7.9.0).
func (p *Processor) tableTasks() bool {
	if !p.plan.Source.Table || p.plan.Agg != nil {
		return false
	}
	return p.plan.Join == nil || p.plan.Join.TableTable() && !p.plan.Join.ForeignKey()
}

// TaskRowKey is the key of a table's row keyed key in task's store
// (tableTasks), built in b.
func TaskRowKey(b []byte, task int32, key string) []byte {
	return append(taskGroupKey(b, task), key...)
}

func newGroup(key string, keys []any, states []expr.AggState) *group {
	return &group{key: key, logKey: "a" + key, keys: keys, states: states}
}

// Processor runs a queryPlan record by record and keeps its state.
type Processor struct {
	plan *planner.Plan

	Mu             sync.Mutex
	Groups         map[string]*group
	srcRows        map[string][]any
	Materialized   map[string][]any       // materialised result rows by encoded key
	MaterializedTS map[string]int64       // each materialised row's ROWTIME
	skipped        int64                  // rows dropped (null grouping key)
	clocks         map[int32]*windowClock // windowed aggregation's stream time, per task (taskClock)
	emitInterval   int64                  // EMIT FINAL: milliseconds between final emits (SetEmitInterval)
	// SESSION windows: each key's sessions by start (their groups)
	sessions map[string][]*group
	join     *joinState // joins: the table sides' state (see join.go)
	// joinStores: stream-stream steps log their stores as Kafka Streams
	// logs ksqlDB's (see join_store.go), not as 'w' entries; storeKey
	// serializes a record's join key as the stores do
	joinStores bool
	storeKey   func(WindowStoreRecord) []byte
	failure    error // a row's aggregation threw (see failure.go)
	// StageTask makes the record of a Stage row, a joined row the query
	// writes to the repartition topic of a chain's step (OutRow.Staged),
	// and is the task of the sub-topology that reads that topic: the
	// partition the record goes to, or task (the row's task so far)
	// where it goes to none; nil for a query that writes no such topic.
	// The join goes on with the row at once, in that task.
	StageTask func(o *OutRow, task int32) int32
	// GroupTask is, for a join's aggregation, the task of the partition
	// of its repartition topic that the record of grouping values keys
	// goes to, or task where it cannot say (windowTask)
	GroupTask func(keys []any, task int32) int32

	// scratch space of process, reused from call to call (p.mu is held)
	outs    []OutRow
	changes []Change
	changed []*group // groups the row touched: at most two (retract and add)
	gvals   []any
	keyBuf  []byte
	arow    []any
}

func NewProcessor(p *planner.Plan) *Processor {
	return &Processor{plan: p, Groups: map[string]*group{}, srcRows: map[string][]any{}, Materialized: map[string][]any{}, MaterializedTS: map[string]int64{}, clocks: map[int32]*windowClock{}, emitInterval: DefaultEmitInterval, sessions: map[string][]*group{}, join: newJoinState(p)}
}

func (p *Processor) Reset() {
	p.Groups = map[string]*group{}
	p.srcRows = map[string][]any{}
	p.Materialized = map[string][]any{}
	p.MaterializedTS = map[string]int64{}
	p.clocks = map[int32]*windowClock{}
	p.sessions = map[string][]*group{}
	p.join = newJoinState(p.plan)
	p.failure = nil
}

// EncodeVals builds a map key from values.
func EncodeVals(vals []any) string {
	return string(appendVals(nil, vals))
}

// appendVals appends the map key of values to b.
func appendVals(b []byte, vals []any) []byte {
	for _, v := range vals {
		if v == nil {
			b = append(b, "\x01\x00"...)
			continue
		}
		b = append(b, '\x02')
		b = appendValue(b, v)
		b = append(b, '\x00')
	}
	return b
}

// appendValue appends formatValue(v) to b.
func appendValue(b []byte, v any) []byte {
	if out, ok := formats.AppendJSONComplex(b, v); ok { // JSON keeps distinct values distinct
		return out
	}
	switch x := v.(type) {
	case string:
		return append(b, x...)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case bool:
		return strconv.AppendBool(b, x)
	}
	return append(b, types.Format(v)...)
}

func (p *Processor) Pass(row []any) bool {
	if p.plan.Where == nil {
		return true
	}
	v := p.plan.Where.Eval(row)
	return v == true
}

// Project computes the output row (schema order) from an input or aggregated row.
func (p *Processor) Project(row []any) []any {
	out := make([]any, len(p.plan.Order))
	for i, pi := range p.plan.Order {
		out[i] = p.plan.Proj[pi].Expr.Eval(row)
	}
	return out
}

func (p *Processor) outKey(vals []any) string {
	var keys []any
	for i, c := range p.plan.Out.Cols {
		if c.Key {
			keys = append(keys, vals[i])
		}
	}
	return EncodeVals(keys)
}

// Process handles one input row; the caller holds p.mu. The returned
// slices are valid until the next call.
func (p *Processor) Process(r InRow, changelog bool) ([]OutRow, []Change) {
	if p.failure != nil {
		return nil, nil // no row after one that threw (see failure.go)
	}
	if p.plan.Join != nil {
		return p.ProcessJoin(r, changelog)
	}
	return p.processRow(r, changelog)
}

// processRow handles one row of the plan's input scope: one result of a
// join, whose steps log before the next result's (planner.Plan.NextResult).
func (p *Processor) processRow(r InRow, changelog bool) ([]OutRow, []Change) {
	if p.failure != nil {
		return nil, nil // a join's further rows of a record that threw
	}
	p.plan.NextResult()
	if p.plan.Join != nil && p.plan.Repartition != nil {
		return p.groupByJoined(r, changelog)
	}
	return p.processScope(r, changelog)
}

// processScope handles one row of the plan's input scope, after what a
// join's aggregation writes to its repartition topic.
func (p *Processor) processScope(r InRow, changelog bool) ([]OutRow, []Change) {
	if p.plan.Agg == nil {
		return p.processSimple(r)
	}
	if p.plan.Agg.Window != nil {
		return p.processWindowed(r, changelog)
	}
	p.outs, p.changes, p.changed = p.outs[:0], p.changes[:0], p.changed[:0]
	if p.plan.Source.Table && r.Group != nil {
		if r.Retract != nil {
			p.apply(r.Retract, r.Group, r.Task, -1)
		}
		if !r.Tombstone {
			p.apply(r.Vals, r.Group, r.Task, +1)
		}
	} else if p.plan.Source.Table {
		p.applyTableRow(r, changelog)
	} else if !r.Tombstone && (r.Group != nil || p.Pass(r.Vals)) {
		p.apply(r.Vals, r.Group, p.groupTask(r.Task), +1)
	}
	if p.failure != nil {
		return nil, nil // the row threw: nothing of it goes out
	}
	for _, g := range p.changed {
		if !g.windowed {
			g.maxTs = max(g.maxTs, r.TS) // KStreamAggregate: the later of the row's and the record's time
		}
		if changelog {
			p.changes = append(p.changes, Change{Key: g.logKey, group: g, TS: g.maxTs})
		}
		if out, ok := p.emitGroup(g.key, g, r.TS); ok {
			p.outs = append(p.outs, out)
		}
	}
	return p.outs, p.changes
}

// keptRow is a table row to keep past the call: a source's row is its
// own, a join's result a copy (the join reuses its row).
func (p *Processor) keptRow(vals []any) []any {
	if p.plan.Join != nil {
		return slices.Clone(vals)
	}
	return vals
}

// apply adds (sign +1) or retracts (-1) row to its group (given, or
// computed when nil) in task's store and notes the group as changed; it
// reports false, changing nothing, for a null grouping value.
func (p *Processor) apply(row, group []any, task int32, sign int64) bool {
	ap := p.plan.Agg
	if !p.groupValues(row, group) {
		return false
	}
	p.keyBuf = appendVals(taskGroupKey(p.keyBuf[:0], task), p.gvals)
	g := p.Groups[string(p.keyBuf)]
	if g == nil {
		gk := string(p.keyBuf)
		g = newGroup(gk, slices.Clone(p.gvals), ap.Init())
		g.task = task
		p.Groups[gk] = g
	}
	for i, c := range ap.Calls {
		if err := c.Add(&g.states[i], row, sign); err != nil {
			p.fail(err)
			return true
		}
	}
	p.noteNonAgg(g, row)
	if !slices.Contains(p.changed, g) {
		p.changed = append(p.changed, g)
	}
	return true
}

// groupValues sets p.gvals to a row's grouping values: group when given
// (a repartitioned row's key), else the grouping expressions over row. It
// reports false, counting the row as skipped, when one is null.
func (p *Processor) groupValues(row, group []any) bool {
	p.gvals = p.gvals[:0]
	if group != nil {
		p.gvals = append(p.gvals, group...)
	} else {
		for _, g := range p.plan.Agg.GroupEval {
			p.gvals = append(p.gvals, g.Eval(row))
		}
	}
	if slices.Contains(p.gvals, nil) {
		p.skipped++
		return false
	}
	return true
}

func (p *Processor) aggregatedRow(g *group) []any {
	row := p.arow[:0]
	row = append(row, g.keys...)
	for i, c := range p.plan.Agg.Calls {
		row = append(row, c.Value(g.states[i]))
	}
	if g.windowed {
		start, end := g.bounds()
		row = append(row, start, end)
	}
	return row
}

// emitGroup materialises a group's current row. When HAVING filters the row
// out, a tombstone goes out only if the row was there before: a group that
// never passed HAVING produces nothing (as ksqlDB's table filter, see
// query-validation-tests/having.json "table having").
//
// HAVING is the HavingFilter step's, before the Project step, which does
// not see a row it filtered out (a null value): only the key columns of
// its tombstone are computed.
func (p *Processor) emitGroup(gk string, g *group, ts int64) (OutRow, bool) {
	arow := p.aggregatedRow(g)
	p.arow = arow[:0] // nothing keeps the aggregated row
	if p.plan.Having != nil && p.plan.Having.Eval(arow) != true {
		if _, had := p.Materialized[gk]; !had {
			return OutRow{}, false
		}
		p.dropMat(gk)
		return OutRow{Vals: p.projectKeys(arow), Tombstone: true, TS: ts, KeySlot: p.keySlot(g)}, true
	}
	vals := p.Project(arow)
	p.setMat(gk, vals, max(ts, g.maxTs))
	return OutRow{Vals: vals, TS: ts, KeySlot: p.keySlot(g)}, true
}

// keySlot is where the writer of g's rows may keep their encoded key: the
// key columns are g's grouping values and a time window's bounds are
// fixed, while a session's bounds move as it grows (no slot).
func (p *Processor) keySlot(g *group) *[]byte {
	if g.windowed && p.plan.Agg.Window.Kind == sql.Session {
		return nil
	}
	return &g.sinkKey
}

// projectKeys is keysOnly of the projection of row, computing its key
// columns alone.
func (p *Processor) projectKeys(row []any) []any {
	out := make([]any, len(p.plan.Order))
	for i, pi := range p.plan.Order {
		if p.plan.Out.Cols[i].Key {
			out[i] = p.plan.Proj[pi].Expr.Eval(row)
		}
	}
	return out
}

func keysOnly(s types.Schema, vals []any) []any {
	out := make([]any, len(vals))
	for i, c := range s.Cols {
		if c.Key {
			out[i] = vals[i]
		}
	}
	return out
}

// keysAndWindowOnly is keysOnly that also keeps the window bounds a
// projection of a windowed table's row selects: a deleted window's
// tombstone still names its window (push-queries.json "windowed table
// with tombstones").
func keysAndWindowOnly(s types.Schema, vals []any) []any {
	out := keysOnly(s, vals)
	for i, c := range s.Cols {
		if expr.IsWindowBound(c.Name) {
			out[i] = vals[i]
		}
	}
	return out
}

func (p *Processor) processSimple(r InRow) ([]OutRow, []Change) {
	if !p.plan.Source.Table {
		if r.Tombstone && len(p.plan.TFs) > 0 {
			return nil, nil // KudtfFlatMapper: a null value gives no rows
		}
		if r.Tombstone {
			// a persistent query passes a null value on, keyed by what its key
			// columns give over the key alone; a WHERE clause drops it
			// (project-filter.json "project nulls", partition-by.json "nulls")
			if !p.plan.Persistent || p.plan.Where != nil {
				return nil, nil
			}
			o := OutRow{Vals: p.tombstoneKeys(r.Vals), Tombstone: true, TS: r.TS, NullKey: p.passesNullKey(r)}
			p.keepWindow(&o, r.Vals)
			return []OutRow{o}, nil
		}
		if !p.Pass(r.Vals) {
			return nil, nil
		}
		if len(p.plan.TFs) > 0 {
			return p.flatMap(r), nil
		}
		o := OutRow{Vals: p.Project(r.Vals), TS: r.TS, NullKey: p.passesNullKey(r)}
		p.keepWindow(&o, r.Vals)
		return []OutRow{o}, nil
	}
	vals := p.Project(r.Vals)
	k := p.outKey(vals)
	if p.tableTasks() {
		p.keyBuf = TaskRowKey(p.keyBuf[:0], r.Task, k)
		k = string(p.keyBuf)
		if p.plan.WhereFailures != nil { // filterOld keeps the task's source rows
			p.keyBuf = TaskRowKey(p.keyBuf[:0], r.Task, r.SrcKey)
			r.SrcKey = string(p.keyBuf)
		}
	}
	var jk any
	if p.plan.Join != nil {
		jk = r.Vals[p.plan.Join.KeySlot]
	}
	pass := !r.Tombstone && p.Pass(r.Vals)
	p.filterOld(r)
	if !pass {
		// ksqlDB's select never sees the row (a null value), so throws nothing
		p.plan.Failures.Take()
		if _, had := p.Materialized[k]; !had && p.plan.Where != nil && p.plan.Join.SendsOldResults() {
			// KTableFilter over a materialized source sends old values and
			// drops a change that neither had a row nor has one
			return nil, nil
		}
		p.dropMat(k)
		return []OutRow{{Vals: keysAndWindowOnly(p.plan.Out, vals), Tombstone: true, TS: r.TS, JoinKey: jk}}, nil
	}
	p.setMat(k, vals, r.TS)
	return []OutRow{{Vals: vals, TS: r.TS, JoinKey: jk}}, nil
}

// Restore applies one record of a stream-stream join's window store
// changelog in this server's own layout (Change.OwnWindowEntry); the
// stores in ksqlDB's layout are restored by the query.
func (p *Processor) Restore(key string, value []byte, task int32) {
	if k, ok := strings.CutPrefix(key, "w"); ok {
		p.restoreWindowed(k, value, task)
	}
}

// FinishRestore rebuilds the materialised view of aggregates after a restore.
func (p *Processor) FinishRestore() {
	p.finishWindowedRestore()
	if p.plan.Agg == nil {
		return
	}
	p.Materialized = map[string][]any{}
	p.MaterializedTS = map[string]int64{}
	for gk, g := range p.Groups {
		p.emitGroup(gk, g, g.maxTs)
	}
	if p.plan.Agg.Window != nil {
		p.finishWindowRestore()
	}
}

func decodeTexts(texts []*string, types []types.Type) []any {
	out := make([]any, len(texts))
	for i, t := range texts {
		if t != nil && i < len(types) {
			out[i], _ = formats.ParseText(*t, types[i])
		}
	}
	return out
}

// decodeRow reads a row of cols, each value as its text, under "r".
func decodeRow(b []byte, cols []types.Column) ([]any, bool) {
	var w struct {
		R []*string `json:"r"`
	}
	if json.Unmarshal(b, &w) != nil || len(w.R) != len(cols) {
		return nil, false
	}
	types := make([]types.Type, len(cols))
	for i, c := range cols {
		types[i] = c.Type
	}
	return decodeTexts(w.R, types), true
}

// keepWindow gives a row read from a windowed stream the window of its
// input: the decoder appends the bounds after the pseudo columns.
//
// A join of windowed streams matches records of the same window, so its
// result has the window of its sides: the first stream's, or where a
// RIGHT or FULL OUTER join's result has none of it, the second's.
func (p *Processor) keepWindow(o *OutRow, in []any) {
	if p.plan.Source.Window == nil || !p.plan.Persistent {
		return
	}
	n := len(p.plan.Source.Schema.Cols) + len(expr.PseudoColumns)
	if jp := p.plan.Join; jp != nil {
		for _, l := range jp.Leaves {
			if at := l.Base + len(l.Source.Schema.Cols) + len(expr.PseudoColumns); l.Source.Window != nil && in[at] != nil {
				n = at
				break
			}
		}
	}
	start, ok := in[n].(int64)
	if !ok {
		return
	}
	o.Windowed, o.WindowStart, o.WindowEnd = true, start, in[n+1].(int64)
}

// passesNullKey reports a stream row whose null key its result keeps: a
// projection without PARTITION BY passes the record's key object on
// (SourceBuilder, SinkBuilder), so a null key stays null however many key
// columns it has.
func (p *Processor) passesNullKey(r InRow) bool {
	return r.NullKey && p.plan.Partition == nil
}

// tombstoneKeys is the result's key columns for a stream record with a
// null value: what the key columns give, each PARTITION BY expression
// that reads the key alone evaluated, its failures logged by the
// PartitionBy step, and the others null, their evaluation over the null
// value logged as what it throws (PartitionByParamsFactory.PartitionByExpressionEvaluator,
// Plan.KeyOverNullValue).
func (p *Processor) tombstoneKeys(in []any) []any {
	out := make([]any, len(p.plan.Order))
	for i, c := range p.plan.Out.Cols {
		switch {
		case !c.Key:
		case p.plan.ReadsValue(i):
			out[i] = p.plan.KeyOverNullValue(i)
		default:
			out[i] = p.plan.Proj[p.plan.Order[i]].Expr.Eval(in)
		}
	}
	p.plan.Failures.Take() // a null value is not selected from (SelectValueMapper)
	return out
}

// flatMap projects each row a table-function query flattens r into; every
// row keeps r's timestamp (and, from a windowed stream, its window).
func (p *Processor) flatMap(r InRow) []OutRow {
	p.outs = p.outs[:0]
	for _, row := range expr.Flatten(p.plan.TFs, r.Vals) {
		o := OutRow{Vals: p.Project(row), TS: r.TS, NullKey: p.passesNullKey(r)}
		p.keepWindow(&o, r.Vals)
		p.outs = append(p.outs, o)
	}
	return p.outs
}

// setMat materialises a result row with its ROWTIME, the time a pull
// query reads (a timestamped key-value store's entry).
func (p *Processor) setMat(k string, vals []any, ts int64) {
	p.Materialized[k] = vals
	p.MaterializedTS[k] = ts
}

// dropMat forgets a materialised row.
func (p *Processor) dropMat(k string) {
	delete(p.Materialized, k)
	delete(p.MaterializedTS, k)
}

package ksqldb

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"

	"github.com/ctalab/ctalab/lab/ksqldb/planner"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// inRow is one decoded input record, laid out as the plan's input scope.
type inRow struct {
	vals      []any
	srcKey    string // encoded source key (table sources)
	tombstone bool
	ts        int64
	leaf      int // joins: the source the row is of (see join.go)
}

// outRow is one result row in the plan's output schema order.
type outRow struct {
	vals      []any
	tombstone bool
	ts        int64
	// the window of a windowed aggregation's row
	windowed     bool
	wstart, wend int64
}

// change is one state-store update for the changelog. It is encoded only
// when written, so a batch encodes just the last state of each key.
type change struct {
	key   string
	row   []any  // new row of a source ('s') or materialised ('m') key
	group *group // new state of an aggregate ('a') key
	del   bool   // the key is deleted (tombstone)
	raw   []byte // an encoded value (a stream-stream join's 'w' record)
	ts    int64  // the row's ROWTIME, the changelog record's timestamp ('m' and 'a')
}

// value is the changelog value of c; nil deletes. For an aggregate it is the
// group's current state, so the caller holds the processor's lock.
func (c change) value() []byte {
	switch {
	case c.del:
		return nil
	case c.group != nil:
		return encodeGroup(c.group)
	case c.raw != nil:
		return c.raw
	}
	return encodeRow(c.row)
}

type group struct {
	key    string // encoded group key
	logKey string // its changelog key, "a" + key
	keys   []any
	states []expr.AggState
	// windowed aggregation: the window, the largest timestamp in it and
	// whether its final row went out (EMIT FINAL)
	windowed            bool
	wstart, wend, maxTs int64
	emitted             bool
}

func newGroup(key string, keys []any, states []expr.AggState) *group {
	return &group{key: key, logKey: "a" + key, keys: keys, states: states}
}

// processor runs a queryPlan record by record and keeps its state.
type processor struct {
	plan *planner.Plan

	mu      sync.Mutex
	groups  map[string]*group
	srcRows map[string][]any
	mat     map[string][]any // materialised result rows by encoded key
	matTs   map[string]int64 // each materialised row's ROWTIME
	skipped int64            // rows dropped (null grouping key)
	clock   windowClock      // windowed aggregation's stream time
	// SESSION windows: each key's sessions by start (their groups)
	sessions map[string][]*group
	join     *joinState // joins: the table sides' state (see join.go)

	// scratch space of process, reused from call to call (p.mu is held)
	outs    []outRow
	changes []change
	changed []*group // groups the row touched: at most two (retract and add)
	gvals   []any
	keyBuf  []byte
	arow    []any
}

func newProcessor(p *planner.Plan) *processor {
	return &processor{plan: p, groups: map[string]*group{}, srcRows: map[string][]any{}, mat: map[string][]any{}, matTs: map[string]int64{}, clock: windowClock{streamTime: -1}, sessions: map[string][]*group{}, join: newJoinState(p.Join)}
}

func (p *processor) reset() {
	p.groups = map[string]*group{}
	p.srcRows = map[string][]any{}
	p.mat = map[string][]any{}
	p.matTs = map[string]int64{}
	p.clock = windowClock{streamTime: -1}
	p.sessions = map[string][]*group{}
	p.join = newJoinState(p.plan.Join)
}

// encodeVals builds a map key from values.
func encodeVals(vals []any) string {
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

func (p *processor) pass(row []any) bool {
	if p.plan.Where == nil {
		return true
	}
	v := p.plan.Where.Eval(row)
	return v == true
}

// project computes the output row (schema order) from an input or aggregated row.
func (p *processor) project(row []any) []any {
	out := make([]any, len(p.plan.Order))
	for i, pi := range p.plan.Order {
		out[i] = p.plan.Proj[pi].Expr.Eval(row)
	}
	return out
}

func (p *processor) outKey(vals []any) string {
	var keys []any
	for i, c := range p.plan.Out.Cols {
		if c.Key {
			keys = append(keys, vals[i])
		}
	}
	return encodeVals(keys)
}

// process handles one input row; the caller holds p.mu. The returned
// slices are valid until the next call.
func (p *processor) process(r inRow, changelog bool) ([]outRow, []change) {
	if p.plan.Join != nil {
		return p.processJoin(r, changelog)
	}
	return p.processRow(r, changelog)
}

// processRow handles one row of the plan's input scope.
func (p *processor) processRow(r inRow, changelog bool) ([]outRow, []change) {
	if p.plan.Agg == nil {
		return p.processSimple(r, changelog)
	}
	if p.plan.Agg.Window != nil {
		return p.processWindowed(r, changelog)
	}
	p.outs, p.changes, p.changed = p.outs[:0], p.changes[:0], p.changed[:0]
	if p.plan.Source.Table {
		prev, had := p.srcRows[r.srcKey]
		if had {
			p.apply(prev, -1)
		}
		if !r.tombstone && p.pass(r.vals) && p.apply(r.vals, +1) {
			p.srcRows[r.srcKey] = r.vals
			if changelog {
				p.changes = append(p.changes, change{key: "s" + r.srcKey, row: r.vals})
			}
		} else if had {
			delete(p.srcRows, r.srcKey)
			if changelog {
				p.changes = append(p.changes, change{key: "s" + r.srcKey, del: true})
			}
		}
	} else if !r.tombstone && p.pass(r.vals) {
		p.apply(r.vals, +1)
	}
	for _, g := range p.changed {
		if !g.windowed {
			g.maxTs = max(g.maxTs, r.ts) // KStreamAggregate: the later of the row's and the record's time
		}
		if changelog {
			p.changes = append(p.changes, change{key: g.logKey, group: g, ts: g.maxTs})
		}
		if out, ok := p.emitGroup(g.key, g, r.ts); ok {
			p.outs = append(p.outs, out)
		}
	}
	return p.outs, p.changes
}

// apply adds (sign +1) or retracts (-1) row to its group and notes the
// group as changed; it reports false, changing nothing, for a null
// grouping key.
func (p *processor) apply(row []any, sign int64) bool {
	ap := p.plan.Agg
	p.gvals = p.gvals[:0]
	for _, g := range ap.GroupEval {
		v := g.Eval(row)
		if v == nil {
			p.skipped++
			return false
		}
		p.gvals = append(p.gvals, v)
	}
	p.keyBuf = appendVals(p.keyBuf[:0], p.gvals)
	g := p.groups[string(p.keyBuf)]
	if g == nil {
		gk := string(p.keyBuf)
		g = newGroup(gk, slices.Clone(p.gvals), make([]expr.AggState, len(ap.Calls)))
		p.groups[gk] = g
	}
	for i, c := range ap.Calls {
		c.Add(&g.states[i], row, sign)
	}
	if !slices.Contains(p.changed, g) {
		p.changed = append(p.changed, g)
	}
	return true
}

func (p *processor) aggregatedRow(g *group) []any {
	row := p.arow[:0]
	row = append(row, g.keys...)
	for i, c := range p.plan.Agg.Calls {
		row = append(row, c.Value(g.states[i]))
	}
	if g.windowed {
		row = append(row, g.wstart, g.wend)
	}
	return row
}

// emitGroup materialises a group's current row. When HAVING filters the row
// out, a tombstone goes out only if the row was there before: a group that
// never passed HAVING produces nothing (as ksqlDB's table filter, see
// query-validation-tests/having.json "table having").
func (p *processor) emitGroup(gk string, g *group, ts int64) (outRow, bool) {
	arow := p.aggregatedRow(g)
	p.arow = arow[:0] // nothing keeps the aggregated row
	vals := p.project(arow)
	if p.plan.Having != nil && p.plan.Having.Eval(arow) != true {
		if _, had := p.mat[gk]; !had {
			return outRow{}, false
		}
		p.dropMat(gk)
		return outRow{vals: keysOnly(p.plan.Out, vals), tombstone: true, ts: ts}, true
	}
	p.setMat(gk, vals, max(ts, g.maxTs))
	return outRow{vals: vals, ts: ts}, true
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

func (p *processor) processSimple(r inRow, changelog bool) ([]outRow, []change) {
	if !p.plan.Source.Table {
		if r.tombstone && len(p.plan.TFs) > 0 {
			return nil, nil // KudtfFlatMapper: a null value gives no rows
		}
		if r.tombstone {
			// a persistent query passes a null value on, keyed by what its key
			// columns give over the key alone; a WHERE clause drops it
			// (project-filter.json "project nulls", partition-by.json "nulls")
			if !p.plan.Persistent || p.plan.Where != nil {
				return nil, nil
			}
			o := outRow{vals: keysOnly(p.plan.Out, p.project(r.vals)), tombstone: true, ts: r.ts}
			p.keepWindow(&o, r.vals)
			return []outRow{o}, nil
		}
		if !p.pass(r.vals) {
			return nil, nil
		}
		if len(p.plan.TFs) > 0 {
			return p.flatMap(r), nil
		}
		o := outRow{vals: p.project(r.vals), ts: r.ts}
		p.keepWindow(&o, r.vals)
		return []outRow{o}, nil
	}
	vals := p.project(r.vals)
	k := p.outKey(vals)
	if r.tombstone || !p.pass(r.vals) {
		p.dropMat(k)
		var ch []change
		if changelog {
			ch = []change{{key: "m" + k, del: true}}
		}
		return []outRow{{vals: keysOnly(p.plan.Out, vals), tombstone: true, ts: r.ts}}, ch
	}
	p.setMat(k, vals, r.ts)
	var ch []change
	if changelog {
		ch = []change{{key: "m" + k, row: vals, ts: r.ts}}
	}
	return []outRow{{vals: vals, ts: r.ts}}, ch
}

// restore applies one changelog record.
func (p *processor) restore(key string, value []byte, ts int64) {
	if key == "" {
		return
	}
	kind, k := key[0], key[1:]
	switch kind {
	case 'a':
		if value == nil {
			delete(p.groups, k)
			return
		}
		var w struct {
			K []*string       `json:"k"`
			S []expr.AggState `json:"s"`
			W []int64         `json:"w"` // window start, end, max timestamp, emitted (0/1)
		}
		if json.Unmarshal(value, &w) != nil || len(w.K) != len(p.plan.Agg.GroupTypes) || len(w.S) != len(p.plan.Agg.Calls) {
			return
		}
		g := newGroup(k, decodeTexts(w.K, p.plan.Agg.GroupTypes), make([]expr.AggState, len(w.S)))
		for i, c := range p.plan.Agg.Calls {
			g.states[i] = c.FromWire(w.S[i])
		}
		if len(w.W) == 4 {
			g.windowed, g.wstart, g.wend, g.maxTs, g.emitted = true, w.W[0], w.W[1], w.W[2], w.W[3] == 1
		} else {
			g.maxTs = ts // the changelog record's time is the row's
		}
		p.groups[k] = g
	case 's':
		if value == nil {
			delete(p.srcRows, k)
			return
		}
		if row, ok := decodeRow(value, p.plan.In.Cols); ok {
			p.srcRows[k] = row
		}
	case 'w':
		p.restoreWindowed(k, value)
	case 'm':
		if value == nil {
			p.dropMat(k)
			return
		}
		if row, ok := decodeRow(value, p.plan.Out.Cols); ok {
			p.setMat(k, row, ts)
		}
	}
}

// finishRestore rebuilds the materialised view of aggregates after a restore.
func (p *processor) finishRestore() {
	p.finishWindowedRestore()
	if p.plan.Agg == nil {
		return
	}
	p.mat = map[string][]any{}
	p.matTs = map[string]int64{}
	for gk, g := range p.groups {
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

func encodeRow(vals []any) []byte {
	b, _ := json.Marshal(map[string]any{"r": expr.EncodeTexts(vals)})
	return b
}

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

func encodeGroup(g *group) []byte {
	states := make([]expr.AggState, len(g.states))
	for i, s := range g.states {
		states[i] = s.ToWire()
	}
	m := map[string]any{"k": expr.EncodeTexts(g.keys), "s": states}
	if g.windowed {
		emitted := int64(0)
		if g.emitted {
			emitted = 1
		}
		m["w"] = []int64{g.wstart, g.wend, g.maxTs, emitted}
	}
	b, _ := json.Marshal(m)
	return b
}

// keepWindow gives a row read from a windowed stream the window of its
// input: the decoder appends the bounds after the pseudo columns.
func (p *processor) keepWindow(o *outRow, in []any) {
	if p.plan.Source.Window == nil || !p.plan.Persistent {
		return
	}
	n := len(p.plan.Source.Schema.Cols) + len(expr.PseudoColumns)
	o.windowed, o.wstart, o.wend = true, in[n].(int64), in[n+1].(int64)
}

// flatMap projects each row a table-function query flattens r into; every
// row keeps r's timestamp (and, from a windowed stream, its window).
func (p *processor) flatMap(r inRow) []outRow {
	p.outs = p.outs[:0]
	for _, row := range expr.Flatten(p.plan.TFs, r.vals) {
		o := outRow{vals: p.project(row), ts: r.ts}
		p.keepWindow(&o, r.vals)
		p.outs = append(p.outs, o)
	}
	return p.outs
}

// setMat materialises a result row with its ROWTIME, the time a pull
// query reads (a timestamped key-value store's entry).
func (p *processor) setMat(k string, vals []any, ts int64) {
	p.mat[k] = vals
	p.matTs[k] = ts
}

// dropMat forgets a materialised row.
func (p *processor) dropMat(k string) {
	delete(p.mat, k)
	delete(p.matTs, k)
}

package ksqldb

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Stream-stream joins (WITHIN), as the "Semantics of Stream-Stream Joins" of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// describe them and Kafka Streams' JoinWindows define the window: a left
// record at T joins right records in [T-before, T+after], a right record at
// T left records in [T-after, T+before]. Each side's records are kept in a
// window store by join key for the window's retention (before + after +
// grace period, behind stream time, the largest timestamp seen). A joined
// pair carries the later of its timestamps. With a GRACE PERIOD, a LEFT,
// RIGHT or FULL OUTER record without a partner is emitted, padded with
// nulls, once stream time reaches its timestamp plus the far side of its
// window plus the grace period, or at once when its window had already
// closed when it came (ksqlDB's test case "stream stream full outer join
// with out of order and custom grace period"). Without one (JoinWindows.of,
// the grace period then 24 hours less twice the window) such a record is
// emitted at once, and again with each partner that comes later (the
// "spurious" results of KAFKA-10847).

// joinStoreChangelog ends the name of a stream-stream join's changelog topic.
const joinStoreChangelog = "-Join-this-join-store-changelog"

const day = 24 * 60 * 60 * 1000

// winRec is one stream record in a join's window store.
type winRec struct {
	id      string // changelog key
	side    int
	key     string // encoded join key
	keyVal  any
	ts      int64
	row     []any // the source's input row
	joined  bool
	emitted bool // its null-padded result went out
}

// windowState is a stream-stream join's state.
type windowState struct {
	stores     [2]map[string][]*winRec
	pending    []*winRec // outer records that may still need a null-padded result
	streamTime int64
	prunedAt   int64 // stream time of the last pruning
}

func newWindowState() *windowState {
	return &windowState{stores: [2]map[string][]*winRec{{}, {}}, streamTime: -1}
}

// grace is the step's grace period and whether it was given.
func graceOf(w *sql.Within) (int64, bool) {
	if w.Grace != nil {
		return *w.Grace, true
	}
	return max(day-2*w.Before, 0), false
}

// windowOf is the window of a record of side: how far before and after its
// timestamp partners may be.
func windowOf(w *sql.Within, side int) (before, after int64) {
	if side == 0 {
		return w.Before, w.After
	}
	return w.After, w.Before
}

// outerSide reports whether records of side get a null-padded result.
func outerSide(t sql.JoinType, side int) bool {
	return t == sql.OuterJoin || t == sql.LeftJoin && side == 0 || t == sql.RightJoin && side == 1
}

func (r *winRec) change() change {
	b, _ := json.Marshal(map[string]any{"r": encodeTexts(r.row), "s": r.side, "j": r.joined, "e": r.emitted})
	return change{key: r.id, raw: b}
}

// processJoinWindow handles one record of a stream-stream join; the caller
// holds p.mu.
func (p *processor) processJoinWindow(r inRow, changelog bool) ([]outRow, []change) {
	jp, js := p.plan.join, p.join
	ws := js.win
	st := jp.steps[0]
	side := r.leaf
	if _, ok := js.tables[side]; ok { // a table joined after the window
		js.updateTable(r)
		return nil, nil
	}
	if r.tombstone || side > 1 {
		return nil, nil
	}
	keyVal := p.windowKey(side, r.vals)
	if keyVal == nil { // records with a null key or value are ignored
		return nil, nil
	}
	grace, given := graceOf(st.within)
	var outs []outRow
	var changes []change
	emit := func(o []outRow, c []change) {
		outs = append(outs, o...)
		if changelog {
			changes = append(changes, c...)
		}
	}
	ws.streamTime = max(ws.streamTime, r.ts)
	if given && r.ts == ws.streamTime {
		p.emitExpired(emit)
	}
	js.key[0] = keyVal
	js.keyBuf = appendVals(js.keyBuf[:0], js.key[:])
	key := string(js.keyBuf)
	leaf := jp.leaves[side]
	n := len(leaf.src.Schema.Cols) + len(pseudoColumns)
	rec := &winRec{side: side, key: key, keyVal: keyVal, ts: r.ts, row: slices.Clone(r.vals[:n])}
	rec.id = "w" + strconv.Itoa(side) + "|" + formatValue(r.vals[n-2]) + "|" + formatValue(r.vals[n-1])
	before, after := windowOf(st.within, side)
	for _, o := range ws.stores[1-side][key] {
		if o.ts < r.ts-before || o.ts > r.ts+after {
			continue
		}
		rec.joined = true
		emit(p.windowResult(p.pairRow(rec, o), max(r.ts, o.ts), changelog))
		if !o.joined {
			o.joined = true
			if changelog {
				changes = append(changes, o.change())
			}
		}
	}
	// a window store keeps nothing older than its retention
	if r.ts >= ws.streamTime-st.within.Before-st.within.After-grace {
		ws.stores[side][key] = append(ws.stores[side][key], rec)
	}
	if !rec.joined && outerSide(st.typ, side) {
		if given && r.ts+after >= ws.streamTime {
			ws.pending = append(ws.pending, rec)
		} else { // no grace period, or its window has already closed
			rec.emitted = true
			emit(p.windowResult(p.pairRow(rec, nil), rec.ts, changelog))
		}
	}
	if changelog {
		changes = append(changes, rec.change())
	}
	p.pruneWindows(changelog, &changes)
	return outs, changes
}

// windowResult passes a joined pair (or a null-padded record) through the
// stream-table joins that follow the stream-stream join, then on to the
// rest of the query.
func (p *processor) windowResult(row []any, ts int64, changelog bool) ([]outRow, []change) {
	if steps := p.plan.join.steps[1:]; len(steps) > 0 && !p.lookupTables(row, steps) {
		return nil, nil
	}
	return p.processRow(inRow{vals: row, ts: ts}, changelog)
}

// windowKey evaluates side's join expression over its row.
func (p *processor) windowKey(side int, vals []any) any {
	jp, js := p.plan.join, p.join
	row := js.row
	clear(row)
	copy(row[jp.leaves[side].base:], vals)
	st := jp.steps[0]
	if side == 0 {
		return st.leftKey.eval(row)
	}
	return st.rightKey.eval(row)
}

// pairRow lays a record and its partner (nil: none) out as the joined row.
func (p *processor) pairRow(rec, other *winRec) []any {
	jp, js := p.plan.join, p.join
	row := js.row
	clear(row)
	copy(row[jp.leaves[rec.side].base:], rec.row)
	if other != nil {
		copy(row[jp.leaves[other.side].base:], other.row)
	}
	row[jp.keySlot] = rec.keyVal
	return row
}

// emitExpired emits the null-padded result of every pending outer record
// whose window and grace period have passed, in timestamp order.
func (p *processor) emitExpired(emit func([]outRow, []change)) {
	ws := p.join.win
	w := p.plan.join.steps[0].within
	grace, _ := graceOf(w)
	slices.SortStableFunc(ws.pending, func(a, b *winRec) int { return int(min(max(a.ts-b.ts, -1), 1)) })
	kept := ws.pending[:0]
	for _, rec := range ws.pending {
		if rec.joined || rec.emitted {
			continue
		}
		_, after := windowOf(w, rec.side)
		if rec.ts+after+grace > ws.streamTime {
			kept = append(kept, rec)
			continue
		}
		rec.emitted = true
		outs, changes := p.windowResult(p.pairRow(rec, nil), rec.ts, true)
		emit(outs, append(slices.Clone(changes), rec.change()))
	}
	clear(ws.pending[len(kept):])
	ws.pending = kept
}

// pruneWindows drops the records no later record can join any more.
func (p *processor) pruneWindows(changelog bool, changes *[]change) {
	ws := p.join.win
	w := p.plan.join.steps[0].within
	grace, _ := graceOf(w)
	retention := w.Before + w.After + grace
	// a sweep visits every key: sweep when stream time has moved on by a
	// quarter of the retention (at least a second) since the last one
	if ws.streamTime < ws.prunedAt+max(retention/4, 1000) {
		return
	}
	ws.prunedAt = ws.streamTime
	horizon := ws.streamTime - retention
	for side := range ws.stores {
		for k, recs := range ws.stores[side] {
			if len(recs) == 0 || recs[0].ts >= horizon && recs[len(recs)-1].ts >= horizon {
				continue
			}
			kept := recs[:0]
			for _, rec := range recs {
				if rec.ts >= horizon || slices.Contains(ws.pending, rec) {
					kept = append(kept, rec)
					continue
				}
				if changelog {
					*changes = append(*changes, change{key: rec.id, del: true})
				}
			}
			if len(kept) == 0 {
				delete(ws.stores[side], k)
			} else {
				ws.stores[side][k] = kept
			}
		}
	}
}

// restoreWindowed applies one changelog record of a window store.
func (p *processor) restoreWindowed(id string, value []byte) {
	if p.join == nil || p.join.win == nil {
		return
	}
	ws := p.join.win
	id = "w" + id
	for side := range ws.stores {
		for k, recs := range ws.stores[side] {
			if i := slices.IndexFunc(recs, func(r *winRec) bool { return r.id == id }); i >= 0 {
				ws.stores[side][k] = slices.Delete(recs, i, i+1)
			}
		}
	}
	if value == nil {
		return
	}
	var w struct {
		R []*string `json:"r"`
		S int       `json:"s"`
		J bool      `json:"j"`
		E bool      `json:"e"`
	}
	if json.Unmarshal(value, &w) != nil || w.S < 0 || w.S > 1 {
		return
	}
	leaf := p.plan.join.leaves[w.S]
	cols := append(slices.Clone(leaf.src.Schema.Cols), pseudoColumns...)
	row, ok := decodeRow(mustJSON(map[string]any{"r": w.R}), cols)
	if !ok {
		return
	}
	keyVal := p.windowKey(w.S, row)
	if keyVal == nil {
		return
	}
	p.join.key[0] = keyVal
	key := string(appendVals(nil, p.join.key[:]))
	ts, _ := row[len(row)-3].(int64)
	rec := &winRec{id: id, side: w.S, key: key, keyVal: keyVal, ts: ts, row: row, joined: w.J, emitted: w.E}
	ws.stores[w.S][key] = append(ws.stores[w.S][key], rec)
}

// finishWindowedRestore rebuilds stream time and the pending outer records.
func (p *processor) finishWindowedRestore() {
	if p.join == nil || p.join.win == nil {
		return
	}
	ws := p.join.win
	st := p.plan.join.steps[0]
	ws.pending = ws.pending[:0]
	for side := range ws.stores {
		for _, recs := range ws.stores[side] {
			slices.SortStableFunc(recs, func(a, b *winRec) int { return int(min(max(a.ts-b.ts, -1), 1)) })
			for _, rec := range recs {
				ws.streamTime = max(ws.streamTime, rec.ts)
				if !rec.joined && !rec.emitted && outerSide(st.typ, side) {
					ws.pending = append(ws.pending, rec)
				}
			}
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

package operators

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Stream-stream joins (WITHIN), as the "Semantics of Stream-Stream Joins" of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// describe them and Kafka Streams' JoinWindows define the window: a left
// record at T joins right records in [T-before, T+after], a right record at
// T left records in [T-after, T+before] (in a RIGHT join the other way
// round: see windowOf). Each side's records are kept in a
// window store by join key for the window's retention (before + after +
// grace period) behind the largest timestamp that store has seen (Kafka
// Streams' segmented window store fetches nothing older than its observed
// stream time less its retention), while outer results wait on the join's
// stream time, the largest timestamp either side has seen. A joined
// pair carries the later of its timestamps. With a GRACE PERIOD, a LEFT,
// RIGHT or FULL OUTER record without a partner is emitted, padded with
// nulls, once stream time reaches its timestamp plus the far side of its
// window plus the grace period, or at once when its window had already
// closed when it came (ksqlDB's test case "stream stream full outer join
// with out of order and custom grace period"). Without one (JoinWindows.of,
// the grace period then 24 hours less twice the window) such a record is
// emitted at once, and again with each partner that comes later (the
// "spurious" results of KAFKA-10847).
//
// Each task (InRow.Task) keeps its own window stores and stream time per
// step (KStreamImplJoin's TimeTrackerSupplier gives each task its own
// TimeTracker). In an N-way join each stream-stream step keeps its own
// window stores and stream time: its left input is the joined row of the steps before it
// (a step's results feed the next step as they come), its right input the
// stream it joins.

// JoinStoreChangelog ends the name of a stream-stream join's changelog topic.
const JoinStoreChangelog = "-Join-this-join-store-changelog"

const day = 24 * 60 * 60 * 1000

// winRec is one record in a stream-stream step's window store.
type winRec struct {
	id     string // changelog key
	step   int
	side   int    // 0: the step's left input, 1: the stream it joins
	key    string // encoded join key
	keyVal any
	ts     int64
	// row is, on the left, the joined row so far (as wide as the joined
	// row, its key slot cleared); on the right, the source's input row
	row     []any
	joined  bool
	emitted bool // its null-padded result went out
	// outer: it waits in the step's outer store for its null-padded
	// result (joinStores)
	outer    bool
	keyBytes []byte // the serialized join key, once the outer store's order needs it
	// nullValue: a record with a null value, logged by its store but
	// neither kept nor joined (row holds its key columns)
	nullValue bool
	task      int32 // the task whose stores hold it (InRow.Task)
}

// windowState is the state of one stream-stream step.
type windowState struct {
	stores     [2]map[string][]*winRec
	pending    []*winRec // outer records that may still need a null-padded result
	streamTime int64
	// storeTime is, per side, the largest timestamp put in its store
	storeTime [2]int64
	prunedAt  int64 // stream time of the last pruning
}

func newWindowState() *windowState {
	return &windowState{stores: [2]map[string][]*winRec{{}, {}}, streamTime: -1, storeTime: [2]int64{-1, -1}}
}

// retentionOf is how long a step's window stores keep a record: the
// window's size and the grace period (KStreamImplJoin's store retention).
func retentionOf(w *sql.Within) int64 {
	grace, _ := graceOf(w)
	return w.Before + w.After + grace
}

// live reports whether a record at ts is still in side's store: no older
// than its retention behind the latest timestamp the store has seen.
func (ws *windowState) live(w *sql.Within, side int, ts int64) bool {
	return ts > ws.storeTime[side]-retentionOf(w)
}

// grace is the step's grace period and whether it was given.
func graceOf(w *sql.Within) (int64, bool) {
	if w.Grace != nil {
		return *w.Grace, true
	}
	return max(day-2*w.Before, 0), false
}

// windowOf is the window of a record of side: how far before and after its
// timestamp partners may be. WITHIN (before, after) is Kafka Streams'
// "this" side's window, the right stream's in a RIGHT join, which ksqlDB
// runs as the right stream's LEFT join of the left one with the same
// JoinWindows (StreamStreamJoinBuilder; KStreamKStreamJoinLeftSide and
// RightSide); the other side's is its mirror.
func windowOf(w *sql.Within, t sql.JoinType, side int) (before, after int64) {
	if side == planner.ThisSide(t) {
		return w.Before, w.After
	}
	return w.After, w.Before
}

// outerSide reports whether records of side get a null-padded result.
func outerSide(t sql.JoinType, side int) bool {
	return t == sql.OuterJoin || t == sql.LeftJoin && side == 0 || t == sql.RightJoin && side == 1
}

func (r *winRec) change() Change {
	m := map[string]any{"r": expr.EncodeTexts(r.row), "s": r.side, "j": r.joined, "e": r.emitted, "t": r.ts}
	if r.step > 0 {
		m["n"] = r.step
	}
	b, _ := json.Marshal(m)
	return Change{Key: r.id, raw: b, Side: r.side, Step: r.step, task: r.task}
}

// joinOut gathers what one input record of a join produces.
type joinOut struct {
	outs      []OutRow
	changes   []Change
	changelog bool
	task      int32 // the task of the record at hand (InRow.Task)
}

func (o *joinOut) add(outs []OutRow, changes []Change) {
	o.outs = append(o.outs, outs...)
	if o.changelog {
		o.changes = append(o.changes, changes...)
	}
}

// processJoinWindow handles one record of a join with stream-stream steps;
// the caller holds p.mu. A table's record updates its state; the first
// stream's record enters the first step, another stream's record the
// stream-stream step that joins it.
func (p *Processor) processJoinWindow(r InRow, changelog bool) ([]OutRow, []Change) {
	jp, js := p.plan.Join, p.join
	if _, ok := js.tables[r.Leaf]; ok {
		js.updateTable(r)
		return nil, nil
	}
	out := &joinOut{changelog: changelog, task: r.Task}
	if r.Tombstone {
		p.windowNullValue(r, out)
		return out.outs, out.changes
	}
	n := leafWidth(jp.Leaves[r.Leaf])
	if r.Leaf == 0 {
		row := make([]any, jp.Width)
		copy(row[jp.Leaves[0].Base:], r.Vals[:n])
		p.feedJoin(0, row, r.TS, out)
		return out.outs, out.changes
	}
	for s, st := range jp.Steps {
		if st.Right == r.Leaf && st.Within != nil {
			p.windowInput(s, 1, slices.Clone(r.Vals[:n]), r.TS, out)
		}
	}
	return out.outs, out.changes
}

// feedJoin passes a joined row on from step s: stream-table steps look
// their table up, a stream-stream step takes it as its left input, and
// past the last step the row goes on to the rest of the query.
func (p *Processor) feedJoin(s int, row []any, ts int64, out *joinOut) {
	jp := p.plan.Join
	for ; s < len(jp.Steps); s++ {
		if p.stageAt(s) {
			// the result so far, rekeyed for step s: the query writes it
			// to that step's repartition topic, and the join goes on with
			// it at once, as ksqlDB's test driver forwards a
			// repartition's records. A FULL OUTER step's synthetic key
			// column among its values is null: KsqlValueJoiner appends
			// nulls for it (ksql v7.9.0 KsqlValueJoiner.apply)
			if p.carriesKeySlot(s) {
				row[jp.KeySlot] = nil
			}
			out.outs = append(out.outs, OutRow{Vals: slices.Clone(row), TS: ts, Stage: s})
			out.task = p.stageTask(&out.outs[len(out.outs)-1], out.task)
		}
		if jp.Steps[s].Within != nil {
			p.windowInput(s, 0, row, ts, out)
			return
		}
		if !p.lookupTables(row, jp.Steps[s:s+1], out.task) {
			return
		}
	}
	out.add(p.processRow(InRow{Vals: row, TS: ts, Task: out.task}, out.changelog))
}

// carriesKeySlot reports a step whose repartition carries the joined
// row's key slot among its values (the synthetic key column of the FULL
// OUTER step before it, planner.CarriedSyntheticKey).
func (p *Processor) carriesKeySlot(s int) bool {
	for _, rp := range p.plan.JoinRepartitions {
		if rp.Step == s && slices.Contains(rp.From, p.plan.Join.KeySlot) {
			return true
		}
	}
	return false
}

// stageAt reports a step past the first whose left input, the result of
// the steps before it, the query rekeys through a repartition topic
// (planner.JoinRepartition.Step).
func (p *Processor) stageAt(s int) bool {
	if s == 0 {
		return false
	}
	for _, rp := range p.plan.JoinRepartitions {
		if rp.Step == s {
			return true
		}
	}
	return false
}

// windowInput handles a record of side of stream-stream step s: it joins
// the other side's records in its window, is kept in its own store, and an
// outer side's record that joins nothing waits for the window to close
// (or, without a grace period, goes out at once) padded with nulls.
func (p *Processor) windowInput(s, side int, row []any, ts int64, out *joinOut) {
	jp, js := p.plan.Join, p.join
	ws := p.winsOf(out.task)[s]
	st := jp.Steps[s]
	keyVal := p.windowKey(s, side, row)
	// every record moves the stream time on, one the join skips too
	ws.streamTime = max(ws.streamTime, ts)
	if keyVal == nil {
		// a record with a null key is kept in no store: an outer side's
		// goes out at once padded with nulls (KIP-962), another's is
		// skipped
		if outerSide(st.Type, side) {
			rec := &winRec{step: s, side: side, ts: ts, row: row, emitted: true, task: out.task}
			p.feedJoin(s+1, p.pairRow(rec, nil), ts, out)
		}
		return
	}
	_, given := graceOf(st.Within)
	if given && ts == ws.streamTime {
		p.emitExpired(s, out)
	}
	js.key[0] = keyVal
	key := string(p.appendWindowOf(s, side, row, appendVals(nil, js.key[:])))
	if side == 0 {
		row = slices.Clone(row)
		// the key slot holds no key on the left side: a rekeyed row's
		// synthetic key column is null as it was written, and the joins
		// after it keep that null among their values
		row[jp.KeySlot] = nil
	}
	rec := &winRec{step: s, side: side, key: key, keyVal: keyVal, ts: ts, row: row, task: out.task}
	rec.id = p.winRecID(rec)
	before, after := windowOf(st.Within, st.Type, side)
	for _, o := range ws.stores[1-side][key] {
		if o.ts < ts-before || o.ts > ts+after || !ws.live(st.Within, 1-side, o.ts) {
			continue
		}
		rec.joined = true
		if o.outer { // Kafka Streams deletes its outer entry before the result goes out
			p.dropOuter(ws, o, ts, out)
		}
		p.feedJoin(s+1, p.pairRow(rec, o), max(ts, o.ts), out)
		if !o.joined {
			o.joined = true
			if out.changelog && !p.joinStores {
				out.changes = append(out.changes, o.change())
			}
		}
	}
	// a window store keeps nothing older than its retention
	ws.storeTime[side] = max(ws.storeTime[side], ts)
	if ws.live(st.Within, side, ts) {
		ws.stores[side][key] = append(ws.stores[side][key], rec)
	}
	if !rec.joined && outerSide(st.Type, side) {
		if given && ts+after >= ws.streamTime {
			ws.pending = append(ws.pending, rec)
			if p.joinStores {
				p.putOuter(ws, rec, out)
			}
		} else { // no grace period, or its window has already closed
			rec.emitted = true
			p.feedJoin(s+1, p.pairRow(rec, nil), rec.ts, out)
		}
	}
	switch {
	case !out.changelog:
	case p.joinStores: // the window store logs every put (KStreamJoinWindow)
		out.changes = append(out.changes, Change{Key: rec.id, put: rec, Side: side, Step: s, TS: ts, task: rec.task})
	default:
		out.changes = append(out.changes, rec.change())
	}
	p.pruneWindows(s, out)
}

// windowNullValue handles a stream record with a null value: it enters
// the stream-stream step its stream feeds (a stream-table step skips it),
// which moves its stream time on; with a key, its side's window store puts
// it, and so logs it with a null value, but keeps nothing (KStreamJoinWindow;
// RocksDBWindowStore.put skips a null value where duplicates are kept,
// ChangeLoggingWindowBytesStore.put logs it under the next sequence number);
// the join skips it (StreamStreamJoinUtil.skipRecord).
func (p *Processor) windowNullValue(r InRow, out *joinOut) {
	jp := p.plan.Join
	n := leafWidth(jp.Leaves[r.Leaf])
	if r.Leaf == 0 {
		if len(jp.Steps) > 0 && jp.Steps[0].Within != nil {
			row := make([]any, jp.Width)
			copy(row[jp.Leaves[0].Base:], r.Vals[:n])
			p.windowSkip(0, 0, row, r, out)
		}
		return
	}
	for s, st := range jp.Steps {
		if st.Right == r.Leaf && st.Within != nil {
			p.windowSkip(s, 1, slices.Clone(r.Vals[:n]), r, out)
		}
	}
}

// windowSkip moves step s's stream time on with a record r of side whose
// value is null (row holds its key columns) and logs its window store's
// put of it where the processor logs its stores as ksqlDB's; a rekeyed
// record is put under the key it was rekeyed by.
func (p *Processor) windowSkip(s, side int, row []any, r InRow, out *joinOut) {
	jp, js := p.plan.Join, p.join
	ws := p.winsOf(out.task)[s]
	ts := r.TS
	ws.streamTime = max(ws.streamTime, ts)
	keyVal := r.JoinKey
	if !r.Rekeyed {
		keyVal = p.windowKey(s, side, row)
	}
	if keyVal == nil || !out.changelog || !p.joinStores {
		return
	}
	if side == 0 {
		row[jp.KeySlot] = nil
	}
	js.key[0] = keyVal
	key := string(p.appendWindowOf(s, side, row, appendVals(nil, js.key[:])))
	rec := &winRec{step: s, side: side, key: key, keyVal: keyVal, ts: ts, row: row, nullValue: true, task: out.task}
	rec.id = p.winRecID(rec)
	out.changes = append(out.changes, Change{Key: rec.id, put: rec, Side: side, Step: s, TS: ts, task: rec.task})
}

// winRecID is a window record's changelog key: its step (after the first),
// its side and where its sources' rows come from (partition and offset).
func (p *Processor) winRecID(rec *winRec) string {
	jp := p.plan.Join
	var b strings.Builder
	b.WriteString("w")
	if rec.step > 0 {
		b.WriteString(strconv.Itoa(rec.step) + ".")
	}
	b.WriteString(strconv.Itoa(rec.side))
	at := func(vals []any, base, n int) {
		b.WriteString("|" + types.Format(vals[base+n-2]) + "|" + types.Format(vals[base+n-1]))
	}
	if rec.side == 1 {
		at(rec.row, 0, len(rec.row))
		return b.String()
	}
	for _, l := range jp.Leaves[:jp.Steps[rec.step].Right] {
		at(rec.row, l.Base, len(l.Source.Schema.Cols)+len(expr.PseudoColumns))
	}
	return b.String()
}

// leafWidth is the width of a leaf's row: its columns, its pseudo columns
// and, for a windowed stream, its window bounds.
func leafWidth(l planner.JoinLeaf) int {
	n := len(l.Source.Schema.Cols) + len(expr.PseudoColumns)
	if l.Source.Window != nil {
		n += 2
	}
	return n
}

// appendWindowOf appends to a stream-stream step's match key the window of
// side's record where its stream is windowed: two windowed streams join
// records of the same key and window, as Kafka Streams joins them by their
// serialized windowed keys (TimeWindowedSerializer writes the start,
// SessionWindowedSerializer the end and the start).
func (p *Processor) appendWindowOf(s, side int, row []any, key []byte) []byte {
	jp := p.plan.Join
	st := jp.Steps[s]
	l, base := jp.Leaves[st.Right], 0
	if side == 0 {
		l = jp.Leaves[st.LeftLeaf()]
		base = l.Base
	}
	w := l.Source.Window
	if w == nil {
		return key
	}
	at := base + len(l.Source.Schema.Cols) + len(expr.PseudoColumns)
	start, _ := row[at].(int64)
	end, _ := row[at+1].(int64)
	return AppendWindow(key, w.Type, start, end)
}

// windowKey evaluates step s's join expression of side over a record's row.
func (p *Processor) windowKey(s, side int, row []any) any {
	jp, js := p.plan.Join, p.join
	st := jp.Steps[s]
	if side == 0 {
		k := st.LeftKey.Eval(row)
		if k == nil && !p.stageAt(s) && p.plan.Join.JoinsResultKey(s) {
			// the result so far reaches the step as it is keyed: a RIGHT
			// step before it keys its null-padded rows by its right key
			k = p.resultKey(s-1, row)
		}
		return k
	}
	buf := js.row
	clear(buf)
	copy(buf[jp.Leaves[st.Right].Base:], row)
	return st.RightKey.Eval(buf)
}

// resultKey is the key of step j's result row that is not rekeyed
// after it: a RIGHT step's is its right key (ksqlDB runs it as the right
// stream's LEFT join of the left side, StreamStreamJoinBuilder, so Kafka
// Streams keys its rows so), another step's its left input's (the key of
// the result before it where its own left expression is null). nil for a
// FULL OUTER step's synthetic key.
func (p *Processor) resultKey(j int, row []any) any {
	st := p.plan.Join.Steps[j]
	switch {
	case st.Type == sql.OuterJoin:
		return nil
	case st.Type == sql.RightJoin:
		return st.RightKey.Eval(row)
	}
	k := st.LeftKey.Eval(row)
	if k == nil && !p.stageAt(j) && p.plan.Join.JoinsResultKey(j) {
		return p.resultKey(j-1, row)
	}
	return k
}

// pairRow lays a record and its partner (nil: none) out as the joined row.
func (p *Processor) pairRow(rec, other *winRec) []any {
	jp := p.plan.Join
	row := make([]any, jp.Width)
	base := jp.Leaves[jp.Steps[rec.step].Right].Base
	left, right := rec, other
	if rec.side == 1 {
		left, right = other, rec
	}
	if left != nil { // as wide as the row: copied first
		copy(row, left.row)
	}
	if right != nil {
		copy(row[base:], right.row)
	}
	row[jp.KeySlot] = rec.keyVal
	return row
}

// emitExpired emits the null-padded result of every pending outer record
// of step s whose window and grace period have passed, in timestamp order.
func (p *Processor) emitExpired(s int, out *joinOut) {
	ws := p.winsOf(out.task)[s]
	st := p.plan.Join.Steps[s]
	w := st.Within
	grace, _ := graceOf(w)
	// Kafka Streams visits its outer store in key order: by time, then the
	// "other" side's records before the "this" side's
	// (TimestampedKeyAndJoinSideSerializer: 0 for the right, 1 the left),
	// then by serialized join key
	this := planner.ThisSide(st.Type)
	slices.SortStableFunc(ws.pending, func(a, b *winRec) int {
		if a.ts != b.ts {
			return int(min(max(a.ts-b.ts, -1), 1))
		}
		if d := outerSideByte(a.side, this) - outerSideByte(b.side, this); d != 0 {
			return d
		}
		return p.outerKeyOrder(a, b)
	})
	kept := ws.pending[:0]
	var due []*winRec
	for _, rec := range ws.pending {
		if rec.joined || rec.emitted {
			continue
		}
		_, after := windowOf(w, st.Type, rec.side)
		if rec.ts+after+grace > ws.streamTime {
			kept = append(kept, rec)
			continue
		}
		due = append(due, rec)
	}
	clear(ws.pending[len(kept):])
	ws.pending = kept
	for i, rec := range due {
		rec.emitted = true
		p.feedJoin(s+1, p.pairRow(rec, nil), rec.ts, out)
		switch {
		case !p.joinStores:
			if out.changelog {
				out.changes = append(out.changes, rec.change())
			}
		case i == len(due)-1 || !sameOuterKey(rec, due[i+1]):
			// the entry goes once all its records went out, logged at the
			// time of the record at hand (stream time)
			p.dropOuter(ws, rec, ws.streamTime, out)
		default:
			rec.outer = false
		}
	}
}

// pruneWindows drops the records of step s no later record can join any
// more.
func (p *Processor) pruneWindows(s int, out *joinOut) {
	ws := p.winsOf(out.task)[s]
	w := p.plan.Join.Steps[s].Within
	retention := retentionOf(w)
	// a sweep visits every key: sweep when stream time has moved on by a
	// quarter of the retention (at least a second) since the last one
	if ws.streamTime < ws.prunedAt+max(retention/4, 1000) {
		return
	}
	ws.prunedAt = ws.streamTime
	for side := range ws.stores {
		for k, recs := range ws.stores[side] {
			if len(recs) == 0 || ws.live(w, side, recs[0].ts) && ws.live(w, side, recs[len(recs)-1].ts) {
				continue
			}
			kept := recs[:0]
			for _, rec := range recs {
				if ws.live(w, side, rec.ts) || slices.Contains(ws.pending, rec) {
					kept = append(kept, rec)
					continue
				}
				// Kafka Streams drops expired segments unlogged
				if out.changelog && !p.joinStores {
					out.changes = append(out.changes, Change{Key: rec.id, del: true, Side: rec.side, task: rec.task})
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

// restoreWindowed applies one changelog record of a window store of task.
func (p *Processor) restoreWindowed(id string, value []byte, task int32) {
	if p.join == nil || p.join.wins == nil {
		return
	}
	id = "w" + id
	for _, ws := range p.winsOf(task) {
		if ws == nil {
			continue
		}
		for side := range ws.stores {
			for k, recs := range ws.stores[side] {
				if i := slices.IndexFunc(recs, func(r *winRec) bool { return r.id == id }); i >= 0 {
					ws.stores[side][k] = slices.Delete(recs, i, i+1)
				}
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
		T int64     `json:"t"`
		N int       `json:"n"`
	}
	jp := p.plan.Join
	if json.Unmarshal(value, &w) != nil || w.S < 0 || w.S > 1 || w.N < 0 || w.N >= len(jp.Steps) || p.winsOf(task)[w.N] == nil {
		return
	}
	cols := p.plan.In.Cols
	if w.S == 1 {
		leaf := jp.Leaves[jp.Steps[w.N].Right]
		cols = append(slices.Clone(leaf.Source.Schema.Cols), expr.PseudoColumns...)
		if leaf.Source.Window != nil {
			cols = append(cols, types.Column{Name: "WINDOWSTART", Type: types.Bigint}, types.Column{Name: "WINDOWEND", Type: types.Bigint})
		}
	}
	row, ok := decodeRow(MustJSON(map[string]any{"r": w.R}), cols)
	if !ok {
		return
	}
	keyVal := p.windowKey(w.N, w.S, row)
	if keyVal == nil {
		return
	}
	p.join.key[0] = keyVal
	key := string(p.appendWindowOf(w.N, w.S, row, appendVals(nil, p.join.key[:])))
	rec := &winRec{id: id, step: w.N, side: w.S, key: key, keyVal: keyVal, ts: w.T, row: row, joined: w.J, emitted: w.E, task: task}
	ws := p.winsOf(task)[w.N]
	ws.stores[w.S][key] = append(ws.stores[w.S][key], rec)
}

// finishWindowedRestore rebuilds each task's steps' store times and
// pending outer records.
func (p *Processor) finishWindowedRestore() {
	if p.join == nil || p.join.wins == nil {
		return
	}
	for _, wins := range p.join.wins {
		p.finishTaskWindows(wins)
	}
}

// finishTaskWindows rebuilds the store times and pending outer records of
// one task's steps. Stream time starts over: a restarted task's
// KStreamImplJoin.TimeTracker starts at NO_TIMESTAMP, while each window
// store restores its own time from its changelog
// (AbstractRocksDBSegmentedBytesStore).
func (p *Processor) finishTaskWindows(wins []*windowState) {
	for s, ws := range wins {
		if ws == nil {
			continue
		}
		st := p.plan.Join.Steps[s]
		ws.pending = ws.pending[:0]
		for side := range ws.stores {
			for _, recs := range ws.stores[side] {
				slices.SortStableFunc(recs, func(a, b *winRec) int { return int(min(max(a.ts-b.ts, -1), 1)) })
				for _, rec := range recs {
					ws.storeTime[side] = max(ws.storeTime[side], rec.ts)
					if !rec.joined && !rec.emitted && outerSide(st.Type, side) {
						ws.pending = append(ws.pending, rec)
					}
				}
			}
		}
	}
}

func MustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

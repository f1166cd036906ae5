package operators

import (
	"bytes"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// A stream-stream step's stores as Kafka Streams keeps and logs ksqlDB's
// (apache/kafka 3.9, streams/.../kstream/internals KStreamImplJoin,
// KStreamJoinWindow, KStreamKStreamJoin): each side's window store holds
// every record of that side with a join key, logged as it is put; a LEFT,
// RIGHT or FULL OUTER step with a GRACE PERIOD also keeps the records that
// joined nothing yet in its outer store, an entry per time, side and key
// listing them, deleted (logged as a tombstone) once a record of the other
// side joins them or their null-padded results go out. Expired window
// records go with their store segments, unlogged. The processor logs its
// stores so where UseJoinStores was called; the query serializes the
// changes (WindowStorePut, OuterStoreUpdate) and restores them
// (RestoreWindowStore, RestoreOuterStore).

// OuterJoinSide reports whether records of a step's side get null-padded
// results.
func OuterJoinSide(t sql.JoinType, side int) bool { return outerSide(t, side) }

// JoinStoreRetention is how long a step's window stores keep a record:
// the window's size and its grace period (StreamJoinedStoreFactory).
func JoinStoreRetention(w *sql.Within) int64 { return retentionOf(w) }

// outerEntry is an update of an outer store entry: of names the entry
// (its step, side, key and time), recs are what it now lists (none: it is
// deleted).
type outerEntry struct {
	of   *winRec
	recs []*winRec
}

// UseJoinStores makes the processor log its stream-stream steps' stores
// as Kafka Streams logs ksqlDB's; key serializes a record's join key as
// the stores do (the outer store is visited in the order of its keys).
func (p *Processor) UseJoinStores(key func(WindowStoreRecord) []byte) {
	p.joinStores, p.storeKey = true, key
}

// outerKeyOrder orders records of the same time and side as their outer
// store keys: by serialized join key, as Kafka Streams' stores iterate.
func (p *Processor) outerKeyOrder(a, b *winRec) int {
	if p.storeKey == nil || a.key == b.key {
		return 0
	}
	if a.keyBytes == nil {
		a.keyBytes = p.storeKey(a.storeRecord())
	}
	if b.keyBytes == nil {
		b.keyBytes = p.storeKey(b.storeRecord())
	}
	return bytes.Compare(a.keyBytes, b.keyBytes)
}

// WindowStoreRecord is a record of a stream-stream step's window store.
type WindowStoreRecord struct {
	Step, Side int
	TS         int64 // the record's time, the store's window start
	KeyVal     any   // the join key
	// Row is the side's row: the left side's is the joined row so far,
	// the right side's its stream's own row
	Row []any
	// Null: the record's value is null, Row holds only its key columns
	Null bool
}

// OuterStoreEntry is an entry of a stream-stream step's outer store: the
// records of one side, join key and time that await their null-padded
// result, in the order they came; none where the entry is deleted.
type OuterStoreEntry struct {
	Step, Side int
	TS         int64 // the records' time
	KeyVal     any
	Row        []any   // a row of the entry's side, for the key's window
	Rows       [][]any // the listed records' rows; nil deletes the entry
	LogTS      int64   // the time of the record whose processing changed it
}

func (r *winRec) storeRecord() WindowStoreRecord {
	return WindowStoreRecord{Step: r.step, Side: r.side, TS: r.ts, KeyVal: r.keyVal, Row: r.row, Null: r.nullValue}
}

// WindowStorePut is the window store record c puts, if c is one.
func (c Change) WindowStorePut() (WindowStoreRecord, bool) {
	if c.put == nil {
		return WindowStoreRecord{}, false
	}
	return c.put.storeRecord(), true
}

// OuterStoreUpdate is the outer store entry c writes, if c is one.
func (c Change) OuterStoreUpdate() (OuterStoreEntry, bool) {
	if c.outer == nil {
		return OuterStoreEntry{}, false
	}
	o := c.outer.of
	e := OuterStoreEntry{Step: o.step, Side: o.side, TS: o.ts, KeyVal: o.keyVal, Row: o.row, LogTS: c.TS}
	for _, r := range c.outer.recs {
		e.Rows = append(e.Rows, r.row)
	}
	return e, true
}

// sameOuterKey reports records of one outer store entry: the same side,
// join key and time.
func sameOuterKey(a, b *winRec) bool {
	return a.side == b.side && a.ts == b.ts && a.key == b.key
}

// outerSideByte is how TimestampedKeyAndJoinSideSerializer marks a side:
// 1 for Kafka Streams' "this" (left) side, 0 for the other.
func outerSideByte(side, this int) int {
	if side == this {
		return 1
	}
	return 0
}

// putOuter adds rec, which joined nothing, to its step's outer store: the
// entry of its side, key and time is logged with every record it lists
// (ChangeLoggingListValueBytesStore logs the whole list).
func (p *Processor) putOuter(ws *windowState, rec *winRec, out *joinOut) {
	rec.outer = true
	if !out.changelog {
		return
	}
	e := &outerEntry{of: rec}
	for _, o := range ws.pending {
		if o.outer && sameOuterKey(o, rec) {
			e.recs = append(e.recs, o)
		}
	}
	out.changes = append(out.changes, Change{Key: rec.id, outer: e, Side: rec.side, Step: rec.step, TS: rec.ts, task: rec.task})
}

// dropOuter deletes the outer store entry of o, logged at ts: the records
// it lists no longer await a null-padded result.
func (p *Processor) dropOuter(ws *windowState, o *winRec, ts int64, out *joinOut) {
	o.outer = false
	for _, r := range ws.pending {
		if r.outer && sameOuterKey(r, o) {
			r.outer = false
		}
	}
	if out.changelog {
		out.changes = append(out.changes, Change{Key: o.id, outer: &outerEntry{of: o}, del: true, Side: o.side, Step: o.step, TS: ts, task: o.task})
	}
}

// AppendStoreWindow appends to a serialized join key the window of a
// side's record where its stream is windowed, as the windowed key serde
// writes it.
func (p *Processor) AppendStoreWindow(step, side int, row []any, key []byte) []byte {
	return p.appendWindowOf(step, side, row, key)
}

// WindowStoreRow is an empty row of a step's side, as WindowStoreRecord
// lays it out.
func (p *Processor) WindowStoreRow(step, side int) []any {
	jp := p.plan.Join
	if side == 0 {
		return make([]any, jp.Width)
	}
	return make([]any, leafWidth(jp.Leaves[jp.Steps[step].Right]))
}

// restoredRec is a window record of task read back: its join key from
// its row.
func (p *Processor) restoredRec(step, side int, ts int64, row []any, task int32) *winRec {
	if p.join == nil || p.join.wins == nil || step < 0 || step >= len(p.plan.Join.Steps) || p.winsOf(task)[step] == nil || side < 0 || side > 1 {
		return nil
	}
	keyVal := p.windowKey(step, side, row)
	if keyVal == nil {
		return nil
	}
	p.join.key[0] = keyVal
	key := string(p.appendWindowOf(step, side, row, appendVals(nil, p.join.key[:])))
	rec := &winRec{step: step, side: side, key: key, keyVal: keyVal, ts: ts, row: row, joined: true, task: task}
	rec.id = p.winRecID(rec)
	return rec
}

// RestoreWindowStore puts a record read back from a window store's
// changelog partition task in the task's store; it awaits no null-padded
// result unless the outer store lists it (RestoreOuterStore).
func (p *Processor) RestoreWindowStore(step, side int, ts int64, row []any, task int32) {
	rec := p.restoredRec(step, side, ts, row, task)
	if rec == nil {
		return
	}
	ws := p.winsOf(task)[step]
	ws.stores[side][rec.key] = append(ws.stores[side][rec.key], rec)
}

// RestoreOuterStore applies an outer store entry read back (the last of
// its key): the latest len(rows) records of its side, key and time in the
// window store await their null-padded result again; records the window
// store no longer holds are taken from the entry.
func (p *Processor) RestoreOuterStore(step, side int, ts int64, rows [][]any, task int32) {
	if len(rows) == 0 {
		return
	}
	first := p.restoredRec(step, side, ts, rows[0], task)
	if first == nil {
		return
	}
	ws := p.winsOf(task)[step]
	recs := ws.stores[side][first.key]
	var found []*winRec
	for i := len(recs) - 1; i >= 0 && len(found) < len(rows); i-- {
		if recs[i].ts == ts && !recs[i].outer {
			found = append(found, recs[i])
		}
	}
	slices.Reverse(found)
	for _, r := range rows[:len(rows)-len(found)] {
		if rec := p.restoredRec(step, side, ts, r, task); rec != nil {
			ws.stores[side][rec.key] = append(ws.stores[side][rec.key], rec)
			found = append(found, rec)
		}
	}
	for _, rec := range found {
		rec.joined, rec.emitted, rec.outer = false, false, true
	}
}

// OwnWindowEntry reports a change of a stream-stream step's window record
// in this server's own layout, for a join whose stores are not logged as
// ksqlDB's (see UseJoinStores); the query writes it to its step's side's
// changelog as it is.
func (c Change) OwnWindowEntry() bool {
	return c.put == nil && c.outer == nil && strings.HasPrefix(c.Key, "w")
}

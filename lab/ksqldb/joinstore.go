package ksqldb

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// joinStores are the changelogs of a stream-stream join's stores, laid
// out as Kafka Streams logs ksqlDB's (apache/kafka 3.9, streams/src/main/
// java/org/apache/kafka/streams):
//
//   - each side's window store (KStreamImplJoin's KSTREAM-JOINTHIS or
//     -OUTERTHIS and KSTREAM-JOINOTHER or -OUTEROTHER store) logs every
//     record put (KStreamJoinWindow) keyed by the join key in the join's
//     internal key format (windowed as the streams are), the record's time
//     in 8 big-endian bytes and a 4-byte sequence number the store counts
//     from 1 since it was opened (each task's store its own), as it keeps duplicates
//     (state/internals/ChangeLoggingWindowBytesStore, WindowKeySchema.
//     toStoreKeyBinary); the value is the side's PrependAlias row in its
//     value format (ksqlDB's StreamStreamJoinBuilder), the record's time the
//     record's; the topic is created with cleanup.policy delete and the
//     store's retention and a day (StreamJoinedStoreFactory,
//     WindowedChangelogTopicConfig);
//   - a LEFT, RIGHT or FULL OUTER step with a GRACE PERIOD logs its outer
//     store (KSTREAM-OUTERSHARED, OuterStreamJoinStoreFactory) keyed by the
//     records' time in 8 bytes, 1 for the "this" side or 0 for the other,
//     then the join key (TimestampedKeyAndJoinSideSerializer); the value
//     lists every record of that key (ChangeLoggingListValueBytesStore,
//     ListSerializer: 1 for its variable-size entries, a 4-byte count, each
//     entry's 4-byte length then its bytes), each written by
//     LeftOrRightValueSerializer (1 for the "this" side or 0, then the row
//     in its side's value format); a tombstone deletes an entry joined or
//     emitted, at the time of the record whose processing did it.
//
// A restart reads the stores back from these changelogs alone.
type joinStores struct {
	steps []*joinStepStores
	names map[string]bool // the changelog topics
}

// joinStepStores are one stream-stream step's store changelogs.
type joinStepStores struct {
	step   int
	this   int              // Kafka Streams' "this" side (planner.ThisSide)
	window [2]*joinStoreLog // by side
	outer  *joinStoreLog    // nil without an outer store
	from   [2][]int         // per side, each stored value's index in the side's row
	// computed: per side, the expression of a stored value computed over
	// the side's row (planner.JoinStoreSide.Computed)
	computed [2][]expr.Compiled
	// seq is, per task (partition) and side, the window store's last
	// sequence number: each task opens its own stores
	// (ChangeLoggingWindowBytesStore keeps seqnum per store instance)
	seq map[int32]*[2]uint32
	// per task and side, seq as of the last committed batch: a restore
	// while the query runs (a batch read again) goes on from there
	committedSeq map[int32][2]uint32
	retain       int64 // the window stores' retention
	vals         []any // scratch: a stored row
}

// joinStoreLog is one store's changelog and the serdes of its records.
type joinStoreLog struct {
	topic string
	key   *formats.Serde
	val   [2]*formats.Serde // by side; nil for a side the store never holds
}

// newJoinStores are the store changelogs of a query's stream-stream
// steps under application id app, nil where the join keeps its stores in
// this server's own layout.
func (s *Server) newJoinStores(app string, q *sql.Query, plan *planner.Plan, stores map[int]planner.WindowStores) *joinStores {
	layouts, ok := planner.WindowJoinStoreLayouts(q, plan)
	if !ok {
		return nil
	}
	js := &joinStores{}
	for _, step := range slices.Sorted(maps.Keys(stores)) {
		lay := layouts[step]
		if lay == nil {
			return nil
		}
		ws := stores[step]
		st := plan.Join.Steps[step]
		ss := &joinStepStores{step: step, this: planner.ThisSide(st.Type), retain: operators.JoinStoreRetention(st.Within), seq: map[int32]*[2]uint32{}, committedSeq: map[int32][2]uint32{}}
		names := [2]string{ws.This, ws.Other}
		if ws.RightIsThis {
			names[0], names[1] = names[1], names[0]
		}
		for side := range 2 {
			ss.window[side] = s.newJoinStoreLog(app, names[side], lay, []int{side})
			ss.from[side], ss.computed[side] = lay.Sides[side].From, lay.Sides[side].Computed
		}
		if ws.Outer != "" {
			var sides []int
			for _, side := range []int{ss.this, 1 - ss.this} {
				if operators.OuterJoinSide(st.Type, side) {
					sides = append(sides, side)
				}
			}
			ss.outer = s.newJoinStoreLog(app, ws.Outer, lay, sides)
		}
		js.steps = append(js.steps, ss)
	}
	js.names = map[string]bool{}
	for t := range js.topics() {
		js.names[t] = true
	}
	return js
}

// newJoinStoreLog is the changelog of store of application app with the
// value serdes of sides.
func (s *Server) newJoinStoreLog(app, store string, lay *planner.JoinStoreLayout, sides []int) *joinStoreLog {
	topic := app + "-" + store + "-changelog"
	l := &joinStoreLog{topic: topic, key: formats.NewSerde(lay.KeyFormat, []types.Column{lay.Key}, true, topic, s.reg)}
	if ks := lay.KeySource; ks != nil {
		l.key = l.key.WithDelimiter(ks.KeyDelimiter).WithProtobufNullable(ks.KeyProtoNullable)
	}
	for _, side := range sides {
		src := lay.Sides[side].Source
		l.val[side] = formats.NewSerde(src.ValueFormat, lay.Sides[side].Values, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable)
	}
	return l
}

// keyParts are where the stores' changelog keys hold the join key, whose
// partition is their task's (a record goes to the partition of the task
// whose store it changes, which it is given): a window store's before the record's time
// and sequence number (12 bytes), an outer store's after the time and the
// side (9 bytes); a windowed join key's window is left out too.
func (js *joinStores) keyParts(plan *planner.Plan) map[string]keyPart {
	window := 0
	for _, l := range plan.Join.Leaves {
		if w := l.Source.Window; w != nil {
			window = operators.WindowBytes(w.Type)
		}
	}
	out := map[string]keyPart{}
	for _, ss := range js.steps {
		for _, l := range ss.window {
			out[l.topic] = keyPart{suffix: 12 + window, task: true}
		}
		if ss.outer != nil {
			out[ss.outer.topic] = keyPart{prefix: 9, suffix: window, task: true}
		}
	}
	return out
}

// serdes are the stores' serdes in the order their schemas are
// registered: per step, each window store's key and value, then the
// outer store's key and its sides' values, the "this" side's first.
func (js *joinStores) serdes() []*formats.Serde {
	var out []*formats.Serde
	for _, ss := range js.steps {
		for _, side := range []int{ss.this, 1 - ss.this} {
			out = append(out, ss.window[side].key, ss.window[side].val[side])
		}
		if o := ss.outer; o != nil {
			out = append(out, o.key)
			for _, side := range []int{ss.this, 1 - ss.this} {
				if o.val[side] != nil {
					out = append(out, o.val[side])
				}
			}
		}
	}
	return out
}

// topics are the stores' changelogs with the configs they are created
// with: a window store's deletes past its retention and a day, an outer
// store's is compacted.
func (js *joinStores) topics() map[string]map[string]*string {
	out := map[string]map[string]*string{}
	for _, ss := range js.steps {
		for _, w := range ss.window {
			out[w.topic] = map[string]*string{"cleanup.policy": kadm.StringPtr("delete"),
				"retention.ms": kadm.StringPtr(strconv.FormatInt(ss.retain+windowStoreAdditionalRetention.Milliseconds(), 10))}
		}
		if ss.outer != nil {
			out[ss.outer.topic] = map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}
		}
	}
	return out
}

func (js *joinStores) stepOf(step int) *joinStepStores {
	for _, ss := range js.steps {
		if ss.step == step {
			return ss
		}
	}
	return nil
}

// record is the changelog record of a store change, nil (and no error)
// for a change that is not a join store's. The caller holds q.proc.Mu.
func (js *joinStores) record(q *runningQuery, c operators.Change) (*kgo.Record, error) {
	if e, ok := c.WindowStorePut(); ok {
		ss := js.stepOf(e.Step)
		if ss == nil {
			return nil, nil
		}
		l := ss.window[e.Side]
		kb, err := ss.key(q, l, e.Step, e.Side, e.KeyVal, e.Row)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.topic, err)
		}
		seq := ss.nextSeq(c.Task(), e.Side)
		kb = binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(kb, uint64(e.TS)), seq)
		var v []byte
		if !e.Null {
			if v, err = ss.value(l, e.Side, e.KeyVal, e.Row); err != nil {
				return nil, fmt.Errorf("%s: %w", l.topic, err)
			}
		}
		return &kgo.Record{Topic: l.topic, Partition: c.Task(), Key: kb, Value: v, Timestamp: time.UnixMilli(e.TS)}, nil
	}
	e, ok := c.OuterStoreUpdate()
	if !ok {
		return nil, nil
	}
	ss := js.stepOf(e.Step)
	if ss == nil || ss.outer == nil {
		return nil, nil
	}
	l := ss.outer
	jk, err := ss.key(q, l, e.Step, e.Side, e.KeyVal, e.Row)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.topic, err)
	}
	side := byte(0)
	if e.Side == ss.this {
		side = 1
	}
	kb := append(binary.BigEndian.AppendUint64(nil, uint64(e.TS)), side)
	r := &kgo.Record{Topic: l.topic, Partition: c.Task(), Key: append(kb, jk...), Timestamp: time.UnixMilli(e.LogTS)}
	if e.Rows == nil {
		return r, nil
	}
	list := binary.BigEndian.AppendUint32([]byte{1}, uint32(len(e.Rows)))
	for _, row := range e.Rows {
		v, err := ss.value(l, e.Side, e.KeyVal, row)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.topic, err)
		}
		list = binary.BigEndian.AppendUint32(list, uint32(1+len(v)))
		list = append(append(list, side), v...)
	}
	r.Value = list
	return r, nil
}

// key is the join key as the store's key serde writes it, windowed as the
// side's stream is.
func (ss *joinStepStores) key(q *runningQuery, l *joinStoreLog, step, side int, keyVal any, row []any) ([]byte, error) {
	kb, err := l.key.Encode([]any{keyVal})
	if err != nil {
		return nil, err
	}
	return q.proc.AppendStoreWindow(step, side, row, kb), nil
}

// keyOf serializes a record's join key as its step's stores do, nil where
// it cannot (the processor orders its outer store entries by these bytes).
func (js *joinStores) keyOf(q *runningQuery) func(operators.WindowStoreRecord) []byte {
	return func(e operators.WindowStoreRecord) []byte {
		ss := js.stepOf(e.Step)
		if ss == nil {
			return nil
		}
		kb, err := ss.key(q, ss.window[e.Side], e.Step, e.Side, e.KeyVal, e.Row)
		if err != nil {
			return nil
		}
		return kb
	}
}

// value is a side's row as the store keeps it.
func (ss *joinStepStores) value(l *joinStoreLog, side int, keyVal any, row []any) ([]byte, error) {
	vals := ss.vals[:0]
	computed := ss.computed[side]
	for i, f := range ss.from[side] {
		switch {
		case f >= 0:
			vals = append(vals, row[f])
		case i < len(computed) && computed[i].Eval != nil:
			vals = append(vals, computed[i].Eval(row))
		default: // the copy of the join key, an expression
			vals = append(vals, keyVal)
		}
	}
	ss.vals = vals
	return l.val[side].Encode(vals)
}

// owns reports a topic of the stores.
func (js *joinStores) owns(topic string) bool { return js.names[topic] }

// row is a stored value read back as the side's row.
func (ss *joinStepStores) row(ctx context.Context, q *runningQuery, l *joinStoreLog, side int, b []byte) ([]any, error) {
	sd := l.val[side]
	if sd == nil {
		return nil, fmt.Errorf("a record of side %d, which the store never holds", side)
	}
	vals, err := sd.Decode(ctx, b)
	if err != nil {
		return nil, err
	}
	row := q.proc.WindowStoreRow(ss.step, side)
	for i, f := range ss.from[side] {
		if f >= 0 && i < len(vals) {
			row[f] = vals[i]
		}
	}
	return row, nil
}

// committed notes that the batch whose changes were logged so far has
// committed.
func (js *joinStores) committed() {
	if js == nil {
		return
	}
	for _, ss := range js.steps {
		clear(ss.committedSeq)
		for task, seq := range ss.seq {
			ss.committedSeq[task] = *seq
		}
	}
}

// nextSeq counts the next sequence number of a side's window store of a
// task.
func (ss *joinStepStores) nextSeq(task int32, side int) uint32 {
	seq := ss.seq[task]
	if seq == nil {
		seq = new([2]uint32)
		ss.seq[task] = seq
	}
	seq[side] = (seq[side] + 1) & 0x7FFFFFFF
	return seq[side]
}

// restore reads every store back from its changelog: the window stores,
// then the outer stores' entries (the last record of each key). A record
// it cannot read fails the restore. The sequence numbers go on from the
// last committed batch's: a store opened anew counts from 0 (a query
// started, as by a server's restart), and a restore while the query runs
// (a batch whose transaction a rebalance aborted, read again) stands for a
// store Kafka Streams keeps open across a rebalance (its cooperative
// assignor keeps the task), whose count at_least_once never rewinds.
func (js *joinStores) restore(ctx context.Context, q *runningQuery) error {
	for _, ss := range js.steps {
		clear(ss.seq)
		for task, seq := range ss.committedSeq {
			ss.seq[task] = &seq
		}
		for side, l := range ss.window {
			err := q.srv.restoreChangelog(ctx, l.topic, func(r *kgo.Record) error {
				if len(r.Key) < 12 {
					return fmt.Errorf("a window store key of %d bytes", len(r.Key))
				}
				if r.Value == nil {
					return nil
				}
				row, err := ss.row(ctx, q, l, side, r.Value)
				if err != nil {
					return fmt.Errorf("value: %w", err)
				}
				ts := int64(binary.BigEndian.Uint64(r.Key[len(r.Key)-12:]))
				q.proc.RestoreWindowStore(ss.step, side, ts, row, r.Partition)
				return nil
			})
			if err != nil {
				return err
			}
		}
		if ss.outer == nil {
			continue
		}
		last := map[string]*kgo.Record{}
		var order []string
		err := q.srv.readChangelog(ctx, ss.outer.topic, func(r *kgo.Record) {
			k := string(r.Key)
			if _, ok := last[k]; !ok {
				order = append(order, k)
			}
			last[k] = r
		})
		if err != nil {
			return err
		}
		for _, k := range order {
			if r := last[k]; r.Value != nil {
				if err := ss.restoreOuter(ctx, q, r); err != nil {
					return restoreFailure(r, err)
				}
			}
		}
	}
	return nil
}

// restoreOuter applies the last record of an outer store entry.
func (ss *joinStepStores) restoreOuter(ctx context.Context, q *runningQuery, r *kgo.Record) error {
	if len(r.Key) < 9 {
		return fmt.Errorf("an outer store key of %d bytes", len(r.Key))
	}
	ts := int64(binary.BigEndian.Uint64(r.Key))
	side := 1 - ss.this
	if r.Key[8] == 1 {
		side = ss.this
	}
	b := r.Value
	if len(b) < 5 || b[0] != 1 {
		return fmt.Errorf("an outer store value that is no list of variable-size entries")
	}
	n := binary.BigEndian.Uint32(b[1:])
	b = b[5:]
	var rows [][]any
	for range n {
		if len(b) < 4 {
			return fmt.Errorf("an outer store list cut short")
		}
		size := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if size < 1 || int(size) > len(b) {
			return fmt.Errorf("an outer store entry of %d bytes", size)
		}
		entry := b[:size]
		b = b[size:]
		of := 1 - ss.this
		if entry[0] == 1 {
			of = ss.this
		}
		row, err := ss.row(ctx, q, ss.outer, of, entry[1:])
		if err != nil {
			return fmt.Errorf("value: %w", err)
		}
		rows = append(rows, row)
	}
	q.proc.RestoreOuterStore(ss.step, side, ts, rows, r.Partition)
	return nil
}

package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// joinRepartitioner writes the stream sides of a join that ksqlDB rekeys
// (planner.JoinRepartition) through their repartition topics, as Kafka
// Streams runs ksqlDB's topology: the first sub-topology, on a stream
// thread of its own, reads each such stream, computes its join key and
// writes the record keyed by it, the PrependAlias step's columns as its
// value, in the transaction that commits the stream's offsets; the join
// reads the stream side back from the topic (see eachJoinRow), the other
// side from its own topic.
type joinRepartitioner struct {
	sides    []*joinSide
	bySource map[string]*joinSide // the first thread's: by source topic
	byTopic  map[string]*joinSide // the join's: by repartition topic
	row      []any                // the first thread's joined-row scratch
	arena    outArena             // the first thread's
	purger

	caughtUp chan struct{} // closed once the first thread has written what its sources held at its start
	signal   sync.Once
	// startEnds are the repartition topics' end offsets when the query
	// started, before the first thread wrote to them (noteStart)
	startEnds map[tp]int64
}

// rekeysLeaf reports whether the first thread rekeys any of the given
// leaves (false for a join without repartitions).
func (jr *joinRepartitioner) rekeysLeaf(leaves ...int) bool {
	if jr == nil {
		return false
	}
	for _, side := range jr.sides {
		if slices.Contains(leaves, side.plan.Leaf) {
			return true
		}
	}
	return false
}

// joinSide is one repartitioned stream.
type joinSide struct {
	plan     *planner.JoinRepartition
	topic    string
	srcTopic string
	base     int // the leaf's first column in the joined row
	width    int // the leaf's row
	keyAt    int // a table's: its key column in the leaf's row
	key, val *formats.Serde
	dec      *decoder // the first thread's
	keys     [1]any
	vals     []any
	// the join's: a leaf row, reused, and the decoded recent values
	row     []any
	valMemo decodeMemo
}

// newJoinRepartitioner is the join repartitioner of a query whose
// application id is appID, nil where the plan rekeys no stream through a
// topic.
func (s *Server) newJoinRepartitioner(qi *metastore.Query, plan *planner.Plan, appID string) *joinRepartitioner {
	if len(plan.JoinRepartitions) == 0 {
		return nil
	}
	jp := plan.Join
	jr := &joinRepartitioner{bySource: map[string]*joinSide{}, byTopic: map[string]*joinSide{},
		row: make([]any, jp.Width), caughtUp: make(chan struct{})}
	var topics []string
	for i := range plan.JoinRepartitions {
		rp := &plan.JoinRepartitions[i]
		if rp.Step > 0 { // the main thread's (joinstages.go)
			continue
		}
		leaf := jp.Leaves[rp.Leaf]
		src := leaf.Source
		topic := appID + rp.Suffix
		side := &joinSide{plan: rp, topic: topic, srcTopic: src.Topic, base: leaf.Base,
			width: len(src.Schema.Cols) + len(expr.PseudoColumns),
			key:   s.repartitionKeySerde(rp, topic),
			val:   formats.NewSerde(src.ValueFormat, rp.Values, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable),
			dec:   s.newDecoder(qi.ID, src),
			keyAt: slices.IndexFunc(src.Schema.Cols, func(c types.Column) bool { return c.Key }),
		}
		side.dec.throwTS = throwsOnInvalidTimestamp(qi.Props)
		side.dec.keepNulls = !src.Table // a stream's null values go through too
		jr.sides = append(jr.sides, side)
		jr.bySource[src.Topic] = side
		jr.byTopic[topic] = side
		topics = append(topics, topic)
	}
	if len(jr.sides) == 0 {
		return nil
	}
	jr.purger = newPurger(qi, topics...)
	return jr
}

// topics are the repartition topics.
func (jr *joinRepartitioner) topics() []string {
	var out []string
	for _, s := range jr.sides {
		out = append(out, s.topic)
	}
	return out
}

// consumedTopics are what the join reads of inputs: the repartition topics
// for the streams the first thread reads, the other inputs themselves.
func (jr *joinRepartitioner) consumedTopics(inputs []string) []string {
	out := jr.topics()
	for _, t := range inputs {
		if jr.bySource[t] == nil {
			out = append(out, t)
		}
	}
	return out
}

// prepare creates the repartition topics, each with as many partitions as
// the input it is co-partitioned with: the other side where that is not
// repartitioned, else the larger of the two (Kafka Streams'
// CopartitionedTopicsEnforcer).
func (jr *joinRepartitioner) prepare(ctx context.Context, s *Server, plan *planner.Plan) error {
	var others []string
	for _, t := range plan.InputTopics() {
		if jr.bySource[t] == nil {
			others = append(others, t)
		}
	}
	if len(others) == 0 || plan.Join.ForeignKey() {
		// a foreign-key join's rekeyed right table is co-partitioned
		// with the registration topic, not with the left table: both
		// repartition topics take the larger count Kafka Streams
		// computes for them, from the right table's topic and the left
		// table's (RepartitionTopics.computePartitionCount,
		// CopartitionedTopicsEnforcer.enforce, apache/kafka 3.9)
		others = plan.InputTopics()
	}
	parts, err := s.taskCount(ctx, others)
	if err != nil {
		return err
	}
	for _, side := range jr.sides {
		if err := s.ensureTopic(ctx, side.topic, parts, 1, repartitionTopicConfigs); err != nil {
			return err
		}
	}
	return nil
}

func (jr *joinRepartitioner) sourceTopics() []string {
	var out []string
	for _, s := range jr.sides {
		out = append(out, s.srcTopic)
	}
	return out
}

func (jr *joinRepartitioner) txnSuffix() string                           { return "-Join" }
func (jr *joinRepartitioner) purging() *purger                            { return &jr.purger }
func (jr *joinRepartitioner) records() *outArena                          { return &jr.arena }
func (jr *joinRepartitioner) restoreState(context.Context, *Server) error { return nil }

func (jr *joinRepartitioner) decodeFailure(*runningQuery) error {
	for _, s := range jr.sides {
		if err := s.dec.takeFailure(); err != nil {
			return err
		}
	}
	return nil
}

// write turns the stream records of fs into repartition records, keyed by
// the join key, a null one too (Kafka Streams' repartition filter,
// Join-repartition-filter in ksqlDB's topology, passes every record:
// KStreamImpl.createRepartitionedSource). A stream record with a null
// value goes through with its null value, keyed by what the key
// expression gives over its key columns alone: ksqlDB's SelectKey
// (PartitionByParamsFactory's mapper) computes it from the key where the
// expression reads only key columns, and from the null value, which gives
// null, otherwise.
func (jr *joinRepartitioner) write(ctx context.Context, q *runningQuery, fs kgo.Fetches, produce func(*kgo.Record)) {
	fs.EachRecord(func(in *kgo.Record) {
		side := jr.bySource[in.Topic]
		if side == nil || in.Attrs.IsControl() {
			return
		}
		row, ok := side.dec.decode(ctx, in)
		if !ok {
			return
		}
		clear(jr.row)
		copy(jr.row[side.base:], row.Vals)
		key := side.plan.KeyOf(jr.row, row.Tombstone)
		q.srv.logExpressionFailures(q.info.ID, side.plan.KeyFailures)
		side.keys[0] = key
		vals := side.vals[:0]
		for _, idx := range side.plan.From {
			if idx >= 0 {
				vals = append(vals, row.Vals[idx])
			} else {
				vals = append(vals, key)
			}
		}
		side.vals = vals
		k, err := jr.arena.encode(side.key, side.keys[:])
		var v []byte
		if err == nil && !row.Tombstone {
			v, err = jr.arena.encode(side.val, vals)
		}
		if err != nil {
			q.srv.processingError(q.info.ID, in, &serializeError{topic: side.topic, err: err})
			return
		}
		rec := jr.arena.record()
		rec.Topic, rec.Key, rec.Value, rec.Timestamp, rec.Headers = side.topic, k, v, time.UnixMilli(row.TS), in.Headers
		produce(rec)
	})
}

// read turns a record of a repartition topic into a row of its stream's
// leaf; ok is false for one that cannot be read (the processing log has
// it). A null value is a Tombstone row of no columns that carries the
// record's key as its join key (operators.InRow.JoinKey): a stream-stream
// join moves its stream time on with it and logs its window store's put
// of it, a stream-table join skips it.
func (side *joinSide) read(ctx context.Context, q *runningQuery, rec *kgo.Record) (operators.InRow, bool) {
	if side.plan.Table {
		return side.readTable(ctx, q, rec)
	}
	if rec.Value == nil {
		var key any
		if rec.Key != nil {
			keys, err := side.key.Decode(ctx, rec.Key)
			if err != nil {
				q.srv.processingError(q.info.ID, rec, decodeFailed(side.key, "key", err))
				return operators.InRow{}, false
			}
			if len(keys) == 1 {
				key = keys[0]
			}
		}
		return operators.InRow{Vals: make([]any, side.width), TS: rec.Timestamp.UnixMilli(), Leaf: side.plan.Leaf,
			Tombstone: true, JoinKey: key, Rekeyed: true, Task: rec.Partition}, true
	}
	vals, err := memoDecode(ctx, &side.valMemo, side.val, rec.Value)
	if err != nil {
		q.srv.processingError(q.info.ID, rec, decodeFailed(side.val, "value", err))
		return operators.InRow{}, false
	}
	if cap(side.row) < side.width {
		side.row = make([]any, side.width)
	}
	row := side.row[:side.width]
	clear(row)
	placeValues(row, side.plan.From, vals)
	return operators.InRow{Vals: row, TS: rec.Timestamp.UnixMilli(), Leaf: side.plan.Leaf, Task: rec.Partition}, true
}

// readTable turns a record of a table's repartition topic (or of the
// store's changelog, which holds the same) into a row of the table's leaf
// under its key, a delete where the value is null. The row is the
// table's to keep.
func (side *joinSide) readTable(ctx context.Context, q *runningQuery, rec *kgo.Record) (operators.InRow, bool) {
	keys, err := side.key.Decode(ctx, rec.Key)
	if err != nil {
		q.srv.processingError(q.info.ID, rec, decodeFailed(side.key, "key", err))
		return operators.InRow{}, false
	}
	in := operators.InRow{TS: rec.Timestamp.UnixMilli(), Leaf: side.plan.Leaf, SrcKey: operators.EncodeVals(keys), Tombstone: rec.Value == nil, Task: rec.Partition}
	in.Vals = make([]any, side.width)
	if in.Tombstone {
		// the key, as a source table's delete carries it: a table-table
		// join keys its tombstone by it
		if side.keyAt >= 0 && len(keys) == 1 {
			in.Vals[side.keyAt] = keys[0]
		}
		return in, true
	}
	vals, err := side.val.Decode(ctx, rec.Value)
	if err != nil {
		q.srv.processingError(q.info.ID, rec, decodeFailed(side.val, "value", err))
		return operators.InRow{}, false
	}
	placeValues(in.Vals, side.plan.From, vals)
	return in, true
}

// placeValues puts each of a repartition record's values at its column's
// index in row (from[i]; a negative index is a column the row does not
// take).
func placeValues(row []any, from []int, vals []any) {
	for i, idx := range from {
		if idx >= 0 {
			row[idx] = vals[i]
		}
	}
}

// tableTopics are the topics the join reads as tables: its tables' own,
// or the repartition topic of a table the first thread rekeys.
func (q *runningQuery) tableTopics() map[string]bool {
	out := q.plan.TableTopics()
	if q.jrep != nil {
		for _, side := range q.jrep.sides {
			if side.plan.Table {
				delete(out, side.srcTopic)
				out[side.topic] = true
			}
		}
	}
	return out
}

// restoreRekeyedTables reads the tables the first thread rekeys back from
// their stores' changelogs (RightSourceKeyed-Materialize), as Kafka
// Streams restores a store, into the join and a foreign-key join's
// protocol state; the caller holds q.proc.mu.
func (q *runningQuery) restoreRekeyedTables(ctx context.Context) error {
	if q.jrep == nil {
		return nil
	}
	for _, side := range q.jrep.sides {
		tl := q.tableLogs[side.plan.Leaf]
		if !side.plan.Table || tl == nil {
			continue
		}
		err := q.srv.readChangelog(ctx, tl.topic, func(rec *kgo.Record) {
			if row, ok := side.readTable(ctx, q, rec); ok {
				q.proc.ProcessJoin(row, false)
				if q.fkProto != nil {
					// a foreign-key join's rekeyed right table
					q.fkProto.restoreRow(row)
				}
			}
		})
		if err != nil {
			return fmt.Errorf("restore %s: %w", tl.topic, err)
		}
	}
	return nil
}

// noteStart takes the repartition topics' end offsets before the first
// thread starts: what it writes past them came while the query started,
// after what the join's first fetch brings from its other inputs
// (joinFeed.arrivalOrder).
func (jr *joinRepartitioner) noteStart(ctx context.Context, s *Server) error {
	ends, err := s.adm.ListEndOffsets(ctx, jr.topics()...)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return fmt.Errorf("list end offsets of the repartition topics: %w", err)
	}
	jr.startEnds = map[tp]int64{}
	ends.Each(func(o kadm.ListedOffset) { jr.startEnds[tp{o.Topic, o.Partition}] = o.Offset })
	return nil
}

// signalCaughtUp tells the join the first thread has written what its
// sources held at its start.
func (jr *joinRepartitioner) signalCaughtUp() {
	jr.signal.Do(func() { close(jr.caughtUp) })
}

// waitCaughtUp waits until the first thread has written what its sources
// held at its start, so that the join's first batch sees those records
// with the rest of its inputs, in timestamp order, as the in-memory order
// of a Kafka Streams task that waits for its partitions with known lag
// would. It waits at most stageWait: the first thread may be failing.
func (jr *joinRepartitioner) waitCaughtUp(ctx context.Context) {
	t := time.NewTimer(stageWait)
	defer t.Stop()
	select {
	case <-jr.caughtUp:
	case <-ctx.Done():
	case <-t.C:
	}
}

// stageWait bounds how long a join waits for its first stage to catch up.
const stageWait = 30 * time.Second

// stageProgress follows how far a first stage has written what its
// sources held when it started (only a join waits for it).
type stageProgress struct {
	feed *joinFeed
	jr   *joinRepartitioner
}

// stageFeed is the first stage's progress over its sources' records at
// its start, nil where nothing waits for it.
func (q *runningQuery) stageFeed(ctx context.Context, st firstStage) (*stageProgress, error) {
	if q.jrep == nil {
		return nil, nil
	}
	f, err := q.feedOver(ctx, q.srv.offsetReset(q.info.Props), st.sourceTopics(), nil)
	if err != nil {
		return nil, err
	}
	p := &stageProgress{feed: f, jr: q.jrep}
	if len(f.pending) == 0 {
		q.jrep.signalCaughtUp()
	}
	return p, nil
}

// note notes a committed batch.
func (p *stageProgress) note(fs kgo.Fetches) {
	if p == nil {
		return
	}
	p.feed.note(fs)
	if len(p.feed.pending) == 0 {
		p.jr.signalCaughtUp()
	}
}

// repartitionKeySerde is the key serde of repartition rp, writing under
// topic: in its key format, with the properties of its KeySource's key
// where it has one (a foreign-key join's right table rekeyed into the left
// table's key format, its AVRO record named after the left table).
func (s *Server) repartitionKeySerde(rp *planner.JoinRepartition, topic string) *formats.Serde {
	if src := rp.KeySource; src != nil {
		k, _ := s.leftFormatSerdes(src, []types.Column{rp.Key}, nil, topic)
		return k
	}
	return formats.NewSerde(rp.KeyFormat, []types.Column{rp.Key}, true, topic, s.reg)
}

package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/planner"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Running joins: the processor's join state, the batch loop of a join query
// and how it reads its several topics (see join.go for the planning).

// joinState is a join processor's state: each table side's current rows by
// encoded PRIMARY KEY, laid out as that source's input row.
type joinState struct {
	tables map[int]map[string][]any
	row    []any // the joined row, reused: nothing keeps it past processRow
	key    [1]any
	keyBuf []byte
	wins   []*windowState // by step: stream-stream steps' state (see join_window.go)
	fk     *fkState       // foreign-key joins
}

// fkState indexes a foreign-key join's left rows by the right key they
// point at.
type fkState struct {
	refs   map[string]map[string]bool // encoded foreign key -> left keys
	fkOf   map[string]string          // left key -> its encoded foreign key
	result map[string]bool            // left keys that have a result
}

func newJoinState(jp *planner.JoinPlan) *joinState {
	if jp == nil {
		return nil
	}
	js := &joinState{tables: map[int]map[string][]any{}, row: make([]any, jp.Width)}
	if jp.Windowed() {
		js.wins = make([]*windowState, len(jp.Steps))
		for i, st := range jp.Steps {
			if st.Within != nil {
				js.wins[i] = newWindowState()
			}
		}
	}
	if jp.ForeignKey() {
		js.fk = &fkState{refs: map[string]map[string]bool{}, fkOf: map[string]string{}, result: map[string]bool{}}
	}
	for i, l := range jp.Leaves {
		if l.Source.Table {
			js.tables[i] = map[string][]any{}
		}
	}
	return js
}

// processJoin handles one decoded row of a join's source r.leaf; the caller
// holds p.mu. A table row updates that table's state (a tombstone deletes the
// key) and produces nothing; a stream row looks each table up by its join
// key: no match drops it ([INNER] JOIN) or leaves the table's columns null
// (LEFT JOIN), as the docs' "Semantics of Stream-Table Joins" table shows.
func (p *processor) processJoin(r inRow, changelog bool) ([]outRow, []change) {
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
	if _, ok := js.tables[r.leaf]; ok {
		js.updateTable(r)
		return nil, nil
	}
	if r.leaf != 0 || r.tombstone {
		return nil, nil
	}
	row := js.row
	clear(row)
	copy(row[jp.Leaves[0].Base:], r.vals)
	if !p.lookupTables(row, jp.Steps) {
		return nil, nil
	}
	return p.processRow(inRow{vals: row, ts: r.ts}, changelog)
}

// updateTable applies a table side's row to its state.
func (js *joinState) updateTable(r inRow) {
	t := js.tables[r.leaf]
	if r.tombstone {
		delete(t, r.srcKey)
	} else {
		t[r.srcKey] = r.vals
	}
}

// lookupTables joins the joined row with the tables of steps, stream-table
// joins one after the other, and sets the row's join key to the last one's.
// It reports false when the row is dropped: an [INNER] JOIN found nothing,
// or a rekeyed join's key is null.
func (p *processor) lookupTables(row []any, steps []planner.JoinStep) bool {
	jp, js := p.plan.Join, p.join
	var key any
	for _, st := range steps {
		key = st.LeftKey.Eval(row)
		var match []any
		if key != nil {
			js.key[0] = key
			js.keyBuf = appendVals(js.keyBuf[:0], js.key[:])
			match = js.tables[st.Right][string(js.keyBuf)]
		}
		if key == nil && st.Rekeyed {
			return false // the repartition filter drops it
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

// eachByTime calls fn for the records of fs in timestamp order across
// partitions (each partition's own order kept), as a Kafka Streams task
// picks the partition whose next record has the smallest timestamp. On equal
// timestamps a table's record goes first, so a stream record sees the table
// as of its own timestamp.
func eachByTime(fs kgo.Fetches, tables map[string]bool, fn func(*kgo.Record)) {
	var parts [][]*kgo.Record
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) > 0 {
			parts = append(parts, p.Records)
		}
	})
	if len(parts) == 1 {
		for _, r := range parts[0] {
			fn(r)
		}
		return
	}
	for {
		best := -1
		for i, recs := range parts {
			if len(recs) == 0 {
				continue
			}
			if best < 0 {
				best = i
				continue
			}
			a, b := recs[0], parts[best][0]
			if a.Timestamp.Before(b.Timestamp) || a.Timestamp.Equal(b.Timestamp) && tables[a.Topic] && !tables[b.Topic] {
				best = i
			}
		}
		if best < 0 {
			return
		}
		fn(parts[best][0])
		parts[best] = parts[best][1:]
	}
}

// eachJoinRow hands process the records of every input topic of a join in
// timestamp order, each decoded as every source over its topic.
func (q *runningQuery) eachJoinRow(ctx context.Context, fs kgo.Fetches, process func(*kgo.Record, inRow)) {
	eachByTime(fs, q.plan.TableTopics(), func(r *kgo.Record) {
		for _, leaf := range q.joinLeaves[r.Topic] {
			row, ok := q.joinDecs[leaf].decode(ctx, r)
			if !ok {
				continue
			}
			row.leaf = leaf
			process(r, row)
		}
	})
}

// prepareJoin gives a join query one decoder per source.
func (q *runningQuery) prepareJoin() {
	jp := q.plan.Join
	if jp == nil {
		return
	}
	q.joinLeaves = map[string][]int{}
	for i, l := range jp.Leaves {
		q.joinDecs = append(q.joinDecs, q.srv.newDecoder(q.info.ID, l.Source))
		q.joinLeaves[l.Source.Topic] = append(q.joinLeaves[l.Source.Topic], i)
	}
}

// seedTableOffsets commits the start of every table-side partition the
// query's group has no offset for: ksqlDB reads a join's table side from
// the beginning whatever auto.offset.reset says (JoinNode.Joiner.buildTable),
// while the stream side follows it.
func (q *runningQuery) seedTableOffsets(ctx context.Context) error {
	tables := q.plan.TableTopics()
	if len(tables) == 0 {
		return nil
	}
	committed, err := q.committed(ctx)
	if err != nil {
		return fmt.Errorf("fetch offsets of %s: %w", q.appID, err)
	}
	var topics []string
	for t := range tables {
		topics = append(topics, t)
	}
	starts, err := q.srv.adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		return fmt.Errorf("list start offsets: %w", err)
	}
	var seed kadm.Offsets
	starts.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			return
		}
		if c, ok := committed.Lookup(o.Topic, o.Partition); ok && c.Err == nil && c.At >= 0 {
			return
		}
		seed.AddOffset(o.Topic, o.Partition, o.Offset, -1)
	})
	if err := starts.Error(); err != nil {
		return fmt.Errorf("list start offsets: %w", err)
	}
	if len(seed) == 0 {
		return nil
	}
	resp, err := q.srv.adm.CommitOffsets(ctx, q.appID, seed)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		return fmt.Errorf("commit table start offsets for %s: %w", q.appID, err)
	}
	return nil
}

// committed are the query group's committed offsets; a group that does not
// exist yet has none.
func (q *runningQuery) committed(ctx context.Context) (kadm.OffsetResponses, error) {
	offs, err := q.srv.adm.FetchOffsets(ctx, q.appID)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return kadm.OffsetResponses{}, nil
	}
	return offs, err
}

// restoreJoinTables rebuilds the table sides' state from the tables' own
// topics, up to how far the query went (its committed offsets, or its own
// position when that is ahead), as Kafka Streams restores a source table
// from its topic; the caller holds q.proc.mu.
func (q *runningQuery) restoreJoinTables(ctx context.Context) error {
	tables := q.plan.TableTopics()
	if len(tables) == 0 {
		return nil
	}
	committed, err := q.committed(ctx)
	if err != nil {
		return fmt.Errorf("restore join tables: fetch offsets: %w", err)
	}
	upTo := map[string]map[int32]int64{}
	for t := range tables {
		for p, o := range committed[t] {
			if o.Err == nil && o.At > 0 {
				if upTo[t] == nil {
					upTo[t] = map[int32]int64{}
				}
				upTo[t][p] = o.At
			}
		}
		for p, o := range q.pos.ofTopic(t) {
			if upTo[t] == nil {
				upTo[t] = map[int32]int64{}
			}
			upTo[t][p] = max(upTo[t][p], o)
		}
	}
	if len(upTo) == 0 {
		return nil
	}
	return readUpTo(ctx, q.srv.brokers, q.srv.cfg.kafka, upTo, func(r *kgo.Record) {
		for _, leaf := range q.joinLeaves[r.Topic] {
			if row, ok := q.joinDecs[leaf].decode(ctx, r); ok {
				row.leaf = leaf
				q.proc.processJoin(row, false)
			}
		}
	})
}

// readUpTo reads the given partitions from their start to the given offsets
// (exclusive), read committed.
func readUpTo(ctx context.Context, brokers []string, kafka []kgo.Opt, upTo map[string]map[int32]int64, fn func(*kgo.Record)) error {
	cl, err := kgo.NewClient(kafkaOpts(kafka, kgo.SeedBrokers(brokers...))...)
	if err != nil {
		return fmt.Errorf("read tables: %w", err)
	}
	defer cl.Close()
	if err := readCommittedTo(ctx, cl, upTo, restoreStall, fn); err != nil {
		return fmt.Errorf("read tables: %w", err)
	}
	return nil
}

// tp is a topic partition.
type tp struct {
	topic     string
	partition int32
}

// joinFeed holds a join query's first batch back until the records already
// in its input topics when it (re)started have been fetched, so they are
// processed in timestamp order across topics: Kafka Streams waits for
// partitions with known lag (max.task.idle.ms=0, KIP-695) before it picks
// the next record. Later batches are processed as they come, in timestamp
// order within the batch.
type joinFeed struct {
	pending map[tp]int64 // end offsets at start not fetched yet
	tables  map[string]bool
}

// gatherCap bounds how many stream records a feed gathers once the table
// sides are caught up; gatherQuiet how long it waits for records that do not
// come (only transaction markers left), long enough for a fetch on a busy
// machine.
const (
	gatherCap   = 200_000
	gatherQuiet = 10 * time.Second
)

// newJoinFeed notes, for every input partition, the end offset beyond where
// the query reads it from (from reports that position; unknown positions are
// not waited for).
func (s *Server) newJoinFeed(ctx context.Context, plan *planner.Plan, from func(topic string, partition int32) (int64, bool)) (*joinFeed, error) {
	if plan.Join == nil {
		return nil, nil
	}
	ends, err := s.adm.ListEndOffsets(ctx, plan.InputTopics()...)
	if err != nil {
		return nil, fmt.Errorf("list end offsets: %w", err)
	}
	f := &joinFeed{pending: map[tp]int64{}, tables: plan.TableTopics()}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			return
		}
		if at, ok := from(o.Topic, o.Partition); ok && o.Offset > at {
			f.pending[tp{o.Topic, o.Partition}] = o.Offset
		}
	})
	return f, nil
}

func (f *joinFeed) note(fs kgo.Fetches) {
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if n := len(p.Records); n > 0 {
			k := tp{p.Topic, p.Partition}
			if end, ok := f.pending[k]; ok && p.Records[n-1].Offset+1 >= end {
				delete(f.pending, k)
			}
		}
	})
}

func (f *joinFeed) tablesPending() bool {
	for k := range f.pending {
		if f.tables[k.topic] {
			return true
		}
	}
	return false
}

// gather adds to fs what poll brings until nothing the feed waits for is
// left, and then lets every later batch through.
func (f *joinFeed) gather(ctx context.Context, fs kgo.Fetches, poll func(context.Context) kgo.Fetches) kgo.Fetches {
	if f == nil || len(f.pending) == 0 {
		return fs
	}
	f.note(fs)
	n := fs.NumRecords()
	quiet := time.Now()
	for len(f.pending) > 0 && (n < gatherCap || f.tablesPending()) {
		pctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		more := poll(pctx)
		cancel()
		if ctx.Err() != nil {
			break
		}
		m := more.NumRecords()
		if m == 0 {
			if time.Since(quiet) > gatherQuiet {
				break
			}
			continue
		}
		quiet = time.Now()
		f.note(more)
		n += m
		for _, ft := range more {
			fs = append(fs, withRecordsOnly(ft))
		}
	}
	f.pending = nil
	return fs
}

// withRecordsOnly drops a fetch's record-less partitions (a poll's deadline).
func withRecordsOnly(f kgo.Fetch) kgo.Fetch {
	var out kgo.Fetch
	for _, t := range f.Topics {
		var ps []kgo.FetchPartition
		for _, p := range t.Partitions {
			if len(p.Records) > 0 {
				p.Err = nil
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			out.Topics = append(out.Topics, kgo.FetchTopic{Topic: t.Topic, TopicID: t.TopicID, Partitions: ps})
		}
	}
	return out
}

// groupFeed is the feed of a group member of a persistent join query: it
// reads from the group's committed offsets (or the query's own position when
// that is ahead), else from the start or end as reset says.
func (q *runningQuery) groupFeed(ctx context.Context, reset string) (*joinFeed, error) {
	if q.plan.Join == nil {
		return nil, nil
	}
	committed, err := q.committed(ctx)
	if err != nil {
		return nil, fmt.Errorf("fetch offsets of %s: %w", q.appID, err)
	}
	starts, err := q.srv.adm.ListStartOffsets(ctx, q.plan.InputTopics()...)
	if err != nil {
		return nil, fmt.Errorf("list start offsets: %w", err)
	}
	return q.srv.newJoinFeed(ctx, q.plan, func(t string, p int32) (int64, bool) {
		at := int64(-1)
		if c, ok := committed.Lookup(t, p); ok && c.Err == nil && c.At >= 0 {
			at = c.At
		}
		if o, ok := q.pos.ofTopic(t)[p]; ok {
			at = max(at, o)
		}
		if at >= 0 {
			return at, true
		}
		if reset != "earliest" {
			return 0, false
		}
		s, ok := starts.Lookup(t, p)
		return s.Offset, ok && s.Err == nil
	})
}

// planStartOffsets is where a transient query starts on every partition of
// its input topics: a join's table sides from the start, the rest as reset
// says.
func (s *Server) planStartOffsets(ctx context.Context, plan *planner.Plan, reset string) (map[string]map[int32]kgo.Offset, error) {
	tables := plan.TableTopics()
	out := map[string]map[int32]kgo.Offset{}
	for _, t := range plan.InputTopics() {
		r := reset
		if tables[t] {
			r = "earliest"
		}
		start, err := s.startOffsets(ctx, t, r)
		if err != nil {
			return nil, err
		}
		out[t] = start[t]
	}
	return out, nil
}

// pushFeed is the feed of a transient join query reading from start.
func (s *Server) pushFeed(ctx context.Context, plan *planner.Plan, start map[string]map[int32]kgo.Offset) (*joinFeed, error) {
	return s.newJoinFeed(ctx, plan, func(t string, p int32) (int64, bool) {
		o, ok := start[t][p]
		if !ok {
			return 0, false
		}
		return o.EpochOffset().Offset, true
	})
}

// pushInput decodes a transient query's records into input rows.
type pushInput struct {
	dec    *decoder
	decs   []*decoder
	leaves map[string][]int
	tables map[string]bool
}

func (s *Server) newPushInput(queryID string, plan *planner.Plan) *pushInput {
	in := &pushInput{dec: s.newDecoder(queryID, plan.Source), tables: plan.TableTopics()}
	if plan.Join != nil {
		in.leaves = map[string][]int{}
		for i, l := range plan.Join.Leaves {
			in.decs = append(in.decs, s.newDecoder(queryID, l.Source))
			in.leaves[l.Source.Topic] = append(in.leaves[l.Source.Topic], i)
		}
	}
	return in
}

// each calls fn with the input rows of fs: a join's in timestamp order
// across its topics.
func (in *pushInput) each(ctx context.Context, fs kgo.Fetches, fn func(inRow)) {
	if in.leaves == nil {
		fs.EachRecord(func(r *kgo.Record) {
			if row, ok := in.dec.decode(ctx, r); ok {
				fn(row)
			}
		})
		return
	}
	eachByTime(fs, in.tables, func(r *kgo.Record) {
		for _, leaf := range in.leaves[r.Topic] {
			if row, ok := in.decs[leaf].decode(ctx, r); ok {
				row.leaf = leaf
				fn(row)
			}
		}
	})
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
func (p *processor) processTableJoin(r inRow, changelog bool) ([]outRow, []change) {
	jp, js := p.plan.Join, p.join
	k := r.srcKey
	before, _ := tableChain(jp, js, k)
	js.updateTable(r)
	after, included := tableChain(jp, js, k)
	if !before && !after {
		return nil, nil
	}
	row := js.row
	clear(row)
	copy(row[jp.Leaves[r.leaf].Base:], r.vals)
	key := jp.TableKey(r.leaf).Eval(row)
	clear(row)
	ts := r.ts
	for leaf, in := range included {
		side := js.tables[leaf][k]
		if !in || side == nil {
			continue
		}
		copy(row[jp.Leaves[leaf].Base:], side)
		if rowTime, ok := side[len(side)-len(expr.PseudoColumns)].(int64); ok {
			ts = max(ts, rowTime)
		}
	}
	row[jp.KeySlot] = key
	if !p.resultExisted(row, after) {
		return nil, nil
	}
	return p.processRow(inRow{vals: row, srcKey: k, tombstone: !after, ts: ts}, changelog)
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

// resultExisted reports, for a table join's row that is gone or filtered
// out by WHERE, whether its key had a result to delete: a join result that
// never existed gets no tombstone (ksqlDB's test case "table table join with
// where clause"). Rows that pass report true.
func (p *processor) resultExisted(row []any, exists bool) bool {
	if p.plan.Agg != nil || exists && p.pass(row) {
		return true
	}
	_, had := p.mat[p.outKey(p.project(row))]
	return had
}

// processForeignKey handles an update of either side of a foreign-key
// table-table join (the docs' "Semantics of Foreign-Key Table-Table Joins"):
// a left row is joined with the right row its foreign key points at; a
// right row's update re-joins every left row pointing at it, in key order.
// An [INNER] JOIN row whose partner is gone, and a deleted left row, become
// tombstones when they had a result.
func (p *processor) processForeignKey(r inRow, changelog bool) ([]outRow, []change) {
	jp, js := p.plan.Join, p.join
	fk := js.fk
	lt, rt := js.tables[0], js.tables[1]
	var outs []outRow
	var changes []change
	emit := func(pk string) {
		lrow := lt[pk]
		var rrow []any
		if lrow != nil {
			rrow = rt[fk.fkOf[pk]]
		}
		has := lrow != nil && (rrow != nil || jp.Steps[0].Type == sql.LeftJoin)
		if !has && !fk.result[pk] {
			return
		}
		row := js.row
		clear(row)
		ts := r.ts
		for i, side := range [][]any{lrow, rrow} {
			if side != nil {
				copy(row[jp.Leaves[i].Base:], side)
				if rowTime, ok := side[len(side)-len(expr.PseudoColumns)].(int64); ok {
					ts = max(ts, rowTime)
				}
			}
		}
		if lrow == nil { // a deleted left row: its key is in the tombstone
			copy(row[jp.Leaves[0].Base:], r.vals)
		}
		row[jp.KeySlot] = row[jp.Leaves[0].Base+slices.IndexFunc(jp.Leaves[0].Source.Schema.Cols, func(c types.Column) bool { return c.Key })]
		if has {
			fk.result[pk] = true
		} else {
			delete(fk.result, pk)
		}
		if !p.resultExisted(row, has) {
			return
		}
		o, c := p.processRow(inRow{vals: row, srcKey: pk, tombstone: !has, ts: ts}, changelog)
		outs = append(outs, o...)
		changes = append(changes, c...)
	}
	k := r.srcKey
	if r.leaf == 1 {
		if r.tombstone {
			delete(rt, k)
		} else {
			rt[k] = r.vals
		}
		for _, pk := range slices.Sorted(maps.Keys(fk.refs[k])) {
			emit(pk)
		}
		return outs, changes
	}
	if old, ok := fk.fkOf[k]; ok {
		delete(fk.refs[old], k)
		if len(fk.refs[old]) == 0 {
			delete(fk.refs, old)
		}
		delete(fk.fkOf, k)
	}
	if r.tombstone {
		delete(lt, k)
		emit(k)
		return outs, changes
	}
	lt[k] = r.vals
	row := js.row
	clear(row)
	copy(row[jp.Leaves[0].Base:], r.vals)
	if v := jp.Steps[0].LeftKey.Eval(row); v != nil {
		js.key[0] = v
		enc := string(appendVals(nil, js.key[:]))
		fk.fkOf[k] = enc
		if fk.refs[enc] == nil {
			fk.refs[enc] = map[string]bool{}
		}
		fk.refs[enc][k] = true
	}
	emit(k)
	return outs, changes
}

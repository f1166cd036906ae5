package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// eachByTime calls fn for the records of fs in timestamp order across
// partitions (each partition's own order kept, also where fs holds its
// records from several polls: a Kafka Streams task buffers a partition in
// one RecordQueue and takes its head), as a Kafka Streams task picks the
// partition whose next record has the smallest timestamp. On equal
// timestamps a table's record goes first, so a stream record sees the
// table as of its own timestamp; else the partition that comes first in
// fs, as a task's PriorityQueue of partitions keeps a partition offered
// later behind an equal one (PartitionGroup.nextRecord; see
// joinFeed.arrivalOrder).
func eachByTime(fs kgo.Fetches, tables map[string]bool, fn func(*kgo.Record)) {
	type part struct {
		tp
		recs []*kgo.Record
	}
	var parts []part
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		k := tp{p.Topic, p.Partition}
		if i := slices.IndexFunc(parts, func(q part) bool { return q.tp == k }); i >= 0 {
			// a later poll's records of the partition: after the earlier
			// ones, in a slice of their own (the fetch's is not grown)
			recs := parts[i].recs
			parts[i].recs = append(recs[:len(recs):len(recs)], p.Records...)
			return
		}
		parts = append(parts, part{k, p.Records})
	})
	if len(parts) == 1 {
		for _, r := range parts[0].recs {
			fn(r)
		}
		return
	}
	for {
		best := -1
		for i, p := range parts {
			if len(p.recs) == 0 {
				continue
			}
			if best < 0 {
				best = i
				continue
			}
			a, b := p.recs[0], parts[best].recs[0]
			if a.Timestamp.Before(b.Timestamp) || a.Timestamp.Equal(b.Timestamp) && tables[a.Topic] && !tables[b.Topic] {
				best = i
			}
		}
		if best < 0 {
			return
		}
		fn(parts[best].recs[0])
		parts[best].recs = parts[best].recs[1:]
	}
}

// eachJoinRow hands process the records of every input topic of a join in
// timestamp order, each decoded as every source over its topic.
func (q *runningQuery) eachJoinRow(ctx context.Context, fs kgo.Fetches, process func(*kgo.Record, operators.InRow)) {
	eachByTime(fs, q.tableTopics(), func(r *kgo.Record) {
		if r.Attrs.IsControl() {
			return // a transaction marker, kept for its offset
		}
		if q.jrep != nil {
			if side := q.jrep.byTopic[r.Topic]; side != nil {
				if row, ok := side.read(ctx, q, r); ok {
					process(r, row)
				}
				return
			}
		}
		if q.jstages != nil && q.jstages.byTopic[r.Topic] != nil {
			return // the join went on with the record when it wrote it
		}
		for _, leaf := range q.joinLeaves[r.Topic] {
			row, ok := q.joinDecs[leaf].decode(ctx, r)
			if !ok {
				continue
			}
			row.Leaf = leaf
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
		d := q.srv.newDecoder(q.info.ID, l.Source)
		d.throwTS = q.dec.throwTS
		d.keepNulls = !l.Source.Table // a stream's null values reach the join
		q.joinDecs = append(q.joinDecs, d)
		q.joinLeaves[l.Source.Topic] = append(q.joinLeaves[l.Source.Topic], i)
	}
}

// seedStartOffsets commits the start of every table-side and repartition
// partition (and of a join's stream sides, below) the query's group has no
// offset for: ksqlDB reads a join's
// table side from the beginning whatever auto.offset.reset says
// (JoinNode.Joiner.buildTable), while the stream side follows it, and Kafka
// Streams reads its internal topics from the beginning (StreamsConfig's
// consumer of repartition topics resets to earliest), so no record written
// to one is skipped. Where reset is earliest, a join's stream sides are
// seeded at their start too, which is where the consumer would reset them:
// Kafka Streams resets all of a task's partitions before it fetches any
// (StreamThread.resetOffsets), so its first fetch asks for every one,
// while a consumer here fetches the seeded partitions at once and the
// others only once it has looked their offsets up, after its first fetch
// has waited up to queryFetchWait for the seeded ones: a stream record
// that came then would be read after a table row that came later.
func (q *runningQuery) seedStartOffsets(ctx context.Context, reset string) error {
	seeded := q.plan.TableTopics()
	if q.plan.Join != nil && reset == "earliest" {
		for _, t := range q.consumedTopics() {
			seeded[t] = true
		}
	}
	if q.repart != nil {
		seeded[q.repart.topic] = true
	}
	if q.jrep != nil {
		for _, t := range q.jrep.topics() {
			seeded[t] = true
		}
	}
	for _, t := range q.jstages.topics() {
		seeded[t] = true
	}
	if len(seeded) == 0 {
		return nil
	}
	committed, err := q.committed(ctx)
	if err != nil {
		return fmt.Errorf("fetch offsets of %s: %w", q.appID, err)
	}
	var topics []string
	for t := range seeded {
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
		return fmt.Errorf("commit start offsets for %s: %w", q.appID, err)
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
	if err := q.restoreRekeyedTables(ctx); err != nil {
		return err
	}
	tables := q.plan.TableTopics()
	if q.jrep != nil {
		for _, side := range q.jrep.sides {
			if side.plan.Table { // restored from its store's changelog
				delete(tables, side.srcTopic)
			}
		}
	}
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
				row.Leaf = leaf
				if q.fkProto != nil && !q.fkProto.joins(row, r.Partition) {
					continue
				}
				q.proc.ProcessJoin(row, false)
				if q.fkProto != nil {
					q.fkProto.restoreRow(row)
				}
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
	// since are, for the partitions the query's first sub-topology
	// writes (a join's repartition topics), their end offsets when the
	// query started; the first batch puts a partition whose first record
	// is at or past that offset after the others (arrivalOrder)
	since map[tp]int64
}

// newJoinFeed notes, for every partition of topics, the end offset beyond
// where the query reads it from (from reports that position; unknown
// positions are not waited for); tables are the topics read as tables.
func (s *Server) newJoinFeed(ctx context.Context, topics []string, tables map[string]bool, from func(topic string, partition int32) (int64, bool)) (*joinFeed, error) {
	ends, err := s.adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("list end offsets: %w", err)
	}
	f := &joinFeed{pending: map[tp]int64{}, tables: tables}
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
// left, and then lets every later batch through; the first batch with
// records comes in arrivalOrder.
func (f *joinFeed) gather(ctx context.Context, fs kgo.Fetches, poll func(context.Context) kgo.Fetches) kgo.Fetches {
	if f == nil {
		return fs
	}
	if len(f.pending) > 0 {
		fs = f.gatherPending(ctx, fs, poll)
	}
	if f.since != nil && fs.NumRecords() > 0 {
		fs = f.arrivalOrder(fs)
		f.since = nil
	}
	return fs
}

// gatherPending is gather's wait for the records the feed waits for.
func (f *joinFeed) gatherPending(ctx context.Context, fs kgo.Fetches, poll func(context.Context) kgo.Fetches) kgo.Fetches {
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

// arrivalOrder puts the partitions of the first batch in the order a
// Kafka Streams task's queues would have filled, which is the order it
// takes records of equal timestamps in (eachByTime): the partitions its
// first fetch brings records of first, then a repartition topic's
// partition whose records the query's first sub-topology wrote since the
// query started, as those reach the join's task only after the first
// sub-topology has fetched, processed and produced them. A partition
// keeps its place in fs otherwise.
func (f *joinFeed) arrivalOrder(fs kgo.Fetches) kgo.Fetches {
	late := map[tp]bool{}
	seen := map[tp]bool{}
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		k := tp{p.Topic, p.Partition}
		if len(p.Records) == 0 || seen[k] {
			return
		}
		seen[k] = true
		if end, ok := f.since[k]; ok && p.Records[0].Offset >= end {
			late[k] = true
		}
	})
	if len(late) == 0 {
		return fs
	}
	var first, after kgo.Fetch
	for _, ft := range fs {
		for _, t := range ft.Topics {
			for _, p := range t.Partitions {
				to := &first
				if late[tp{t.Topic, p.Partition}] {
					to = &after
				}
				if n := len(to.Topics); n == 0 || to.Topics[n-1].Topic != t.Topic {
					to.Topics = append(to.Topics, kgo.FetchTopic{Topic: t.Topic, TopicID: t.TopicID})
				}
				last := &to.Topics[len(to.Topics)-1]
				last.Partitions = append(last.Partitions, p)
			}
		}
	}
	return kgo.Fetches{first, after}
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
	if q.jrep != nil {
		// the stream side comes through the repartition topics: what the
		// streams held at the start is waited for once it is there
		q.jrep.waitCaughtUp(ctx)
	}
	f, err := q.feedOver(ctx, reset, q.consumedTopics(), q.tableTopics())
	if err == nil && q.jrep != nil {
		f.since = q.jrep.startEnds
	}
	return f, err
}

// feedOver is a feed over topics for a member of the query's group (see
// groupFeed).
func (q *runningQuery) feedOver(ctx context.Context, reset string, topics []string, tables map[string]bool) (*joinFeed, error) {
	committed, err := q.committed(ctx)
	if err != nil {
		return nil, fmt.Errorf("fetch offsets of %s: %w", q.appID, err)
	}
	starts, err := q.srv.adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("list start offsets: %w", err)
	}
	return q.srv.newJoinFeed(ctx, topics, tables, func(t string, p int32) (int64, bool) {
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

// pushFeed is the feed of a transient join query reading its topics from
// start (its inputs, or a rekeyed source's repartition topic instead of
// the source's), tables those it reads as tables.
func (s *Server) pushFeed(ctx context.Context, plan *planner.Plan, start map[string]map[int32]kgo.Offset, tables map[string]bool) (*joinFeed, error) {
	if plan.Join == nil {
		return nil, nil
	}
	return s.newJoinFeed(ctx, slices.Sorted(maps.Keys(start)), tables, func(t string, p int32) (int64, bool) {
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
	// rekeyed reads a rekeyed source's repartition topic (see
	// pushrekey.go), as the persistent join reads it; nil without one
	rekeyed *runningQuery
}

// readRekeyed has the input read the repartition topics of the sources
// the join of stores rekeys, a rekeyed table's as a table.
func (in *pushInput) readRekeyed(stores *pushStores) {
	if stores != nil && stores.rq.jrep != nil {
		in.rekeyed = stores.rq
		in.tables = stores.rq.tableTopics()
	}
}

func (s *Server) newPushInput(queryID string, plan *planner.Plan) *pushInput {
	in := &pushInput{dec: s.newDecoder(queryID, plan.Source), tables: plan.TableTopics()}
	if plan.Join != nil {
		in.leaves = map[string][]int{}
		for i, l := range plan.Join.Leaves {
			d := s.newDecoder(queryID, l.Source)
			d.keepNulls = !l.Source.Table // a stream's null values reach the join
			in.decs = append(in.decs, d)
			in.leaves[l.Source.Topic] = append(in.leaves[l.Source.Topic], i)
		}
	}
	return in
}

// each calls fn with the input rows of fs, each with its record: a
// join's in timestamp order across its topics.
func (in *pushInput) each(ctx context.Context, fs kgo.Fetches, fn func(*kgo.Record, operators.InRow)) {
	if in.leaves == nil {
		fs.EachRecord(func(r *kgo.Record) {
			if row, ok := in.dec.decode(ctx, r); ok {
				fn(r, row)
			}
		})
		return
	}
	eachByTime(fs, in.tables, func(r *kgo.Record) {
		if in.rekeyed != nil {
			if side := in.rekeyed.jrep.byTopic[r.Topic]; side != nil {
				if r.Attrs.IsControl() {
					return
				}
				if row, ok := side.read(ctx, in.rekeyed, r); ok {
					fn(r, row)
				}
				return
			}
		}
		for _, leaf := range in.leaves[r.Topic] {
			if row, ok := in.decs[leaf].decode(ctx, r); ok {
				row.Leaf = leaf
				fn(r, row)
			}
		}
	})
}

// gatherCap bounds how many stream records a feed gathers once the table
// sides are caught up; gatherQuiet how long it waits for records that do not
// come (only transaction markers left), long enough for a fetch on a busy
// machine.
const (
	gatherCap   = 200_000
	gatherQuiet = 10 * time.Second
)

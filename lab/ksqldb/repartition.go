package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/internal/recpool"
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// repartitionPurgeEvery is Kafka Streams' repartition.purge.interval.ms
// default (StreamsConfig): how often a task deletes the repartition
// records below its committed offsets.
const repartitionPurgeEvery = 30 * time.Second

// repartitionTopicConfigs are the configs Kafka Streams creates a
// repartition topic with (RepartitionTopicConfig and InternalTopicConfig in
// apache/kafka 3.9): deleted, never by age, in 50 MB segments, its records'
// own times.
var repartitionTopicConfigs = map[string]*string{
	"cleanup.policy":         kadm.StringPtr("delete"),
	"segment.bytes":          kadm.StringPtr("52428800"),
	"retention.ms":           kadm.StringPtr("-1"),
	"message.timestamp.type": kadm.StringPtr("CreateTime"),
}

// repartitioner is the repartition topic of an aggregation that rekeys
// (planner.Repartition). The query runs Kafka
// Streams' two sub-topologies on two stream threads (ksqlDB runs four by
// default, ksql.streams.num.stream.threads), each a member of the query's
// consumer group: the first reads the source and writes each record that
// passes WHERE to the repartition topic, keyed by its grouping values, in
// the transaction that commits the source's offsets (runRepartitionStage);
// the second reads the repartition topic back and aggregates each record
// under its key. write and its scratch belong to the first thread, read
// and its scratch to the second.
type repartitioner struct {
	topic    string
	srcTopic string
	store    string // a table's: the changelog of its rows' store, KsqlTopic-Reduce
	plan     *planner.Repartition
	where    *expr.Compiled
	group    []expr.Compiled
	// what group throws, for the GroupBy step's logger, and the message
	// of each grouping's failure; nil where none can fail
	groupFails  *expr.Failures
	groupFailed []string
	key, val    *formats.Serde
	width       int // the input scope's columns
	rowtime     int // ROWTIME's index in the input scope

	// the first thread's: scratch reused from record to record, and the
	// records and bytes it writes
	keys, vals, oldVals []any
	keyBuf              []byte // a table's row's key in prev
	arena               outArena
	prev                map[string][]any // a table's rows by task and source key (the KsqlTopic-Reduce store; operators.TaskRowKey)
	srcStore            *sourceStore     // the layout of that store's entries
	// the second thread's: a row of the input scope, reused, and the
	// decoded recent keys and values (a topic's records repeat them)
	row, oldRow      []any
	keyMemo, valMemo decodeMemo
	times            rowtimes

	purger
}

// newRepartitioner is the repartitioner of a query writing sink, nil
// where the plan does not repartition. The key is written in the query's
// key format, the values in the source's value format (ksqlDB's internal
// formats of the GroupBy step).
func (s *Server) newRepartitioner(qi *metastore.Query, plan *planner.Plan, sink *metastore.Source) *repartitioner {
	rp := plan.Repartition
	if rp == nil || plan.Join != nil { // a join's aggregation: see joinStages
		return nil
	}
	return s.groupByRepartitioner(s.appID(qi.ID), qi, plan, sink, plan.Source)
}

// groupByRepartitioner is the repartitioner of plan's aggregation, its
// values in the value format of src (the source, or a join's left source).
func (s *Server) groupByRepartitioner(app string, qi *metastore.Query, plan *planner.Plan, sink, src *metastore.Source) *repartitioner {
	rp := plan.Repartition
	topic := app + planner.RepartitionSuffix
	r := &repartitioner{topic: topic, srcTopic: src.Topic, plan: rp, where: plan.Where, group: plan.Agg.GroupEval,
		key:     formats.NewSerde(sink.KeyFormat, rp.Keys, true, topic, s.reg).WithDelimiter(sink.KeyDelimiter).WithProtobufNullable(sink.KeyProtoNullable),
		val:     formats.NewSerde(src.ValueFormat, rp.Values, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable),
		width:   len(plan.In.Cols),
		rowtime: len(src.Schema.Cols),
		purger:  newPurger(qi, topic),
	}
	if f := plan.Agg.GroupFailures; f != nil {
		r.groupFails = f
		for i := range r.group {
			r.groupFailed = append(r.groupFailed, "Error calculating group-by column with index "+strconv.Itoa(i)+". The source row will be excluded from the table.")
		}
	}
	if rp.Table {
		r.store = app + "-KsqlTopic-Reduce-changelog"
		r.srcStore = s.newSourceStore(r.store, src)
	}
	return r
}

// purger deletes the records of a query's repartition topics below its
// committed offsets once every purgeEvery, as Kafka Streams'
// TaskManager.maybePurgeCommittedRecords does.
type purger struct {
	topics     map[string]bool
	purgeEvery time.Duration
	lastPurge  time.Time
	done       kadm.Offsets // per partition, the offset after the last record read back in a committed batch
}

// newPurger purges topics every repartition.purge.interval.ms (the
// query's property, else Kafka Streams' default), the first time one
// interval after the start.
func newPurger(qi *metastore.Query, topics ...string) purger {
	p := purger{topics: map[string]bool{}, purgeEvery: repartitionPurgeEvery, lastPurge: time.Now(), done: kadm.Offsets{}}
	for _, t := range topics {
		p.topics[t] = true
	}
	for _, k := range []string{"ksql.streams.repartition.purge.interval.ms", "repartition.purge.interval.ms"} {
		if v, ok := qi.Props[k]; ok {
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
				p.purgeEvery = time.Duration(ms) * time.Millisecond
			}
			break
		}
	}
	return p
}

// prepare creates the repartition topic with parts partitions (the
// source's), and a table's store changelog.
func (r *repartitioner) prepare(ctx context.Context, s *Server, parts int32) error {
	if err := s.ensureTopic(ctx, r.topic, parts, 1, repartitionTopicConfigs); err != nil {
		return err
	}
	if r.store != "" {
		return s.ensureTopic(ctx, r.store, parts, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")})
	}
	return nil
}

// writeStream turns a stream's source row into its repartition record; ok is
// false for a row the aggregation does not take (a null value, filtered
// out by WHERE, a null grouping value) or one that cannot be serialized,
// which goes to the processing log.
func (r *repartitioner) writeStream(q *runningQuery, in *kgo.Record, row operators.InRow) (*kgo.Record, bool) {
	if row.Tombstone {
		return nil, false
	}
	k, v, ok := r.encode(q, in, row.Vals)
	if !ok {
		return nil, false
	}
	return r.record(in, k, v, row.TS), true
}

// encode is the repartition key and value of a row that passes WHERE and
// has no null grouping value; ok is false otherwise, and for a row that
// cannot be serialized (which goes to the processing log).
func (r *repartitioner) encode(q *runningQuery, in *kgo.Record, row []any) (key, val []byte, ok bool) {
	if !r.pass(q, row) {
		return nil, nil, false
	}
	r.vals = r.prepareValues(q, r.vals[:0], row)
	return r.groupEncoded(q, in, row, r.vals)
}

// pass reports whether row passes WHERE, logging what it throws.
func (r *repartitioner) pass(q *runningQuery, row []any) bool {
	if r.where == nil {
		return true
	}
	pass := r.where.Eval(row) == true
	q.srv.logExpressionFailures(q.info.ID, q.plan.WhereFailures)
	return pass
}

// prepareValues appends the Prepare step's values of row to dst, logging what
// they throw: the step computes them before the GroupBy step groups them
// (AggregateNode.buildStream).
func (r *repartitioner) prepareValues(q *runningQuery, dst, row []any) []any {
	dst = r.plan.AppendValues(dst, row)
	q.srv.logExpressionFailures(q.info.ID, q.plan.PrepareFailures)
	return dst
}

// groupEncoded is the repartition key of row, grouped, and its Prepare
// values vals, encoded; ok is false for a grouping that throws or is
// NULL, which excludes the row, and for a row that cannot be serialized.
func (r *repartitioner) groupEncoded(q *runningQuery, in *kgo.Record, row, vals []any) (key, val []byte, ok bool) {
	keys := r.keys[:0]
	for i := range r.group {
		v := r.group[i].Eval(row)
		// GroupByParamsFactory.processColumn: a grouping that throws or is
		// NULL excludes the row
		failed := r.groupFails != nil && r.groupFails.Caught(r.groupFailed[i])
		q.srv.logExpressionFailures(q.info.ID, r.groupFails)
		if failed {
			return nil, nil, false
		}
		if v == nil {
			q.srv.logNullGroupBy(q.info.ID, i)
			return nil, nil, false
		}
		keys = append(keys, v)
	}
	r.keys = keys
	key, err := r.arena.encode(r.key, keys)
	if err == nil {
		val, err = r.arena.encode(r.val, vals)
	}
	if err != nil {
		q.srv.processingError(q.info.ID, in, &serializeError{topic: r.topic, err: err})
		return nil, nil, false
	}
	return key, val, true
}

// record is a repartition record of in, at the time ts.
func (r *repartitioner) record(in *kgo.Record, k, v []byte, ts int64) *kgo.Record {
	rec := r.arena.record()
	rec.Topic, rec.Key, rec.Value, rec.Timestamp, rec.Headers = r.topic, k, v, time.UnixMilli(ts), in.Headers
	return rec
}

// writeTable applies an update of a table's source row to the store and
// hands out its records: the store's changelog record, then the Changes
// of the update (writeChange).
func (r *repartitioner) writeTable(q *runningQuery, in *kgo.Record, row operators.InRow, out func(*kgo.Record)) {
	// KTableSource gets the old row, which KTableRepartitionMap sends as
	// the Change's old value, from the store of the task processing the
	// record (apache/kafka 3.9): a key in two partitions has a row in each
	r.keyBuf = operators.TaskRowKey(r.keyBuf[:0], in.Partition, row.SrcKey)
	old := r.prev[string(r.keyBuf)]
	if row.Tombstone {
		delete(r.prev, string(r.keyBuf))
	} else {
		r.prev[string(r.keyBuf)] = row.Vals // the decoder gives a table row of its own
	}
	if logRec := r.srcStore.entry(q, &r.arena, r.store, in, row); logRec != nil {
		out(logRec)
	}
	if old != nil {
		// the pseudo columns are added after the store, in the context
		// of the record at hand: the old row's ROWTIME is its time
		// (SourceBuilder's AddPseudoColumnsAndKey transformer)
		old = slices.Clone(old)
		old[r.rowtime] = row.Vals[r.rowtime]
	}
	var newRow []any
	if !row.Tombstone {
		newRow = row.Vals
	}
	r.writeChange(q, in, rowChange{old: old, new: newRow}, row.TS, out)
}

// rowChange is an update of a table's row, or of a table-table join's
// result, from old to new (either nil when absent).
type rowChange struct {
	old, new []any
	// prepared: old is the row a table-table join's aggregation took,
	// kept by its Prepare step's store (Aggregate-Prepare-Last, as the
	// join's result is not materialized; TableSelectBuilder): it passed
	// WHERE and was prepared before, and KTableTransformValues reads it
	// from the store rather than evaluate it again. WHERE evaluates the
	// join's old result instead, oldResult (nil for none), which the
	// join's merger sends (KTableKTableJoinMerger), for what it throws.
	prepared  bool
	oldResult []any
}

// writeChange hands out the records of an update c at the time ts: the
// Changes KTableRepartitionMap forwards (apache/kafka 3.9), laid out as
// ChangedSerializer does: the old row's {old}{0} to its group and the new
// row's {new}{1} to its group, or, where both are in the same group, one
// {varint len(new)}{new}{old}{2}.
func (r *repartitioner) writeChange(q *runningQuery, in *kgo.Record, c rowChange, ts int64, out func(*kgo.Record)) {
	var oldKey, oldVal, newKey, newVal []byte
	// each step takes the Change's new row and then its old row before
	// the next step runs (KTableTransformValues.process for WhereFilter's
	// ApplyPredicate and Prepare, KTableRepartitionMap.process for
	// GroupBy), which orders their processing log entries; a row WHERE
	// filters out is a null value the later steps do not evaluate
	newOK := c.new != nil && r.pass(q, c.new)
	oldOK := c.old != nil
	switch {
	case !c.prepared:
		oldOK = oldOK && r.pass(q, c.old)
	case c.oldResult != nil:
		r.pass(q, c.oldResult)
	}
	if newOK {
		r.vals = r.prepareValues(q, r.vals[:0], c.new)
	}
	if oldOK {
		r.oldVals = r.plan.AppendValues(r.oldVals[:0], c.old)
		if c.prepared {
			q.plan.PrepareFailures.Take() // the store's row, not evaluated
		} else {
			q.srv.logExpressionFailures(q.info.ID, q.plan.PrepareFailures)
		}
	}
	if newOK {
		newKey, newVal, newOK = r.groupEncoded(q, in, c.new, r.vals)
	}
	if oldOK {
		oldKey, oldVal, oldOK = r.groupEncoded(q, in, c.old, r.oldVals)
	}
	switch {
	case oldOK && newOK && bytes.Equal(oldKey, newKey):
		v := binary.AppendVarint(make([]byte, 0, binary.MaxVarintLen64+len(newVal)+len(oldVal)+1), int64(len(newVal)))
		v = append(append(append(v, newVal...), oldVal...), 2)
		out(r.record(in, newKey, v, ts))
	default:
		if oldOK {
			out(r.record(in, oldKey, append(oldVal[:len(oldVal):len(oldVal)], 0), ts))
		}
		if newOK {
			out(r.record(in, newKey, append(newVal[:len(newVal):len(newVal)], 1), ts))
		}
	}
}

// restoreStore reads a table's store back from its changelog.
func (r *repartitioner) restoreStore(ctx context.Context, s *Server) error {
	r.prev = map[string][]any{}
	if r.store == "" {
		return nil
	}
	return s.restoreChangelog(ctx, r.store, func(rec *kgo.Record) error {
		srcKey, row, deleted, err := r.srcStore.read(ctx, rec)
		k := string(operators.TaskRowKey(nil, rec.Partition, srcKey))
		switch {
		case err != nil:
			return err
		case deleted:
			delete(r.prev, k)
		default:
			r.prev[k] = row
		}
		return nil
	})
}

// read turns a record of the repartition topic into a row of the input
// scope holding the Prepare step's columns, grouped by the record's key;
// a table's record is a Change, whose old row the update retracts.
func (r *repartitioner) read(ctx context.Context, q *runningQuery, rec *kgo.Record) (operators.InRow, bool) {
	keys, err := memoDecode(ctx, &r.keyMemo, r.key, rec.Key)
	if err != nil {
		q.srv.processingError(q.info.ID, rec, decodeFailed(r.key, "key", err))
		return operators.InRow{}, false
	}
	if keys == nil {
		keys = []any{nil} // a null key: no group
	}
	if rec.Value == nil {
		return operators.InRow{}, false // KStream aggregate skips null values
	}
	newVal, oldVal := rec.Value, []byte(nil)
	if r.plan.Table {
		if newVal, oldVal, err = splitChange(rec.Value); err != nil {
			q.srv.processingError(q.info.ID, rec, decodeFailed(r.val, "value", err))
			return operators.InRow{}, false
		}
	}
	ts := rec.Timestamp.UnixMilli()
	in := operators.InRow{TS: ts, Group: keys, Tombstone: newVal == nil, Task: rec.Partition}
	if newVal != nil {
		if in.Vals, err = r.rowOf(ctx, &r.row, newVal, ts); err != nil {
			q.srv.processingError(q.info.ID, rec, decodeFailed(r.val, "value", err))
			return operators.InRow{}, false
		}
	}
	if oldVal != nil {
		if in.Retract, err = r.rowOf(ctx, &r.oldRow, oldVal, ts); err != nil {
			q.srv.processingError(q.info.ID, rec, decodeFailed(r.val, "value", err))
			return operators.InRow{}, false
		}
	}
	return in, true
}

// rowOf decodes a Prepare value into *buf, a row of the input scope (the
// record's time ts as its ROWTIME).
func (r *repartitioner) rowOf(ctx context.Context, buf *[]any, b []byte, ts int64) ([]any, error) {
	vals, err := memoDecode(ctx, &r.valMemo, r.val, b)
	if err != nil {
		return nil, err
	}
	if cap(*buf) < r.width {
		*buf = make([]any, r.width)
	}
	row := (*buf)[:r.width]
	clear(row)
	placeValues(row, r.plan.From, vals)
	row[r.rowtime] = r.times.of(ts)
	return row, nil
}

// splitChange reads a Change as ChangedSerializer lays it out: the new
// value, the old value or both (either nil when absent).
func splitChange(b []byte) (newVal, oldVal []byte, err error) {
	if len(b) == 0 {
		return nil, nil, errors.New("empty Change")
	}
	body := b[:len(b)-1]
	switch b[len(b)-1] {
	case 0:
		return nil, body, nil
	case 1:
		return body, nil, nil
	case 2:
		n, read := binary.Varint(body)
		if read <= 0 || n < 0 || n > int64(len(body)-read) {
			return nil, nil, errors.New("Change with a bad new-value length")
		}
		body = body[read:]
		return body[:n], body[n:], nil
	}
	return nil, nil, fmt.Errorf("Change with the unknown encoding flag %d", b[len(b)-1])
}

// memoDecode decodes b with s, remembering recent payloads; the values
// returned are shared and not to be changed.
func memoDecode(ctx context.Context, m *decodeMemo, s *formats.Serde, b []byte) ([]any, error) {
	if len(b) == 0 || !memoizable(s.Format) {
		return s.Decode(ctx, b)
	}
	if vals, ok := m.get(b); ok {
		return vals, nil
	}
	vals, err := s.Decode(ctx, b)
	if err == nil {
		m.put(b, vals)
	}
	return vals, err
}

// advance notes the repartition records of a committed batch.
func (r *purger) advance(fs kgo.Fetches) {
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if r.topics[p.Topic] && len(p.Records) > 0 {
			r.done.AddOffset(p.Topic, p.Partition, p.Records[len(p.Records)-1].Offset+1, -1)
		}
	})
}

// purge deletes the repartition records below the committed offsets once
// every purgeEvery; a failure is logged and tried again at the next
// commit.
func (r *purger) purge(ctx context.Context, q *runningQuery) {
	if len(r.done) == 0 || time.Since(r.lastPurge) < r.purgeEvery {
		return
	}
	r.lastPurge = time.Now()
	resp, err := q.srv.adm.DeleteRecords(ctx, r.done)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		q.srv.log.Warn("purge repartition topics", "query", q.info.ID, "err", err)
		return
	}
	r.done = kadm.Offsets{}
}

// firstStage is the first sub-topology of a query that repartitions (an
// aggregation's repartitioner, a join's joinRepartitioner): on a stream
// thread of its own, it reads the sources and writes their records to the
// repartition topics, which the query's main thread reads.
type firstStage interface {
	sourceTopics() []string
	txnSuffix() string // ends the thread's transactional.id
	// restoreState reads the stage's state back (after a start or a
	// transaction that did not commit)
	restoreState(ctx context.Context, s *Server) error
	// write hands produce the records of fs's records
	write(ctx context.Context, q *runningQuery, fs kgo.Fetches, produce func(*kgo.Record))
	// decodeFailure takes the failure of the stage's decoders (see
	// timestampthrow.go), which fails the batch
	decodeFailure(q *runningQuery) error
	purging() *purger
	// records is where write takes the records it hands produce from
	records() *outArena
}

// stage is the query's first stage, nil where it does not repartition.
func (q *runningQuery) stage() firstStage {
	switch {
	case q.repart != nil:
		return q.repart
	case q.jrep != nil:
		return q.jrep
	}
	return nil
}

func (r *repartitioner) sourceTopics() []string { return []string{r.srcTopic} }
func (r *repartitioner) txnSuffix() string      { return "-GroupBy" }
func (r *repartitioner) purging() *purger       { return &r.purger }
func (r *repartitioner) records() *outArena     { return &r.arena }

func (r *repartitioner) decodeFailure(q *runningQuery) error { return q.dec.takeFailure() }

func (r *repartitioner) restoreState(ctx context.Context, s *Server) error {
	return r.restoreStore(ctx, s)
}

func (r *repartitioner) write(ctx context.Context, q *runningQuery, fs kgo.Fetches, produce func(*kgo.Record)) {
	fs.EachRecord(func(rec *kgo.Record) {
		if rec.Attrs.IsControl() {
			return
		}
		row, ok := q.dec.decode(ctx, rec)
		switch {
		case !ok:
		case r.plan.Table:
			r.writeTable(q, rec, row, produce)
		default:
			if out, ok := r.writeStream(q, rec, row); ok {
				produce(out)
			}
		}
	})
}

// consumedTopics are the topics the query's main consumer reads: its
// inputs, where a first stage reads some of them its repartition topics
// instead.
func (q *runningQuery) consumedTopics() []string {
	switch {
	case q.repart != nil:
		return []string{q.repart.topic}
	case q.jrep != nil:
		return append(q.jrep.consumedTopics(q.plan.InputTopics()), q.jstages.topics()...)
	}
	return append(q.plan.InputTopics(), q.jstages.topics()...)
}

// runRepartitionStage runs the first sub-topology until ctx ends: a
// failure is logged, the query shown in ERROR, and the thread started
// again from the committed offsets after a back-off, as ksqlDB restarts a
// failed query.
func (q *runningQuery) runRepartitionStage(ctx context.Context, st firstStage, start kgo.Offset, log *slog.Logger) {
	for {
		err := q.consumeSource(ctx, st, start, log)
		if ctx.Err() != nil {
			return
		}
		log.Error("persistent query failed writing its repartition topic; restarting from committed offsets", "err", err)
		q.setState("ERROR")
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryBackoff):
		}
		q.setState("RUNNING")
	}
}

// consumeSource is the first stream thread: per poll, in one transaction,
// the repartition records of the source's records and the source's
// offsets. A transaction that does not commit (a rebalance meanwhile)
// leaves the session rewound to the committed offsets, so the records are
// read and written again; nothing else is kept between polls.
func (q *runningQuery) consumeSource(ctx context.Context, st firstStage, start kgo.Offset, log *slog.Logger) error {
	// the stage keeps its sources' transaction markers, so its committed
	// offsets go past them, and stageFeed sees it reach their ends
	sess, err := q.transactSession(q.appID+st.txnSuffix(), st.sourceTopics(), start, kgo.KeepControlRecords())
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := st.restoreState(ctx, q.srv); err != nil {
		return err
	}
	caughtUp, err := q.stageFeed(ctx, st)
	if err != nil {
		return err
	}
	for {
		fs, ok := q.pollTransactional(ctx, sess, nil, log)
		if !ok {
			return nil
		}
		if fs.NumRecords() == 0 {
			st.records().trim()
			continue
		}
		// A batch once begun is finished, also when ctx ends meanwhile.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		committed, err := q.repartitionBatch(bctx, st, sess, fs)
		cancel()
		if err != nil {
			return err
		}
		if committed {
			caughtUp.note(fs)
		}
		recpool.Recycle(fs)
		st.records().reuse() // the transaction's end waited for every record
		if ctx.Err() != nil {
			return nil
		}
	}
}

// repartitionBatch writes a polled batch's repartition records (and a
// table's store changelog) in one transaction with the source's offsets;
// after a transaction that did not commit, the stage's state is read back.
func (q *runningQuery) repartitionBatch(ctx context.Context, st firstStage, sess *kgo.GroupTransactSession, fs kgo.Fetches) (bool, error) {
	if err := sess.Begin(); err != nil {
		return false, fmt.Errorf("begin transaction: %w", err)
	}
	var perr produceErrors
	st.write(ctx, q, fs, func(rec *kgo.Record) { sess.Produce(ctx, rec, perr.promise) })
	if err := st.decodeFailure(q); err != nil {
		perr.promise(nil, err) // aborts the transaction
	}
	committed, err := endTransaction(ctx, sess, &perr, "produce repartition records")
	if err != nil {
		return false, err
	}
	if !committed { // the state went past what was committed
		return false, st.restoreState(ctx, q.srv)
	}
	return true, nil
}

// repartitionCommitted notes a committed batch's repartition records and
// purges what the query has committed, when it is time to.
func (q *runningQuery) repartitionCommitted(ctx context.Context, fs kgo.Fetches) {
	if st := q.stage(); st != nil {
		p := st.purging()
		p.advance(fs)
		p.purge(ctx, q)
	}
	if q.jstages != nil {
		q.jstages.advance(fs)
		q.jstages.purge(ctx, q)
	}
}

// repartitionOpts are the consumer options of a query with a repartition
// topic: it reads what the first stage committed, and its transactions'
// commit markers are handed to the query, so the offsets it commits go
// past them, as a Kafka Streams task commits its consumer's position once
// it has processed what it fetched, and the group's lag on the topic is 0
// when the query has caught up.
func (q *runningQuery) repartitionOpts() []kgo.Opt {
	if q.stage() == nil && q.jstages == nil {
		return nil
	}
	return []kgo.Opt{kgo.KeepControlRecords(), kgo.FetchIsolationLevel(kgo.ReadCommitted())}
}

package ksqldb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// runningQuery is a persistent query: it consumes its source in a consumer
// group and, per poll, writes results and state changelog, then commits the
// consumed offsets (at_least_once) or writes all three in one Kafka
// transaction (exactly_once_v2).
type runningQuery struct {
	srv  *Server
	info *metastore.Query
	plan *planner.Plan
	proc *operators.Processor
	// procFailure is the record whose processing threw in the current
	// batch (see processfailure.go)
	procFailure *processError

	dec            *decoder
	outKey, outVal *formats.Serde
	appID          string
	changelog      string
	guarantee      string
	pos            positions      // at_least_once: how far state and acknowledged outputs go
	sinkDone       positions      // at_least_once with a changelog: how far acknowledged results go
	partTimes      partitionTimes // the main stream thread's partition times, committed with its offsets (see commitmeta.go)

	keyScratch, valScratch []any    // encode's column split, reused (proc.mu is held)
	arena                  outArena // the records encode and processBatch write (proc.mu is held)

	sinkTime func(vals []any) (int64, error) // WITH (TIMESTAMP=...) on the sink: a result's time; nil otherwise

	sinkWindow string // the sink's window type; "" for a sink without windowed keys (see sinkpartitioner.go)

	repart    *repartitioner     // an aggregation's repartition topic (see repartition.go); nil without one
	jrep      *joinRepartitioner // a join's repartition topics (see joinrepartition.go); nil without any
	tableLogs map[int]*tableLog  // a join's table-side store changelogs by leaf (see jointables.go)
	projLog   *projectLog        // a table-table join's Project-Last changelog (see projectlast.go)
	fkLog     *fkStoreLog        // a foreign-key join's output store changelog in a chain (see fkstorelog.go)
	fkSub     *fkSubscription    // a foreign-key join's subscription topics (see fksubscription.go)
	fkProto   *fkProtocol        // the records on them (see fkprotocol.go); nil where none are written
	aggLog    *aggLog            // an aggregation's store changelog in ksqlDB's layout (see aggstore.go)
	prepLog   *prepareLog        // a table-table join's aggregation's Prepare-Last changelog (see preparelast.go)
	srcStore  *sourceStore       // a table projection's source store, logged to its changelog (see sourcestore.go)
	// joinStores are a stream-stream join's store changelogs in ksqlDB's
	// layout (see joinstore.go); nil where windowLogs hold this server's
	joinStores *joinStores
	jstages    *joinStages // a chain of joins' repartitions between its joins (see joinstages.go)
	// windowLogs are, by stream-stream step, the changelogs of the step's
	// window stores by side (0 its left input, 1 the stream it joins);
	// nil where one changelog holds them all
	windowLogs map[int][2]string

	joinDecs   []*decoder       // joins: a decoder per source (see join_exec.go)
	joinLeaves map[string][]int // joins: the sources over each input topic

	gate pauseGate // PAUSE and RESUME

	mu     sync.Mutex
	state  string
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *Server) appID(queryID string) string {
	return "_confluent-ksql-" + s.cfg.serviceID + "query_" + queryID
}

// startQuery plans and starts a persistent query; the caller holds s.mu.
func (s *Server) startQuery(qi *metastore.Query) error {
	q, err := queryOf(qi)
	if err != nil {
		return fmt.Errorf("start query %s: %w", qi.ID, err)
	}
	plan, err := planOfQuery(s.ms, qi, q)
	if err != nil {
		return fmt.Errorf("start query %s: %w", qi.ID, err)
	}
	if plan.Agg != nil {
		plan.Agg.Configure(qi.Props)
	}
	sink := s.ms.Sources[qi.Sink]
	if sink == nil {
		return fmt.Errorf("start query %s: sink %s is missing", qi.ID, qi.Sink)
	}
	src := plan.Source
	out := sink.Schema
	if !sink.CasTarget && !qi.Insert && !qi.SourceTable {
		// a declaration replaced the sink: the query writes its own columns
		out = plan.Out
	}
	rq := &runningQuery{
		srv: s, info: qi, plan: plan, proc: operators.NewProcessor(plan),
		dec:       s.newDecoder(qi.ID, src),
		appID:     s.appID(qi.ID),
		guarantee: s.guarantee(qi.Props),
		state:     streamsRebalancing, // until its stores are restored
		done:      make(chan struct{}),
	}
	if sink.Window != nil {
		rq.sinkWindow = sink.Window.Type
	}
	rq.outKey, rq.outVal = sinkSerdes(sink, out, s.reg)
	setEmitInterval(rq.proc, qi.Props)
	rq.dec.throwTS = throwsOnInvalidTimestamp(qi.Props)
	rq.repart = s.newRepartitioner(qi, plan, sink)
	rq.jrep = s.newJoinRepartitioner(qi, plan, rq.appID)
	rq.tableLogs = s.newTableLogs(rq.appID, plan)
	rq.projLog = s.newProjectLog(qi, plan)
	rq.fkLog = s.newFKStoreLog(rq.appID, qi, plan)
	rq.fkSub = newFKSubscription(rq.appID, qi, plan)
	rq.fkProto = s.newFKProtocol(qi.ID, rq.fkSub, plan, rq.jrep.rekeysLeaf(0, 1))
	rq.aggLog = s.newAggLog(rq.appID, plan, sink)
	rq.prepLog = s.newPrepareLog(rq.appID, plan)
	rq.jstages = s.newJoinStages(rq.appID, qi, plan, sink)
	// the schemas of the internal topics are registered now, in the
	// order the statements ran, rather than when the first record is
	// written: the registry's ids do not depend on how the query's start
	// races other producers
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	for _, sd := range rq.internalSerdes() {
		if err := sd.PrepareSink(ctx); err != nil {
			return fmt.Errorf("start query %s: %w", qi.ID, err)
		}
	}
	if sink.Timestamp != "" {
		rq.sinkTime = func(vals []any) (int64, error) {
			return columnTime(plan.Out.Cols, sink.Timestamp, sink.TimestampFormat, vals)
		}
	}
	switch {
	case plan.Agg != nil:
		rq.changelog = rq.appID + "-Aggregate-Aggregate-Materialize-changelog"
	case plan.Source.Table && plan.Join == nil:
		rq.changelog = rq.appID + "-KsqlTopic-Reduce-changelog"
		rq.srcStore = s.newSourceStore(rq.changelog, plan.Source)
	}
	// a table-table join's results are in Project-Last (projLog), and its
	// state is rebuilt from the tables' (restoreJoinTables)
	if plan.Join != nil && plan.Join.Windowed() {
		if err := rq.useWindowLogs(ctx, q); err != nil {
			return fmt.Errorf("start query %s: %w", qi.ID, err)
		}
	}
	// a persistent projection of a stream passes null values on
	rq.dec.keepNulls = plan.Agg == nil && plan.Join == nil && !plan.Source.Table
	rq.prepareJoin()
	qctx, qcancel := context.WithCancel(s.ctx)
	rq.cancel = qcancel
	s.running[qi.ID] = rq
	rq.gate.set(qi.Paused)
	go rq.run(qctx, s.offsetReset(qi.Props))
	return nil
}

// prepareInternal makes the query's internal topics, as Kafka Streams
// makes them before the query runs, each with a partition per task of its
// sub-topology.
func (q *runningQuery) prepareInternal(ctx context.Context) error {
	ctx = withTopicDefaults(ctx, q.info.Props)
	if q.jrep != nil {
		if err := q.jrep.prepare(ctx, q.srv, q.plan); err != nil {
			return err
		}
	}
	if q.jstages != nil {
		if err := q.jstages.prepare(ctx, q.srv, q.plan); err != nil {
			return err
		}
		q.proc.Mu.Lock()
		q.proc.StageTask = func(o *operators.OutRow, task int32) int32 { return q.jstages.stageTask(q, o, task) }
		if q.jstages.groupBy != nil {
			q.proc.GroupTask = q.jstages.groupTaskOf
		}
		q.proc.Mu.Unlock()
	}
	if q.fkSub != nil {
		if err := q.fkSub.prepare(ctx, q.srv); err != nil {
			return err
		}
	}
	changelogs := q.stateLogs()
	for _, leaf := range slices.Sorted(maps.Keys(q.tableLogs)) {
		changelogs = append(changelogs, q.tableLogs[leaf].topic)
	}
	if q.fkLog != nil {
		changelogs = append(changelogs, q.fkLog.topic)
	}
	if q.projLog != nil {
		changelogs = append(changelogs, q.projLog.topic)
	}
	if q.prepLog != nil {
		changelogs = append(changelogs, q.prepLog.topic)
	}
	changelogs = slices.DeleteFunc(changelogs, func(t string) bool { return t == "" })
	if len(changelogs) == 0 && q.repart == nil {
		return nil
	}
	parts, err := q.srv.taskCount(ctx, q.plan.InputTopics())
	if err == nil && q.repart != nil {
		err = q.repart.prepare(ctx, q.srv, parts)
	}
	partsOf := func(string) int32 { return parts }
	if q.fkSub != nil && q.tableLogs[1] != nil {
		partsOf = q.fkSub.changelogPartitions(q.tableLogs[1].topic)
	}
	for _, topic := range changelogs {
		if err == nil {
			parts := partsOf(topic)
			configs := map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}
			if q.aggLog != nil && topic == q.aggLog.topic {
				configs = q.aggLog.topicConfigs()
			}
			if q.joinStores != nil && q.joinStores.owns(topic) {
				configs = q.joinStores.topics()[topic]
			}
			err = q.srv.ensureTopic(ctx, topic, parts, 1, configs)
		}
	}
	return err
}

// internalSerdes are the serdes the query writes its internal topics'
// records with, in a fixed order (registry ids follow it): the
// aggregation's repartition key and value and its store's, each join
// side's repartition key and value, each chain repartition's key and
// value (a join's aggregation's last, then its store's), the table-side
// changelogs' values by leaf (a rekeyed table's key and value, the same
// schemas as its repartition's), the foreign-key join's output store
// changelog's key and value (its first write comes before the projection's
// of the same result), the Project-Last changelog's key and value.
func (q *runningQuery) internalSerdes() []*formats.Serde {
	var out []*formats.Serde
	if q.repart != nil {
		out = append(out, q.repart.key, q.repart.val)
	}
	if q.aggLog != nil && q.plan.Join == nil {
		out = append(out, q.aggLog.key, q.aggLog.val)
	}
	if q.srcStore != nil {
		out = append(out, q.srcStore.val)
	}
	if q.jrep != nil {
		for _, side := range q.jrep.sides {
			out = append(out, side.key, side.val)
		}
	}
	if q.jstages != nil {
		for _, t := range q.jstages.topics() {
			st := q.jstages.byTopic[t]
			out = append(out, st.key, st.val)
		}
	}
	if q.prepLog != nil {
		out = append(out, q.prepLog.key, q.prepLog.val)
	}
	if q.aggLog != nil && q.plan.Join != nil {
		// a join's aggregation stores what its repartition topic brings
		out = append(out, q.aggLog.key, q.aggLog.val)
	}
	for _, leaf := range slices.Sorted(maps.Keys(q.tableLogs)) {
		if tl := q.tableLogs[leaf]; tl.raw { // a rekeyed table's: its repartition topic's schemas
			out = append(out, tl.key, tl.val)
		} else {
			out = append(out, tl.store.val)
		}
	}
	if q.fkLog != nil {
		out = append(out, q.fkLog.key, q.fkLog.val)
	}
	if q.projLog != nil {
		out = append(out, q.projLog.key, q.projLog.val)
	}
	if q.fkProto != nil {
		out = append(out, q.fkProto.serdes()...)
	}
	return out
}

// streamsRebalancing is the state of a query's Kafka Streams app
// (KafkaStreams.State) from its start until its stores are restored, and
// while it restores them again: a stream thread is RUNNING only once its
// tasks are restored (StreamThread.initializeAndRestorePhase,
// checkStateUpdater, apache/kafka 3.9.0-rc3), and the app is REBALANCING
// until every thread is RUNNING. Its other states here are RUNNING and
// ERROR.
const streamsRebalancing = "REBALANCING"

func (q *runningQuery) setState(st string) {
	q.mu.Lock()
	q.state = st
	q.mu.Unlock()
}

// streamsState is the state of the query's Kafka Streams app.
func (q *runningQuery) streamsState() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.state
}

// status is the query's status as SHOW QUERIES, EXPLAIN and DESCRIBE
// report it (QueryMetadataImpl.getQueryStatus): PAUSED, ERROR where its
// app is in ERROR, RUNNING in any other state, REBALANCING included
// (KsqlConstants.fromStreamsState, confluentinc/ksql v7.9.4).
func (q *runningQuery) status() string {
	if q.gate.isPaused() {
		return "PAUSED"
	}
	if st := q.streamsState(); st == "ERROR" {
		return st
	}
	return "RUNNING"
}

// restoreRebalancing restores the query's state again after a batch that
// did not commit (the group rebalanced): the app is REBALANCING meanwhile.
func (q *runningQuery) restoreRebalancing(ctx context.Context) error {
	q.setState(streamsRebalancing)
	if err := q.restore(ctx); err != nil {
		return err
	}
	q.setState("RUNNING")
	return nil
}

func (q *runningQuery) stop() {
	q.cancel()
	<-q.done
}

// terminateQuery stops a query and removes its internal topics and group.
func (s *Server) terminateQuery(ctx context.Context, qi *metastore.Query) {
	if rq := s.running[qi.ID]; rq != nil {
		rq.stop()
		delete(s.running, qi.ID)
	}
	app := s.appID(qi.ID)
	s.deleteInternalTopics(ctx, app)
	if _, err := s.adm.DeleteGroups(ctx, app); err != nil {
		s.log.Debug("delete query group", "group", app, "err", err)
	}
}

func (q *runningQuery) run(ctx context.Context, reset string) {
	defer close(q.done)
	log := q.srv.log.With("query", q.info.ID, "guarantee", q.guarantee)
	fail := func(err error) {
		if ctx.Err() != nil {
			return
		}
		log.Error("persistent query failed", "err", err)
		q.setState("ERROR")
	}
	if !q.info.SourceTable {
		if err := q.outKey.PrepareSink(ctx); err != nil {
			fail(err)
			return
		}
		if !q.info.Insert {
			if err := q.outKey.PrepareEmptyKey(ctx); err != nil {
				fail(err)
				return
			}
		}
		if err := q.outVal.PrepareSink(ctx); err != nil {
			fail(err)
			return
		}
	}
	// A start that fails (a topic just created not in the metadata yet,
	// the broker restarting, a log still being recovered) is tried again,
	// as ksqlDB restarts a failed query with a back-off, rather than
	// leaving the query in ERROR for good.
	for {
		err := q.prepareInternal(ctx)
		if err == nil {
			err = q.seedStartOffsets(ctx, reset)
		}
		if err == nil {
			err = q.restore(ctx)
		}
		if err == nil && q.jrep != nil {
			err = q.jrep.noteStart(ctx, q.srv)
		}
		if err == nil {
			break
		}
		fail(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryBackoff):
		}
	}
	q.setState("RUNNING")
	start := kgo.NewOffset().AtEnd()
	if reset == "earliest" {
		start = kgo.NewOffset().AtStart()
	}
	if st := q.stage(); st != nil {
		// the first sub-topology, sources to repartition topics, runs on
		// a stream thread of its own; this one aggregates or joins
		stage := make(chan struct{})
		go func() {
			defer close(stage)
			q.runRepartitionStage(ctx, st, start, log)
		}()
		defer func() { <-stage }()
	}
	if q.guarantee == guaranteeExactlyOnceV2 {
		if err := q.runExactlyOnce(ctx, start, log); err != nil {
			fail(err)
		}
		return
	}
	q.runAtLeastOnce(ctx, start, log)
}

// processBatch runs polled records through the processor and hands produce
// the result records followed by the changelog records (the last state per
// key of the batch, encoded once).
func (q *runningQuery) processBatch(ctx context.Context, fs kgo.Fetches, produce func(in, out *kgo.Record)) {
	pending := map[string]operators.Change{}
	var order []string
	var last *kgo.Record // the batch's last input record, for its changelog records
	// Kafka Streams forwards a result with the context of the record that
	// made it, its headers included; EMIT FINAL's results go out with the
	// headers of the record whose processing emitted them
	// (AbstractKStreamTimeWindowAggregateProcessor.fetchAndEmit)
	process := func(r *kgo.Record, row operators.InRow) {
		last = r
		if row.TS >= 0 {
			q.partTimes.observe(r.Topic, r.Partition, row.TS)
		}
		outs, changes := q.proc.Process(row, q.changelog != "" && q.srcStore == nil)
		if q.info.SourceTable {
			outs = nil // a source table's query only materializes the table
		}
		// a join's aggregation filters and groups its rows as it writes
		// them to its repartition topic, before the steps after the
		// repartition run (and log)
		for _, o := range outs {
			if o.GroupBy {
				q.jstages.writeGroupBy(q, r, o, func(rec *kgo.Record) { produce(r, rec) })
			}
		}
		steps := q.plan.StepFailures() // a repartition stage filters and prepares (see repartitioner.encode)
		q.srv.logExpressionFailures(q.info.ID, steps[:]...)
		q.noteProcessFailure(r)
		for _, o := range outs {
			if o.FKStore {
				rec, err := q.fkLog.record(q, o)
				if err != nil {
					q.srv.processingError(q.info.ID, r, &serializeError{topic: q.fkLog.topic, err: err})
					continue
				}
				rec.Headers = r.Headers
				produce(r, rec)
				continue
			}
			if o.GroupBy {
				continue // written above
			}
			if o.Stage > 0 {
				if rec := q.jstages.staged(q, r, o); rec != nil {
					produce(r, rec)
				}
				continue
			}
			if q.sinkTime != nil && !o.Tombstone {
				ts, err := q.sinkTime(o.Vals)
				if err != nil {
					q.srv.processingError(q.info.ID, r, err)
					continue
				}
				o.TS = ts
			}
			rec, err := q.encode(o)
			if err != nil {
				q.srv.processingError(q.info.ID, r, &serializeError{topic: q.info.SinkTopic, err: err})
				continue
			}
			rec.Headers = r.Headers
			if q.projLog != nil {
				// the store's entry, put as the result is forwarded
				entry, err := q.projLog.record(q, o)
				if err != nil {
					q.srv.processingError(q.info.ID, r, &serializeError{topic: q.projLog.topic, err: err})
					continue
				}
				produce(r, entry)
			}
			produce(r, rec)
		}
		for _, c := range changes {
			if q.joinStores != nil {
				// every put is logged, in order, as the record made it
				rec, err := q.joinStores.record(q, c)
				if err != nil && q.procFailure == nil {
					q.procFailure = &processError{topic: r.Topic, partition: r.Partition, offset: r.Offset,
						err: &serializeError{topic: q.changelog, err: err}}
				}
				if rec != nil {
					produce(r, rec)
				}
				if err != nil || rec != nil {
					continue
				}
			}
			if _, seen := pending[c.Key]; !seen {
				order = append(order, c.Key)
			}
			pending[c.Key] = c
		}
	}
	q.proc.Mu.Lock()
	if q.plan.Join != nil {
		q.eachJoinRow(ctx, fs, func(r *kgo.Record, row operators.InRow) {
			if tl := q.tableLogs[row.Leaf]; tl != nil {
				if rec := tl.record(q, r, row); rec != nil {
					produce(r, rec)
				}
			}
			if q.fkProto != nil {
				if !q.fkProto.joins(row, r.Partition) {
					return // in a task's store no subscription reaches
				}
				if err := q.fkProto.apply(r, row, func(rec *kgo.Record) { produce(r, rec) }); err != nil {
					q.srv.processingError(q.info.ID, r, &serializeError{topic: q.fkSub.registration, err: err})
				}
			}
			process(r, row)
		})
	} else {
		fs.EachRecord(func(r *kgo.Record) {
			if rp := q.repart; rp != nil {
				// the aggregation reads the repartition topic (see
				// runRepartitionStage for what writes it)
				if r.Attrs.IsControl() {
					return // a transaction marker, kept for its offset
				}
				if row, ok := rp.read(ctx, q, r); ok {
					process(r, row)
				}
				return
			}
			if row, ok := q.dec.decode(ctx, r); ok {
				if q.srcStore != nil {
					// the source's store takes the record first
					if rec := q.srcStore.entry(q, &q.arena, q.changelog, r, row); rec != nil {
						produce(r, rec)
					}
				}
				process(r, row)
			}
		})
	}
	logRecs := make([]*kgo.Record, 0, len(order))
	for _, k := range order {
		c := pending[k]
		if !c.OwnWindowEntry() {
			r, topic, err := q.storeRecord(c)
			if err != nil && q.procFailure == nil {
				// a store that cannot be written fails the stream thread
				q.procFailure = &processError{topic: last.Topic, partition: last.Partition, offset: last.Offset,
					err: &serializeError{topic: topic, err: err}}
			}
			if r != nil {
				logRecs = append(logRecs, r)
			}
			continue
		}
		// a window record in this server's own layout
		r := q.arena.record()
		r.Topic, r.Key, r.Value = q.changelogOf(c), q.arena.bytes(k), c.Value()
		r.Partition = c.Task() // the store's task (sinkPartitioner)
		logRecs = append(logRecs, r)
	}
	q.proc.Mu.Unlock()
	for _, r := range logRecs {
		produce(last, r)
	}
}

// produceErrors collects the first failure of asynchronous produces.
type produceErrors struct {
	mu  sync.Mutex
	err error
}

func (p *produceErrors) promise(_ *kgo.Record, err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
}

func (p *produceErrors) first() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// decoder turns source records into input rows for one query. It is used
// by one goroutine at a time.
type decoder struct {
	srv          *Server
	queryID      string
	src          *metastore.Source
	inKey, inVal *formats.Serde
	memo         decodeMemo // decoded values of recent payloads
	// throwTS: a timestamp that does not extract fails the query (fatal)
	// rather than skipping the record (see timestampthrow.go)
	throwTS   bool
	fatal     *timestampExtractorError
	keepNulls bool     // stream records with a null value are passed on (see processSimple)
	row       []any    // a stream row, reused: nothing keeps it past process
	times     rowtimes // ROWTIME as a row value (see rowtime)
}

func (s *Server) newDecoder(queryID string, src *metastore.Source) *decoder {
	return &decoder{srv: s, queryID: queryID, src: src,
		inKey: formats.NewSerde(src.KeyFormat, src.Schema.Keys(), true, src.Topic, s.reg).WithDelimiter(src.KeyDelimiter).WithProtobufNullable(src.KeyProtoNullable),
		inVal: formats.NewSerde(src.ValueFormat, src.Schema.Values(), false, src.Topic, s.reg).UnwrapSingle(src.UnwrapValue).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable)}
}

// decode turns a source record into an input row, reporting failures to the processing log.
func (d *decoder) decode(ctx context.Context, r *kgo.Record) (operators.InRow, bool) {
	if d.fatal != nil {
		return operators.InRow{}, false
	}
	src := d.src
	rawKey := r.Key
	var wstart, wend int64
	if src.Window != nil {
		var err error
		if rawKey, wstart, wend, err = operators.SplitWindowedKey(r.Key, src.Window); err != nil {
			d.srv.processingError(d.queryID, r, decodeFailed(d.inKey, "key", err))
			return operators.InRow{}, false
		}
	}
	keys, err := d.inKey.Decode(ctx, rawKey)
	if err != nil {
		d.srv.processingError(d.queryID, r, decodeFailed(d.inKey, "key", err))
		return operators.InRow{}, false
	}
	row := operators.InRow{TS: r.Timestamp.UnixMilli(), Tombstone: r.Value == nil, NullKey: rawKey == nil && len(keys) > 0, Task: r.Partition}
	var vals []any
	if !row.Tombstone {
		vals, err = d.decodeValue(ctx, r.Value)
		if err != nil {
			d.srv.processingError(d.queryID, r, decodeFailed(d.inVal, "value", err))
			return operators.InRow{}, false
		}
	} else if !src.Table && !d.keepNulls {
		return operators.InRow{}, false
	}
	if src.Table {
		// a KTable source skips a null key; one of several key columns
		// may be null in a key that is not (GenericKeySerDe)
		if row.NullKey || len(keys) == 1 && keys[0] == nil {
			d.srv.processingError(d.queryID, r, errors.New("table record has a null key"))
			return operators.InRow{}, false
		}
		row.SrcKey = operators.EncodeVals(keys)
		if src.Window != nil {
			row.SrcKey = string(operators.WindowKey([]byte(row.SrcKey), wstart))
		}
	}
	if src.Table {
		row.Vals = assembleRow(nil, src.Schema, keys, vals, r, d.rowtime(r)) // kept as the key's source row
	} else {
		d.row = assembleRow(d.row[:0], src.Schema, keys, vals, r, d.rowtime(r))
		row.Vals = d.row
	}
	if src.Window != nil {
		row.Vals = append(row.Vals, wstart, wend)
	}
	if src.Timestamp != "" && !row.Tombstone {
		ts, err := extractTimestamp(src, row.Vals)
		if err != nil {
			d.srv.processingError(d.queryID, r, err)
			d.failTimestamp(r, err)
			return operators.InRow{}, false
		}
		row.TS = ts
		row.Vals[len(src.Schema.Cols)] = ts // ROWTIME
	}
	return row, true
}

// decodeValue decodes a non-null value, remembering recent payloads.
func (d *decoder) decodeValue(ctx context.Context, b []byte) ([]any, error) {
	return memoDecode(ctx, &d.memo, d.inVal, b)
}

// rowtime is r's ROWTIME as a row value.
func (d *decoder) rowtime(r *kgo.Record) any {
	return d.times.of(r.Timestamp.UnixMilli())
}

// rowtimes boxes record times as row values. Records of a batch mostly
// share their millisecond, so the value boxed last serves again.
type rowtimes struct{ last any }

// of is ms as a row value.
func (t *rowtimes) of(ms int64) any {
	if last, ok := t.last.(int64); !ok || last != ms {
		t.last = ms
	}
	return t.last
}

// assembleRow lays keys and values out in schema order plus pseudo columns
// (ROWTIME given as rowtime), appending to row (nil allocates a new row).
func assembleRow(row []any, s types.Schema, keys, vals []any, r *kgo.Record, rowtime any) []any {
	if row == nil {
		row = make([]any, 0, len(s.Cols)+len(expr.PseudoColumns))
	}
	ki, vi := 0, 0
	for _, c := range s.Cols {
		if c.Header {
			row = append(row, headerValue(c, r.Headers))
		} else if c.Key {
			row = append(row, keys[ki])
			ki++
		} else {
			var v any
			if vals != nil {
				v = vals[vi]
			}
			row = append(row, v)
			vi++
		}
	}
	return append(row, rowtime, r.Partition, r.Offset)
}

func (q *runningQuery) encode(o operators.OutRow) (*kgo.Record, error) {
	keys, vals := q.keyScratch[:0], q.valScratch[:0] // the serdes keep neither
	for i, c := range q.plan.Out.Cols {
		if c.Key {
			keys = append(keys, o.Vals[i])
		} else {
			vals = append(vals, o.Vals[i])
		}
	}
	q.keyScratch, q.valScratch = keys, vals
	var k []byte
	if o.KeySlot != nil {
		k = *o.KeySlot
	}
	if k == nil && !o.NullKey {
		var err error
		if k, err = q.encodeKey(keys, o); err != nil {
			return nil, err
		}
		if o.KeySlot != nil {
			*o.KeySlot = bytes.Clone(k) // its own bytes: it outlives the batch's blocks
		}
	}
	rec := q.arena.record()
	rec.Topic, rec.Key, rec.Timestamp = q.info.SinkTopic, k, time.UnixMilli(o.TS)
	if !o.Tombstone {
		v, err := q.arena.encode(q.outVal, vals)
		if err != nil {
			return nil, err
		}
		rec.Value = v // nil where the format writes null bytes
	}
	return rec, nil
}

// encodeKey is the key of a result record: the key columns, then the
// window of a windowed result.
func (q *runningQuery) encodeKey(keys []any, o operators.OutRow) ([]byte, error) {
	var kind string
	if o.Windowed {
		if q.plan.Agg != nil {
			kind = q.plan.Agg.Window.Kind
		} else {
			kind = q.plan.Source.Window.Type // a projection of a windowed stream
		}
	}
	if !q.outKey.Appends() {
		k, err := q.outKey.Encode(keys)
		if err != nil || !o.Windowed {
			return k, err
		}
		return operators.AppendWindowedKey(k, kind, o.WindowStart, o.WindowEnd), nil
	}
	if !o.Windowed && q.outKey.EncodesNull(keys) {
		return nil, nil // a null key column, alone: null bytes
	}
	m := q.arena.mark()
	var err error
	if q.arena.buf, err = q.outKey.AppendEncode(q.arena.buf, keys); err != nil {
		return nil, err
	}
	if o.Windowed {
		q.arena.buf = operators.AppendWindow(q.arena.buf, kind, o.WindowStart, o.WindowEnd)
	}
	return q.arena.since(m), nil
}

// restoreStall is how long a restore waits for the changelog's next record.
const restoreStall = 30 * time.Second

// restore rebuilds the query's state from its changelog (committed records only).
func (q *runningQuery) restore(ctx context.Context) error {
	q.proc.Mu.Lock()
	defer q.proc.Mu.Unlock()
	defer q.plan.DropFailures() // replaying state is not processing: nothing of it is logged
	q.proc.Reset()
	if err := q.restoreOffsetMetadata(ctx); err != nil {
		return err
	}
	if q.fkProto != nil {
		q.fkProto.reset()
	}
	if err := q.restoreJoinTables(ctx); err != nil {
		return err
	}
	if q.fkProto != nil {
		if err := q.fkProto.restoreStore(ctx, q.srv); err != nil {
			return err
		}
	}
	if q.changelog == "" {
		return nil
	}
	if q.joinStores != nil {
		if err := q.joinStores.restore(ctx, q); err != nil {
			return err
		}
	}
	for _, topic := range q.stateLogs() {
		if q.joinStores != nil && q.joinStores.owns(topic) {
			continue
		}
		if q.aggLog != nil && topic == q.aggLog.topic {
			if err := q.restoreAggLog(ctx); err != nil {
				return err
			}
			if q.prepLog != nil {
				if err := q.prepLog.restore(ctx, q); err != nil {
					return err
				}
			}
			continue
		}
		if q.srcStore != nil && topic == q.changelog {
			if err := q.restoreSourceStore(ctx); err != nil {
				return err
			}
			continue
		}
		if err := q.srv.readChangelog(ctx, topic, func(r *kgo.Record) {
			q.proc.Restore(string(r.Key), r.Value, r.Partition)
		}); err != nil {
			return err
		}
	}
	q.proc.FinishRestore()
	return nil
}

// useWindowLogs sets the changelogs of a stream-stream join's stores:
// each stream-stream step logs each of its window stores to its own
// changelog, as Kafka Streams does, in ksqlDB's layout where the join
// has it (joinStores); where the topology names no stores, all go to one
// changelog. A query without another changelog (one that aggregates the
// join has its store's) names the first step's left store as its own.
func (rq *runningQuery) useWindowLogs(ctx context.Context, q *sql.Query) error {
	s, plan := rq.srv, rq.plan
	stores, ok := planner.WindowJoinStores(q, plan)
	if !ok {
		if rq.changelog == "" {
			rq.changelog = rq.appID + operators.JoinStoreChangelog
			return nil
		}
		one := rq.appID + operators.JoinStoreChangelog
		rq.windowLogs = map[int][2]string{}
		for step, st := range plan.Join.Steps {
			if st.Within != nil {
				rq.windowLogs[step] = [2]string{one, one}
			}
		}
		return nil
	}
	rq.windowLogs = map[int][2]string{}
	for _, step := range slices.Sorted(maps.Keys(stores)) {
		ws := stores[step]
		this, other := rq.appID+"-"+ws.This+"-changelog", rq.appID+"-"+ws.Other+"-changelog"
		if ws.RightIsThis {
			this, other = other, this
		}
		rq.windowLogs[step] = [2]string{this, other}
		if rq.changelog == "" {
			rq.changelog = this // the first step's left store stands for the query's state
		}
	}
	if rq.joinStores = s.newJoinStores(rq.appID, q, plan, stores); rq.joinStores != nil {
		rq.proc.UseJoinStores(rq.joinStores.keyOf(rq))
		for _, sd := range rq.joinStores.serdes() {
			if err := sd.PrepareSink(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// changelogOf is the changelog a state change goes to: a stream-stream
// step's records to their side's window store's.
func (q *runningQuery) changelogOf(c operators.Change) string {
	if logs, ok := q.windowLogs[c.Step]; ok {
		return logs[c.Side]
	}
	return q.changelog
}

// stateLogs are the changelogs the query's processor state is logged to and
// restored from: its changelog, and each stream-stream step's window
// store changelogs.
func (q *runningQuery) stateLogs() []string {
	var out []string
	if q.changelog != "" {
		out = append(out, q.changelog)
	}
	for _, step := range slices.Sorted(maps.Keys(q.windowLogs)) {
		for _, topic := range q.windowLogs[step] {
			if !slices.Contains(out, topic) {
				out = append(out, topic)
			}
		}
	}
	if q.joinStores != nil {
		for _, ss := range q.joinStores.steps {
			if ss.outer != nil {
				out = append(out, ss.outer.topic)
			}
		}
	}
	return out
}

// readChangelog hands fn every committed record of a changelog topic.
func (s *Server) readChangelog(ctx context.Context, topic string, fn func(*kgo.Record)) error {
	// a topic created moments ago may not be known everywhere yet: retry briefly
	var ends kadm.ListedOffsets
	for attempt := 0; ; attempt++ {
		var err error
		ends, err = s.adm.ListCommittedOffsets(ctx, topic)
		if err == nil {
			err = ends.Error()
		}
		if err == nil {
			break
		}
		if !errors.Is(err, kerr.UnknownTopicOrPartition) && !errors.Is(err, kerr.LeaderNotAvailable) && !errors.Is(err, kerr.NotLeaderForPartition) || attempt >= 50 {
			return fmt.Errorf("restore %s: %w", topic, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	// every partition of the changelog, each up to its end offset
	upTo := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			upTo[o.Partition] = o.Offset
		}
	})
	if len(upTo) == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kafkaOpts(s.cfg.kafka, kgo.SeedBrokers(s.brokers...))...)
	if err != nil {
		return fmt.Errorf("restore %s: %w", topic, err)
	}
	defer cl.Close()
	if err := readCommittedTo(ctx, cl, map[string]map[int32]int64{topic: upTo}, restoreStall, fn); err != nil {
		return fmt.Errorf("restore %s: %w", topic, err)
	}
	return nil
}

// restoreChangelog hands apply every committed record of a changelog
// topic, as readChangelog does, until apply fails on one: a store that
// cannot be read back fails the restore (the query's state would be
// wrong), the error naming the record.
func (s *Server) restoreChangelog(ctx context.Context, topic string, apply func(*kgo.Record) error) error {
	var failed error
	err := s.readChangelog(ctx, topic, func(r *kgo.Record) {
		if failed != nil {
			return
		}
		if err := apply(r); err != nil {
			failed = restoreFailure(r, err)
		}
	})
	return errors.Join(err, failed)
}

// restoreFailure names the changelog record a restore could not apply.
func restoreFailure(r *kgo.Record, err error) error {
	return fmt.Errorf("restore %s partition %d offset %d: %w", r.Topic, r.Partition, r.Offset, err)
}

// processingError records a record a query could not process (ksqlDB's processing log).
func (s *Server) processingError(queryID string, r *kgo.Record, err error) {
	s.processLogs.Add(1)
	s.log.Warn("processing error; record skipped", "query", queryID, "topic", r.Topic,
		"partition", r.Partition, "offset", r.Offset, "err", err)
	s.logProcessingError(queryID, r, err)
}

// ProcessingErrors is the number of records queries have skipped because
// they could not be processed (ksqlDB's processing log).
func (s *Server) ProcessingErrors() int64 { return s.processLogs.Load() }

// taskCount is the number of Kafka Streams tasks of a query reading topics:
// the largest partition count among them, which its changelog topic gets.
// A topic created moments ago may not be in the metadata yet: it is asked
// again briefly.
func (s *Server) taskCount(ctx context.Context, topics []string) (int32, error) {
	for attempt := 0; ; attempt++ {
		td, err := s.adm.ListTopics(ctx, topics...)
		if err != nil {
			return 0, fmt.Errorf("describe %v: %w", topics, err)
		}
		n := int32(1)
		for _, t := range topics {
			d, ok := td[t]
			switch {
			case !ok:
				err = fmt.Errorf("describe topic %s: %w", t, kerr.UnknownTopicOrPartition)
			case d.Err != nil:
				err = fmt.Errorf("describe topic %s: %w", t, d.Err)
			default:
				n = max(n, int32(len(d.Partitions)))
			}
		}
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, kerr.UnknownTopicOrPartition) || attempt >= 50 {
			return 0, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

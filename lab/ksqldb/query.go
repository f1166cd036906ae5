package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// runningQuery is a persistent query: it consumes its source in a consumer
// group and, per poll, writes results and state changelog, then commits the
// consumed offsets (at_least_once) or writes all three in one Kafka
// transaction (exactly_once_v2).
type runningQuery struct {
	srv  *Server
	info *queryInfo
	plan *queryPlan
	proc *processor

	dec            *decoder
	outKey, outVal *serde
	appID          string
	changelog      string
	guarantee      string
	pos            positions // at_least_once: how far state and acknowledged outputs go

	keyScratch, valScratch []any // encode's column split, reused (proc.mu is held)

	mu     sync.Mutex
	state  string
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *Server) appID(queryID string) string {
	return "_confluent-ksql-" + s.cfg.serviceID + "query_" + queryID
}

// startQuery plans and starts a persistent query; the caller holds s.mu.
func (s *Server) startQuery(qi *queryInfo) error {
	stmts, err := parseOne(qi.Statement)
	if err != nil {
		return err
	}
	q := selectOf(stmts)
	if q == nil {
		return fmt.Errorf("start query %s: statement has no SELECT", qi.ID)
	}
	plan, err := planQuery(s.ms, q, modePersistent, qi.Sink)
	if err != nil {
		return fmt.Errorf("start query %s: %w", qi.ID, err)
	}
	sink := s.ms.sources[qi.Sink]
	if sink == nil {
		return fmt.Errorf("start query %s: sink %s is missing", qi.ID, qi.Sink)
	}
	src := plan.src
	rq := &runningQuery{
		srv: s, info: qi, plan: plan, proc: newProcessor(plan),
		dec:       s.newDecoder(qi.ID, src),
		outKey:    newSerde(sink.KeyFormat, sink.Schema.keys(), true, sink.Topic, s.reg),
		outVal:    newSerde(sink.ValueFormat, sink.Schema.values(), false, sink.Topic, s.reg).unwrapSingle(sink.UnwrapValue),
		appID:     s.appID(qi.ID),
		guarantee: s.guarantee(qi.Props),
		state:     "RUNNING",
		done:      make(chan struct{}),
	}
	if plan.agg != nil || plan.src.Table {
		rq.changelog = rq.appID + "-Aggregate-Aggregate-Materialize-changelog"
		if plan.agg == nil {
			rq.changelog = rq.appID + "-KsqlTopic-Reduce-changelog"
		}
	}
	ctx, cancel := context.WithCancel(s.ctx)
	rq.cancel = cancel
	s.running[qi.ID] = rq
	go rq.run(ctx, s.offsetReset(qi.Props))
	return nil
}

func (q *runningQuery) setState(st string) {
	q.mu.Lock()
	q.state = st
	q.mu.Unlock()
}

func (q *runningQuery) getState() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.state
}

func (q *runningQuery) stop() {
	q.cancel()
	<-q.done
}

// terminateQuery stops a query and removes its internal topics and group.
func (s *Server) terminateQuery(ctx context.Context, qi *queryInfo) {
	if rq := s.running[qi.ID]; rq != nil {
		rq.stop()
		delete(s.running, qi.ID)
	}
	app := s.appID(qi.ID)
	for _, t := range []string{app + "-Aggregate-Aggregate-Materialize-changelog", app + "-KsqlTopic-Reduce-changelog"} {
		if err := s.deleteTopic(ctx, t); err != nil {
			s.log.Warn("delete internal topic", "topic", t, "err", err)
		}
	}
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
	if q.changelog != "" {
		if err := q.srv.ensureTopic(ctx, q.changelog, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}); err != nil {
			fail(err)
			return
		}
	}
	if err := q.outKey.prepareSink(ctx); err != nil {
		fail(err)
		return
	}
	if err := q.outVal.prepareSink(ctx); err != nil {
		fail(err)
		return
	}
	if err := q.restore(ctx); err != nil {
		fail(err)
		return
	}
	start := kgo.NewOffset().AtEnd()
	if reset == "earliest" {
		start = kgo.NewOffset().AtStart()
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
func (q *runningQuery) processBatch(ctx context.Context, fs kgo.Fetches, produce func(*kgo.Record)) {
	pending := map[string]change{}
	var order []string
	q.proc.mu.Lock()
	fs.EachRecord(func(r *kgo.Record) {
		row, ok := q.dec.decode(ctx, r)
		if !ok {
			return
		}
		outs, changes := q.proc.process(row, q.changelog != "")
		for _, o := range outs {
			rec, err := q.encode(o)
			if err != nil {
				q.srv.processingError(q.info.ID, r, fmt.Errorf("serialize result: %w", err))
				continue
			}
			produce(rec)
		}
		for _, c := range changes {
			if _, seen := pending[c.key]; !seen {
				order = append(order, c.key)
			}
			pending[c.key] = c
		}
	})
	logRecs := make([]*kgo.Record, len(order))
	for i, k := range order {
		logRecs[i] = &kgo.Record{Topic: q.changelog, Key: []byte(k), Value: pending[k].value()}
	}
	q.proc.mu.Unlock()
	for _, r := range logRecs {
		produce(r)
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
	src          *source
	inKey, inVal *serde
	memo         decodeMemo // decoded values of recent payloads
	row          []any      // a stream row, reused: nothing keeps it past process
}

func (s *Server) newDecoder(queryID string, src *source) *decoder {
	return &decoder{srv: s, queryID: queryID, src: src,
		inKey: newSerde(src.KeyFormat, src.Schema.keys(), true, src.Topic, s.reg),
		inVal: newSerde(src.ValueFormat, src.Schema.values(), false, src.Topic, s.reg).unwrapSingle(src.UnwrapValue)}
}

// decode turns a source record into an input row, reporting failures to the processing log.
func (d *decoder) decode(ctx context.Context, r *kgo.Record) (inRow, bool) {
	src := d.src
	keys, err := d.inKey.decode(ctx, r.Key)
	if err != nil {
		d.srv.processingError(d.queryID, r, fmt.Errorf("deserialize key: %w", err))
		return inRow{}, false
	}
	row := inRow{ts: r.Timestamp.UnixMilli(), tombstone: r.Value == nil}
	var vals []any
	if !row.tombstone {
		vals, err = d.decodeValue(ctx, r.Value)
		if err != nil {
			d.srv.processingError(d.queryID, r, fmt.Errorf("deserialize value: %w", err))
			return inRow{}, false
		}
	} else if !src.Table {
		return inRow{}, false
	}
	if src.Table {
		for _, k := range keys {
			if k == nil {
				d.srv.processingError(d.queryID, r, errors.New("table record has a null key"))
				return inRow{}, false
			}
		}
		row.srcKey = encodeVals(keys)
	}
	if src.Table {
		row.vals = assembleRow(nil, src.Schema, keys, vals, r) // kept as the key's source row
	} else {
		d.row = assembleRow(d.row[:0], src.Schema, keys, vals, r)
		row.vals = d.row
	}
	return row, true
}

// decodeValue decodes a non-null value, remembering recent payloads.
func (d *decoder) decodeValue(ctx context.Context, b []byte) ([]any, error) {
	if len(b) == 0 || !memoizable(d.inVal.format) {
		return d.inVal.decode(ctx, b)
	}
	if vals, ok := d.memo.get(b); ok {
		return vals, nil
	}
	vals, err := d.inVal.decode(ctx, b)
	if err == nil {
		d.memo.put(b, vals)
	}
	return vals, err
}

// assembleRow lays keys and values out in schema order plus pseudo columns,
// appending to row (nil allocates a new row).
func assembleRow(row []any, s schema, keys, vals []any, r *kgo.Record) []any {
	if row == nil {
		row = make([]any, 0, len(s.Cols)+len(pseudoColumns))
	}
	ki, vi := 0, 0
	for _, c := range s.Cols {
		if c.Key {
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
	return append(row, r.Timestamp.UnixMilli(), r.Partition, r.Offset)
}

func (q *runningQuery) encode(o outRow) (*kgo.Record, error) {
	keys, vals := q.keyScratch[:0], q.valScratch[:0] // the serdes keep neither
	for i, c := range q.plan.out.Cols {
		if c.Key {
			keys = append(keys, o.vals[i])
		} else {
			vals = append(vals, o.vals[i])
		}
	}
	q.keyScratch, q.valScratch = keys, vals
	k, err := q.outKey.encode(keys)
	if err != nil {
		return nil, err
	}
	rec := &kgo.Record{Topic: q.info.SinkTopic, Key: k, Timestamp: time.UnixMilli(o.ts)}
	if !o.tombstone {
		v, err := q.outVal.encode(vals)
		if err != nil {
			return nil, err
		}
		if v == nil {
			v = []byte{}
		}
		rec.Value = v
	}
	return rec, nil
}

// restore rebuilds the query's state from its changelog (committed records only).
func (q *runningQuery) restore(ctx context.Context) error {
	q.proc.mu.Lock()
	defer q.proc.mu.Unlock()
	q.proc.reset()
	if q.changelog == "" {
		return nil
	}
	ends, err := q.srv.adm.ListCommittedOffsets(ctx, q.changelog)
	if err != nil {
		return fmt.Errorf("restore %s: %w", q.changelog, err)
	}
	end, ok := ends.Lookup(q.changelog, 0)
	if !ok || end.Err != nil || end.Offset <= 0 {
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(q.srv.brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{q.changelog: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return fmt.Errorf("restore %s: %w", q.changelog, err)
	}
	defer cl.Close()
	next := int64(0)
	for next < end.Offset {
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		fs := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n := 0
		fs.EachRecord(func(r *kgo.Record) {
			n++
			if r.Offset >= end.Offset {
				return
			}
			next = r.Offset + 1
			q.proc.restore(string(r.Key), r.Value)
		})
		if n == 0 && pctx.Err() != nil {
			break // only transaction markers or aborted records remain
		}
	}
	q.proc.finishRestore()
	return nil
}

// processingError records a record a query could not process (ksqlDB's processing log).
func (s *Server) processingError(queryID string, r *kgo.Record, err error) {
	s.processLogs.Add(1)
	s.log.Warn("processing error; record skipped", "query", queryID, "topic", r.Topic,
		"partition", r.Partition, "offset", r.Offset, "err", err)
}

// ProcessingErrors is the number of records queries have skipped because
// they could not be processed (ksqlDB's processing log).
func (s *Server) ProcessingErrors() int64 { return s.processLogs.Load() }

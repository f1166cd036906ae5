package ksqldb

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A push join that rekeys a stream or a table runs the persistent join's
// first sub-topology under its transient application id (see
// pushstores.go): a stage of its own reads the rekeyed sources from where
// the query starts (a table from its beginning), writes each record keyed
// by its join key (a table's by its own key, in the join's key format) to
// the side's repartition topic (joinRepartitioner.write), and the query
// reads that side back from that topic, from its beginning, with the rest
// of its inputs (pushInput.each; a table's as a table, its store logged to
// <Side>SourceKeyed-Materialize-changelog). The join waits, once, for the
// stage to have written what the sources held at the query's start
// (waitCaughtUp), as the
// persistent join does, so that its first batch has them in timestamp
// order with the other side's records. The stage writes without
// transactions: a transient query runs at_least_once and is never
// restored.

// pushStage is the running first stage of a push join that rekeys.
type pushStage struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// rekeyFrom starts the first stage, reading the rekeyed streams from
// start, and returns where the query's own consumer starts: start without
// those streams, with every partition of their repartition topics from
// offset 0. A query without a rekeyed stream reads start as it is.
func (ps *pushStores) rekeyFrom(ctx context.Context, start map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	if ps == nil || ps.rq.jrep == nil {
		return start, nil
	}
	rq, jr, s := ps.rq, ps.rq.jrep, ps.rq.srv
	sources := map[string]map[int32]kgo.Offset{}
	out := map[string]map[int32]kgo.Offset{}
	for topic, parts := range start {
		if jr.bySource[topic] != nil {
			sources[topic] = parts
		} else {
			out[topic] = parts
		}
	}
	for _, topic := range jr.topics() {
		n, err := s.taskCount(ctx, []string{topic})
		if err != nil {
			return nil, fmt.Errorf("start push query: %w", err)
		}
		out[topic] = map[int32]kgo.Offset{}
		for p := range n {
			out[topic][p] = kgo.NewOffset().At(0)
		}
	}
	progress, err := s.newJoinFeed(ctx, jr.sourceTopics(), nil, func(t string, p int32) (int64, bool) {
		o, ok := sources[t][p]
		return o.EpochOffset().Offset, ok
	})
	if err != nil {
		return nil, fmt.Errorf("start push query: %w", err)
	}
	cl, err := kgo.NewClient(kafkaOpts(s.cfg.kafka,
		kgo.SeedBrokers(s.brokers...),
		kgo.ConsumePartitions(sources),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// the markers of the streams' transactions are seen, so that the
		// stage sees itself reach the ends it waits for
		kgo.KeepControlRecords(),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(queryLinger),
		rq.sinkPartitioner(),
	)...)
	if err != nil {
		return nil, fmt.Errorf("start push query: %w", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	ps.stage = &pushStage{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(ps.stage.done)
		defer cl.Close()
		ps.runStage(sctx, cl, progress)
	}()
	return out, nil
}

// runStage writes the repartition records of what cl polls until ctx
// ends; a write that fails is logged, as it does not end the query
// (Kafka Streams' default production exception handler would fail the
// stream thread, which this server does not emulate for a push query).
func (ps *pushStores) runStage(ctx context.Context, cl *kgo.Client, progress *joinFeed) {
	rq, jr := ps.rq, ps.rq.jrep
	if len(progress.pending) == 0 {
		jr.signalCaughtUp()
	}
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return
		}
		if fs.NumRecords() == 0 {
			jr.arena.trim()
			continue
		}
		var errs produceErrors
		jr.write(ctx, rq, fs, func(rec *kgo.Record) { cl.Produce(ctx, rec, errs.promise) })
		if err := cl.Flush(ctx); err != nil {
			return // ctx ended
		}
		if err := errs.first(); err != nil {
			rq.srv.log.Warn("write push query repartition topic", "query", rq.info.ID, "err", err)
		}
		jr.arena.reuse() // the flush waited for every record
		progress.note(fs)
		if len(progress.pending) == 0 {
			jr.signalCaughtUp()
		}
	}
}

// waitRekeyed waits until the first stage has written what the rekeyed
// streams held at the query's start (at most stageWait).
func (ps *pushStores) waitRekeyed(ctx context.Context) {
	if ps != nil && ps.rq.jrep != nil {
		ps.rq.jrep.waitCaughtUp(ctx)
	}
}

// stop ends the first stage and waits for it.
func (st *pushStage) stop() {
	if st == nil {
		return
	}
	st.cancel()
	<-st.done
}

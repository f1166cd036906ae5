package ksqldb

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// pushStores are the internal topics of a transient push query's join
// while it runs. ksqlDB 0.29 runs a push query as a Kafka Streams
// application of its own (confluentinc/ksql v7.9.0, QueryBuilder.
// buildTransientQuery), built from the same steps as a persistent query's,
// so its join keeps the persistent join's stores under the transient
// application id (transientAppID): a stream-stream join's window stores,
// logged to <app>-KSTREAM-JOINTHIS-<n>-store-changelog and
// -JOINOTHER-<n>-store-changelog (joinstore.go), a stream-table join's
// table store, logged to <app>-KafkaTopic_Right-Reduce-changelog
// (jointables.go), made as Kafka Streams makes them before the query runs
// (runningQuery.prepareInternal), a table-table join's two table stores
// and its projection's Project-Last (pushproject.go), a foreign-key join's
// subscription topics and store changelog (fksubscription.go) and their
// records (fkprotocol.go), and, starting a chain, its output store's
// changelog (fkstorelog.go, pushstages.go), and the repartition
// topics of the sources it rekeys, <app>-Join-repartition or
// <app>-Join-left- and -Join-right-repartition for a stream,
// <app>-<Side>SourceKeyed-SelectKey-repartition for a table
// (joinrepartition.go), which it reads back (see pushrekey.go), and the
// stores and repartition topic of an aggregation of a join (see
// pushaggregate.go), after a stream-stream step's window stores. When the query ends, however it ends,
// TransientQueryMetadata.close closes the application and the engine's
// CleanupListener has QueryCleanupService delete the application's
// internal topics and their schemas (deleteInternalTopics). The records
// are written with the persistent path's writers, bound to the transient
// application id; nothing reads the store changelogs back, as a transient
// query is never restored. Only the joins planner.TransientJoinPlan accepts have them;
// every other push join keeps its state in memory only.
type pushStores struct {
	rq    *runningQuery // the persistent path's store writers, under the transient application id
	cl    *kgo.Client   // writes the changelog records
	errs  produceErrors
	stage *pushStage // the first stage of a join that rekeys a source; nil otherwise
}

// transientAppID is the application id of transient query queryID,
// started now: QueryApplicationId.build(config, false, queryId), the
// internal topic prefix (_confluent-ksql-, ksql.service.id,
// ksql.transient.prefix), the query id, and the time in milliseconds
// (addTimeSuffix).
func (s *Server) transientAppID(queryID string) string {
	return "_confluent-ksql-" + s.cfg.serviceID + transientPrefix + queryID + "_" + strconv.FormatInt(time.Now().UnixMilli(), 10)
}

// newPushStores makes the internal topics of push query queryID's join
// (q with properties props, planned as plan and run by proc) under its
// application id app, nil for a query without any.
func (s *Server) newPushStores(ctx context.Context, app, queryID string, q *sql.Query, props map[string]string, plan *planner.Plan, proc *operators.Processor) (*pushStores, error) {
	as, ok := planner.TransientJoinPlan(plan)
	if !ok {
		return nil, nil
	}
	rq := &runningQuery{srv: s, info: &metastore.Query{ID: queryID, Props: props}, plan: as, proc: proc, appID: app}
	rq.tableLogs = s.newTableLogs(app, as)
	rq.projLog = s.transientProjectLog(app, q, as)
	rq.fkSub = newFKSubscription(app, rq.info, as)
	rq.fkLog = s.newFKStoreLog(app, rq.info, as)
	// a chain's repartitions of a result between two joins, and a
	// table-table join's aggregation's (see pushaggregate.go), keyed
	// in the join's key format
	left := as.Join.Leaves[0].Source
	rq.jstages = s.newJoinStages(app, rq.info, as, left)
	if as.AggStore != nil {
		rq.aggLog = s.newAggLog(app, as, left)
		rq.prepLog = s.newPrepareLog(app, as)
		rq.changelog = rq.aggLog.topic
	}
	if rq.jrep = s.newJoinRepartitioner(rq.info, as, app); rq.jrep != nil {
		for _, side := range rq.jrep.sides {
			side.dec.throwTS = false // as a push query's own decoders (newPushInput)
		}
	}
	rq.fkProto = s.newFKProtocol(rq.info.ID, rq.fkSub, as, rq.jrep.rekeysLeaf(0, 1))
	if as.Join.Windowed() {
		if err := rq.useWindowLogs(ctx, q); err != nil {
			return nil, fmt.Errorf("start push query: %w", err)
		}
		if rq.joinStores == nil {
			return nil, nil // no store layout of ksqlDB's: the state stays in memory
		}
	}
	for _, sd := range rq.internalSerdes() {
		if err := sd.PrepareSink(ctx); err != nil {
			return nil, fmt.Errorf("start push query: %w", err)
		}
	}
	ps := &pushStores{rq: rq}
	if err := rq.prepareInternal(ctx); err != nil {
		ps.close(ctx)
		return nil, fmt.Errorf("start push query: %w", err)
	}
	cl, err := kgo.NewClient(kafkaOpts(s.cfg.kafka,
		kgo.SeedBrokers(s.brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(queryLinger),
		rq.sinkPartitioner(),
	)...)
	if err != nil {
		ps.close(ctx)
		return nil, fmt.Errorf("start push query: %w", err)
	}
	ps.cl = cl
	return ps, nil
}

// logsChanges reports whether the processor hands back the state changes
// the stores log.
func (ps *pushStores) logsChanges() bool {
	return ps != nil && (ps.rq.joinStores != nil || ps.rq.aggLog != nil)
}

// apply writes the store entry of a table record the join applies (in, its
// row); the join applies it next where joins (see fkProtocol.joins).
func (ps *pushStores) apply(ctx context.Context, in *kgo.Record, row operators.InRow) (joins bool) {
	if ps == nil {
		return true
	}
	if tl := ps.rq.tableLogs[row.Leaf]; tl != nil {
		if rec := tl.record(ps.rq, in, row); rec != nil {
			ps.cl.Produce(ctx, rec, ps.errs.promise)
		}
	}
	if fp := ps.rq.fkProto; fp != nil {
		if !fp.joins(row, in.Partition) {
			return false
		}
		if err := fp.apply(in, row, func(rec *kgo.Record) { ps.cl.Produce(ctx, rec, ps.errs.promise) }); err != nil {
			ps.rq.srv.processingError(ps.rq.info.ID, in, &serializeError{topic: ps.rq.fkSub.registration, err: err})
		}
	}
	return true
}

// log writes the changelog records of the store changes processing in
// made, in order; a change the stores cannot serialize goes to the
// processing log.
func (ps *pushStores) log(ctx context.Context, in *kgo.Record, changes []operators.Change) {
	if ps == nil {
		return
	}
	for _, c := range changes {
		if ps.rq.joinStores != nil && joinStoreChange(c) {
			// a stream-stream step's window store put, or its outer store's
			rec, err := ps.rq.joinStores.record(ps.rq, c)
			if err != nil {
				ps.rq.srv.processingError(ps.rq.info.ID, in, &serializeError{topic: ps.rq.changelog, err: err})
				continue
			}
			if rec != nil {
				ps.cl.Produce(ctx, rec, ps.errs.promise)
			}
			continue
		}
		if ps.rq.aggLog != nil {
			ps.logAggregate(ctx, in, c)
		}
	}
}

// joinStoreChange reports whether c is a change of a stream-stream step's
// stores rather than of an aggregation's.
func joinStoreChange(c operators.Change) bool {
	if _, ok := c.WindowStorePut(); ok {
		return true
	}
	_, ok := c.OuterStoreUpdate()
	return ok
}

// flush waits for the records written so far; a failed write is logged,
// as it does not change the rows the client gets.
func (ps *pushStores) flush(ctx context.Context) {
	if ps == nil {
		return
	}
	if err := ps.cl.Flush(ctx); err == nil {
		ps.rq.arena.reuse() // the flush waited for every record
		err = ps.errs.first()
		if err != nil {
			ps.rq.srv.log.Warn("write push query store changelog", "query", ps.rq.info.ID, "err", err)
			ps.errs = produceErrors{}
		}
	}
}

// close stops writing and deletes the query's internal topics and their
// schemas, as QueryCleanupService does once the query is closed; it runs
// after the query's own context is done.
func (ps *pushStores) close(ctx context.Context) {
	if ps == nil {
		return
	}
	ps.stage.stop()
	if ps.cl != nil {
		ps.cl.Close()
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ps.rq.srv.deleteInternalTopics(dctx, ps.rq.appID)
}

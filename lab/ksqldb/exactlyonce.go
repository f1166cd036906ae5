package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kgo"
)

// runExactlyOnce is the exactly_once_v2 loop: per poll, results, changelog and
// consumed offsets go into one Kafka transaction, so output topics carry
// transaction markers and readers must read committed.
func (q *runningQuery) runExactlyOnce(ctx context.Context, start kgo.Offset, log *slog.Logger) error {
	sess, err := q.mainSession(start)
	if err != nil {
		return err
	}
	defer sess.Close()
	feed, err := q.groupFeed(ctx, q.srv.offsetReset(q.info.Props))
	if err != nil {
		return err
	}
	for {
		fs, ok := q.pollTransactional(ctx, sess, feed, log)
		if !ok {
			return nil
		}
		if fs.NumRecords() == 0 {
			q.idle()
			continue
		}
		// A batch once begun is finished, also when ctx ends meanwhile:
		// Kafka Streams commits its tasks when it closes cleanly.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		committed, err := q.exactlyOnceBatch(bctx, sess, fs, log)
		cancel()
		if err != nil || !committed {
			if ctx.Err() != nil {
				return nil
			}
			var te *timestampExtractorError
			var pe *processError
			if errors.As(err, &te) || errors.As(err, &pe) {
				return err // the stream thread fails: the query is in ERROR
			}
			log.Warn("transaction not committed; restoring state", "err", err)
			if rerr := q.restoreRebalancing(ctx); rerr != nil {
				return rerr
			}
			continue
		}
		q.joinStores.committed()
		q.repartitionCommitted(ctx, fs)
		q.batchDone(fs)
		if ctx.Err() != nil {
			return nil
		}
	}
}

// exactlyOnceBatch applies a polled batch in one transaction: results,
// changelog and consumed offsets.
func (q *runningQuery) exactlyOnceBatch(ctx context.Context, sess *kgo.GroupTransactSession, fs kgo.Fetches, log *slog.Logger) (bool, error) {
	if err := sess.Begin(); err != nil {
		return false, fmt.Errorf("begin transaction: %w", err)
	}
	var perr produceErrors
	promise := perr.promise // one closure for the batch, not one per record
	q.processBatch(ctx, fs, func(_, r *kgo.Record) { sess.Produce(ctx, r, promise) })
	if err := q.batchFailure(); err != nil {
		promise(nil, err) // aborts the transaction
	}
	if err := perr.first(); err != nil {
		log.Warn("produce failed; aborting transaction", "err", err)
	}
	return endTransaction(q.offsetMetadataContext(ctx), sess, &perr, "produce query output")
}

// transactSession is the consumer-group member and transactional producer
// of a query's stream thread that writes in transactions (exactly_once_v2,
// the changelog of a stateful at_least_once query, and the repartitioning
// thread): the query's application id as its group, transactional.id
// txnID, topics read committed from start where the group has no offset.
func (q *runningQuery) transactSession(txnID string, topics []string, start kgo.Offset, extra ...kgo.Opt) (*kgo.GroupTransactSession, error) {
	sess, err := kgo.NewGroupTransactSession(append(kafkaOpts(q.srv.cfg.kafka,
		kgo.SeedBrokers(q.srv.brokers...),
		kgo.TransactionalID(txnID),
		kgo.ConsumerGroup(q.appID),
		kgo.ConsumeTopics(topics...),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(start),
		kgo.SessionTimeout(q.srv.cfg.sessionTimes),
		kgo.TransactionTimeout(batchTimeout),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(queryLinger),
		q.sinkPartitioner(),
		kgo.FetchMaxWait(queryFetchWait),
		kgo.FetchMaxBytes(queryFetchBytes),
		kgo.FetchMaxPartitionBytes(queryFetchPartitionBytes),
	), append(q.poolRecords(), extra...)...)...)
	if err != nil {
		return nil, fmt.Errorf("new transact session: %w", err)
	}
	return sess, nil
}

// mainSession is the transact session of the query's main stream thread:
// transactional.id the application id, reading the inputs or the
// repartition topic (see consumedTopics).
func (q *runningQuery) mainSession(start kgo.Offset) (*kgo.GroupTransactSession, error) {
	return q.transactSession(q.appID, q.consumedTopics(), start, q.repartitionOpts()...)
}

// pollTransactional polls the session's next batch, holding a join
// query's first batch back as its feed says, and logs fetch errors; ok is
// false once ctx has ended (a batch polled then is neither applied nor
// committed).
func (q *runningQuery) pollTransactional(ctx context.Context, sess *kgo.GroupTransactSession, feed *joinFeed, log *slog.Logger) (fs kgo.Fetches, ok bool) {
	fs = sess.PollFetches(ctx)
	if ctx.Err() != nil || !q.gate.wait(ctx) { // a paused query holds its batch
		return nil, false
	}
	fs = feed.gather(ctx, fs, sess.PollFetches)
	fs.EachError(func(t string, p int32, err error) {
		if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			log.Warn("fetch error", "topic", t, "partition", p, "err", err)
		}
	})
	return fs, true
}

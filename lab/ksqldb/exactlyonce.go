package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// runExactlyOnce is the exactly_once_v2 loop: per poll, results, changelog and
// consumed offsets go into one Kafka transaction, so output topics carry
// transaction markers and readers must read committed.
func (q *runningQuery) runExactlyOnce(ctx context.Context, start kgo.Offset, log *slog.Logger) error {
	sess, err := kgo.NewGroupTransactSession(
		kgo.SeedBrokers(q.srv.brokers...),
		kgo.TransactionalID(q.appID),
		kgo.ConsumerGroup(q.appID),
		kgo.ConsumeTopics(q.plan.src.Topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(start),
		kgo.SessionTimeout(q.srv.cfg.sessionTimes),
		kgo.TransactionTimeout(30*time.Second),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(0),
	)
	if err != nil {
		return fmt.Errorf("new transact session: %w", err)
	}
	defer sess.Close()
	for {
		fs := sess.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				log.Warn("fetch error", "topic", t, "partition", p, "err", err)
			}
		})
		if fs.NumRecords() == 0 {
			continue
		}
		if err := sess.Begin(); err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		var perr produceErrors
		q.processBatch(ctx, fs, func(r *kgo.Record) { sess.Produce(ctx, r, perr.promise) })
		if err := sess.Client().Flush(ctx); err != nil && ctx.Err() != nil {
			return nil
		}
		try := kgo.TryCommit
		if err := perr.first(); err != nil {
			try = kgo.TryAbort
			log.Warn("produce failed; aborting transaction", "err", err)
		}
		committed, err := sess.End(ctx, try)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || !committed {
			log.Warn("transaction not committed; restoring state", "err", err)
			if rerr := q.restore(ctx); rerr != nil {
				return rerr
			}
		}
	}
}

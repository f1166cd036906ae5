package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// batchTimeout bounds how long one polled batch may take to be produced,
// acknowledged and committed, also while the query stops.
const batchTimeout = 30 * time.Second

// retryBackoff is how long a failed at_least_once query waits before it
// restores its state and resumes from the committed offsets.
const retryBackoff = time.Second

// runAtLeastOnce is the at_least_once loop (ksqlDB's default): per poll it
// produces results and changelog records (idempotent producer, acks=all),
// waits until all are acknowledged and only then commits the consumed offsets.
// No transactions, so output topics hold records only. A failed batch is not
// committed: the query restores its state from the changelog and resumes from
// the end of its last acknowledged batch (or the committed offsets, if later),
// so the failed batch's updates may be applied twice.
func (q *runningQuery) runAtLeastOnce(ctx context.Context, start kgo.Offset, log *slog.Logger) {
	for {
		err := q.consumeAtLeastOnce(ctx, start, log)
		if ctx.Err() != nil {
			return
		}
		log.Error("persistent query failed; restarting from committed offsets", "err", err)
		q.setState("ERROR")
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(retryBackoff):
			}
			err := q.restore(ctx)
			if err == nil {
				break
			}
			log.Error("restore state", "err", err)
		}
		q.setState("RUNNING")
	}
}

// consumeAtLeastOnce runs one consumer-group member until ctx ends (nil) or a
// batch fails. A batch already polled when ctx ends is still finished,
// acknowledged and committed, so a clean stop resumes exactly where it ended.
func (q *runningQuery) consumeAtLeastOnce(ctx context.Context, start kgo.Offset, log *slog.Logger) error {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(q.srv.brokers...),
		kgo.ConsumerGroup(q.appID),
		kgo.ConsumeTopics(q.plan.src.Topic),
		kgo.ConsumeResetOffset(start),
		kgo.SessionTimeout(q.srv.cfg.sessionTimes),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(), // rebalance callbacks run between batches
		kgo.OnPartitionsAssigned(q.resumeAssigned(log)),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(0),
	)
	if err != nil {
		return fmt.Errorf("new query client: %w", err)
	}
	defer cl.Close() // leaves the group; every processed batch is committed by then
	for {
		fs := cl.PollFetches(ctx)
		if fs.IsClientClosed() {
			return nil
		}
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				log.Warn("fetch error", "topic", t, "partition", p, "err", err)
			}
		})
		if fs.NumRecords() > 0 {
			bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
			err := q.commitBatch(bctx, cl, fs)
			cancel()
			if err != nil {
				cl.AllowRebalance()
				return err
			}
		}
		cl.AllowRebalance()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// commitBatch processes a polled batch, waits until its records are
// acknowledged and commits the batch's offsets.
func (q *runningQuery) commitBatch(ctx context.Context, cl *kgo.Client, fs kgo.Fetches) error {
	var perr produceErrors
	q.processBatch(ctx, fs, func(r *kgo.Record) { cl.Produce(ctx, r, perr.promise) })
	if err := cl.Flush(ctx); err != nil {
		return fmt.Errorf("flush query output: %w", err)
	}
	if err := perr.first(); err != nil {
		return fmt.Errorf("produce query output: %w", err)
	}
	q.pos.advance(fs) // state and outputs now go past the batch, committed or not
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		return fmt.Errorf("commit offsets: %w", err)
	}
	return nil
}

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

// queryLinger is how long a query's producer lets a partition's records
// gather before it sends them: Kafka Streams' producer default (StreamsConfig
// PRODUCER_DEFAULT_OVERRIDES, linger.ms=100), which ksqlDB keeps. Every
// batch ends with a flush (or the end of its transaction), so no result
// waits for it longer than its batch takes; a batch goes out in few large
// produce requests rather than many small ones.
const queryLinger = 100 * time.Millisecond

// queryFetchWait is how long a query's fetch waits for records to arrive:
// the Java consumer's fetch.max.wait.ms default, 500 ms (ConsumerConfig),
// which Kafka Streams keeps. A fetch that includes a partition with nothing
// to read yet (a repartition topic before its first records) holds back
// the partitions that do have records no longer than that.
const queryFetchWait = 500 * time.Millisecond

// queryFetchBytes and queryFetchPartitionBytes bound how much one fetch of
// a query's consumer brings back: 2 MiB in all and 512 KiB a partition,
// where the client defaults are 50 MiB and 1 MiB. A fetched record becomes
// a kgo.Record of about 180 bytes, five times a turnstile entry's bytes,
// and a batch's records stay live until the batch is processed. With 1 MiB
// a partition, a weekday replay under the stack's 64 MiB memory limit
// (embedded.MemoryLimit) held tens of MB of fetched records at once: the
// collector ran 170 times and the replay took 4.8 s; with 512 KiB it takes
// 2.2 to 2.4 s, peak RSS 146 MB instead of 151 (bench -rows replay). Less
// (128 KiB) made no replay faster but every batch smaller, and the HOPPING
// window row, whose batches each end in a flush and a commit, slower (2.9
// to 3.2 s against 2.3). Kafka Streams hands its tasks at most 1000
// records a poll (StreamsConfig CONSUMER_DEFAULT_OVERRIDES,
// max.poll.records=1000); a larger record still comes whole (a broker
// returns at least one batch).
const (
	queryFetchBytes          = 2 << 20
	queryFetchPartitionBytes = 512 << 10
)

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
	consume := q.consumeAtLeastOnce
	if q.changelog != "" {
		consume = q.consumeStateful
	}
	for {
		err := consume(ctx, start, log)
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
	cl, err := kgo.NewClient(append(kafkaOpts(q.srv.cfg.kafka,
		kgo.SeedBrokers(q.srv.brokers...),
		kgo.ConsumerGroup(q.appID),
		kgo.ConsumeTopics(q.consumedTopics()...),
		kgo.ConsumeResetOffset(start),
		kgo.SessionTimeout(q.srv.cfg.sessionTimes),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(), // rebalance callbacks run between batches
		kgo.OnPartitionsAssigned(q.resumeAssigned(log)),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(queryLinger),
		q.sinkPartitioner(),
		kgo.FetchMaxWait(queryFetchWait),
		kgo.FetchMaxBytes(queryFetchBytes),
		kgo.FetchMaxPartitionBytes(queryFetchPartitionBytes),
	), append(q.poolRecords(), q.repartitionOpts()...)...)...)
	if err != nil {
		return fmt.Errorf("new query client: %w", err)
	}
	defer cl.Close() // leaves the group; every processed batch is committed by then
	feed, err := q.groupFeed(ctx, q.srv.offsetReset(q.info.Props))
	if err != nil {
		return err
	}
	for {
		fs := cl.PollFetches(ctx)
		if fs.IsClientClosed() {
			return nil
		}
		// a batch polled while the query is paused waits for RESUME, as
		// Kafka Streams holds the records a paused task polled
		if !q.gate.wait(ctx) {
			cl.AllowRebalance() // else leaving the group waits for it
			return nil
		}
		fs = feed.gather(ctx, fs, cl.PollFetches)
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
			q.batchDone(fs)
		} else {
			q.idle()
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
	promise := perr.promise // one closure for the batch, not one per record
	q.processBatch(ctx, fs, func(_, r *kgo.Record) { cl.Produce(ctx, r, promise) })
	if err := cl.Flush(ctx); err != nil {
		return fmt.Errorf("flush query output: %w", err)
	}
	if err := perr.first(); err != nil {
		return fmt.Errorf("produce query output: %w", err)
	}
	if err := q.batchFailure(); err != nil {
		return err // the batch's offsets are not committed
	}
	q.pos.advance(fs) // state and outputs now go past the batch, committed or not
	if err := cl.CommitUncommittedOffsets(q.offsetMetadataContext(ctx)); err != nil {
		return fmt.Errorf("commit offsets: %w", err)
	}
	q.repartitionCommitted(ctx, fs)
	return nil
}

// consumeStateful is consumeAtLeastOnce for a query that keeps state in a
// changelog (an aggregate, a windowed join). Kafka Streams' at_least_once
// writes results and changelog and then commits the offsets, and restores
// state from the whole changelog: a process killed between the two comes
// back with the batch already in its state, reads the batch again and
// applies it twice (a count jumps ahead for good). Here the changelog
// records and the consumed offsets go into one Kafka transaction, while the
// results go to the sink outside it and are acknowledged before the
// transaction commits. Whenever the process dies, the state restored from
// the changelog (read committed) and the committed offsets agree, so every
// input record is applied once; the results of a batch that did not commit
// are written again, with the same values. Only the internal changelog
// carries transaction markers; the sink holds records only, as ksqlDB's
// at_least_once sink does.
func (q *runningQuery) consumeStateful(ctx context.Context, start kgo.Offset, log *slog.Logger) error {
	sess, err := q.mainSession(start)
	if err != nil {
		return err
	}
	defer sess.Close()
	sink, err := kgo.NewClient(kafkaOpts(q.srv.cfg.kafka,
		kgo.SeedBrokers(q.srv.brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(queryLinger),
		q.sinkPartitioner(),
	)...)
	if err != nil {
		return fmt.Errorf("new sink client: %w", err)
	}
	defer sink.Close()
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
		// A batch once begun is finished, also when ctx ends meanwhile.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		err := q.commitStateful(bctx, sess, sink, fs, log)
		cancel()
		if err != nil {
			return err
		}
		q.batchDone(fs)
		if ctx.Err() != nil {
			return nil
		}
	}
}

// commitStateful applies a polled batch in one transaction: results to the
// sink (acknowledged first), changelog and offsets in the transaction. A
// transaction that did not commit (a rebalance meanwhile) leaves the state
// restored to what the changelog committed, and the session rewound to the
// committed offsets; reading the batch again then writes the changelog
// records only, since its results are in the sink already (sinkDone), so a
// running query writes one result per input record.
func (q *runningQuery) commitStateful(ctx context.Context, sess *kgo.GroupTransactSession, sink *kgo.Client, fs kgo.Fetches, log *slog.Logger) error {
	if err := sess.Begin(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	var perr produceErrors
	promise := perr.promise // one closure for the batch, not one per record
	var lastIn *kgo.Record  // the input of the last result, and whether sinkDone covers it
	var written bool
	q.processBatch(ctx, fs, func(in, r *kgo.Record) {
		if q.internal(r.Topic) {
			sess.Produce(ctx, r, promise) // internal: with the offsets
			return
		}
		if in != lastIn {
			lastIn, written = in, q.sinkDone.covers(in)
		}
		if !written { // a batch that did not commit wrote the result already
			sink.Produce(ctx, r, promise)
		}
	})
	if err := sink.Flush(ctx); err != nil {
		perr.promise(nil, fmt.Errorf("flush query output: %w", err))
	}
	if err := q.batchFailure(); err != nil {
		perr.promise(nil, err) // aborts the transaction
	}
	if perr.first() == nil {
		q.sinkDone.advance(fs)
	}
	committed, err := endTransaction(q.offsetMetadataContext(ctx), sess, &perr, "produce query output")
	if err != nil {
		return err
	}
	if !committed {
		log.Info("batch not committed (the group rebalanced); restoring state and reading it again")
		if err := q.restoreRebalancing(ctx); err != nil {
			return err
		}
		return nil
	}
	q.joinStores.committed()
	q.repartitionCommitted(ctx, fs)
	return nil
}

// endTransaction commits the session's transaction, or aborts it when one
// of its produces failed (an error naming what failed); committed is false
// for a transaction that did not commit because the group rebalanced.
func endTransaction(ctx context.Context, sess *kgo.GroupTransactSession, perr *produceErrors, what string) (committed bool, err error) {
	try := kgo.TryCommit
	failed := perr.first()
	if failed != nil {
		try = kgo.TryAbort
	}
	committed, err = sess.End(ctx, try)
	if err != nil {
		return false, fmt.Errorf("end transaction: %w", err)
	}
	if failed != nil {
		return false, fmt.Errorf("%s: %w", what, failed)
	}
	return committed, nil
}

// internal reports a topic the query's main thread writes with its
// offsets: its changelog, a join's table-side and Project-Last changelogs,
// a foreign-key join's output store changelog and its subscription
// topics and store changelog, a table-table join's aggregation's
// Prepare-Last changelog, a chain of joins' repartitions between its
// joins.
func (q *runningQuery) internal(topic string) bool {
	if topic != "" && topic == q.changelog || q.projLog != nil && topic == q.projLog.topic ||
		q.fkLog != nil && topic == q.fkLog.topic || q.prepLog != nil && topic == q.prepLog.topic {
		return true
	}
	if q.fkProto != nil && q.fkProto.owns(topic) {
		return true
	}
	for _, logs := range q.windowLogs {
		if topic == logs[0] || topic == logs[1] {
			return true
		}
	}
	if q.joinStores != nil && q.joinStores.owns(topic) {
		return true
	}
	if q.jstages != nil && q.jstages.byTopic[topic] != nil {
		return true
	}
	for _, tl := range q.tableLogs {
		if topic == tl.topic {
			return true
		}
	}
	return false
}

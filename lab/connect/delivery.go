package connect

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// offsetFlushTimeout is offset.flush.timeout.ms (Kafka's default, 5 s): how
// long an offset commit, or a stopping task's wait for records already
// sent, may take.
const offsetFlushTimeout = 5 * time.Second

// newProducer creates the task's producer. Without exactly-once source
// support it has the settings of Worker.baseProducerConfigs in Kafka 3.9:
// acks=all, one request in flight, idempotence disabled, no transactions.
// With it, it is transactional with the id "<group.id>-<connector>-<task>"
// (Worker.taskTransactionalId).
func (t *sourceTask) newProducer() (*kgo.Client, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(t.w.brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(0),
		kgo.WithLogger(t.w.kgoLogger()),
	}
	if t.w.opts.exactlyOnce {
		opts = append(opts,
			kgo.TransactionalID(fmt.Sprintf("%s-%s-%d", t.w.opts.groupID, t.connector, t.id)),
			kgo.TransactionTimeout(time.Minute),
		)
	} else {
		opts = append(opts,
			kgo.DisableIdempotentWrite(),
			kgo.MaxProduceRequestsInflightPerBroker(1),
		)
	}
	return kgo.NewClient(kafkaOpts(t.w.opts.kafka, opts...)...)
}

// send writes one batch of a table's rows and, outside bulk mode, takes
// care of its offset, then advances the querier.
func (t *sourceTask) send(ctx context.Context, q *querier, batch []*kgo.Record, off tableOffset) error {
	// Transformations may route records to other topics (RegexRouter,
	// TimestampRouter): each destination is created when missing.
	created := map[string]bool{}
	for _, r := range batch {
		if created[r.Topic] {
			continue
		}
		created[r.Topic] = true
		if err := t.w.ensureDataTopic(ctx, r.Topic); err != nil {
			return &taskError{msg: "Failed to create topic " + r.Topic, cause: err}
		}
	}
	var offKey, offVal []byte
	if q.mode != modeBulk {
		offKey, offVal = offsetKey(t.connector, q.partition), offsetValue(off)
	}
	if t.w.opts.exactlyOnce {
		if err := t.sendTransaction(ctx, batch, offKey, offVal); err != nil {
			return err
		}
		if offKey != nil {
			t.w.storeOffset(offKey, offVal)
		}
	} else {
		// A stop request does not abandon records already sent: the task
		// waits for their acknowledgement (up to offsetFlushTimeout) so that
		// their offset can be committed on the way out.
		pctx, cancel := graceContext(ctx, offsetFlushTimeout)
		err := t.producer.ProduceSync(pctx, batch...).FirstErr()
		cancel()
		if err != nil {
			return &taskError{msg: "Unrecoverable exception from producer send callback", cause: err}
		}
		if offKey != nil {
			t.pending[string(offKey)] = offVal
			t.maybeFlush()
		}
	}
	for _, rec := range batch {
		t.w.recordActiveTopic(t.connector, t.id, rec.Topic)
	}
	if offKey != nil {
		q.offset = off
	}
	return nil
}

// sendTransaction writes a batch and its offset record (when not nil) in
// one transaction.
func (t *sourceTask) sendTransaction(ctx context.Context, batch []*kgo.Record, offKey, offVal []byte) error {
	if err := t.producer.BeginTransaction(); err != nil {
		return &taskError{msg: "Failed to begin transaction", cause: err}
	}
	t.inTxn = true
	recs := batch
	if offKey != nil {
		recs = append(append([]*kgo.Record(nil), batch...), &kgo.Record{Topic: t.w.opts.offsetTopic, Key: offKey, Value: offVal})
	}
	if err := t.producer.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.abort()
		return &taskError{msg: "Unrecoverable exception from producer send callback", cause: err}
	}
	if err := t.producer.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.abort()
		return &taskError{msg: "Failed to commit transaction", cause: err}
	}
	t.inTxn = false
	return nil
}

// flushDue reports when the pending offsets are next due to be committed,
// if they wait for an interval.
func (t *sourceTask) flushDue() (time.Time, bool) {
	if len(t.pending) == 0 || t.w.opts.offsetFlush <= 0 {
		return time.Time{}, false
	}
	return t.lastFlush.Add(t.w.opts.offsetFlush), true
}

// maybeFlush commits the pending offsets when offset.flush.interval.ms has
// passed since the last commit, or at once with an interval of 0.
func (t *sourceTask) maybeFlush() {
	if len(t.pending) == 0 {
		return
	}
	if due, ok := t.flushDue(); ok && time.Now().Before(due) {
		return
	}
	t.flushOffsets()
}

// flushOffsets writes the pending offsets to the offset topic with the
// worker's own (non-transactional) producer, as OffsetStorageWriter does.
// Every pending offset belongs to records the broker has acknowledged. A
// failed commit is logged and retried at the next flush; the task goes on.
func (t *sourceTask) flushOffsets() {
	if len(t.pending) == 0 {
		return
	}
	recs := make([]*kgo.Record, 0, len(t.pending))
	for k, v := range t.pending {
		recs = append(recs, &kgo.Record{Topic: t.w.opts.offsetTopic, Key: []byte(k), Value: v})
	}
	ctx, cancel := context.WithTimeout(context.Background(), offsetFlushTimeout)
	defer cancel()
	if err := t.w.kcl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.w.log.Error("failed to commit offsets", "connector", t.connector, "task", t.id, "err", err)
		return
	}
	for k, v := range t.pending {
		t.w.storeOffset([]byte(k), v)
	}
	clear(t.pending)
	t.lastFlush = time.Now()
}

// graceContext is a context that ends grace after ctx does.
func graceContext(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return gctx, func() {
		stop()
		cancel()
	}
}

func (t *sourceTask) abort() {
	if !t.inTxn {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.producer.AbortBufferedRecords(ctx); err != nil {
		t.w.log.Debug("abort buffered records", "err", err)
	}
	if err := t.producer.EndTransaction(ctx, kgo.TryAbort); err != nil {
		t.w.log.Debug("abort transaction", "err", err)
	}
	t.inTxn = false
}

func (t *sourceTask) closeProducer() {
	t.abort()
	t.producer.Close()
}

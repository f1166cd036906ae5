package broker

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Transactions open when the broker died.
//
// Kafka's transaction coordinator, finding after a restart a transaction
// that never completed, aborts it: it bumps the producer's epoch, which
// fences the producer, and writes ABORT markers to the transaction's
// partitions with WriteTxnMarkers (TransactionCoordinator
// abortTimedOutTransactions, apache/kafka core/src/main/scala/kafka/coordinator/transaction/TransactionCoordinator.scala).
// kfake, replaying a log without a snapshot, treats such a transaction as
// aborted and bumps the epoch too, but writes no marker. A read_committed
// consumer then drops everything the same producer writes afterwards in
// that partition: the fetch response names the aborted transaction by
// producer ID and first offset, and the consumer skips the producer's
// batches from there until it reads the producer's control batch (KIP-98),
// which never comes. A Kafka Streams or ksqlDB query, whose producer keeps
// its ID across the restart, then restores its state without every update
// it committed after the restart.
//
// So Start finds the partitions whose log ends a producer's transactional
// batches without a control batch (while it checks the log, before kfake
// loads it), asks kfake which of those transactions it still counts as
// open (a clean stop keeps open transactions across the restart), and
// writes an ABORT marker for each of the others with WriteTxnMarkers, as
// the coordinator would. Produce requests are held back until then, so
// that no record lands before a marker that must precede it.

// Record batch fields (Kafka's RecordBatch v2) the recovery reads.
const (
	batchAttributes    = 21 // int16
	batchProducerID    = 43 // int64
	batchProducerEpoch = 51 // int16

	attrTransactional = 0x10
	attrControl       = 0x20
)

// openTxn is a producer's transaction a partition's log holds records of,
// with no control batch after them.
type openTxn struct {
	topic       string
	partition   int32
	producerID  int64
	epoch       int16
	firstOffset int64
}

// txnScan follows a partition's batches in order and keeps the
// transactions they leave open.
type txnScan struct {
	topic     string
	partition int32
	open      map[int64]*openTxn
}

// visit takes one complete, valid batch.
func (s *txnScan) visit(raw []byte) {
	attrs := int16(binary.BigEndian.Uint16(raw[batchAttributes:]))
	pid := int64(binary.BigEndian.Uint64(raw[batchProducerID:]))
	if attrs&attrControl != 0 {
		delete(s.open, pid)
		return
	}
	if attrs&attrTransactional == 0 {
		return
	}
	epoch := int16(binary.BigEndian.Uint16(raw[batchProducerEpoch:]))
	if t, ok := s.open[pid]; ok {
		t.epoch = max(t.epoch, epoch)
		return
	}
	if s.open == nil {
		s.open = map[int64]*openTxn{}
	}
	s.open[pid] = &openTxn{topic: s.topic, partition: s.partition, producerID: pid, epoch: epoch,
		firstOffset: int64(binary.BigEndian.Uint64(raw[0:8]))}
}

func (s *txnScan) result() []openTxn {
	var out []openTxn
	for _, t := range s.open {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b openTxn) int { return cmp.Compare(a.firstOffset, b.firstOffset) })
	return out
}

// produceGate holds Produce requests back until it is opened.
type produceGate struct {
	once sync.Once
	ch   chan struct{}
}

func newProduceGate() *produceGate { return &produceGate{ch: make(chan struct{})} }

func (g *produceGate) wait() {
	if g != nil {
		<-g.ch
	}
}

func (g *produceGate) open() {
	if g != nil {
		g.once.Do(func() { close(g.ch) })
	}
}

// abortCrashedTransactions writes an ABORT marker for every transaction of
// candidates that kfake does not count as open, through cl, and returns
// the transactions it ended.
func abortCrashedTransactions(ctx context.Context, cl *kgo.Client, candidates []openTxn) ([]openTxn, error) {
	if len(candidates) == 0 {
		return nil, nil
	}
	// Which of them are still open for kfake (kept across a clean stop)?
	describe := kmsg.NewPtrDescribeProducersRequest()
	byTopic := map[string][]int32{}
	for _, t := range candidates {
		if !slices.Contains(byTopic[t.topic], t.partition) {
			byTopic[t.topic] = append(byTopic[t.topic], t.partition)
		}
	}
	for topic, ps := range byTopic {
		rt := kmsg.NewDescribeProducersRequestTopic()
		rt.Topic, rt.Partitions = topic, ps
		describe.Topics = append(describe.Topics, rt)
	}
	described, err := describe.RequestWith(ctx, cl)
	if err != nil {
		return nil, fmt.Errorf("describe producers: %w", err)
	}
	type key struct {
		topic     string
		partition int32
		pid       int64
	}
	stillOpen := map[key]bool{}
	for _, rt := range described.Topics {
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				return nil, fmt.Errorf("describe producers of %s[%d]: %w", rt.Topic, rp.Partition, err)
			}
			for _, ap := range rp.ActiveProducers {
				stillOpen[key{rt.Topic, rp.Partition, ap.ProducerID}] = true
			}
		}
	}

	// One marker per producer, over all its partitions, with the epoch
	// kfake bumped to (the coordinator's abort bumps it the same way).
	req := kmsg.NewPtrWriteTxnMarkersRequest()
	var ended []openTxn
	markers := map[int64]int{}
	for _, t := range candidates {
		if stillOpen[key{t.topic, t.partition, t.producerID}] {
			continue
		}
		ended = append(ended, t)
		i, ok := markers[t.producerID]
		if !ok {
			m := kmsg.NewWriteTxnMarkersRequestMarker()
			m.ProducerID, m.ProducerEpoch, m.Committed = t.producerID, t.epoch+1, false
			req.Markers = append(req.Markers, m)
			i = len(req.Markers) - 1
			markers[t.producerID] = i
		}
		m := &req.Markers[i]
		j := slices.IndexFunc(m.Topics, func(mt kmsg.WriteTxnMarkersRequestMarkerTopic) bool { return mt.Topic == t.topic })
		if j < 0 {
			mt := kmsg.NewWriteTxnMarkersRequestMarkerTopic()
			mt.Topic = t.topic
			m.Topics = append(m.Topics, mt)
			j = len(m.Topics) - 1
		}
		m.Topics[j].Partitions = append(m.Topics[j].Partitions, t.partition)
	}
	if len(ended) == 0 {
		return nil, nil
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, fmt.Errorf("write transaction markers: %w", err)
	}
	var errs []error
	for _, m := range resp.Markers {
		for _, mt := range m.Topics {
			for _, mp := range mt.Partitions {
				if err := kerr.ErrorForCode(mp.ErrorCode); err != nil {
					errs = append(errs, fmt.Errorf("abort marker of producer %d in %s[%d]: %w", m.ProducerID, mt.Topic, mp.Partition, err))
				}
			}
		}
	}
	return ended, errors.Join(errs...)
}

// endCrashedTransactions runs abortCrashedTransactions through the broker's
// own client and logs what it ended; Produce requests wait until it
// returns.
func endCrashedTransactions(ctx context.Context, cl *kgo.Client, candidates []openTxn, gate *produceGate, logger *slog.Logger) error {
	defer gate.open()
	if len(candidates) == 0 {
		return nil
	}
	ended, err := abortCrashedTransactions(ctx, cl, candidates)
	for _, t := range ended {
		logger.Warn("aborted a transaction left open when the broker stopped abruptly, as Kafka's transaction coordinator does: its records are not read by read_committed consumers, its producer is fenced",
			"topic", t.topic, "partition", t.partition, "producer_id", t.producerID, "first_offset", t.firstOffset)
	}
	if err != nil {
		return fmt.Errorf("end the transactions left open: %w", err)
	}
	return nil
}

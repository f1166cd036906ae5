package produce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	metadataAPI "github.com/segmentio/kafka-go/protocol/metadata"
	produceAPI "github.com/segmentio/kafka-go/protocol/produce"

	"github.com/ctalab/ctalab/app/retry"
)

// produceTimeout bounds one produce request (kafka.Writer's default
// WriteTimeout).
const produceTimeout = 10 * time.Second

// recordSender sends records to Kafka with acks from all replicas: every
// record handed over while it is idle goes out at once, in one produce
// request per leader broker carrying all their topics; those handed over
// while a request is in flight go out together in the next one, up to
// maxRecords a request. One request at a time keeps each topic-partition in
// the order its records were handed over, also while a request is tried
// again.
//
// The producer has two: the arrivals' and the turnstile entries'. A tick's
// arrivals are spread over up to 78 topics; a kafka.Writer sent them one
// request per topic, behind one another, and they no longer wait behind
// the tick's thousands of turnstile entries either.
type recordSender struct {
	p          *Producer
	addr       net.Addr
	rt         kafka.RoundTripper
	maxRecords int

	// after, when set, is a sender whose records go first: this one waits,
	// up to afterWait, while after has records queued or in flight; and
	// when this one starts from idle, lead more once after's records are
	// stored.
	after *recordSender
	lead  time.Duration
	// timer makes the lead's timer: time.After, or a spec's.
	timer func(time.Duration) <-chan time.Time
	// afterSeen is how many of after's bursts had been stored when this
	// sender last gave way (after's bursts)
	afterSeen uint64

	mu sync.Mutex
	// queue is the records handed over and not yet taken, oldest first, at
	// the start of an array the sender keeps: take moves the rest to the
	// front, so that the array, once as large as the producer's in-flight
	// bound lets the queue grow, is never outgrown nor copied whole.
	queue    []record
	busy     bool          // records queued, or a request being sent or tried again
	retrying bool          // after a failed attempt
	idle     chan struct{} // closed when the sender has nothing to send
	bursts   uint64        // how many times the sender went from busy to idle
	signal   chan struct{}
	done     chan struct{}
}

// afterWait bounds how long the turnstile entries wait for a tick's
// arrivals to be stored: a slow broker delays them by no more than this.
const afterWait = 20 * time.Millisecond

// arrivalsLead is how long a tick's turnstile entries wait once its
// arrivals are stored. The dashboard then fetches, applies and renders the
// arrivals, a few milliseconds of work; the tick's thousands of entries
// that the broker, ksqlDB and the dashboard's counts work through at the
// same time made it take several times as long on a two-core machine
// (the latency bench: p50 8.4 ms and p99 37.7 ms without a lead, 3.6 and
// 24.1 ms with 15 ms, over 24 ticks each). The entries' counts reach the
// page that much later, well inside CountsPushInterval.
const arrivalsLead = 15 * time.Millisecond

func newRecordSender(p *Producer, addr net.Addr, rt kafka.RoundTripper, maxRecords int) *recordSender {
	return &recordSender{p: p, addr: addr, rt: rt, maxRecords: maxRecords, timer: time.After, idle: make(chan struct{}), signal: make(chan struct{}, 1), done: make(chan struct{})}
}

// waitIdle waits until s has nothing queued or in flight, for at most d; it
// does not wait while s tries a failed request again (an outage must not
// hold another sender's records back).
func (s *recordSender) waitIdle(ctx context.Context, d time.Duration) {
	s.mu.Lock()
	if !s.busy || s.retrying {
		s.mu.Unlock()
		return
	}
	idle := s.idle
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
	}
}

// settled marks the end of a request: with nothing queued and nothing to
// try again, the sender is idle. It reports whether it is.
func (s *recordSender) settled(retrying bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retrying = retrying
	if retrying || len(s.queue) > 0 {
		return false
	}
	if s.busy {
		s.busy = false
		s.bursts++
		close(s.idle)
		s.idle = make(chan struct{})
	}
	return true
}

// storedBursts is how many times s went from busy to idle: each time, all
// it had been handed was stored.
func (s *recordSender) storedBursts() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bursts
}

// giveWay waits, before a round of s's records, for after's records to be
// stored (waitIdle), and then for the lead when the round starts a burst
// (s was idle before it) and a burst of after's was stored since s last
// gave way, whether s waited for it or it was stored before s looked.
// Records that queued while s was sending earlier ones (a replay at max
// pace) go out without a lead.
func (s *recordSender) giveWay(ctx context.Context, fromIdle bool) {
	if s.after == nil {
		return
	}
	s.after.waitIdle(ctx, afterWait)
	stored := s.after.storedBursts()
	fresh := stored != s.afterSeen
	s.afterSeen = stored
	if !fresh || !fromIdle || s.lead <= 0 {
		return
	}
	select {
	case <-s.timer(s.lead):
	case <-ctx.Done():
	}
}

// record is what a sender sends: a record's topic, key and value.
type record struct {
	topic      string
	key, value []byte
}

// hand queues msgs to be sent; it never blocks.
func (s *recordSender) hand(msgs []record) {
	s.mu.Lock()
	s.queue = append(s.queue, msgs...)
	s.busy = true
	s.mu.Unlock()
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

// take appends up to n queued records to batch, the oldest first, and no
// more than maxRequestBytes of keys and values, and returns it.
func (s *recordSender) take(n int, batch []record) []record {
	s.mu.Lock()
	defer s.mu.Unlock()
	size := 0
	for i, r := range s.queue {
		if size += len(r.key) + len(r.value) + recordOverhead; size > maxRequestBytes && i > 0 {
			n = min(n, i)
			break
		}
	}
	n = min(n, len(s.queue))
	if n <= 0 {
		return batch
	}
	batch = append(batch, s.queue[:n]...)
	rest := copy(s.queue, s.queue[n:])
	clear(s.queue[rest:]) // their keys and values may be collected once sent
	s.queue = s.queue[:rest]
	if rest > 0 {
		select { // more to send
		case s.signal <- struct{}{}:
		default:
		}
	}
	return batch
}

// run sends until the producer stops. A batch that fails with a transient
// error is tried again in place, with a backoff, up to the configured
// MaxAttempts; the records handed over meanwhile follow it.
func (s *recordSender) run() {
	defer close(s.done)
	p := s.p
	var (
		retrying []record
		attempts int
		b        retry.Backoff
		fromIdle = true // the last round left nothing to send
		// buf is the array of the last batch that was sent and
		// acknowledged, kept for the next one
		buf []record
	)
	for {
		if len(retrying) == 0 {
			select {
			case <-s.signal:
			case <-p.ctx.Done():
				return
			}
		} else if retry.Sleep(p.ctx, b.Next()) != nil {
			return
		}
		s.giveWay(p.ctx, fromIdle)
		batch := s.take(s.maxRecords-len(retrying), append(buf[:0], retrying...))
		buf = nil // until the batch is acknowledged: a failed one may be kept
		if len(batch) == 0 {
			fromIdle = s.settled(false)
			continue
		}
		attempts++
		failed, err := s.send(batch)
		if len(failed) == 0 {
			clear(batch) // their keys and values may be collected
			buf = batch[:0]
			retrying, attempts = nil, 0
			b.Reset()
			fromIdle = s.settled(false)
			continue
		}
		if attempts >= p.cfg.MaxAttempts || p.ctx.Err() != nil {
			// Handed back: completed passes a transient failure to the
			// resender, which hands the records over again.
			p.completed(failed, err)
			retrying, attempts = nil, 0
			fromIdle = s.settled(false)
			continue
		}
		fromIdle = s.settled(true)
		p.kafkaOutage.Fail(err, int64(len(p.slots)))
		for _, r := range failed {
			p.counters(r.topic).resent.Add(1)
		}
		retrying = failed
	}
}

// send produces batch and reports each record's outcome through
// Producer.completed, except for the records that failed transiently: it
// returns those, each topic-partition's in order, and the error.
func (s *recordSender) send(batch []record) ([]record, error) {
	ctx, cancel := context.WithTimeout(s.p.ctx, produceTimeout)
	defer cancel()
	groups, err := s.partition(ctx, batch)
	if err != nil {
		return s.settle(batch, err)
	}
	var failed []record
	var firstErr error
	for _, g := range groups {
		f, err := s.produce(ctx, g)
		failed = append(failed, f...)
		if firstErr == nil {
			firstErr = err
		}
	}
	return failed, firstErr
}

// partitionBatch is one topic-partition's records of a batch, in order.
type partitionBatch struct {
	topic     string
	partition int32
	records   []record
}

// topicLayout is a topic's partitions, sorted, and their leaders.
type topicLayout struct {
	ids     []int
	leaders map[int]int32
}

// partition assigns each record its partition (kafka-go's murmur2
// balancer, the Java client's default partitioner for keyed records; a
// topic of one partition needs no hash) and groups the records by leader
// broker and topic-partition, in the order they first appear.
func (s *recordSender) partition(ctx context.Context, batch []record) ([][]*partitionBatch, error) {
	var names []string
	for i := range batch {
		if i == 0 || batch[i].topic != batch[i-1].topic {
			if !slices.Contains(names, batch[i].topic) {
				names = append(names, batch[i].topic)
			}
		}
	}
	res, err := s.rt.RoundTrip(ctx, s.addr, &metadataAPI.Request{TopicNames: names})
	if err != nil {
		return nil, fmt.Errorf("read metadata: %w", err)
	}
	layouts := make(map[string]*topicLayout, len(names))
	for _, t := range res.(*metadataAPI.Response).Topics {
		if t.ErrorCode != 0 {
			return nil, fmt.Errorf("metadata of %s: %w", t.Name, kafka.Error(t.ErrorCode))
		}
		l := &topicLayout{leaders: map[int]int32{}}
		for _, p := range t.Partitions {
			l.ids = append(l.ids, int(p.PartitionIndex))
			l.leaders[int(p.PartitionIndex)] = p.LeaderID
		}
		slices.Sort(l.ids)
		layouts[t.Name] = l
	}
	type tp struct {
		topic     string
		partition int32
	}
	var (
		balancer kafka.Murmur2Balancer
		groups   = map[tp]*partitionBatch{}
		order    []*partitionBatch
		last     *partitionBatch
		of       = make([]*partitionBatch, len(batch)) // of[i]: batch[i]'s group
		size     = map[*partitionBatch]int{}           // records per group
	)
	for i, r := range batch {
		l := layouts[r.topic]
		if l == nil || len(l.ids) == 0 {
			return nil, fmt.Errorf("metadata of %s: %w", r.topic, kafka.UnknownTopicOrPartition)
		}
		id := l.ids[0]
		if len(l.ids) > 1 {
			id = balancer.Balance(kafka.Message{Key: r.key}, l.ids...)
		}
		if last == nil || last.topic != r.topic || last.partition != int32(id) {
			k := tp{r.topic, int32(id)}
			if last = groups[k]; last == nil {
				last = &partitionBatch{topic: r.topic, partition: int32(id)}
				groups[k] = last
				order = append(order, last)
			}
		}
		of[i] = last
		size[last]++
	}
	// A batch of one topic-partition (the turnstile entries' by default)
	// is sent as it is; otherwise each group gets its records in a slice
	// sized once. A batch holds up to maxRequestRecords records, and a
	// copy grown by append held up to twice that while it was sent.
	if len(order) == 1 {
		order[0].records = batch
	} else {
		for i, r := range batch {
			g := of[i]
			if g.records == nil {
				g.records = make([]record, 0, size[g])
			}
			g.records = append(g.records, r)
		}
	}
	byLeader := map[int32][]*partitionBatch{}
	var leaders []int32
	for _, pb := range order {
		leader := layouts[pb.topic].leaders[int(pb.partition)]
		if _, ok := byLeader[leader]; !ok {
			leaders = append(leaders, leader)
		}
		byLeader[leader] = append(byLeader[leader], pb)
	}
	out := make([][]*partitionBatch, 0, len(leaders))
	for _, l := range leaders {
		out = append(out, byLeader[l])
	}
	return out, nil
}

// produce sends one leader's records in one request and settles them.
func (s *recordSender) produce(ctx context.Context, parts []*partitionBatch) ([]record, error) {
	now := time.Now()
	req := &produceAPI.Request{Acks: int16(kafka.RequireAll), Timeout: int32(produceTimeout / time.Millisecond)}
	topicAt := map[string]int{}
	for _, pb := range parts {
		i, ok := topicAt[pb.topic]
		if !ok {
			i = len(req.Topics)
			topicAt[pb.topic] = i
			req.Topics = append(req.Topics, produceAPI.RequestTopic{Topic: pb.topic})
		}
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, produceAPI.RequestPartition{
			Partition: pb.partition,
			RecordSet: protocol.RecordSet{Version: 2, Records: &recordReader{records: pb.records, time: now}},
		})
	}
	res, err := s.rt.RoundTrip(ctx, s.addr, req)
	if err != nil {
		var all []record
		for _, pb := range parts {
			all = append(all, pb.records...)
		}
		return s.settle(all, fmt.Errorf("produce %d records: %w", len(all), err))
	}
	answers := map[string]map[int32]produceAPI.ResponsePartition{}
	for _, t := range res.(*produceAPI.Response).Topics {
		answers[t.Topic] = map[int32]produceAPI.ResponsePartition{}
		for _, p := range t.Partitions {
			answers[t.Topic][p.Partition] = p
		}
	}
	var failed []record
	var firstErr error
	for _, pb := range parts {
		a, ok := answers[pb.topic][pb.partition]
		var err error
		switch {
		case !ok:
			err = fmt.Errorf("produce to %s partition %d: no answer for the partition", pb.topic, pb.partition)
		case a.ErrorCode != 0:
			err = fmt.Errorf("produce to %s partition %d: %w", pb.topic, pb.partition, kafka.Error(a.ErrorCode))
		}
		f, err := s.settle(pb.records, err)
		failed = append(failed, f...)
		if firstErr == nil {
			firstErr = err
		}
	}
	return failed, firstErr
}

// recordReader is a protocol.RecordReader over records, stamped with the
// time of their request, as kafka.Writer stamps a record without one.
type recordReader struct {
	records    []record
	time       time.Time
	next       int
	rec        protocol.Record
	key, value bytesReader
}

// ReadRecord implements protocol.RecordReader.
func (r *recordReader) ReadRecord() (*protocol.Record, error) {
	if r.next >= len(r.records) {
		return nil, io.EOF
	}
	rec := &r.records[r.next]
	r.next++
	r.rec = protocol.Record{Time: r.time}
	if rec.key != nil {
		r.key.Reset(rec.key)
		r.rec.Key = &r.key
	}
	if rec.value != nil {
		r.value.Reset(rec.value)
		r.rec.Value = &r.value
	}
	return &r.rec, nil
}

// bytesReader is a protocol.Bytes over a byte slice.
type bytesReader struct{ bytes.Reader }

// Close implements protocol.Bytes.
func (*bytesReader) Close() error { return nil }

// settle reports msgs' outcome: delivered (err nil) or failed for good go
// to Producer.completed; after a transient failure they are returned, to be
// tried again.
func (s *recordSender) settle(msgs []record, err error) ([]record, error) {
	if err != nil && !retry.IsPermanent(err) && transientProduce(err) && s.p.ctx.Err() == nil {
		return msgs, err
	}
	s.p.completed(msgs, err)
	return nil, nil
}

// transientProduce reports whether a produce attempt that failed with err
// may succeed when tried again: a connection that failed or timed out, or
// an error the broker marks as retriable.
func transientProduce(err error) bool {
	var ke kafka.Error
	if errors.As(err, &ke) {
		return ke.Temporary()
	}
	return retry.TransientKafka(err)
}

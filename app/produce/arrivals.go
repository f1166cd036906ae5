package produce

import (
	"context"
	"errors"
	"fmt"
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

// produceTimeout bounds one produce request, as kafka.Writer's default
// WriteTimeout does.
const produceTimeout = 10 * time.Second

// arrivalSender sends the arrivals. A kafka.Writer sends one produce
// request per topic-partition, and a tick's arrivals are spread over up to
// 78 topics, so each went out on its own and waited behind the others. The
// sender puts every arrival handed over while it was idle into one produce
// request per leader broker, carrying all their topics; those handed over
// while a request is in flight go out together in the next one. One
// request at a time keeps each topic in the order its arrivals were handed
// over, also while a request is tried again.
type arrivalSender struct {
	p    *Producer
	addr net.Addr
	rt   kafka.RoundTripper

	mu     sync.Mutex
	queue  []kafka.Message
	signal chan struct{}
	done   chan struct{}
}

func newArrivalSender(p *Producer, addr net.Addr, rt kafka.RoundTripper) *arrivalSender {
	return &arrivalSender{p: p, addr: addr, rt: rt, signal: make(chan struct{}, 1), done: make(chan struct{})}
}

// hand queues msgs to be sent; it never blocks.
func (s *arrivalSender) hand(msgs []kafka.Message) {
	s.mu.Lock()
	s.queue = append(s.queue, msgs...)
	s.mu.Unlock()
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

func (s *arrivalSender) take() []kafka.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// run sends until the producer stops. A batch that fails with a transient
// error is tried again in place, with a backoff, up to the configured
// MaxAttempts; the arrivals handed over meanwhile follow it.
func (s *arrivalSender) run() {
	defer close(s.done)
	p := s.p
	var (
		retrying []kafka.Message
		attempts int
		b        retry.Backoff
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
		batch := append(retrying, s.take()...)
		if len(batch) == 0 {
			continue
		}
		attempts++
		failed, err := s.send(batch)
		if len(failed) == 0 {
			retrying, attempts = nil, 0
			b.Reset()
			continue
		}
		if attempts >= p.cfg.MaxAttempts || p.ctx.Err() != nil {
			// Handed back: completed passes a transient failure to the
			// resender, which hands the records over again.
			p.completed(failed, err)
			retrying, attempts = nil, 0
			continue
		}
		p.kafkaOutage.Fail(err, int64(len(p.slots)))
		p.arrivals.resent.Add(int64(len(failed)))
		retrying = failed
	}
}

// send produces batch and reports each record's outcome through
// Producer.completed, except for the records that failed transiently: it
// returns those, in order, and the error.
func (s *arrivalSender) send(batch []kafka.Message) ([]kafka.Message, error) {
	ctx, cancel := context.WithTimeout(s.p.ctx, produceTimeout)
	defer cancel()
	groups, err := s.partition(ctx, batch)
	if err != nil {
		return s.settle(batch, err)
	}
	// Each topic-partition's records keep their order in failed, which
	// is all the next attempt needs.
	var failed []kafka.Message
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

// leaderBatch is the part of a batch whose partitions one broker leads.
type leaderBatch struct {
	topics map[string]map[int][]kafka.Message // topic, partition: records in order
	order  []string                           // topics in first-seen order
}

// partition assigns each record its partition (kafka-go's murmur2 balancer,
// as the turnstile writer's) and groups the records by leader broker.
func (s *arrivalSender) partition(ctx context.Context, batch []kafka.Message) ([]*leaderBatch, error) {
	var names []string
	for _, m := range batch {
		if !slices.Contains(names, m.Topic) {
			names = append(names, m.Topic)
		}
	}
	res, err := s.rt.RoundTrip(ctx, s.addr, &metadataAPI.Request{TopicNames: names})
	if err != nil {
		return nil, fmt.Errorf("read metadata: %w", err)
	}
	type part struct{ id, leader int }
	parts := map[string][]part{}
	for _, t := range res.(*metadataAPI.Response).Topics {
		if t.ErrorCode != 0 {
			return nil, fmt.Errorf("metadata of %s: %w", t.Name, kafka.Error(t.ErrorCode))
		}
		for _, p := range t.Partitions {
			parts[t.Name] = append(parts[t.Name], part{int(p.PartitionIndex), int(p.LeaderID)})
		}
	}
	var balancer kafka.Murmur2Balancer
	byLeader := map[int]*leaderBatch{}
	var out []*leaderBatch
	ids := map[string][]int{}
	for _, m := range batch {
		ps := parts[m.Topic]
		if len(ps) == 0 {
			return nil, fmt.Errorf("metadata of %s: %w", m.Topic, kafka.UnknownTopicOrPartition)
		}
		if ids[m.Topic] == nil {
			for _, p := range ps {
				ids[m.Topic] = append(ids[m.Topic], p.id)
			}
			slices.Sort(ids[m.Topic])
		}
		id := balancer.Balance(m, ids[m.Topic]...)
		leader := ps[slices.IndexFunc(ps, func(p part) bool { return p.id == id })].leader
		lb := byLeader[leader]
		if lb == nil {
			lb = &leaderBatch{topics: map[string]map[int][]kafka.Message{}}
			byLeader[leader] = lb
			out = append(out, lb)
		}
		if lb.topics[m.Topic] == nil {
			lb.topics[m.Topic] = map[int][]kafka.Message{}
			lb.order = append(lb.order, m.Topic)
		}
		m.Partition = id
		lb.topics[m.Topic][id] = append(lb.topics[m.Topic][id], m)
	}
	return out, nil
}

// produce sends one leader's records in one request and settles them.
func (s *arrivalSender) produce(ctx context.Context, lb *leaderBatch) ([]kafka.Message, error) {
	now := time.Now()
	req := &produceAPI.Request{Acks: int16(kafka.RequireAll), Timeout: int32(produceTimeout / time.Millisecond)}
	var all []kafka.Message
	for _, name := range lb.order {
		t := produceAPI.RequestTopic{Topic: name}
		for _, id := range sortedKeys(lb.topics[name]) {
			msgs := lb.topics[name][id]
			all = append(all, msgs...)
			recs := make([]protocol.Record, len(msgs))
			for i, m := range msgs {
				ts := m.Time
				if ts.IsZero() {
					ts = now
				}
				recs[i] = protocol.Record{Time: ts, Key: protocol.NewBytes(m.Key), Value: protocol.NewBytes(m.Value)}
			}
			t.Partitions = append(t.Partitions, produceAPI.RequestPartition{
				Partition: int32(id),
				RecordSet: protocol.RecordSet{Version: 2, Records: protocol.NewRecordReader(recs...)},
			})
		}
		req.Topics = append(req.Topics, t)
	}
	res, err := s.rt.RoundTrip(ctx, s.addr, req)
	if err != nil {
		return s.settle(all, fmt.Errorf("produce %d arrivals: %w", len(all), err))
	}
	answers := map[string]map[int32]produceAPI.ResponsePartition{}
	for _, t := range res.(*produceAPI.Response).Topics {
		answers[t.Topic] = map[int32]produceAPI.ResponsePartition{}
		for _, p := range t.Partitions {
			answers[t.Topic][p.Partition] = p
		}
	}
	var failed []kafka.Message
	var firstErr error
	for _, name := range lb.order {
		for _, id := range sortedKeys(lb.topics[name]) {
			msgs := lb.topics[name][id]
			a, ok := answers[name][int32(id)]
			var err error
			switch {
			case !ok:
				err = fmt.Errorf("produce to %s partition %d: no answer for the partition", name, id)
			case a.ErrorCode != 0:
				err = fmt.Errorf("produce to %s partition %d: %w", name, id, kafka.Error(a.ErrorCode))
			default:
				for i := range msgs {
					msgs[i].Offset = a.BaseOffset + int64(i)
				}
			}
			f, err := s.settle(msgs, err)
			failed = append(failed, f...)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return failed, firstErr
}

// settle reports msgs' outcome: delivered (err nil) or failed for good go
// to Producer.completed; after a transient failure they are returned, to be
// tried again.
func (s *arrivalSender) settle(msgs []kafka.Message, err error) ([]kafka.Message, error) {
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

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package dashboard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ctalab/ctalab/internal/recpool"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"
)

// fetchMaxWait caps how long one of a fetcher's fetches waits for records.
const fetchMaxWait = 100 * time.Millisecond

// queueLimit is how many fetched records a partition may hold unread
// before its fetcher waits for the reader to take some.
const queueLimit = 4096

// fetcher reads the partitions of one input with a franz-go client that
// consumes them directly (no group): one fetch request per broker for all
// of them, as Kafka's consumers fetch. A kafka.Reader reads one partition
// over a connection of its own, so the 78 arrivals topics took 78
// connections, and one tick's arrivals 78 fetches that the broker answered
// one after another. Each partition's records queue in its
// fetchedPartition until the input's reading goroutine takes them.
type fetcher struct {
	opts    []kgo.Opt // how to reach the cluster (seeds, TLS, SASL)
	log     logFunc
	backlog *backlog // the records fetched and not yet applied

	mu      sync.Mutex
	cl      *kgo.Client // made with the first partitions
	started chan struct{}
	parts   map[topicPartition]*fetchedPartition
	adding  map[string]map[int32]kgo.Offset // added since the last flush
}

type logFunc func(msg string, args ...any)

func newFetcher(opts []kgo.Opt, maxWait time.Duration, bl *backlog, log logFunc) *fetcher {
	opts = append(opts[:len(opts):len(opts)],
		kgo.FetchMaxWait(min(maxWait, fetchMaxWait)),
		kgo.FetchMaxPartitionBytes(1<<20),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.WithPools(fetchedRecords),
	)
	return &fetcher{opts: opts, log: log, backlog: bl, started: make(chan struct{}), parts: map[topicPartition]*fetchedPartition{}, adding: map[string]map[int32]kgo.Offset{}}
}

// fetchedPartition is one partition of a fetcher: FetchMessage returns its
// records in offset order, from the first offset.
type fetchedPartition struct {
	tp      topicPartition
	backlog *backlog

	mu     sync.Mutex
	queue  []kafka.Message // fetched, not yet taken
	err    error           // a failure to hand over before more records
	closed bool
	ready  chan struct{} // signalled when queue, err or closed change
	room   chan struct{} // signalled when the queue falls below the limit
}

// add makes tp one of the fetcher's partitions, read from its first offset
// once flush hands it to the client: partitions found together are added
// together.
func (f *fetcher) add(tp topicPartition) *fetchedPartition {
	p := &fetchedPartition{tp: tp, backlog: f.backlog, ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parts[tp] = p
	if f.adding[tp.topic] == nil {
		f.adding[tp.topic] = map[int32]kgo.Offset{}
	}
	f.adding[tp.topic][int32(tp.partition)] = kgo.NewOffset().AtStart()
	return p
}

// flush hands the partitions added since the last flush to the client,
// making the client with the first ones.
func (f *fetcher) flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.adding) == 0 {
		return nil
	}
	adding := f.adding
	f.adding = map[string]map[int32]kgo.Offset{}
	if f.cl != nil {
		f.cl.AddConsumePartitions(adding)
		return nil
	}
	cl, err := kgo.NewClient(append(f.opts, kgo.ConsumePartitions(adding))...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	f.cl = cl
	close(f.started)
	return nil
}

// run hands the fetched records to their partitions until ctx ends, then
// closes the client.
func (f *fetcher) run(ctx context.Context) {
	select {
	case <-f.started:
	case <-ctx.Done():
		return
	}
	defer f.cl.Close()
	for {
		fetches := f.cl.PollFetches(ctx)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return
		}
		fetches.EachError(func(t string, p int32, err error) {
			if fp := f.partition(t, p); fp != nil {
				fp.fail(fmt.Errorf("fetch %s[%d]: %w", t, p, err))
			} else {
				f.log("fetch failed", "topic", t, "partition", p, "err", err)
			}
		})
		// The whole fetch counts as backlog before any of it is handed
		// over: a reader that applied the first partition's records must
		// not find the backlog empty while the others wait their turn.
		type partitionRecords struct {
			fp      *fetchedPartition
			records []*kgo.Record
		}
		var got []partitionRecords
		fetches.EachPartition(func(ft kgo.FetchTopicPartition) {
			if fp := f.partition(ft.Topic, ft.Partition); fp != nil && len(ft.Records) > 0 {
				f.backlog.add(len(ft.Records))
				got = append(got, partitionRecords{fp, ft.Records})
			}
		})
		for _, g := range got {
			msgs := make([]kafka.Message, len(g.records))
			for i, r := range g.records {
				msgs[i] = kafka.Message{Topic: r.Topic, Partition: int(r.Partition), Offset: r.Offset, Key: r.Key, Value: r.Value, Time: r.Timestamp}
				for _, h := range r.Headers {
					msgs[i].Headers = append(msgs[i].Headers, kafka.Header{Key: h.Key, Value: h.Value})
				}
			}
			g.fp.put(ctx, msgs)
		}
		// the messages hold the records' keys, values and headers, which
		// are not pooled: the records themselves are done with
		recpool.Recycle(fetches)
	}
}

// fetchedRecords lends the fetchers the record slices franz-go decodes
// batches into: a replay's summary updates alone are hundreds of
// thousands of records.
var fetchedRecords = &recpool.Pool{}

func (f *fetcher) partition(t string, p int32) *fetchedPartition {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.parts[topicPartition{t, int(p)}]
}

// put queues msgs, first waiting while the queue is full (its reader
// behind), until ctx ends or the partition is closed; msgs that are not
// queued leave the backlog.
func (p *fetchedPartition) put(ctx context.Context, msgs []kafka.Message) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			p.backlog.done(len(msgs))
			return
		}
		if len(p.queue) < queueLimit {
			p.queue = append(p.queue, msgs...)
			p.mu.Unlock()
			signal(p.ready)
			return
		}
		p.mu.Unlock()
		select {
		case <-p.room:
		case <-ctx.Done():
			p.backlog.done(len(msgs))
			return
		}
	}
}

// applied reports that the reader applied (or skipped) a record it took:
// the record leaves the backlog.
func (p *fetchedPartition) applied() { p.backlog.done(1) }

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// FetchMessage returns the partition's next record, waiting for it until
// ctx ends; after Close it returns io.EOF. A failed fetch is returned once,
// as a kafka.Reader returns its errors.
func (p *fetchedPartition) FetchMessage(ctx context.Context) (kafka.Message, error) {
	for {
		p.mu.Lock()
		switch {
		case p.closed:
			p.mu.Unlock()
			return kafka.Message{}, io.EOF
		case len(p.queue) > 0:
			m := p.queue[0]
			p.queue[0] = kafka.Message{}
			p.queue = p.queue[1:]
			if len(p.queue) == 0 {
				p.queue = nil // let the array go
			}
			p.mu.Unlock()
			signal(p.room)
			return m, nil
		case p.err != nil:
			err := p.err
			p.err = nil
			p.mu.Unlock()
			return kafka.Message{}, err
		}
		p.mu.Unlock()
		select {
		case <-p.ready:
		case <-ctx.Done():
			return kafka.Message{}, ctx.Err()
		}
	}
}

// fail hands a failed fetch to the partition's reader, once. A reader
// takes io.EOF to mean its partition was closed, as kafka.Reader's
// FetchMessage means it, so an error that wraps io.EOF goes over as its
// text only: franz-go reports a broker that closed the connection before
// its first answer that way, and tries again, as every other failed fetch.
func (p *fetchedPartition) fail(err error) {
	if errors.Is(err, io.EOF) {
		err = errors.New(err.Error())
	}
	p.mu.Lock()
	if !errors.Is(p.err, err) {
		p.err = err
	}
	p.mu.Unlock()
	signal(p.ready)
}

// Close ends the partition's reading: FetchMessage returns io.EOF.
func (p *fetchedPartition) Close() error {
	p.mu.Lock()
	p.closed = true
	dropped := len(p.queue)
	p.queue = nil
	p.mu.Unlock()
	if dropped > 0 {
		p.backlog.done(dropped)
	}
	signal(p.ready)
	signal(p.room)
	return nil
}

package dashboard

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/retry"
)

// input is one of the dashboard's inputs: which topics it reads and how a
// record changes the model. apply returns nil, a *SkipError, or a transient
// error after which the record is tried again.
//
// An input of many topics with a few records each (the arrivals: 78
// topics, a tick's arrivals spread over them) is read by one fetcher, one
// fetch request per round for all its partitions, as Kafka's consumers
// fetch; each partition of the others is read by a kafka.Reader of its
// own, whose record decoding is faster on the long runs of records they
// carry.
type input struct {
	name   string
	match  func(topic string) bool
	apply  func(ctx context.Context, m kafka.Message) error
	shared bool // read by the input's fetcher, not a kafka.Reader per partition
}

// messageSource is where a partition's reading goroutine takes its records
// from: a kafka.Reader or a fetcher's fetchedPartition.
type messageSource interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
	Close() error
}

// appliedNotifier is a messageSource that is told when a record it gave
// has been applied: a fetchedPartition, for its fetcher's backlog.
type appliedNotifier interface{ applied() }

type topicPartition struct {
	topic     string
	partition int
}

// partition is one topic-partition being read from its first offset.
type partition struct {
	topicPartition
	in     *input
	reader messageSource
	pos    atomic.Int64 // next offset to read
	end    atomic.Int64 // end offset at the last discovery
	// target is the end offset when the first discovery saw the partition;
	// -1 for partitions found later (they do not gate readiness).
	target   int64
	caughtUp atomic.Bool
}

// topicStats counts a topic's records.
type topicStats struct {
	consumed, malformed, unknownLine atomic.Int64
}

// consumers discovers the inputs' topic-partitions and reads each of them
// from the beginning (no consumer group), with a kafka-go Reader of its own
// or its input's fetcher (see input).
type consumers struct {
	cfg      Config
	dialer   *kafka.Dialer // TLS and SASL of the readers
	log      *slog.Logger
	inputs   []*input
	fetchers map[*input]*fetcher // of the shared inputs, made by run
	backlog  *backlog            // the records the fetchers fetched, not yet applied

	mu        sync.Mutex
	parts     map[topicPartition]*partition
	stats     map[string]*topicStats
	snapshot  bool   // the first discovery is done
	lastErr   string // the last discovery error, "" after a success
	discovery time.Time

	pending   atomic.Int64 // partitions of the first discovery not caught up
	ready     chan struct{}
	readyOnce sync.Once
	wg        sync.WaitGroup

	// outages of what the readers need: one log line each way, not one per
	// partition and attempt
	kafkaOutage, registryOutage *retry.Outage
}

func newConsumers(cfg Config, inputs []*input) *consumers {
	log := cfg.Logger
	dialer, _ := cfg.Client.Kafka.Dialer() // checked by New
	return &consumers{
		cfg: cfg, log: log, inputs: inputs, dialer: dialer,
		parts: map[topicPartition]*partition{}, stats: map[string]*topicStats{},
		ready:          make(chan struct{}),
		backlog:        newBacklog(),
		kafkaOutage:    retry.NewOutage(log, "Kafka", strings.Join(cfg.Brokers, ",")),
		registryOutage: retry.NewOutage(log, "Schema Registry", cfg.SchemaRegistry),
	}
}

func (c *consumers) inputFor(topic string) *input {
	for _, in := range c.inputs {
		if in.match(topic) {
			return in
		}
	}
	return nil
}

// run discovers and reads until ctx ends, then closes every reader and
// waits for the reading goroutines.
func (c *consumers) run(ctx context.Context) {
	transport, err := c.cfg.Client.Kafka.Transport()
	if err != nil {
		c.log.Error("kafka client settings", "err", err)
		return
	}
	transport.MetadataTTL, transport.ClientID = c.cfg.DiscoveryInterval, "ctalab-dashboard"
	defer transport.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(c.cfg.Brokers...), Transport: transport, Timeout: 10 * time.Second}
	sec, err := c.cfg.Client.Kafka.KgoSecurity()
	if err != nil {
		c.log.Error("kafka client settings", "err", err)
		return
	}
	opts := append([]kgo.Opt{kgo.SeedBrokers(c.cfg.Brokers...), kgo.ClientID("ctalab-dashboard")}, sec...)
	c.mu.Lock()
	c.fetchers = map[*input]*fetcher{}
	for _, in := range c.inputs {
		if in.shared {
			f := newFetcher(opts, c.cfg.MaxWait, c.backlog, func(msg string, args ...any) { c.log.Debug(msg, args...) })
			c.fetchers[in] = f
			c.wg.Go(func() { f.run(ctx) })
		}
	}
	c.mu.Unlock()
	tick := time.NewTicker(c.cfg.DiscoveryInterval)
	defer tick.Stop()
	for {
		c.discover(ctx, client)
		select {
		case <-ctx.Done():
			c.closeReaders()
			return
		case <-tick.C:
		}
	}
}

func (c *consumers) closeReaders() {
	c.mu.Lock()
	parts := make([]*partition, 0, len(c.parts))
	for _, p := range c.parts {
		parts = append(parts, p)
	}
	c.mu.Unlock()
	// A reader's Close waits for its fetch in flight (up to MaxWait): close
	// them all at once, or shutting down takes MaxWait per partition.
	var closing sync.WaitGroup
	for _, p := range parts {
		closing.Go(func() {
			if err := p.reader.Close(); err != nil {
				c.log.Debug("close reader", "topic", p.topic, "partition", p.partition, "err", err)
			}
		})
	}
	closing.Wait()
	c.wg.Wait()
}

// unreachable records a discovery that could not reach Kafka: the outage
// logs it once, however many discoveries and readers fail during it.
func (c *consumers) unreachable(format string, args ...any) {
	err := fmt.Errorf(format, args...)
	c.mu.Lock()
	c.lastErr = err.Error()
	c.mu.Unlock()
	c.kafkaOutage.Fail(err, 0)
}

func (c *consumers) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	first := c.lastErr == ""
	c.lastErr = msg
	c.mu.Unlock()
	if first {
		c.log.Warn("kafka discovery failed; retrying", "err", msg)
	}
}

// discover polls the cluster metadata, starts a reader for every new
// partition of a matching topic, and refreshes the end offsets.
func (c *consumers) discover(ctx context.Context, client *kafka.Client) {
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		if ctx.Err() == nil {
			c.unreachable("read metadata: %v", err)
		}
		return
	}
	c.mu.Lock()
	var fresh []*partition
	req := map[string][]kafka.OffsetRequest{}
	var unsettled []string // matching topics whose metadata is not usable yet
	for _, t := range md.Topics {
		if t.Internal {
			continue
		}
		in := c.inputFor(t.Name)
		if in == nil {
			continue
		}
		if t.Error != nil {
			unsettled = append(unsettled, fmt.Sprintf("%s: %v", t.Name, t.Error))
			continue
		}
		for _, p := range t.Partitions {
			tp := topicPartition{t.Name, p.ID}
			req[t.Name] = append(req[t.Name], kafka.LastOffsetOf(p.ID))
			if _, ok := c.parts[tp]; !ok {
				fresh = append(fresh, &partition{topicPartition: tp, in: in, target: -1})
			}
		}
	}
	snapshot := c.snapshot
	c.mu.Unlock()
	if !snapshot && len(unsettled) > 0 {
		// The start snapshot must cover every input that exists, or the
		// dashboard would call itself ready before reading it.
		c.fail("metadata of %s", strings.Join(unsettled, "; "))
		return
	}
	if len(req) == 0 {
		c.settle(ctx, fresh, nil, snapshot)
		return
	}
	offs, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: req})
	if err != nil {
		if ctx.Err() == nil {
			c.unreachable("list end offsets: %v", err)
		}
		return
	}
	// The broker answered (metadata may come from the transport's cache;
	// end offsets never do): this round trip, not a reader's buffered
	// record, is what ends an outage.
	c.kafkaOutage.Recover(0)
	ends := map[topicPartition]int64{}
	refused := map[topicPartition]error{}
	for topic, ps := range offs.Topics {
		for _, p := range ps {
			if p.Error != nil {
				refused[topicPartition{topic, p.Partition}] = p.Error
			} else {
				ends[topicPartition{topic, p.Partition}] = p.LastOffset
			}
		}
	}
	if !snapshot {
		// The start snapshot needs the end offset of every partition.
		for _, p := range fresh {
			if _, ok := ends[p.topicPartition]; !ok {
				why := "no end offset in the answer"
				if err := refused[p.topicPartition]; err != nil {
					why = err.Error()
				}
				unsettled = append(unsettled, fmt.Sprintf("%s[%d]: %s", p.topic, p.partition, why))
			}
		}
		if len(unsettled) > 0 {
			c.fail("end offsets of %s", strings.Join(unsettled, "; "))
			return
		}
	}
	c.settle(ctx, fresh, ends, snapshot)
}

// settle records the end offsets, takes the start snapshot on the first
// successful discovery and starts readers for new partitions.
func (c *consumers) settle(ctx context.Context, fresh []*partition, ends map[topicPartition]int64, snapshot bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastErr = ""
	c.discovery = time.Now()
	for tp, end := range ends {
		if p, ok := c.parts[tp]; ok {
			p.end.Store(end)
		}
	}
	// Count every partition of the start snapshot as pending before any
	// reader starts: a fast reader that caught up before its neighbours were
	// counted would otherwise declare the whole dashboard ready.
	starting := fresh[:0]
	for _, p := range fresh {
		end, ok := ends[p.topicPartition]
		if !ok {
			continue // no end offset yet: next time
		}
		p.end.Store(end)
		if !snapshot {
			p.target = end
			if end > 0 {
				c.pending.Add(1)
			} else {
				p.caughtUp.Store(true)
			}
		}
		starting = append(starting, p)
	}
	for _, p := range starting {
		c.start(ctx, p)
	}
	for in, f := range c.fetchers {
		if err := f.flush(); err != nil { // the partitions found together, at once
			c.log.Error("read input", "input", in.name, "err", err)
		}
	}
	if !snapshot {
		c.snapshot = true
		c.log.Info("reading inputs from the beginning", "partitions", len(c.parts))
	}
	for _, p := range c.parts {
		c.checkCaughtUp(p)
	}
	if c.pending.Load() == 0 {
		c.readyOnce.Do(func() { close(c.ready) })
	}
}

// start starts p's reader, which reads until ctx ends; c.mu is held.
func (c *consumers) start(ctx context.Context, p *partition) {
	if f := c.fetchers[p.in]; f != nil {
		p.reader = f.add(p.topicPartition)
	} else {
		p.reader = c.newReader(p)
	}
	c.parts[p.topicPartition] = p
	if _, ok := c.stats[p.topic]; !ok {
		c.stats[p.topic] = &topicStats{}
	}
	stats := c.stats[p.topic]
	c.log.Debug("reading", "input", p.in.name, "topic", p.topic, "partition", p.partition, "end", p.end.Load())
	c.wg.Add(1)
	go c.read(ctx, p, stats)
}

// readerMaxBytes is how much of its partition a reader asks for in one
// fetch: Kafka's max.partition.fetch.bytes default. The broker builds each
// answer in memory, and a larger fetch only makes it hold more of a long
// topic at once; a record batch larger than this still comes whole.
const readerMaxBytes = 1 << 20

// newReader makes the kafka.Reader of a partition of an input that is not
// shared.
func (c *consumers) newReader(p *partition) *kafka.Reader {
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:         c.cfg.Brokers,
		Topic:           p.topic,
		Partition:       p.partition,
		StartOffset:     kafka.FirstOffset,
		MinBytes:        1,
		MaxBytes:        readerMaxBytes,
		MaxWait:         c.cfg.MaxWait,
		ReadLagInterval: -1,
		Dialer:          c.dialer,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			c.log.Debug("kafka reader: "+fmt.Sprintf(msg, args...), "topic", p.topic, "partition", p.partition)
		}),
	})
}

func (c *consumers) checkCaughtUp(p *partition) {
	if p.target < 0 || p.caughtUp.Load() || p.pos.Load() < p.target {
		return
	}
	if p.caughtUp.CompareAndSwap(false, true) && c.pending.Add(-1) == 0 {
		c.readyOnce.Do(func() { close(c.ready) })
		c.log.Info("caught up with every input")
	}
}

// readerFailuresWorthALine is how many failed fetches in a row make a
// reader log, when Kafka otherwise answers.
const readerFailuresWorthALine = 10

func (c *consumers) read(ctx context.Context, p *partition, stats *topicStats) {
	defer c.wg.Done()
	var b retry.Backoff
	failures := 0
	for {
		m, err := p.reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, io.EOF) {
				return // stopping, or the reader is closed
			}
			// Whether Kafka answers is the discovery's to say (one
			// round trip a second): readers hand over records and errors
			// they fetched a while ago, so theirs would start and end
			// outages that are not there. A reader that keeps failing
			// while Kafka answers is worth a line of its own.
			failures++
			c.log.Debug("fetch failed; retrying", "topic", p.topic, "partition", p.partition, "err", err)
			if failures == readerFailuresWorthALine && !c.kafkaOutage.Active() {
				c.log.Warn("reading a partition keeps failing; retrying", "topic", p.topic, "partition", p.partition, "failures", failures, "err", err)
			}
			if !sleep(ctx, b.Next()) {
				return
			}
			continue
		}
		b.Reset()
		if failures >= readerFailuresWorthALine {
			c.log.Info("reading the partition again", "topic", p.topic, "partition", p.partition)
		}
		failures = 0
		applied := c.handle(ctx, p, stats, m)
		if n, ok := p.reader.(appliedNotifier); ok {
			n.applied() // also when stopping: the record leaves the backlog
		}
		if !applied {
			return
		}
		p.pos.Store(m.Offset + 1)
		c.checkCaughtUp(p)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// handle applies one record, retrying transient failures (an unreachable
// Schema Registry) until ctx ends; it reports false when ctx ended first.
func (c *consumers) handle(ctx context.Context, p *partition, stats *topicStats, m kafka.Message) bool {
	stats.consumed.Add(1)
	var b retry.Backoff
	for {
		err := p.in.apply(ctx, m)
		if err == nil {
			c.registryOutage.Recover(0)
			return true
		}
		var se *SkipError
		if errors.As(err, &se) {
			var n int64
			if se.Reason == reasonUnknownLine {
				stats.unknownLine.Add(1)
			} else {
				n = stats.malformed.Add(1)
			}
			lvl := slog.LevelWarn
			if se.Reason == reasonUnknownLine || n > 10 {
				lvl = slog.LevelDebug // do not flood the log with a broken topic
			}
			c.log.Log(ctx, lvl, "skipping record", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "reason", se.Reason, "err", se.Err)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.registryOutage.Fail(fmt.Errorf("apply %s[%d]@%d: %w", m.Topic, m.Partition, m.Offset, err), 0)
		wait := b.Next()
		c.log.Debug("cannot apply record; retrying", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "err", err, "in", wait)
		if !sleep(ctx, wait) {
			return false
		}
	}
}

// progress is one partition's reading progress.
type progress struct {
	Topic     string `json:"topic"`
	Partition int    `json:"partition"`
	Position  int64  `json:"position"`
	Target    int64  `json:"target"`
}

type partitionView struct {
	topicPartition
	pos, end, target int64
	caughtUp         bool
}

func (c *consumers) view() (parts []partitionView, stats map[string]*topicStats, snapshot bool, lastErr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.parts {
		parts = append(parts, partitionView{p.topicPartition, p.pos.Load(), p.end.Load(), p.target, p.caughtUp.Load()})
	}
	slices.SortFunc(parts, func(a, b partitionView) int {
		return cmp.Or(strings.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition))
	})
	stats = make(map[string]*topicStats, len(c.stats))
	for k, v := range c.stats {
		stats[k] = v
	}
	return parts, stats, c.snapshot, c.lastErr
}

package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("registry closed")

// Option configures a Registry.
type Option func(*config)

type config struct {
	logger          *slog.Logger
	topic           string
	defaultLevel    string
	storeTimeout    time.Duration
	maxRequestBytes int64
	kafka           []kgo.Opt
}

// WithLogger sets the logger. Default: a logger that discards everything.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithTopic sets the topic the registry keeps its state in, overriding the
// default of "_schemas".
func WithTopic(topic string) Option { return func(c *config) { c.topic = topic } }

// WithDefaultCompatibility sets the compatibility level used when no
// global level was ever set (schema.compatibility.level), overriding the
// default of BACKWARD. Unknown levels make New fail.
func WithDefaultCompatibility(level string) Option {
	return func(c *config) { c.defaultLevel = level }
}

// WithStoreTimeout bounds how long a write waits for the topic to take it
// and for the registry to read it back, overriding the default of 10s.
func WithStoreTimeout(d time.Duration) Option { return func(c *config) { c.storeTimeout = d } }

// WithMaxRequestBytes limits request bodies; larger ones get 413. Default:
// 16 MiB.
func WithMaxRequestBytes(n int64) Option { return func(c *config) { c.maxRequestBytes = n } }

// Registry is a Schema Registry (Confluent Platform 7.9 REST API, Avro
// schemas) whose state lives in a compacted Kafka topic.
type Registry struct {
	cfg   config
	log   *slog.Logger
	prod  *kgo.Client
	cons  *kgo.Client
	close context.CancelFunc
	done  chan struct{}

	mu       sync.RWMutex
	st       *state
	position int64         // offset after the last record applied
	notify   chan struct{} // closed and replaced after each batch

	mux *http.ServeMux

	kafkaClusterID string // the brokers' cluster id, read at start as KafkaSchemaRegistry reads it

	// checkHook, when set (by tests), runs before a registration's
	// compatibility check, with no lock held.
	checkHook func(subject string)

	writeMu   sync.Mutex
	subjectMu keyedMutex // one registration per subject at a time
	closeOnce sync.Once
}

// New connects to the brokers, creates the topic if it is missing (one
// partition, cleanup.policy=compact), reads it to the end and returns a
// registry ready to serve.
func New(ctx context.Context, brokers []string, opts ...Option) (*Registry, error) {
	cfg := config{
		logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		topic:           "_schemas",
		defaultLevel:    levelBackward,
		storeTimeout:    10 * time.Second,
		maxRequestBytes: 16 << 20,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if !levels[cfg.defaultLevel] {
		return nil, fmt.Errorf("new registry: unknown compatibility level %q", cfg.defaultLevel)
	}
	r := &Registry{
		cfg:    cfg,
		log:    cfg.logger.With("component", "registry"),
		st:     newState(),
		notify: make(chan struct{}),
		done:   make(chan struct{}),
	}
	r.mux = r.routes()
	var err error
	r.prod, err = kgo.NewClient(kafkaOpts(cfg.kafka,
		kgo.SeedBrokers(brokers...),
		kgo.DefaultProduceTopic(cfg.topic),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(0),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
	)...)
	if err != nil {
		return nil, fmt.Errorf("new registry: create producer: %w", err)
	}
	if err := r.ensureTopic(ctx); err != nil {
		r.prod.Close()
		return nil, err
	}
	md, err := kadm.NewClient(r.prod).BrokerMetadata(ctx)
	if err != nil {
		r.prod.Close()
		return nil, fmt.Errorf("new registry: describe the Kafka cluster: %w", err)
	}
	r.kafkaClusterID = md.Cluster
	r.cons, err = kgo.NewClient(kafkaOpts(cfg.kafka,
		kgo.SeedBrokers(brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{cfg.topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchMaxWait(time.Second),
	)...)
	if err != nil {
		r.prod.Close()
		return nil, fmt.Errorf("new registry: create consumer: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r.close = cancel
	go r.readLog(runCtx)

	// Like the real registry, write a no-op record and read up to it: then
	// every earlier record has been applied.
	if err := r.write(ctx, noopRecord()); err != nil {
		_ = r.Close()
		return nil, fmt.Errorf("new registry: read %s to the end: %w", cfg.topic, err)
	}
	r.mu.RLock()
	r.log.Info("schema registry ready", "topic", cfg.topic, "subjects", len(r.st.subjects), "max_id", r.st.maxID)
	r.mu.RUnlock()
	return r, nil
}

// ensureTopic creates the topic or checks that an existing one has one
// partition and is compacted.
func (r *Registry) ensureTopic(ctx context.Context) error {
	adm := kadm.NewClient(r.prod)
	compact := "compact"
	resp, err := adm.CreateTopic(ctx, 1, -1, map[string]*string{"cleanup.policy": &compact}, r.cfg.topic)
	if err == nil {
		err = resp.Err
	}
	if err == nil {
		r.log.Info("created schemas topic", "topic", r.cfg.topic)
		return nil
	}
	if !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", r.cfg.topic, err)
	}
	details, err := adm.ListTopics(ctx, r.cfg.topic)
	if err != nil {
		return fmt.Errorf("describe topic %s: %w", r.cfg.topic, err)
	}
	if d, ok := details[r.cfg.topic]; ok && len(d.Partitions) != 1 {
		return fmt.Errorf("check topic %s: the schema topic should have only 1 partition but has %d", r.cfg.topic, len(d.Partitions))
	}
	configs, err := adm.DescribeTopicConfigs(ctx, r.cfg.topic)
	if err != nil {
		return fmt.Errorf("describe topic configs %s: %w", r.cfg.topic, err)
	}
	rc, err := configs.On(r.cfg.topic, nil)
	if err != nil {
		return fmt.Errorf("describe topic configs %s: %w", r.cfg.topic, err)
	}
	if rc.Err != nil {
		return fmt.Errorf("describe topic configs %s: %w", r.cfg.topic, rc.Err)
	}
	for _, c := range rc.Configs {
		if c.Key == "cleanup.policy" && (c.Value == nil || *c.Value != "compact") {
			return fmt.Errorf("check topic %s: the retention policy of the schema topic is incorrect, it must use the 'compact' cleanup policy", r.cfg.topic)
		}
	}
	return nil
}

// readLog applies the topic's records to the state until ctx ends.
func (r *Registry) readLog(ctx context.Context) {
	defer close(r.done)
	for {
		fetches := r.cons.PollFetches(ctx)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return
		}
		fetches.EachError(func(topic string, p int32, err error) {
			r.log.Warn("fetch schemas topic", "topic", topic, "partition", p, "err", err)
		})
		var last int64 = -1
		r.mu.Lock()
		fetches.EachRecord(func(rec *kgo.Record) {
			if err := r.st.apply(rec.Key, rec.Value); err != nil {
				r.log.Error("skip schemas record", "offset", rec.Offset, "err", err)
			}
			last = rec.Offset
		})
		if last >= 0 {
			r.position = last + 1
			close(r.notify)
			r.notify = make(chan struct{})
		}
		r.mu.Unlock()
	}
}

// write produces records (acks=all) and returns once the log reader has
// applied them, so the caller reads its own write.
func (r *Registry) write(ctx context.Context, recs ...storeRecord) error {
	select {
	case <-r.done:
		return ErrClosed
	default:
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.storeTimeout)
	defer cancel()
	krs := make([]*kgo.Record, len(recs))
	for i, rec := range recs {
		krs[i] = &kgo.Record{Key: rec.key, Value: rec.value, Partition: 0}
	}
	results := r.prod.ProduceSync(ctx, krs...)
	if err := results.FirstErr(); err != nil {
		return fmt.Errorf("write %s: %w", r.cfg.topic, err)
	}
	var target int64
	for _, res := range results {
		if res.Record.Offset+1 > target {
			target = res.Record.Offset + 1
		}
	}
	for {
		r.mu.RLock()
		pos, ch := r.position, r.notify
		r.mu.RUnlock()
		if pos >= target {
			return nil
		}
		select {
		case <-ch:
		case <-r.done:
			return ErrClosed
		case <-ctx.Done():
			return fmt.Errorf("read back %s offset %d: %w", r.cfg.topic, target-1, ctx.Err())
		}
	}
}

// Close stops reading the topic and closes the Kafka clients. It is
// idempotent.
func (r *Registry) Close() error {
	r.closeOnce.Do(func() {
		if r.close != nil {
			r.close()
		}
		if r.cons != nil {
			r.cons.Close()
			<-r.done
		} else {
			close(r.done)
		}
		r.prod.Close()
	})
	return nil
}

// keyedMutex is a set of mutexes by key, created on first use and dropped
// when nobody holds or waits for them, like the Java registry's
// KafkaStore.lockFor(subject).
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	refs int
}

// lock locks key and returns the function that unlocks it.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyedLock{}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

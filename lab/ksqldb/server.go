package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"github.com/ctalab/ctalab/internal/platform"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	log         *slog.Logger
	serviceID   string
	version     string
	httpClient  *http.Client
	keepAlive   time.Duration
	maxBody     int64
	offsetReset string
	// offsetResetSet, sessionTimeoutSet and guaranteeSet tell the
	// settings an option gave
	offsetResetSet    bool
	sessionTimeoutSet bool
	guaranteeSet      bool
	sessionTimes      time.Duration
	guarantee         string
	maxPush           int
	kafka             []kgo.Opt
	processingLog     bool
	substitution      bool
	pushV2            bool   // ksql.query.push.v2.enabled
	connectURL        string // ksql.connect.url
	// connectCredentials is ksql.connect.basic.auth.credentials.file when
	// the source is FILE, nil when it is NONE
	connectCredentials *string
}

// WithLogger sets the logger. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithServiceID sets ksql.service.id. Default: "default_".
func WithServiceID(id string) Option { return func(c *config) { c.serviceID = id } }

// WithVersion sets the version reported by GET /info and /v1/metadata.
// Default: platform.KSQLDBVersion, CP 7.9.4's "7.9.4".
func WithVersion(v string) Option { return func(c *config) { c.version = v } }

// WithHTTPClient sets the client used to reach the Schema Registry. Default: http.DefaultClient.
func WithHTTPClient(h *http.Client) Option { return func(c *config) { c.httpClient = h } }

// WithKeepAlive sets how often an idle push query writes a keep-alive newline. Default: 1s.
func WithKeepAlive(d time.Duration) Option { return func(c *config) { c.keepAlive = d } }

// WithMaxBodyBytes limits request bodies; larger ones get 413. Default: 1 MiB.
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithAutoOffsetReset sets the server default of ksql.streams.auto.offset.reset
// (as KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET does). Default: "latest".
func WithAutoOffsetReset(v string) Option {
	return func(c *config) { c.offsetReset, c.offsetResetSet = v, true }
}

// WithSessionTimeout sets the consumer-group session timeout of persistent
// queries, ksql.streams.session.timeout.ms (as
// KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS does; SHOW PROPERTIES lists it).
// Default: Kafka's consumer default, 45s, not listed.
func WithSessionTimeout(d time.Duration) Option {
	return func(c *config) { c.sessionTimes, c.sessionTimeoutSet = d, true }
}

// WithMaxPushQueries sets ksql.max.push.queries, the number of push queries
// (/query and /query-stream together) the server runs at once. Default: 100.
func WithMaxPushQueries(n int) Option { return func(c *config) { c.maxPush = n } }

// WithVariableSubstitution sets ksql.variable.substitution.enable, whether
// /ksql substitutes ${name} references; a request's streamsProperties may
// set it too. Default: true.
func WithVariableSubstitution(enabled bool) Option {
	return func(c *config) { c.substitution = enabled }
}

// Server is an embedded ksqlDB server.
type Server struct {
	cfg      config
	connect  *connectClient
	brokers  []string
	reg      *formats.Registry
	log      *slog.Logger
	cl       *kgo.Client
	adm      *kadm.Client
	cmdTopic string

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex // serialises statement execution
	ms        *metastore.Store
	running   map[string]*runningQuery
	statuses  map[string]cmdStatus
	clusterID string

	handler http.Handler
	push    *pushQueries

	transient   sync.WaitGroup
	closeOnce   sync.Once
	closed      atomic.Bool
	state       atomic.Int32 // stateRunning, stateTerminating, stateTerminated
	processLogs atomic.Int64
	secondLooks atomic.Int64 // topic lookups repeated after a pause (topicMeta)
}

type cmdStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// New connects to Kafka, replays the command topic and starts the persistent queries it holds.
func New(ctx context.Context, brokers []string, registryURL string, opts ...Option) (*Server, error) {
	cfg := config{
		log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		serviceID:    "default_",
		version:      platform.KSQLDBVersion,
		keepAlive:    time.Second,
		maxBody:      1 << 20,
		offsetReset:  "latest",
		sessionTimes: 45 * time.Second, // ConsumerConfig's session.timeout.ms default
		guarantee:    guaranteeAtLeastOnce,
		maxPush:      100,
		substitution: true,
		connectURL:   defaultConnectURL,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.log == nil {
		cfg.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := checkServerSettings(&cfg); err != nil {
		return nil, fmt.Errorf("new ksqldb server: %w", err)
	}
	connectAuth, err := connectAuthHeader(cfg.connectCredentials, cfg.log)
	if err != nil {
		return nil, fmt.Errorf("new ksqldb server: %w", err)
	}
	if len(brokers) == 0 {
		return nil, errors.New("new ksqldb server: no brokers")
	}
	reg, err := formats.NewRegistry(registryURL, cfg.httpClient)
	if err != nil {
		return nil, fmt.Errorf("new ksqldb server: ksql.schema.registry.url: %w", err)
	}
	cl, err := kgo.NewClient(kafkaOpts(cfg.kafka, kgo.SeedBrokers(brokers...), kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(0), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.MetadataMinAge(100*time.Millisecond))...)
	if err != nil {
		return nil, fmt.Errorf("new ksqldb server: %w", err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		connect:  newConnectClient(cfg.connectURL, connectAuth, cfg.connectCredentials == nil),
		brokers:  brokers,
		reg:      reg,
		log:      cfg.log.With("component", "ksqldb"),
		cl:       cl,
		adm:      kadm.NewClient(cl),
		cmdTopic: "_confluent-ksql-" + cfg.serviceID + "_command_topic",
		ctx:      sctx,
		cancel:   cancel,
		ms:       metastore.NewStore(),
		running:  map[string]*runningQuery{},
		statuses: map[string]cmdStatus{},
		push:     &pushQueries{limit: cfg.maxPush, live: map[string]*livePush{}},
	}
	s.handler = s.routes()
	if md, err := s.adm.BrokerMetadata(ctx); err == nil {
		s.clusterID = md.Cluster
	}
	if err := s.replay(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("new ksqldb server: %w", err), s.Close())
	}
	if cfg.processingLog {
		if err := s.ensureProcessingLog(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("new ksqldb server: %w", err), s.Close())
		}
	}
	return s, nil
}

// Close stops all queries and Kafka clients. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed.Store(true)
		s.cancel()
		qs := make([]*runningQuery, 0, len(s.running))
		for _, q := range s.running {
			qs = append(qs, q)
		}
		s.mu.Unlock()
		for _, q := range qs {
			q.stop()
		}
		s.transient.Wait()
		s.cl.Close()
	})
	return nil
}

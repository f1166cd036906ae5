package connect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Target states of a connector (TargetState in Kafka Connect).
const (
	targetStarted = "STARTED"
	targetPaused  = "PAUSED"
	targetStopped = "STOPPED"
)

// Worker is an embedded Kafka Connect worker. It is an http.Handler for the
// Connect REST API. Create it with New and release it with Close.
type Worker struct {
	opts      options
	log       *slog.Logger
	loggers   *loggerRegistry
	brokers   []string
	kcl       *kgo.Client
	adm       *kadm.Client
	clusterID string

	mux     *http.ServeMux // the REST routes, built on first use
	muxOnce sync.Once

	// opMu serialises herder operations (create, delete, restart, ...).
	opMu sync.Mutex

	mu           sync.Mutex // guards connectors, statuses, activeTopics, offsets, generation
	connectors   map[string]*connectorState
	statuses     map[string]*connStatus
	activeTopics map[string]map[string]topicStatus // connector -> topic
	offsets      map[string][]byte                 // canonical offset key -> value
	generation   int

	topicsMu    sync.Mutex
	knownTopics map[string]bool

	skippedMu sync.Mutex
	skipped   map[string]int64 // records skipped under errors.tolerance=all, by connector

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
}

// connectorState is a configured connector and, when running, its runtime.
type connectorState struct {
	name        string
	props       map[string]string
	target      string
	taskConfigs []map[string]string // last generated; cleared when STOPPED
	run         *connectorRun
}

// New connects to the brokers, creates the internal topics if needed,
// replays them, and starts every stored connector whose target state is
// STARTED. The worker then serves requests through ServeHTTP.
func New(ctx context.Context, brokers []string, opts ...Option) (*Worker, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	loggers := newLoggerRegistry()
	w := &Worker{
		opts:         o,
		loggers:      loggers,
		log:          slog.New(&levelGate{h: o.log.Handler(), reg: loggers, name: workerLoggerName}).With("component", "connect"),
		brokers:      append([]string(nil), brokers...),
		connectors:   map[string]*connectorState{},
		statuses:     map[string]*connStatus{},
		activeTopics: map[string]map[string]topicStatus{},
		offsets:      map[string][]byte{},
		knownTopics:  map[string]bool{},
		closed:       make(chan struct{}),
	}
	kcl, err := kgo.NewClient(kafkaOpts(o.kafka,
		kgo.SeedBrokers(brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.ProducerLinger(0),
		kgo.WithLogger(w.kgoLogger()),
	)...)
	if err != nil {
		return nil, fmt.Errorf("create kafka client: %w", err)
	}
	w.kcl = kcl
	w.adm = kadm.NewClient(kcl)
	if err := w.start(ctx); err != nil {
		kcl.Close()
		return nil, err
	}
	return w, nil
}

func (w *Worker) start(ctx context.Context) error {
	meta, err := w.adm.BrokerMetadata(ctx)
	if err != nil {
		return fmt.Errorf("read cluster metadata: %w", err)
	}
	w.clusterID = meta.Cluster
	if err := w.ensureTopics(ctx); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.readTopics(ctx, []string{w.opts.configTopic, w.opts.statusTopic, w.opts.offsetTopic}, w.apply); err != nil {
		return err
	}
	w.settleReplayLocked()
	for _, c := range w.connectors {
		w.log.Info("resume connector", "connector", c.name, "target", c.target)
		w.startLocked(c)
	}
	return nil
}

// settleReplayLocked drops what the replayed internal topics left behind
// that belongs to no connector: targets without a config, stale statuses
// and active topics.
func (w *Worker) settleReplayLocked() {
	for _, c := range w.connectors {
		if c.props == nil {
			delete(w.connectors, c.name)
		}
	}
	// Statuses of connectors that no longer exist are stale.
	for name := range w.statuses {
		if _, ok := w.connectors[name]; !ok {
			delete(w.statuses, name)
		}
	}
	// DistributedHerder resets the active topics of connectors that no
	// longer exist when it sees them revoked.
	for name := range w.activeTopics {
		if _, ok := w.connectors[name]; !ok {
			w.resetActiveTopicsLocked(name)
		}
	}
}

// Close stops every task, records them as UNASSIGNED and closes the Kafka
// clients. It is safe to call more than once.
func (w *Worker) Close() error {
	w.closeOnce.Do(func() {
		close(w.closed)
		w.opMu.Lock()
		defer w.opMu.Unlock()
		w.mu.Lock()
		var runs []*connectorRun
		for _, c := range w.connectors {
			if c.run != nil {
				runs = append(runs, c.run)
				c.run = nil
			}
		}
		w.mu.Unlock()
		for _, r := range runs {
			r.stop()
		}
		w.mu.Lock()
		for name, st := range w.statuses {
			if st.connector != nil {
				w.putConnectorStatusLocked(name, stateUnassigned, "")
			}
			for id := range st.tasks {
				w.putTaskStatusLocked(name, id, stateUnassigned, "")
			}
		}
		w.mu.Unlock()
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := w.kcl.Flush(fctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			w.closeErr = fmt.Errorf("flush status: %w", err)
		}
		w.kcl.Close()
	})
	return w.closeErr
}

func (w *Worker) isClosed() bool {
	select {
	case <-w.closed:
		return true
	default:
		return false
	}
}

// kgoLogger adapts the slog logger for franz-go.
// Its level follows the logger org.apache.kafka.clients.producer.KafkaProducer.
func (w *Worker) kgoLogger() kgo.Logger {
	h := &levelGate{h: w.opts.log.Handler(), reg: w.loggers, name: clientLoggerName}
	return kgoSlog{l: slog.New(h).With("component", "connect.kafka"), reg: w.loggers}
}

type kgoSlog struct {
	l   *slog.Logger
	reg *loggerRegistry
}

// Level is at most WARN, as before; a lower log4j level lets franz-go's
// info and debug output through.
func (k kgoSlog) Level() kgo.LogLevel {
	switch l := k.reg.slogLevel(clientLoggerName); {
	case l <= slog.LevelDebug:
		return kgo.LogLevelDebug
	case l <= slog.LevelInfo:
		return kgo.LogLevelWarn
	case l <= slog.LevelWarn:
		return kgo.LogLevelWarn
	case l <= slog.LevelError:
		return kgo.LogLevelError
	}
	return kgo.LogLevelNone
}

func (k kgoSlog) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	switch level {
	case kgo.LogLevelError:
		k.l.Error(msg, keyvals...)
	case kgo.LogLevelWarn:
		k.l.Warn(msg, keyvals...)
	default:
		k.l.Debug(msg, keyvals...)
	}
}

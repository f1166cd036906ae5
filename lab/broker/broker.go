package broker

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Broker is a running embedded Kafka broker.
type Broker struct {
	cluster   *kfake.Cluster
	admin     *kgo.Client
	codecs    *topicCodecs
	addrs     []string
	dataDir   string
	temporary bool
	logger    *slog.Logger

	recovered []Damage

	listener *steadyListener

	stopCompaction chan struct{}
	compactionDone chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// Start starts the broker and returns once it accepts connections.
func Start(ctx context.Context, opts ...Option) (*Broker, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start broker: %w", err)
	}
	b := &Broker{logger: cfg.logger}
	if cfg.dataDir == "" {
		dir, err := os.MkdirTemp("", "ctalab-broker-")
		if err != nil {
			return nil, fmt.Errorf("start broker: create data dir: %w", err)
		}
		b.dataDir, b.temporary = dir, true
	} else {
		dir, err := filepath.Abs(cfg.dataDir)
		if err != nil {
			return nil, fmt.Errorf("start broker: data dir %s: %w", cfg.dataDir, err)
		}
		b.dataDir = dir
	}

	var crashOpen []openTxn
	if !b.temporary {
		restored, err := recoverCleaning(b.dataDir)
		if err != nil {
			return nil, fmt.Errorf("start broker: %w", err)
		}
		if len(restored) > 0 {
			cfg.logger.Warn("the broker stopped abruptly while it cleaned compacted topics; their logs are back as they were before that cleaning, nothing lost",
				"partitions", restored)
		}
		open, err := b.checkLog(cfg)
		if err != nil {
			return nil, fmt.Errorf("start broker: %w", err)
		}
		crashOpen = open
	}

	legacy, err := legacyTopics(b.dataDir)
	if err != nil {
		b.removeTemporary()
		return nil, fmt.Errorf("start broker: %w", err)
	}
	if len(legacy) > 0 {
		cfg.logger.Warn("data dir holds topics whose names Kafka refuses; serving them as stored, but no new topic may take such a name",
			"topics", legacy, "data_dir", b.dataDir)
	}
	proto := &protocol{autoCreate: cfg.autoCreate, legacy: make(map[string]bool), codecs: &topicCodecs{},
		maxRecords: cfg.socketRequestMaxBytes, logger: cfg.logger, logDir: b.dataDir,
		cleanerBackoff: strconv.FormatInt(cfg.compactionInterval.Milliseconds(), 10)}
	if len(crashOpen) > 0 {
		proto.produceGate = newProduceGate() // until the open transactions are ended
	}
	starts, err := loadLogStarts(b.dataDir)
	if err != nil {
		b.removeTemporary()
		return nil, fmt.Errorf("start broker: %w", err)
	}
	proto.starts = starts
	for _, name := range legacy {
		proto.legacy[name] = true
	}

	ln := cfg.listener
	if ln == nil {
		if ln, err = listen(cfg.listenAddr); err != nil {
			b.removeTemporary()
			return nil, fmt.Errorf("start broker: %w", err)
		}
	}
	if cfg.security != nil && cfg.security.TLS != nil {
		ln = tlsListener{tls.NewListener(ln, cfg.security.TLS), ln}
	}
	secOpts, err := cfg.security.kfakeOpts()
	if err != nil {
		ln.Close()
		b.removeTemporary()
		return nil, fmt.Errorf("start broker: %w", err)
	}
	steady := newSteadyListener(ln, cfg.logger, func(c net.Conn) net.Conn {
		fc := newFrameConn(c, cfg.socketRequestMaxBytes, proto, cfg.logger)
		fc.sasl = cfg.security.sasl()
		return fc
	})
	if cfg.listener == nil {
		addr := ln.Addr().String()
		steady.reopen = func() (net.Listener, error) {
			ln, err := listen(addr)
			if err != nil {
				return nil, err
			}
			if cfg.security != nil && cfg.security.TLS != nil {
				ln = tlsListener{tls.NewListener(ln, cfg.security.TLS), ln}
			}
			return ln, nil
		}
	}
	b.listener = steady
	ln = steady
	id, err := clusterID(b.dataDir)
	if err != nil {
		ln.Close()
		b.removeTemporary()
		return nil, fmt.Errorf("start broker: %w", err)
	}
	kopts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID(id),
		kfake.ListenFn(func(string, string) (net.Listener, error) { return ln, nil }),
		kfake.DataDir(b.dataDir),
		kfake.DefaultNumPartitions(DefaultPartitions),
		kfake.GroupMinSessionTimeout(GroupMinSessionTimeout),
		kfake.BrokerConfigs(map[string]string{
			"log.cleaner.backoff.ms": kfakeCleanerBackoff, // the broker runs the cleaner (compaction.go)
		}),
		kfake.WithLogger(slogBridge{cfg.logger}),
		kfake.MaxVersions(kafka39MaxVersions()),
	}
	if cfg.autoCreate {
		kopts = append(kopts, kfake.AllowAutoTopicCreation())
	}
	kopts = append(kopts, secOpts...)
	c, err := kfake.NewCluster(kopts...)
	if err != nil {
		ln.Close()
		b.removeTemporary()
		return nil, fmt.Errorf("start broker: %w", err)
	}
	b.cluster = c
	b.addrs = c.ListenAddrs()
	answerOldVersions(c, cfg.security.sasl(), starts)
	// The broker asks itself for topics' compression.type.
	admin, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(b.addrs...)}, cfg.security.clientOpts()...)...)
	if err != nil {
		c.Close()
		b.removeTemporary()
		return nil, fmt.Errorf("start broker: config client: %w", err)
	}
	b.admin, b.codecs = admin, proto.codecs
	proto.codecs.setAdmin(kadm.NewClient(admin))

	if err := endCrashedTransactions(ctx, admin, crashOpen, proto.produceGate, cfg.logger); err != nil {
		admin.Close()
		c.Close()
		return nil, fmt.Errorf("start broker: %w", err)
	}

	// Compaction is driven from here, never past an open transaction
	// (compaction.go).
	cl := &cleaner{cluster: c, logger: cfg.logger, dataDir: b.dataDir, partitions: filepath.Join(b.dataDir, "partitions"), starts: starts}
	cl.install()
	b.stopCompaction = make(chan struct{})
	b.compactionDone = make(chan struct{})
	go func() {
		defer close(b.compactionDone)
		cl.run(admin, cfg.compactionInterval, b.stopCompaction, cfg.logger)
	}()

	cfg.logger.Info("Kafka broker ready", "addrs", b.addrs, "data_dir", b.dataDir, "auto_create_topics", cfg.autoCreate)
	return b, nil
}

// checkLog refuses a data dir with corrupt batches, or recovers it with
// WithRecovery, before the broker loads it. It returns the transactions the
// logs leave open (txnrecovery.go).
func (b *Broker) checkLog(cfg config) ([]openTxn, error) {
	lc, err := checkLog(b.dataDir)
	if err != nil {
		return nil, err
	}
	corrupt := lc.corrupt
	for _, d := range lc.torn {
		b.logger.Warn("discarding an incomplete batch at the end of a partition's log, cut short when the broker stopped abruptly",
			"topic", d.Topic, "partition", d.Partition, "offset", d.FirstOffset, "segment", d.Segment)
	}
	if len(corrupt) == 0 {
		return lc.open, nil
	}
	if !cfg.recover {
		return nil, &CorruptLogError{DataDir: b.dataDir, Damage: corrupt}
	}
	for _, d := range corrupt {
		if err := truncate(d); err != nil {
			return nil, err
		}
		b.logger.Error("recovered a corrupt partition by truncating its log at the first corrupt batch",
			"topic", d.Topic, "partition", d.Partition, "lost_records", d.Records, "from_offset", d.FirstOffset, "reason", d.Reason, "segment", d.Segment)
	}
	b.recovered = corrupt
	return lc.open, nil
}

// Recovered returns the partitions that Start truncated (WithRecovery)
// because their log was corrupt.
func (b *Broker) Recovered() []Damage { return append([]Damage(nil), b.recovered...) }

// Addrs returns the broker's bootstrap addresses (host:port).
func (b *Broker) Addrs() []string { return append([]string(nil), b.addrs...) }

// DataDir returns the directory the broker persists to.
func (b *Broker) DataDir() string { return b.dataDir }

// Cluster returns the underlying kfake cluster for lab internals that need
// its control API. Its methods block forever once the broker is closed.
func (b *Broker) Cluster() *kfake.Cluster { return b.cluster }

// Close stops the broker, flushing its state to the data dir, and removes
// a temporary data dir. It is safe to call more than once.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		close(b.stopCompaction)
		<-b.compactionDone
		b.codecs.close()
		b.admin.Close()
		b.cluster.Close()
		if b.temporary {
			if err := os.RemoveAll(b.dataDir); err != nil {
				b.closeErr = fmt.Errorf("close broker: remove data dir: %w", err)
			}
		}
		b.logger.Info("Kafka broker stopped", "addrs", b.addrs)
	})
	return b.closeErr
}

func (b *Broker) removeTemporary() {
	if b.temporary {
		_ = os.RemoveAll(b.dataDir)
	}
}

// listen opens the broker's listener. A listener on an unspecified host
// advertises 127.0.0.1, because kfake advertises the listener's address.
// StopListening takes the broker off the network as a stopped broker is:
// its port refuses connections and every client connection is closed, so
// clients see the broker gone. Topics, offsets and groups stay, and
// StartListening puts it back on the same address. A broker given its
// listener (WithListener) cannot.
func (b *Broker) StopListening() error {
	if err := b.listener.pause(); err != nil {
		return fmt.Errorf("stop the Kafka listener: %w", err)
	}
	b.logger.Warn("Kafka listener stopped: the broker is off the network until started again", "addrs", b.addrs)
	return nil
}

// StartListening puts a broker StopListening took off the network back on
// its address.
func (b *Broker) StartListening() error {
	if err := b.listener.resume(); err != nil {
		return fmt.Errorf("start the Kafka listener again: %w", err)
	}
	b.logger.Info("Kafka listener started again", "addrs", b.addrs)
	return nil
}

// Listening reports whether the broker is on the network.
func (b *Broker) Listening() bool { return !b.listener.isPaused() }

func listen(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %q: %w", addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("listen on %s: port %s is already in use: %w", addr, port, err)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		tcp := ln.Addr().(*net.TCPAddr)
		return advertised{ln, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: tcp.Port}}, nil
	}
	return ln, nil
}

// tlsListener is a TLS listener that reports the address of the listener
// it wraps, which may be an advertised one.
type tlsListener struct {
	net.Listener
	inner net.Listener
}

func (l tlsListener) Addr() net.Addr { return l.inner.Addr() }

// advertised is a listener that reports another address to kfake, which
// hands it to clients in Metadata and FindCoordinator responses.
type advertised struct {
	net.Listener
	addr net.Addr
}

func (a advertised) Addr() net.Addr { return a.addr }

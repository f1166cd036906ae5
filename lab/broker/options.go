package broker

import (
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"
)

const (
	// DefaultListenAddr is where the broker listens unless told otherwise:
	// the loopback interface and a port picked by the kernel.
	DefaultListenAddr = "127.0.0.1:0"
	// DefaultPartitions is the partition count of auto-created topics and of
	// topics created with -1 partitions: cp-kafka's num.partitions default.
	DefaultPartitions = 1
	// DefaultCompactionInterval is how often compacted topics are cleaned:
	// Apache Kafka's log.cleaner.backoff.ms default.
	DefaultCompactionInterval = 15 * time.Second
	// GroupMinSessionTimeout is the smallest consumer-group session timeout
	// the broker accepts (Kafka's default floor is 6 s), so that tests can
	// use short timeouts.
	GroupMinSessionTimeout = time.Second
)

type config struct {
	dataDir            string
	listenAddr         string
	logger             *slog.Logger
	autoCreate         bool
	compactionInterval time.Duration
	recover            bool
	// socketRequestMaxBytes is Kafka's socket.request.max.bytes.
	socketRequestMaxBytes int64
	// listener, when set, is used instead of listening on listenAddr.
	listener net.Listener
	// security, when set, secures the listener (TLS, SASL).
	security *Security
}

func defaultConfig() config {
	return config{
		listenAddr:         DefaultListenAddr,
		logger:             slog.New(slog.NewTextHandler(io.Discard, nil)),
		autoCreate:         true,
		compactionInterval: DefaultCompactionInterval,

		socketRequestMaxBytes: DefaultSocketRequestMaxBytes,
	}
}

// Option configures Start.
type Option func(*config)

// WithDataDir persists topics, records and committed offsets in dir and
// reloads them on Start. Close keeps the dir. Without this option a
// temporary data dir is used (kfake would otherwise hold every record in
// memory) and Close removes it.
func WithDataDir(dir string) Option { return func(c *config) { c.dataDir = dir } }

// WithListenAddr sets the host:port to listen on (default 127.0.0.1:0,
// port 0 picks a free port). The broker advertises the listen address to
// clients; an unspecified host (":9092", "0.0.0.0:9092") listens on every
// interface but is advertised as 127.0.0.1.
func WithListenAddr(addr string) Option { return func(c *config) { c.listenAddr = addr } }

// WithPort listens on 127.0.0.1:port (0 picks a free port).
func WithPort(port int) Option {
	return func(c *config) { c.listenAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
}

// WithLogger receives the broker's warnings and errors. The default
// discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithAutoCreateTopics turns automatic topic creation on (the default, as
// in cp-kafka) or off. See the package comment for its side effect.
func WithAutoCreateTopics(on bool) Option { return func(c *config) { c.autoCreate = on } }

// WithCompactionInterval sets how often topics with cleanup.policy=compact
// (and topics with retention settings) are cleaned; the default is
// DefaultCompactionInterval.
func WithCompactionInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.compactionInterval = d
		}
	}
}

// WithSocketRequestMaxBytes sets Kafka's socket.request.max.bytes: a client
// that announces a larger request has its connection closed before the
// request is read. The default is DefaultSocketRequestMaxBytes (100 MiB,
// Kafka's default); n <= 0 keeps it.
func WithSocketRequestMaxBytes(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.socketRequestMaxBytes = int64(n)
		}
	}
}

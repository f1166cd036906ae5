package restproxy

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// DefaultMaxBodyBytes is the request body limit used unless WithMaxBodyBytes
// overrides it: 16 MiB. Larger bodies are answered with 413.
const DefaultMaxBodyBytes int64 = 16 << 20

// Option configures a Proxy.
type Option func(*config)

type config struct {
	logger       *slog.Logger
	maxBodyBytes int64

	consumerInstanceTimeout time.Duration
	maxConsumerInstances    int
	deliveryTimeout         time.Duration

	kafka      []kgo.Opt
	registryHC *http.Client
}

func defaultConfig() config {
	return config{
		logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		maxBodyBytes: DefaultMaxBodyBytes,

		consumerInstanceTimeout: defaultConsumerInstanceTimeout,
		maxConsumerInstances:    DefaultMaxConsumerInstances,
		deliveryTimeout:         DefaultDeliveryTimeout,
	}
}

// DefaultDeliveryTimeout is the Java producer's delivery.timeout.ms default
// (2 min), which kafka-rest's producer keeps.
const DefaultDeliveryTimeout = 2 * time.Minute

// WithDeliveryTimeout sets how long a produced record may wait for its
// acknowledgement, counted from when the request hands it to the producer,
// as the Java producer counts delivery.timeout.ms (default
// DefaultDeliveryTimeout). Values below 1 ms keep the default.
func WithDeliveryTimeout(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Millisecond {
			c.deliveryTimeout = d
		}
	}
}

// WithLogger sets the logger, overriding the default that discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithMaxBodyBytes limits the size of request bodies, overriding the default
// of DefaultMaxBodyBytes (16 MiB). Values below 1 keep the default.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBodyBytes = n
		}
	}
}

// WithConsumerInstanceTimeout sets consumer.instance.timeout.ms: how long a
// v2 consumer instance may stay idle before it is destroyed (default five
// minutes). Values below 1 ms keep the default.
func WithConsumerInstanceTimeout(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Millisecond {
			c.consumerInstanceTimeout = d
		}
	}
}

// DefaultMaxConsumerInstances bounds the live v2 consumer instances unless
// WithMaxConsumerInstances overrides it. Each instance is a Kafka client;
// the bound keeps a runaway client from exhausting the process.
const DefaultMaxConsumerInstances = 1000

// WithMaxConsumerInstances sets how many v2 consumer instances may exist at
// once; creating one more is answered 429/42901. Values below 1 keep the
// default.
func WithMaxConsumerInstances(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxConsumerInstances = n
		}
	}
}

// WithRegistryHTTPClient sets the client the proxy reaches the Schema
// Registry with, e.g. one that sends basic auth credentials. Default: a
// plain client with a 30 s timeout.
func WithRegistryHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.registryHC = hc }
}

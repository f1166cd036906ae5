package embedded

import "log/slog"

type config struct {
	dataDir  string
	ports    Ports
	logger   *slog.Logger
	postgres bool
	brokers  []string
	recover  bool
	// httpLimits are the HTTP stand-ins' limits; nil means the defaults.
	httpLimits *HTTPLimits
	// secure turns on TLS, SASL and basic auth (WithSecurity).
	secure bool
}

func (c config) limits() HTTPLimits {
	if c.httpLimits == nil {
		return DefaultHTTPLimits
	}
	return *c.httpLimits
}

// WithRecovery lets the broker recover a Kafka log with corrupt batches by
// truncating each damaged partition, as Kafka's log recovery does, instead
// of refusing to start (see broker.WithRecovery); Stack.Recovered tells
// what was lost.
func WithRecovery(on bool) Option { return func(c *config) { c.recover = on } }

// Option configures Start.
type Option func(*config)

// WithDataDir keeps the stack's state (Kafka log, PostgreSQL cluster) in dir,
// so that a stack started again on the same dir finds it. Default: a
// temporary dir removed by Close.
func WithDataDir(dir string) Option { return func(c *config) { c.dataDir = dir } }

// WithPorts sets the listen ports. Default: every port 0 (ephemeral).
func WithPorts(p Ports) Option { return func(c *config) { c.ports = p } }

// WithLogger sets the logger; each service logs with a "service" attribute.
// Default: discard.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithoutPostgres skips the PostgreSQL server, for machines without its
// binaries; Kafka Connect then has no database to read. Default: started.
func WithoutPostgres() Option { return func(c *config) { c.postgres = false } }

// WithBrokers uses the Kafka broker already listening at addrs (host:port)
// instead of starting one in-process: the stand-ins connect to it, and
// Close, Restart and the data dir leave it alone. Fault tests use it to run
// the broker in a process of its own, which they can kill. Ports.Kafka is
// then ignored. Default: an in-process broker.
func WithBrokers(addrs ...string) Option {
	return func(c *config) { c.brokers = append([]string(nil), addrs...) }
}

package produce

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/ctalab/ctalab/clientconf"
)

// Config configures a Producer. The zero value is not usable: Brokers,
// SchemaRegistry and RESTProxy must be set.
type Config struct {
	// Brokers are the Kafka bootstrap addresses (host:port).
	Brokers []string
	// SchemaRegistry is the Schema Registry base URL.
	SchemaRegistry string
	// RESTProxy is the Kafka REST Proxy base URL; the weather goes there.
	RESTProxy string
	// Client is how the clients reach the cluster: TLS, SASL and basic
	// auth (clientconf). The zero value is plaintext without credentials.
	Client clientconf.Config
	// Partitions of each topic the producer creates. Default: 1, which keeps
	// every topic in simulation order.
	Partitions int
	// MaxInFlight bounds the records handed to Kafka but not yet
	// acknowledged; the simulation waits when it is reached. Default: 20000.
	MaxInFlight int
	// MaxAttempts is how often a sender tries a produce request in place
	// (keeping each topic's order) before it hands the records back; records
	// handed back after a transient error are sent again in any case.
	// Default: DefaultMaxAttempts.
	MaxAttempts int
	// Logger receives the producer's logs. Default: discard.
	Logger *slog.Logger
}

// DefaultMaxAttempts keeps a request in its sender through any outage of a
// day: a retried request keeps its records' place in their topics, while
// records handed back and sent again land after those sent meanwhile. (The
// sender waits at most retry.Backoff's cap between attempts.)
const DefaultMaxAttempts = 100_000

func (c *Config) setDefaults() {
	if c.Partitions == 0 {
		c.Partitions = 1
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 20000
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("no Kafka brokers given: set Brokers (e.g. localhost:9092)")
	}
	for name, u := range map[string]string{"SchemaRegistry": c.SchemaRegistry, "RESTProxy": c.RESTProxy} {
		if pu, err := url.Parse(u); u == "" || err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return fmt.Errorf("%s URL %q: want http://host:port", name, u)
		}
	}
	if c.Partitions < 0 || c.MaxInFlight < 0 || c.MaxAttempts < 0 {
		return errors.New("partitions, max in-flight, batch timeout and max attempts must not be negative")
	}
	return nil
}

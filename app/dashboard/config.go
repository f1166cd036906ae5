package dashboard

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/ctalab/ctalab/clientconf"
)

// Config configures a Server. The zero value with Brokers and
// SchemaRegistry set is a working dashboard on 127.0.0.1:8888.
type Config struct {
	// Brokers are the Kafka bootstrap addresses, e.g. localhost:9092.
	// Required.
	Brokers []string
	// SchemaRegistry is the Schema Registry's base URL, e.g.
	// http://localhost:8081. Required.
	SchemaRegistry string
	// Client is how the clients reach the cluster: TLS, SASL and basic
	// auth (clientconf). The zero value is plaintext without credentials.
	Client clientconf.Config
	// Listen is the HTTP listen address. Port 0 picks a free port (see
	// Server.Addr). Default: 127.0.0.1:8888.
	Listen string
	// Logger receives the dashboard's logs as they are; the caller names the
	// component (e.g. With("component", "dashboard")). Default: discard.
	Logger *slog.Logger
	// DiscoveryInterval is how often the cluster metadata is polled for new
	// topics and partitions and the end offsets for the lag. Default: 1s.
	DiscoveryInterval time.Duration
	// PushInterval, when set, is the shortest time between two live updates
	// sent to the browsers; changes in between are coalesced. Default:
	// adaptive (see pushBudget): an update goes out as soon as a change
	// comes while rendering and sending have taken less than their share
	// of the time, 1/(PushCostFactor+1), with PushBurst to spare for a
	// burst after a quiet spell; past that, changes are coalesced until the
	// share allows the next update. Changes of turnstile counts alone also
	// wait for CountsPushInterval after the last update.
	PushInterval time.Duration
	// MaxWait bounds how long a fetch waits for new records. Default: 500ms.
	MaxWait time.Duration
	// ShutdownTimeout bounds the HTTP server's graceful shutdown. Default: 5s.
	ShutdownTimeout time.Duration
	// NotSimulated are the stations of the stations table that the
	// simulation does not serve, each shown on the page with its reason.
	// Default (nil): those of this project's simulation over the embedded
	// fixtures (sim.NotSimulatedStations); an empty slice marks none.
	NotSimulated []NotSimulated
}

// NotSimulated is a station the simulation does not serve, and why.
type NotSimulated struct {
	Line      string // "blue"
	StationID int
	Reason    string
}

// Default settings.
const (
	DefaultListen            = "127.0.0.1:8888"
	DefaultDiscoveryInterval = time.Second
	// PushCostFactor bounds the adaptive push: live updates take at most
	// 1/(PushCostFactor+1) of a core however fast changes come (after an
	// update that took d once the burst allowance is spent, the next waits
	// PushCostFactor×d), and add next to no latency when they come slowly.
	PushCostFactor = 4
	// PushBurst is the adaptive push's burst allowance: the render time
	// that may be spent at once after a quiet spell, so that the changes
	// of one simulation tick, which reach the dashboard over a few
	// milliseconds, each go out as they come.
	PushBurst = 20 * time.Millisecond
	// CountsPushInterval is the adaptive push's shortest time between an
	// update and the next when only turnstile counts changed: during a
	// rush-hour tick ksqlDB updates TURNSTILE_SUMMARY thousands of times in
	// a few milliseconds, and an update each would spend the push's time
	// (and the machine's) on pages no one can read, while a train waits.
	// A train, station or weather change goes out at once.
	CountsPushInterval = 100 * time.Millisecond
	// MoveSettle and MoveSettleMax: before the adaptive push sends a move,
	// it lets the rest of the tick's arrivals come, so that they go out in
	// the same update: until the arrivals fetched are all applied, or else
	// until no move came for MoveSettle, at most MoveSettleMax.
	MoveSettle    = time.Millisecond
	MoveSettleMax = 5 * time.Millisecond
	// MaxAdaptivePushPause caps the adaptive pause, so that a slow render
	// on a busy machine does not hold updates back for long.
	MaxAdaptivePushPause   = 250 * time.Millisecond
	DefaultMaxWait         = 500 * time.Millisecond
	DefaultShutdownTimeout = 5 * time.Second
)

// Validate reports the first invalid setting, after defaults.
func (c Config) Validate() error {
	c.setDefaults()
	if len(c.Brokers) == 0 {
		return errors.New("no Kafka brokers given: set Brokers (e.g. localhost:9092)")
	}
	if c.SchemaRegistry == "" {
		return errors.New("no Schema Registry given: set SchemaRegistry (e.g. http://localhost:8081)")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("listen address %q: want host:port (e.g. %s): %w", c.Listen, DefaultListen, err)
	}
	for name, d := range map[string]time.Duration{"DiscoveryInterval": c.DiscoveryInterval, "PushInterval": c.PushInterval, "MaxWait": c.MaxWait, "ShutdownTimeout": c.ShutdownTimeout} {
		if d < 0 {
			return fmt.Errorf("%s is %s: want a positive duration or 0 for the default", name, d)
		}
	}
	return nil
}

func (c *Config) setDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.DiscoveryInterval == 0 {
		c.DiscoveryInterval = DefaultDiscoveryInterval
	}
	if c.MaxWait == 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
}

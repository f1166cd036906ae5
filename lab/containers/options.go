package containers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"time"
)

// DefaultStartupTimeout bounds how long each service may take to become
// ready once its container has started (image pulls are not included).
const DefaultStartupTimeout = 5 * time.Minute

// Option configures Start.
type Option func(*config) error

type config struct {
	images         images
	jdbcConnector  string
	logger         *slog.Logger
	startupTimeout time.Duration
	hostIP         netip.Addr
	// connectBuild makes Connect's image the one built from
	// deploy/connect/Dockerfile (the connector installed at build time),
	// as docker-compose.yml builds it; WithConnectImage turns it off.
	connectBuild bool
	// hostIPSet is true when WithHostIP chose hostIP; otherwise Start
	// derives it from the engine's host (PublishIP).
	hostIPSet bool
}

// images are the image references of the stack's containers.
type images struct {
	kafka, schemaRegistry, restProxy, connect, ksqldb, postgres string
}

func defaultConfig() config {
	return config{
		images: images{
			kafka:          KafkaImage,
			schemaRegistry: SchemaRegistryImage,
			restProxy:      RESTProxyImage,
			connect:        ConnectImage,
			ksqldb:         KSQLDBImage,
			postgres:       PostgresImage,
		},
		jdbcConnector:  JDBCConnector,
		connectBuild:   true,
		logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		startupTimeout: DefaultStartupTimeout,
		hostIP:         netip.AddrFrom4([4]byte{127, 0, 0, 1}),
	}
}

func newConfig(opts ...Option) (config, error) {
	cfg := defaultConfig()
	var errs []error
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			errs = append(errs, err)
		}
	}
	return cfg, errors.Join(errs...)
}

// containerLogs reports whether container output is worth forwarding: only
// when the logger would print debug records.
func (c *config) containerLogs() bool {
	return c.logger.Enabled(context.Background(), slog.LevelDebug)
}

func imageOption(what string, ref string, set func(*images)) Option {
	return func(c *config) error {
		if strings.TrimSpace(ref) == "" || strings.ContainsAny(ref, " \t\n") {
			return fmt.Errorf("set %s image: invalid image reference %q", what, ref)
		}
		set(&c.images)
		return nil
	}
}

// WithKafkaImage sets the broker image. It must be a cp-kafka image (or one
// with the same /etc/confluent/docker/run) that supports KRaft.
// Default: KafkaImage.
func WithKafkaImage(ref string) Option {
	return imageOption("kafka", ref, func(i *images) { i.kafka = ref })
}

// WithSchemaRegistryImage sets the Schema Registry image.
// Default: SchemaRegistryImage.
func WithSchemaRegistryImage(ref string) Option {
	return imageOption("schema registry", ref, func(i *images) { i.schemaRegistry = ref })
}

// WithRESTProxyImage sets the REST Proxy image. Default: RESTProxyImage.
func WithRESTProxyImage(ref string) Option {
	return imageOption("rest proxy", ref, func(i *images) { i.restProxy = ref })
}

// WithConnectImage sets the Kafka Connect image, which then installs the
// JDBC connector when the container starts (network access needed each
// time). Default: the image built from deploy/connect/Dockerfile
// (ConnectJDBCImage, ConnectImage with the connector installed at build
// time), as docker-compose.yml builds it. For an image that already
// contains the JDBC connector, combine it with WithJDBCConnector("").
func WithConnectImage(ref string) Option {
	return func(c *config) error {
		if err := imageOption("connect", ref, func(i *images) { i.connect = ref })(c); err != nil {
			return err
		}
		c.connectBuild = false
		return nil
	}
}

// WithKSQLDBImage sets the ksqlDB server image. Default: KSQLDBImage.
func WithKSQLDBImage(ref string) Option {
	return imageOption("ksqldb", ref, func(i *images) { i.ksqldb = ref })
}

// WithPostgresImage sets the PostgreSQL image. Default: PostgresImage.
func WithPostgresImage(ref string) Option {
	return imageOption("postgres", ref, func(i *images) { i.postgres = ref })
}

// WithJDBCConnector sets the Confluent Hub id ("owner/name:version") that
// Connect installs before the worker starts. Installing needs network
// access from the container; the empty string skips the install, for a
// Connect image that already has the connector. Either way Connect is ready
// only once it lists the JDBC source connector. Default: JDBCConnector.
func WithJDBCConnector(id string) Option {
	return func(c *config) error {
		if id != "" {
			owner, rest, ok := strings.Cut(id, "/")
			name, version, ok2 := strings.Cut(rest, ":")
			if !ok || !ok2 || owner == "" || name == "" || version == "" || strings.ContainsAny(id, " \t\n'\"&;|$`") {
				return fmt.Errorf("set jdbc connector: %q is not a Confluent Hub id of the form owner/name:version", id)
			}
		}
		c.jdbcConnector = id
		return nil
	}
}

// WithLogger sets the logger for the stack's lifecycle messages and, at
// debug level, the testcontainers messages and every container's output
// (attribute "service"). A nil logger keeps the default. Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l != nil {
			c.logger = l
		}
		return nil
	}
}

// WithStartupTimeout bounds how long each service may take to become ready
// once its container has started. Default: DefaultStartupTimeout (5m).
func WithStartupTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("set startup timeout: %v is not positive", d)
		}
		c.startupTimeout = d
		return nil
	}
}

// WithHostIP sets the host address every service's port is published on.
// Default: follow the engine's host as testcontainers resolves it
// (EngineHost, PublishIP): 127.0.0.1 for an engine on this machine, so that
// nothing but this machine reaches the stack; 0.0.0.0 for an engine on
// another host or outside the container this runs in.
func WithHostIP(ip string) Option {
	return func(c *config) error {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return fmt.Errorf("set host ip: %w", err)
		}
		c.hostIP, c.hostIPSet = a, true
		return nil
	}
}

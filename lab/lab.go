package lab

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/ctalab/ctalab/lab/containers"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/stack"
)

// Endpoints and Stack are the providers' shared types.
type (
	Endpoints = stack.Endpoints
	Stack     = stack.Stack
)

// Provider names, as LAB_STACK takes them.
const (
	Embedded   = "embedded"
	Containers = "containers"
	External   = "external"
)

// EnvStack is the environment variable that chooses the provider.
const EnvStack = "LAB_STACK"

// Environment variables of the external provider (and of the application).
const (
	EnvBrokers             = "CTALAB_BROKERS"
	EnvSchemaRegistry      = "CTALAB_SCHEMA_REGISTRY"
	EnvRESTProxy           = "CTALAB_REST_PROXY"
	EnvConnect             = "CTALAB_CONNECT"
	EnvKSQLDB              = "CTALAB_KSQLDB"
	EnvPostgres            = "CTALAB_POSTGRES"
	EnvPostgresFromConnect = "CTALAB_POSTGRES_FROM_CONNECT"
)

type config struct {
	provider  string
	logger    *slog.Logger
	embedded  []embedded.Option
	container []containers.Option
	getenv    func(string) string
	available func(context.Context) error
}

// Option configures Start.
type Option func(*config)

// WithProvider chooses the provider, overriding LAB_STACK.
func WithProvider(name string) Option { return func(c *config) { c.provider = name } }

// WithLogger sets the logger for the choice and the providers. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithEmbeddedOptions passes options to the embedded provider.
func WithEmbeddedOptions(opts ...embedded.Option) Option {
	return func(c *config) { c.embedded = append(c.embedded, opts...) }
}

// WithContainerOptions passes options to the containers provider.
func WithContainerOptions(opts ...containers.Option) Option {
	return func(c *config) { c.container = append(c.container, opts...) }
}

// WithEnv replaces os.Getenv for reading LAB_STACK and the external
// endpoints; for tests.
func WithEnv(getenv func(string) string) Option { return func(c *config) { c.getenv = getenv } }

// WithEngineProbe replaces containers.Available, which tells whether a
// Docker engine answers; for tests.
func WithEngineProbe(probe func(context.Context) error) Option {
	return func(c *config) { c.available = probe }
}

// Choice is the provider Start picked and why.
type Choice struct {
	Provider string
	Reason   string
}

// Choose returns the provider to use: the one given with WithProvider or in
// LAB_STACK, else the embedded stack. A Docker engine on the machine does
// not change the default: the containers stack (about 3 GB, image pulls)
// runs only when asked for.
func Choose(ctx context.Context, opts ...Option) (Choice, error) {
	c := newConfig(opts)
	return c.choose(ctx)
}

func newConfig(opts []Option) config {
	c := config{getenv: os.Getenv, available: containers.Available}
	for _, o := range opts {
		o(&c)
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// DefaultReason is why the embedded stack runs when nothing asks for another.
const DefaultReason = EnvStack + " is not set; " + EnvStack + "=containers runs the Confluent Platform containers instead"

func (c config) choose(_ context.Context) (Choice, error) {
	name, why := c.provider, "chosen by the caller"
	if name == "" {
		name, why = c.getenv(EnvStack), EnvStack+"="+c.getenv(EnvStack)
	}
	switch name {
	case Embedded, Containers, External:
		return Choice{name, why}, nil
	case "":
		return Choice{Embedded, DefaultReason}, nil
	}
	return Choice{}, fmt.Errorf("%s=%q: want embedded, containers or external", EnvStack, name)
}

// ErrNoEngine is wrapped by Start's error when the containers stack was
// asked for and no Docker engine answers.
var ErrNoEngine = containers.ErrNoEngine

// noEngineError says that the containers stack was asked for (and how)
// while no engine answers, and what to do instead.
func noEngineError(choice Choice, err error) error {
	return fmt.Errorf("the Confluent Platform containers were asked for (%s), but %w; start Docker or point DOCKER_HOST at an engine, or unset %s for the embedded stack",
		choice.Reason, err, EnvStack)
}

// Start starts (or, for external, finds) a stack and returns it. The choice
// of provider is logged with its reason. On error nothing is left running.
func Start(ctx context.Context, opts ...Option) (Stack, Choice, error) {
	c := newConfig(opts)
	choice, err := c.choose(ctx)
	if err != nil {
		return nil, choice, err
	}
	c.logger.Info("lab stack", "provider", choice.Provider, "reason", choice.Reason)
	switch choice.Provider {
	case Containers:
		if err := c.available(ctx); err != nil {
			return nil, choice, noEngineError(choice, err)
		}
		s, err := containers.Start(ctx, append([]containers.Option{containers.WithLogger(c.logger)}, c.container...)...)
		if err != nil {
			if s != nil {
				_ = s.Close(context.WithoutCancel(ctx))
			}
			return nil, choice, fmt.Errorf("start containers stack: %w", err)
		}
		return s, choice, nil
	case External:
		e, err := ExternalEndpoints(c.getenv)
		if err != nil {
			return nil, choice, err
		}
		return external{e}, choice, nil
	}
	s, err := embedded.Start(ctx, append([]embedded.Option{embedded.WithLogger(c.logger)}, c.embedded...)...)
	if err != nil {
		// embedded.Start has already stopped what it started.
		return nil, choice, fmt.Errorf("start embedded stack: %w", err)
	}
	return s, choice, nil
}

// ExternalEndpoints reads a running stack's endpoints from the CTALAB_*
// environment variables. Brokers and the Schema Registry are required.
func ExternalEndpoints(getenv func(string) string) (Endpoints, error) {
	e := Endpoints{
		SchemaRegistry:      getenv(EnvSchemaRegistry),
		RESTProxy:           getenv(EnvRESTProxy),
		Connect:             getenv(EnvConnect),
		KSQLDB:              getenv(EnvKSQLDB),
		Postgres:            getenv(EnvPostgres),
		PostgresFromConnect: getenv(EnvPostgresFromConnect),
	}
	for _, b := range strings.Split(getenv(EnvBrokers), ",") {
		if b = strings.TrimSpace(b); b != "" {
			e.Brokers = append(e.Brokers, b)
		}
	}
	var missing []string
	if len(e.Brokers) == 0 {
		missing = append(missing, EnvBrokers)
	}
	if e.SchemaRegistry == "" {
		missing = append(missing, EnvSchemaRegistry)
	}
	if len(missing) > 0 {
		return e, errors.New("external stack: set " + strings.Join(missing, " and ") + " (e.g. CTALAB_BROKERS=localhost:9092 CTALAB_SCHEMA_REGISTRY=http://localhost:8081)")
	}
	return e, nil
}

// external is a stack somebody else runs: Close leaves it alone.
type external struct{ e Endpoints }

func (x external) Endpoints() Endpoints      { return x.e }
func (external) Close(context.Context) error { return nil }

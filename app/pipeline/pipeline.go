package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctalab/ctalab/app/dashboard"
	"github.com/ctalab/ctalab/app/produce"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/stationsource"
	"github.com/ctalab/ctalab/app/transform"
	"github.com/ctalab/ctalab/app/turnstiles"
	"github.com/ctalab/ctalab/clientconf"
)

// FlushTimeout bounds the wait for in-flight records once the pipeline's
// context has ended, so that an interrupt exits promptly. While the context
// lives, the records of a finished simulation are waited for without bound:
// an outage at the end of a replay delays them, it does not drop them.
const FlushTimeout = 4 * time.Second

// graceAfter returns a context that ends d after ctx ends.
func graceAfter(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	g, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(d, cancel) })
	return g, func() { stop(); cancel() }
}

// Endpoints are where the pipeline finds its stack.
type Endpoints struct {
	Brokers        []string
	SchemaRegistry string
	RESTProxy      string
	Connect        string
	KSQLDB         string
	// JDBCURL is PostgreSQL as Kafka Connect reaches it.
	JDBCURL string
	// Client is how every client reaches the cluster and its services:
	// TLS, SASL and basic auth. The zero value is plaintext without
	// credentials.
	Client clientconf.Config
}

// Config configures a Pipeline.
type Config struct {
	Endpoints
	// Schedule is what to simulate; Ticks 0 runs until stopped.
	Schedule sim.Schedule
	// Pace is the wall-clock pace of the simulation. Default: max.
	Pace sim.Pace
	// ConnectorPollInterval is the stations connector's poll.interval.ms.
	// Default: 24h (the table is loaded once).
	ConnectorPollInterval time.Duration
	// ConnectorConnectionBackoff is the stations connector's
	// connection.backoff.ms: its task's wait between connection attempts
	// while PostgreSQL is away. Default: the connector's own (10 s).
	ConnectorConnectionBackoff time.Duration
	// Dashboard is the dashboard's listen address, e.g. 127.0.0.1:8888
	// (port 0 picks a free port). Default: no dashboard.
	Dashboard string
	// Logger receives every component's logs. Default: discard.
	Logger *slog.Logger
	// Progress receives a progress bar at max pace when it is a terminal.
	// Default: none.
	Progress io.Writer
	// Continuity is what the run does about the simulated time the topics
	// already hold. Default: AsScheduled.
	Continuity Continuity
	// ExclusiveRun holds the run lock (RunLockGroup) while simulating, and
	// refuses to run beside another simulation of the same topics.
	ExclusiveRun bool
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("no Kafka brokers given")
	}
	for name, v := range map[string]string{"Schema Registry": c.SchemaRegistry, "REST Proxy": c.RESTProxy, "Kafka Connect": c.Connect, "ksqlDB": c.KSQLDB, "JDBC": c.JDBCURL} {
		if v == "" {
			return fmt.Errorf("no %s URL given", name)
		}
	}
	return c.Schedule.Validate()
}

// Pipeline is the whole application.
type Pipeline struct {
	cfg     Config
	log     *slog.Logger
	simDone chan struct{}

	mu       sync.Mutex
	producer *produce.Producer
	trans    *transform.Transformer
	dash     *dashboard.Server
}

// New returns a Pipeline; Run starts it.
func New(cfg Config) (*Pipeline, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Pipeline{cfg: cfg, log: cfg.Logger, simDone: make(chan struct{})}
	if cfg.Dashboard != "" {
		d, err := dashboard.New(dashboard.Config{Brokers: cfg.Brokers, SchemaRegistry: cfg.SchemaRegistry, Client: cfg.Client, Listen: cfg.Dashboard, Logger: cfg.Logger.With("component", "dashboard")})
		if err != nil {
			return nil, err
		}
		p.dash = d
	}
	return p, nil
}

// Dashboard returns the dashboard server, or nil without one. Its Addr is
// valid once its Listening channel is closed.
func (p *Pipeline) Dashboard() *dashboard.Server { return p.dash }

// SimulationDone is closed when the simulation has finished its ticks and
// every record it produced is acknowledged.
func (p *Pipeline) SimulationDone() <-chan struct{} { return p.simDone }

// ProducerStats returns the producer's delivery counters (zero before the
// producer starts).
func (p *Pipeline) ProducerStats() produce.Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.producer == nil {
		return produce.Stats{}
	}
	return p.producer.Stats()
}

// TransformStats returns the transformer's counters.
func (p *Pipeline) TransformStats() transform.Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.trans == nil {
		return transform.Stats{}
	}
	return p.trans.Stats()
}

// Run runs every component until ctx ends (then it returns nil, once the
// producer has flushed) or one of them fails. The simulation ending does not
// end Run: the rest keeps serving.
func (p *Pipeline) Run(ctx context.Context) error {
	if p.cfg.ExclusiveRun {
		lock, err := AcquireRunLock(ctx, p.cfg.Brokers, p.cfg.Client.Kafka, p.log)
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	sched, err := PlaceRun(ctx, p.cfg.Brokers, p.cfg.Client.Kafka, p.cfg.Schedule, p.cfg.Continuity, p.log)
	if err != nil {
		return err
	}
	p.cfg.Schedule = sched
	g, gctx := errgroup.WithContext(ctx)
	if p.dash != nil {
		g.Go(func() error { return p.dash.Run(gctx) })
	}
	g.Go(func() error {
		return ensureConnector(gctx, p.cfg.Endpoints, stationsource.Config{PollInterval: p.cfg.ConnectorPollInterval, ConnectionBackoff: p.cfg.ConnectorConnectionBackoff}, p.log)
	})
	t, err := transform.New(transform.Config{Brokers: p.cfg.Brokers, Client: p.cfg.Client, Logger: p.log.With("component", "transform")})
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.trans = t
	p.mu.Unlock()
	g.Go(func() error { return t.Run(gctx) })
	g.Go(func() error {
		err := p.simulate(gctx)
		if err != nil || ctx.Err() != nil {
			return err
		}
		close(p.simDone)
		if p.cfg.Schedule.Ticks > 0 {
			p.log.Info("the simulation is done; still serving")
		}
		return nil
	})
	err = g.Wait()
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		return nil
	}
	return err
}

func (p *Pipeline) simulate(ctx context.Context) error {
	data, err := sim.LoadData()
	if err != nil {
		return err
	}
	prog := NewProgress(p.log, p.cfg.Schedule, p.cfg.Pace, p.cfg.Progress)
	s, err := sim.New(p.cfg.Schedule, data, sim.WithPace(p.cfg.Pace), sim.WithTickObserver(prog.Tick))
	if err != nil {
		return err
	}
	return Simulate(ctx, s, p.cfg.Endpoints, p.log, prog, func(pr *produce.Producer) error {
		p.mu.Lock()
		p.producer = pr
		p.mu.Unlock()
		return EnsureKSQLWith(ctx, p.cfg.KSQLDB, p.cfg.Client.KSQLDB, p.log)
	})
}

// Simulate runs s with the Kafka/REST Proxy producer as its sink. started,
// when not nil, runs after the topics exist and the schemas are registered,
// before the first event (ksqlDB refuses a stream over a missing topic).
// Every acknowledged event is flushed before Simulate returns, also when ctx
// is cancelled; an interrupt is not an error.
func Simulate(ctx context.Context, s *sim.Simulation, e Endpoints, log *slog.Logger, prog *Progress, started func(*produce.Producer) error) error {
	pr, err := produce.New(ctx, produce.Config{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Client: e.Client, Logger: log}, s.Lines())
	if err != nil {
		return fmt.Errorf("start producer: %w", err)
	}
	if prog != nil {
		prog.stats = pr.Stats
	}
	flush := func() error {
		fctx, cancel := graceAfter(ctx, FlushTimeout)
		defer cancel()
		return pr.Close(fctx)
	}
	if started != nil {
		if err := started(pr); err != nil {
			return errors.Join(err, flush())
		}
	}
	sched := s.Schedule()
	log.Info("simulating", "schedule", sched.Name, "start", sched.Start.Format(time.RFC3339), "ticks", sched.Ticks, "seed", sched.Seed)
	begin := time.Now()
	runErr := s.Run(ctx, pr)
	closeErr := flush()
	if prog != nil {
		prog.finish()
	}
	st := pr.Stats()
	log.Info("simulation stopped", "arrivals", st.Arrivals.Acked, "turnstiles", st.Turnstiles.Acked, "weather", st.Weather.Acked,
		"failed", st.Arrivals.Failed+st.Turnstiles.Failed+st.Weather.Failed,
		"resent", st.Arrivals.Resent+st.Turnstiles.Resent+st.Weather.Resent, "elapsed", time.Since(begin).Round(time.Millisecond))
	if errors.Is(runErr, context.Canceled) && ctx.Err() != nil {
		runErr = nil
	}
	return errors.Join(runErr, closeErr)
}

// EnsureConnector registers the stations connector and waits until it runs.
func EnsureConnector(ctx context.Context, e Endpoints, poll time.Duration, log *slog.Logger) error {
	return ensureConnector(ctx, e, stationsource.Config{PollInterval: poll}, log)
}

// ensureConnector is EnsureConnector with the connector's tuning in cfg; its
// endpoints and logger come from e and log.
func ensureConnector(ctx context.Context, e Endpoints, cfg stationsource.Config, log *slog.Logger) error {
	cfg.ConnectURL, cfg.Connect, cfg.JDBCURL, cfg.Logger = e.Connect, e.Client.Connect, e.JDBCURL, log.With("component", "connect")
	c, err := stationsource.NewClient(cfg)
	if err != nil {
		return err
	}
	if err := c.Ensure(ctx); err != nil {
		return fmt.Errorf("stations connector: %w", err)
	}
	log.Info("stations connector is running", "name", stationsource.Name)
	return nil
}

// RunTransformer runs the stations transformer until ctx ends.
func RunTransformer(ctx context.Context, brokers []string, log *slog.Logger) error {
	return RunTransformerWith(ctx, transform.Config{Brokers: brokers}, log)
}

// RunTransformerWith runs the stations transformer with cfg (its topics and
// group) until ctx ends; cfg.Logger defaults to log.
func RunTransformerWith(ctx context.Context, cfg transform.Config, log *slog.Logger) error {
	if cfg.Logger == nil {
		cfg.Logger = log.With("component", "transform")
	}
	t, err := transform.New(cfg)
	if err != nil {
		return err
	}
	return t.Run(ctx)
}

// EnsureKSQL submits the ksqlDB statements unless they are applied.
func EnsureKSQL(ctx context.Context, ksqldbURL string, log *slog.Logger) error {
	return EnsureKSQLWith(ctx, ksqldbURL, clientconf.Service{}, log)
}

// EnsureKSQLWith is EnsureKSQL with svc's credentials.
func EnsureKSQLWith(ctx context.Context, ksqldbURL string, svc clientconf.Service, log *slog.Logger) error {
	c, err := turnstiles.NewClient(turnstiles.Config{KSQLDBURL: ksqldbURL, KSQLDB: svc, Logger: log.With("component", "ksql")})
	if err != nil {
		return err
	}
	return c.Ensure(ctx)
}

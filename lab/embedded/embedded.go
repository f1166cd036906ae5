package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/connect"
	"github.com/ctalab/ctalab/lab/ksqldb"
	"github.com/ctalab/ctalab/lab/postgres"
	"github.com/ctalab/ctalab/lab/registry"
	"github.com/ctalab/ctalab/lab/restproxy"
	"github.com/ctalab/ctalab/lab/seed"
	"github.com/ctalab/ctalab/lab/stack"
)

// Stack is a running embedded lab.
type Stack struct {
	cfg     config
	tempDir string
	log     *slog.Logger

	broker   *broker.Broker
	registry *registry.Registry
	proxy    *restproxy.Proxy
	connect  *connect.Worker
	ksqldb   *ksqldb.Server
	pg       *postgres.Server
	servers  []*service
	hosts    *composeHosts // the compose service names, answered by this stack
	sec      *security     // nil unless WithSecurity

	endpoints   stack.Endpoints
	ready       map[string]time.Duration
	actualPorts Ports // the ports chosen, so that Restart reuses them

	closeOnce sync.Once
	closeErr  error
}

// ksqldbName names the ksqlDB service in errors and in s.servers.
const ksqldbName = "ksqlDB server"

// connectName names the Kafka Connect worker in errors and in s.servers.
const connectName = "Kafka Connect worker"

// service is one HTTP stand-in on its listener.
type service struct {
	name string
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

func (s *service) url() string { return "http://" + s.ln.Addr().String() }

func listen(name string, port int) (*service, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, fmt.Errorf("listen for the %s on port %d: %w (stop whatever uses the port, or choose another)", name, port, err)
	}
	return &service{name: name, ln: ln, done: make(chan struct{})}, nil
}

func (s *service) serve(h http.Handler, limits HTTPLimits, log *slog.Logger) {
	s.srv = newHTTPServer(s.name, h, limits, log)
	if p, ok := h.(interface{ Protocols() *http.Protocols }); ok {
		s.srv.Protocols = p.Protocols() // ksqlDB also speaks HTTP/2 without TLS
	}
	ln := limitConns(s.ln, limits.MaxConns, log)
	s.srv.RegisterOnShutdown(ln.closeUnread)
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()
}

func (s *service) shutdown(ctx context.Context) error {
	if s.srv == nil {
		return s.ln.Close()
	}
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	<-s.done
	return err
}

// Start starts every service and returns when all are ready. On error it
// stops whatever it started and returns a nil Stack.
func Start(ctx context.Context, opts ...Option) (*Stack, error) {
	cfg := config{postgres: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	tempDir := ""
	if cfg.dataDir == "" {
		var err error
		removeOrphans(os.TempDir(), cfg.logger)
		if tempDir, err = os.MkdirTemp("", tempPrefix); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		if err := markOwner(tempDir); err != nil {
			_ = os.RemoveAll(tempDir)
			return nil, err
		}
		// PostgreSQL runs as an unprivileged user when we are root: it must
		// be able to reach its data dir below this one.
		if err := os.Chmod(tempDir, 0o711); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		cfg.dataDir = tempDir
	}
	s, err := start(ctx, cfg)
	if err != nil {
		if tempDir != "" {
			_ = os.RemoveAll(tempDir)
		}
		return nil, err
	}
	s.tempDir = tempDir
	return s, nil
}

// start starts the services of cfg; on error it stops what it started.
func start(ctx context.Context, cfg config) (_ *Stack, err error) {
	s := &Stack{cfg: cfg, log: cfg.logger, ready: map[string]time.Duration{}}
	defer func() {
		if err != nil {
			cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = s.stop(cctx)
		}
	}()
	if cfg.secure {
		if s.sec, err = loadSecurity(cfg.dataDir); err != nil {
			return s, err
		}
		s.sec.externalKafka = len(cfg.brokers) > 0
	}
	begin := time.Now()
	var markMu sync.Mutex
	mark := func(name string) {
		markMu.Lock()
		defer markMu.Unlock()
		s.ready[name] = time.Since(begin)
	}

	// Claim every port first, so that a port in use fails fast and names
	// itself before anything slow has started.
	reg, err := listen("Schema Registry", cfg.ports.SchemaRegistry)
	if err != nil {
		return s, err
	}
	s.servers = append(s.servers, reg)
	proxy, err := listen("REST Proxy", cfg.ports.RESTProxy)
	if err != nil {
		return s, err
	}
	s.servers = append(s.servers, proxy)
	conn, err := listen(connectName, cfg.ports.Connect)
	if err != nil {
		return s, err
	}
	s.servers = append(s.servers, conn)
	ksql, err := listen(ksqldbName, cfg.ports.KSQLDB)
	if err != nil {
		return s, err
	}
	s.servers = append(s.servers, ksql)

	if s.hosts == nil {
		s.hosts = newComposeHosts()
	}
	s.hosts.set(composeSchemaRegistry, reg.ln.Addr().String())
	s.hosts.set(composeRESTProxy, proxy.ln.Addr().String())
	s.hosts.set(composeConnect, conn.ln.Addr().String())
	s.hosts.set(composeKSQLDB, ksql.ln.Addr().String())

	g, gctx := errgroup.WithContext(ctx)
	if cfg.postgres {
		g.Go(func() error { return s.startPostgres(gctx, mark) })
	}
	g.Go(func() error {
		brokers, err := s.startBroker(gctx)
		if err != nil {
			return err
		}
		mark("kafka")
		s.hosts.set(composeKafka, brokers[0])
		r, err := registry.New(gctx, brokers, registry.WithLogger(s.log.With("service", "schema-registry")), registry.WithKafkaOptions(s.sec.kgoOpts()...))
		if err != nil {
			return fmt.Errorf("start schema registry: %w", err)
		}
		s.registry = r
		reg.serve(s.sec.guard(reg.name, r), s.cfg.limits(), s.log.With("service", "schema-registry"))
		mark("schema-registry")
		sg, sctx := errgroup.WithContext(gctx)
		sg.Go(func() error {
			p, err := restproxy.New(sctx, brokers, reg.url(), restproxy.WithLogger(s.log.With("service", "rest-proxy")),
				restproxy.WithKafkaOptions(s.sec.kgoOpts()...), restproxy.WithRegistryHTTPClient(s.sec.httpClient(30*time.Second)))
			if err != nil {
				return fmt.Errorf("start rest proxy: %w", err)
			}
			s.proxy = p
			proxy.serve(s.sec.guard(proxy.name, p), s.cfg.limits(), s.log.With("service", "rest-proxy"))
			mark("rest-proxy")
			return nil
		})
		sg.Go(func() error {
			w, err := connect.New(sctx, brokers, connect.WithLogger(s.log.With("service", "connect")), connect.WithWorkerID(conn.ln.Addr().String()), connect.WithHostResolver(s.hosts.resolve), connect.WithKafkaOptions(s.sec.kgoOpts()...))
			if err != nil {
				return fmt.Errorf("start kafka connect: %w", err)
			}
			s.connect = w
			conn.serve(s.sec.guard(conn.name, w), s.cfg.limits(), s.log.With("service", "connect"))
			mark("connect")
			return nil
		})
		sg.Go(func() error {
			k, err := ksqldb.New(sctx, brokers, reg.url(), s.ksqldbOptions()...)
			if err != nil {
				return fmt.Errorf("start ksqldb: %w", err)
			}
			s.ksqldb = k
			ksql.serve(s.sec.guard(ksql.name, k), s.cfg.limits(), s.log.With("service", "ksqldb"))
			mark("ksqldb")
			return nil
		})
		return sg.Wait()
	})
	if err := g.Wait(); err != nil {
		return s, err
	}
	s.endpoints = stack.Endpoints{
		Brokers:        s.brokers(),
		SchemaRegistry: reg.url(),
		RESTProxy:      proxy.url(),
		Connect:        conn.url(),
		KSQLDB:         ksql.url(),
	}
	s.actualPorts = Ports{Kafka: portOf(s.brokers()[0]), SchemaRegistry: portOf(reg.ln.Addr().String()), RESTProxy: portOf(proxy.ln.Addr().String()), Connect: portOf(conn.ln.Addr().String()), KSQLDB: portOf(ksql.ln.Addr().String())}
	if s.pg != nil {
		s.endpoints.Postgres = s.pg.URL(seed.Role, seed.Password, seed.Database)
		s.endpoints.PostgresFromConnect = fmt.Sprintf("jdbc:postgresql://%s/%s", s.pg.Addr(), seed.Database)
		s.actualPorts.Postgres = s.pg.Port()
	}
	if s.sec != nil {
		if err := s.writeClientFiles(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// startBroker starts the in-process broker, or checks that the broker
// given with WithBrokers answers, and returns the bootstrap addresses.
func (s *Stack) startBroker(ctx context.Context) ([]string, error) {
	if len(s.cfg.brokers) > 0 {
		if err := waitForBroker(ctx, s.cfg.brokers); err != nil {
			return nil, fmt.Errorf("start kafka: %w", err)
		}
		return s.brokers(), nil
	}
	opts := []broker.Option{broker.WithDataDir(filepath.Join(s.cfg.dataDir, "kafka")), broker.WithPort(s.cfg.ports.Kafka), broker.WithLogger(s.log.With("service", "kafka")), broker.WithRecovery(s.cfg.recover)}
	if s.sec != nil {
		o, err := s.sec.brokerOption()
		if err != nil {
			return nil, fmt.Errorf("start kafka: %w", err)
		}
		opts = append(opts, o)
	}
	b, err := broker.Start(ctx, opts...)
	if b != nil {
		s.broker = b
	}
	if err != nil {
		return nil, fmt.Errorf("start kafka: %w", err)
	}
	return s.brokers(), nil
}

// brokers returns the bootstrap addresses: the in-process broker's, or the
// ones given with WithBrokers.
func (s *Stack) brokers() []string {
	if s.broker != nil {
		return s.broker.Addrs()
	}
	return append([]string(nil), s.cfg.brokers...)
}

// waitForBroker waits until one of addrs accepts a TCP connection.
func waitForBroker(ctx context.Context, addrs []string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var d net.Dialer
	for {
		for _, a := range addrs {
			c, err := d.DialContext(ctx, "tcp", a)
			if err == nil {
				return c.Close()
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("reach the broker at %v: %w", addrs, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Stack) startPostgres(ctx context.Context, mark func(string)) error {
	seedName, err := seed.TemplateName()
	if err != nil {
		return err
	}
	// The cached cluster template holds the seeded database, so a copy
	// needs no CREATE DATABASE; Apply below then only checks it.
	seedTemplate := func(ctx context.Context, url string) error {
		_, err := seed.Apply(ctx, url)
		return err
	}
	pg, err := postgres.Start(ctx, postgres.WithDataDir(filepath.Join(s.cfg.dataDir, "postgres")), postgres.WithPort(s.cfg.ports.Postgres), postgres.WithLogger(s.log.With("service", "postgres")),
		postgres.WithTemplateSeed(seedName, seedTemplate))
	if pg != nil {
		s.pg = pg
		s.hosts.set(composePostgres, loopback(pg.Port()))
	}
	if err != nil {
		return err
	}
	if _, err := seed.Apply(ctx, pg.SuperuserURL("postgres")); err != nil {
		return fmt.Errorf("seed postgres: %w", err)
	}
	mark("postgres")
	return nil
}

// Endpoints returns where the services listen.
func (s *Stack) Endpoints() stack.Endpoints { return s.endpoints }

// ReadyAfter returns how long each service took to become ready, from the
// start of Start; keys are kafka, schema-registry, rest-proxy, connect,
// ksqldb and postgres.
func (s *Stack) ReadyAfter() map[string]time.Duration { return s.ready }

// Recovered returns the partitions the broker truncated at start because
// their log was corrupt (WithRecovery).
func (s *Stack) Recovered() []broker.Damage {
	if s.broker == nil {
		return nil
	}
	return s.broker.Recovered()
}

// DataDir returns the dir holding the stack's state.
func (s *Stack) DataDir() string { return s.cfg.dataDir }

// Postgres returns the PostgreSQL server, or nil without one. Fault tests
// stop and start it under a running connector.
func (s *Stack) Postgres() *postgres.Server { return s.pg }

// Close stops the services in reverse order of their dependencies: HTTP
// listeners, then the stand-ins' Kafka clients, then the broker, then
// PostgreSQL, and removes a temporary data dir. It is safe to call more than
// once.
func (s *Stack) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.closeErr = s.stop(ctx)
		if s.tempDir != "" {
			if err := os.RemoveAll(s.tempDir); err != nil {
				s.closeErr = errors.Join(s.closeErr, err)
			}
		}
	})
	return s.closeErr
}

// stop stops every service and keeps the data dir.
func (s *Stack) stop(ctx context.Context) error {
	var errs []error
	for _, sv := range s.servers {
		if err := sv.shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", sv.name, err))
		}
	}
	for _, c := range []interface{ Close() error }{nilIfNil(s.ksqldb), nilIfNil(s.connect), nilIfNil(s.proxy), nilIfNil(s.registry), nilIfNil(s.broker)} {
		if c != nil {
			if err := c.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if s.pg != nil {
		if err := s.pg.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop postgres: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Restart stops every service and starts them again on the same data dir and
// the same ports, as an operator restarting the platform would: whatever the
// real platform keeps across a restart must be there afterwards.
func (s *Stack) Restart(ctx context.Context) error {
	if err := s.stop(ctx); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	cfg := s.cfg
	cfg.ports = s.actualPorts
	fresh, err := start(ctx, cfg)
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	tempDir := s.tempDir
	s.broker, s.registry, s.proxy, s.connect, s.ksqldb, s.pg = fresh.broker, fresh.registry, fresh.proxy, fresh.connect, fresh.ksqldb, fresh.pg
	s.servers, s.endpoints, s.ready, s.actualPorts, s.hosts = fresh.servers, fresh.endpoints, fresh.ready, fresh.actualPorts, fresh.hosts
	s.tempDir = tempDir
	s.sec = fresh.sec
	return nil
}

// nilIfNil turns a typed nil pointer into a nil interface.
func nilIfNil[T any, P interface {
	*T
	Close() error
}](p P) interface{ Close() error } {
	if p == nil {
		return nil
	}
	return p
}

func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// StopKafka takes the in-process broker off the network as a stopped Kafka
// is: its port refuses connections and every client connection, the
// stand-ins' own included, is cut. Its data stays; StartKafka brings it
// back on the same port.
func (s *Stack) StopKafka(context.Context) error {
	if s.broker == nil {
		return errors.New("this stack uses a Kafka cluster of its own (WithBrokers), which it cannot stop")
	}
	return s.broker.StopListening()
}

// StartKafka puts the broker StopKafka took off the network back on its port.
func (s *Stack) StartKafka(context.Context) error {
	if s.broker == nil {
		return errors.New("this stack uses a Kafka cluster of its own (WithBrokers), which it cannot start")
	}
	return s.broker.StartListening()
}

// RestartKSQLDB stops the ksqlDB server cleanly and starts a new one on the
// same port, as an operator restarting ksqlDB would: the new server replays
// the command topic and resumes its persistent queries from their committed
// offsets. The other services keep running. Clients see connection errors
// while it restarts.
func (s *Stack) RestartKSQLDB(ctx context.Context) error {
	i := -1
	for j, sv := range s.servers {
		if sv.name == ksqldbName {
			i = j
		}
	}
	if i < 0 || s.ksqldb == nil {
		return errors.New("restart ksqldb: not running")
	}
	if err := s.servers[i].shutdown(ctx); err != nil {
		return fmt.Errorf("restart ksqldb: %w", err)
	}
	if err := s.ksqldb.Close(); err != nil {
		return fmt.Errorf("restart ksqldb: %w", err)
	}
	s.ksqldb = nil
	sv, err := listen(ksqldbName, s.actualPorts.KSQLDB)
	if err != nil {
		return fmt.Errorf("restart ksqldb: %w", err)
	}
	k, err := ksqldb.New(ctx, s.brokers(), s.endpoints.SchemaRegistry, s.ksqldbOptions()...)
	if err != nil {
		_ = sv.ln.Close()
		return fmt.Errorf("restart ksqldb: %w", err)
	}
	s.ksqldb = k
	sv.serve(s.sec.guard(sv.name, k), s.cfg.limits(), s.log.With("service", "ksqldb"))
	s.servers[i] = sv
	return nil
}

// ksqldbOptions are the ksqlDB server's options in this stack.
func (s *Stack) ksqldbOptions() []ksqldb.Option {
	opts := []ksqldb.Option{ksqldb.WithLogger(s.log.With("service", "ksqldb")), ksqldb.WithProcessingLog(),
		// the compose file's KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS
		ksqldb.WithSessionTimeout(10 * time.Second)}
	for _, sv := range s.servers {
		if sv.name == connectName {
			// ksql.connect.url: the connector statements go to this stack's worker
			opts = append(opts, ksqldb.WithConnectURL(sv.url()))
		}
	}
	if s.sec != nil {
		opts = append(opts, ksqldb.WithKafkaOptions(s.sec.kgoOpts()...), ksqldb.WithHTTPClient(s.sec.httpClient(30*time.Second)),
			ksqldb.WithConnectBasicAuthFile(s.sec.connectCredentials))
	}
	return opts
}

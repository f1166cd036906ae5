package containers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
	"golang.org/x/sync/errgroup"

	"github.com/ctalab/ctalab/lab/stack"
)

// Stack is a running container stack. Its zero value is an empty stack whose
// Close does nothing.
type Stack struct {
	log *slog.Logger

	mu         sync.Mutex
	network    *testcontainers.DockerNetwork
	containers []*testcontainers.DockerContainer
	endpoints  stack.Endpoints

	closeOnce sync.Once
	closeErr  error
}

var _ stack.Stack = (*Stack)(nil)

// Start starts the stack: a Docker network, then Kafka, PostgreSQL, Schema
// Registry, Kafka Connect (its image built with the JDBC connector), REST Proxy and
// ksqlDB on it, each waited for until it answers, and seeds PostgreSQL with
// the cta database and its stations table.
//
// On error Start returns the stack as far as it got together with the
// error, so that the caller's Close removes whatever was created; the
// returned *Stack is never nil. When no Docker engine answers, the error
// wraps ErrNoEngine and nothing is created.
func Start(ctx context.Context, opts ...Option) (*Stack, error) {
	s := &Stack{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg, err := newConfig(opts...)
	if err != nil {
		return s, fmt.Errorf("start containers: %w", err)
	}
	s.log = cfg.logger.With("component", "containers")
	if err := Available(ctx); err != nil {
		return s, fmt.Errorf("start containers: %w", err)
	}
	if !cfg.hostIPSet {
		host, err := EngineHost(ctx)
		if err != nil {
			return s, fmt.Errorf("start containers: %w", err)
		}
		cfg.hostIP = netip.MustParseAddr(PublishIP(host))
		s.log.Info("publishing ports", "engine_host", host, "host_ip", cfg.hostIP)
	}
	begin := time.Now()
	nw, err := network.New(ctx)
	if err != nil {
		return s, fmt.Errorf("create network: %w", err)
	}
	s.mu.Lock()
	s.network = nw
	s.mu.Unlock()
	s.log.Info("network created", "network", nw.Name)

	addrs, err := s.run(ctx, &cfg, nw)
	if err != nil {
		return s, err
	}
	s.mu.Lock()
	s.endpoints = endpoints(addrs)
	s.mu.Unlock()
	s.log.Info("stack ready", "took", time.Since(begin).Round(time.Millisecond))
	return s, nil
}

// run starts the plan's services, each as soon as those it needs are ready,
// and returns their host addresses by service name. The first failure
// cancels the others.
func (s *Stack) run(ctx context.Context, cfg *config, nw *testcontainers.DockerNetwork) (map[string]string, error) {
	steps := plan(cfg)
	ready := make(map[string]chan struct{}, len(steps))
	for _, st := range steps {
		ready[st.svc.name] = make(chan struct{})
	}
	var (
		mu    sync.Mutex
		addrs = make(map[string]string, len(steps))
	)
	g, gctx := errgroup.WithContext(ctx)
	for _, st := range steps {
		g.Go(func() error {
			for _, dep := range st.after {
				select {
				case <-ready[dep]:
				case <-gctx.Done():
					return fmt.Errorf("start %s: %w", st.svc.name, context.Cause(gctx))
				}
			}
			addr, err := s.startService(gctx, cfg, nw, st.svc)
			if err != nil {
				return err
			}
			if st.svc.name == postgresAlias {
				res, err := seedPostgres(gctx, addr)
				if err != nil {
					return err
				}
				s.log.Info("postgres seeded", "result", res)
			}
			mu.Lock()
			addrs[st.svc.name] = addr
			mu.Unlock()
			close(ready[st.svc.name])
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return addrs, nil
}

// startService runs one container and returns the host address of its
// published port. A container that was created is kept for Close even when
// it failed to become ready.
func (s *Stack) startService(ctx context.Context, cfg *config, nw *testcontainers.DockerNetwork, svc service) (string, error) {
	begin := time.Now()
	s.log.Info("starting container", "service", svc.name, "image", svc.image)
	c, err := testcontainers.Run(ctx, svc.image, svc.customizers(nw, cfg)...)
	if c != nil {
		s.mu.Lock()
		s.containers = append(s.containers, c)
		s.mu.Unlock()
	}
	if err != nil {
		return "", fmt.Errorf("start %s: %w", svc.name, err)
	}
	addr, err := c.PortEndpoint(ctx, tcpPort(svc.port), "")
	if err != nil {
		return "", fmt.Errorf("get %s address: %w", svc.name, err)
	}
	s.log.Info("container ready", "service", svc.name, "address", addr,
		"took", time.Since(begin).Round(time.Millisecond))
	return addr, nil
}

// Endpoints returns where the services listen, as the host reaches them.
// It is empty until Start has succeeded.
func (s *Stack) Endpoints() stack.Endpoints {
	if s == nil {
		return stack.Endpoints{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.endpoints
	e.Brokers = append([]string(nil), e.Brokers...)
	return e
}

// Close terminates every container the stack created, then removes its
// network. It is safe to call more than once and on a partial stack; later
// calls return the first call's result.
func (s *Stack) Close(ctx context.Context) error {
	if s == nil {
		return nil
	}
	s.closeOnce.Do(func() { s.closeErr = s.close(ctx) })
	return s.closeErr
}

func (s *Stack) close(ctx context.Context) error {
	s.mu.Lock()
	cs, nw := s.containers, s.network
	s.containers, s.network = nil, nil
	s.endpoints = stack.Endpoints{}
	s.mu.Unlock()

	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, c := range cs {
		wg.Go(func() {
			if err := c.Terminate(ctx); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("terminate container %s: %w", c.GetContainerID(), err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if nw != nil {
		if err := nw.Remove(ctx); err != nil {
			errs = append(errs, fmt.Errorf("remove network %s: %w", nw.Name, err))
		}
	}
	if len(cs) > 0 || nw != nil {
		s.log.Info("stack closed", "containers", len(cs))
	}
	return errors.Join(errs...)
}

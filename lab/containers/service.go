package containers

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	mobynet "github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	connectimage "github.com/ctalab/ctalab/deploy/connect"
)

// service is one container of the stack, described as data so that what it
// would run can be checked without a Docker engine.
type service struct {
	// name is the network alias, the docker-compose.yml service name and the
	// "service" attribute of log lines.
	name  string
	image string
	// port is the container port published to the host.
	port int
	env  map[string]string
	// entrypoint and cmd replace the image's when set.
	entrypoint []string
	cmd        []string
	// ready are the readiness checks, run in order, all bounded by the
	// startup timeout.
	ready []wait.Strategy
	// postStart runs once the container has started, before readiness.
	postStart testcontainers.ContainerHook
	// build, when set, builds image from deploy/connect/Dockerfile first.
	build *imageBuild
	// readyInHook makes the readiness checks run inside the postStart hook
	// (right after it succeeds) instead of as the container's wait strategy.
	readyInHook bool
}

// readiness is the service's readiness checks as one strategy bounded by
// timeout: each check gets the whole timeout unless it sets its own, and
// all of them together never take longer.
func (s service) readiness(timeout time.Duration) *wait.MultiStrategy {
	return wait.ForAll(s.ready...).WithStartupTimeoutDefault(timeout).WithDeadline(timeout)
}

// customizers are the testcontainers options that start s on nw.
func (s service) customizers(nw *testcontainers.DockerNetwork, cfg *config) []testcontainers.ContainerCustomizer {
	log := cfg.logger.With("service", s.name)
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(tcLogger{log}),
		testcontainers.WithExposedPorts(tcpPort(s.port)),
		// Publish on cfg.hostIP only (loopback by default); docker picks the
		// host port.
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			if hc.PortBindings == nil {
				hc.PortBindings = mobynet.PortMap{}
			}
			hc.PortBindings[mobynet.MustParsePort(tcpPort(s.port))] = []mobynet.PortBinding{{HostIP: cfg.hostIP}}
		}),
		testcontainers.WithEnv(s.env),
		network.WithNetwork([]string{s.name}, nw),
	}
	if s.build != nil {
		opts = append(opts, s.build.customizer())
	}
	if len(s.entrypoint) > 0 {
		opts = append(opts, testcontainers.WithEntrypoint(s.entrypoint...))
	}
	if len(s.cmd) > 0 {
		opts = append(opts, testcontainers.WithCmd(s.cmd...))
	}
	ready := s.readiness(cfg.startupTimeout)
	var hooks []testcontainers.ContainerHook
	if s.postStart != nil {
		hooks = append(hooks, s.postStart)
	}
	if s.readyInHook {
		name := s.name
		hooks = append(hooks, func(ctx context.Context, c testcontainers.Container) error {
			if err := ready.WaitUntilReady(ctx, c); err != nil {
				return fmt.Errorf("wait for %s: %w", name, err)
			}
			return nil
		})
	} else {
		opts = append(opts, testcontainers.CustomizeRequestOption(func(req *testcontainers.GenericContainerRequest) error {
			req.WaitingFor = ready
			return nil
		}))
	}
	if len(hooks) > 0 {
		opts = append(opts, testcontainers.WithAdditionalLifecycleHooks(testcontainers.ContainerLifecycleHooks{
			PostStarts: []testcontainers.ContainerHook{chainHooks(hooks)},
		}))
	}
	if cfg.containerLogs() {
		opts = append(opts, testcontainers.WithLogConsumers(logConsumer{log}))
	}
	return opts
}

// chainHooks runs hooks in order and stops at the first error
// (testcontainers runs every hook of a list even after one fails).
func chainHooks(hooks []testcontainers.ContainerHook) testcontainers.ContainerHook {
	return func(ctx context.Context, c testcontainers.Container) error {
		for _, h := range hooks {
			if err := h(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}
}

// imageBuild is the build of Connect's image from deploy/connect/Dockerfile
// (the docker engine's layer cache makes a rebuild instant and offline).
type imageBuild struct {
	// connector is the Confluent Hub id installed; empty keeps the
	// Dockerfile's default.
	connector string
}

func (b *imageBuild) customizer() testcontainers.ContainerCustomizer {
	return testcontainers.CustomizeRequestOption(func(req *testcontainers.GenericContainerRequest) error {
		ctx, err := connectimage.Context()
		if err != nil {
			return err
		}
		df := testcontainers.FromDockerfile{ContextArchive: ctx, Repo: connectimage.Repo, Tag: connectimage.Tag, KeepImage: true}
		if b.connector != "" {
			id := b.connector
			df.BuildArgs = map[string]*string{connectimage.ConnectorArg: &id}
		}
		req.FromDockerfile = df
		return nil
	})
}

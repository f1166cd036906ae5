package containers

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// EngineHost is the host at which this machine reaches the ports a Docker
// engine publishes, as testcontainers-go resolves it (DockerProvider's
// DaemonHost): TESTCONTAINERS_HOST_OVERRIDE when set; the host of a
// tcp:// DOCKER_HOST; for a unix socket, "localhost", or inside a container
// (Docker outside of Docker) the gateway of the engine's default network.
func EngineHost(ctx context.Context) (string, error) {
	p, err := testcontainers.NewDockerProvider(testcontainers.WithLogger(tclog.NewNoopLogger()))
	if err != nil {
		return "", fmt.Errorf("find the docker engine's host: %w", err)
	}
	defer func() { _ = p.Close() }() // a client of the engine, only asked
	h, err := p.DaemonHost(ctx)
	if err != nil {
		return "", fmt.Errorf("find the docker engine's host: %w", err)
	}
	return h, nil
}

// PublishIP is the host address to publish ports on for an engine whose
// published ports this machine reaches at host: loopback (127.0.0.1) when
// that is this machine's loopback, so nothing else reaches the lab;
// otherwise every interface (0.0.0.0), because the engine runs elsewhere (a
// remote engine, or the machine outside the container this runs in) and a
// loopback binding there is out of reach from here.
func PublishIP(host string) string {
	if isLoopback(host) {
		return "127.0.0.1"
	}
	return "0.0.0.0"
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

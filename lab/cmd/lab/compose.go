package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ctalab/ctalab/lab/containers"
)

// Variables docker-compose.yml reads for where ports are published and
// what Kafka advertises to clients outside the compose network.
const (
	envPublishHost    = "CTALAB_PUBLISH_HOST"
	envAdvertisedHost = "CTALAB_ADVERTISED_HOST"
)

// composeInstallHint says where Compose v2 comes from.
const composeInstallHint = "install the Docker Compose plugin, v2 or later (Debian/Ubuntu: the docker-compose-plugin package from Docker's apt repository; see https://docs.docker.com/compose/install/linux/), or run the embedded stack: bin/lab up --provider embedded"

// findCompose returns the command that runs Compose v2 or later: the
// docker CLI plugin ("docker compose") or the standalone binary
// ("docker-compose", which Compose v2 also ships as). Compose v1
// (docker-compose 1.x, e.g. Debian's 1.29) is refused: it cannot read
// docker-compose.yml (its top-level name: is a Compose v2 field).
func findCompose(ctx context.Context) ([]string, string, error) {
	version := func(cmd ...string) (string, error) {
		c := exec.CommandContext(ctx, cmd[0], append(cmd[1:], "version", "--short")...)
		var out bytes.Buffer
		c.Stdout = &out
		if err := c.Run(); err != nil {
			return "", err
		}
		return strings.TrimPrefix(strings.TrimSpace(out.String()), "v"), nil
	}
	if v, err := version("docker", "compose"); err == nil {
		return []string{"docker", "compose"}, v, nil
	}
	v, err := version("docker-compose")
	if err != nil {
		return nil, "", fmt.Errorf("no Docker Compose found (neither \"docker compose\" nor \"docker-compose\" answers): %s", composeInstallHint)
	}
	major, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(major); err == nil && n < 2 {
		return nil, v, fmt.Errorf("docker-compose %s is Compose v1, which cannot read docker-compose.yml (its top-level name: needs Compose v2 or later): %s", v, composeInstallHint)
	}
	return []string{"docker-compose"}, v, nil
}

// composeHosts are the publish address and the advertised host for the
// engine compose talks to, as testcontainers resolves the engine's host.
// Variables the user set win.
func composeHosts(ctx context.Context) (publish, advertise string, local bool, err error) {
	host, err := containers.EngineHost(ctx)
	if err != nil {
		return "", "", false, err
	}
	if host == "" {
		return "", "", false, errors.New("the Docker engine's host resolves to an empty name (is TESTCONTAINERS_HOST_OVERRIDE set but empty?)")
	}
	publish, advertise = containers.PublishIP(host), host
	local = publish == "127.0.0.1"
	if local {
		advertise = "localhost"
	}
	if v := os.Getenv(envPublishHost); v != "" {
		publish = v
	}
	if v := os.Getenv(envAdvertisedHost); v != "" {
		advertise = v
	}
	return publish, advertise, local, nil
}

// publishedPort is one host port docker-compose.yml publishes.
type publishedPort struct {
	service string
	port    int
}

// composePorts reads the host ports the compose file publishes
// ("[ip:]host:container" short syntax).
func composePorts(path string) ([]publishedPort, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var f struct {
		Services map[string]struct {
			Ports []string `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	var out []publishedPort
	for name, s := range f.Services {
		for _, p := range s.Ports {
			// Drop a ${VAR:-default} host address, then take host:container.
			if i := strings.LastIndex(p, "}"); i >= 0 {
				p = p[i+1:]
			}
			parts := strings.Split(strings.TrimPrefix(p, ":"), ":")
			if len(parts) < 2 {
				continue // container port only: the engine picks the host port
			}
			n, err := strconv.Atoi(parts[len(parts)-2])
			if err != nil {
				return nil, fmt.Errorf("%s: service %s publishes %q: not a host port", path, name, p)
			}
			out = append(out, publishedPort{name, n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].port < out[j].port })
	return out, nil
}

// checkPorts fails, naming the first taken port and its service, when one
// of the ports is already held on addr.
func checkPorts(addr string, ports []publishedPort) error {
	if addr == "0.0.0.0" {
		addr = ""
	}
	for _, p := range ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(p.port)))
		if err != nil {
			where := addr
			if where == "" {
				where = "0.0.0.0"
			}
			return fmt.Errorf("port %d (%s) is taken on %s: %w; stop what listens there (a local %s? an earlier lab: bin/lab down), or run the embedded stack on other ports: bin/lab up --provider embedded --port-offset 10000",
				p.port, p.service, where, err, p.service)
		}
		ln.Close()
	}
	return nil
}

// composeRun runs compose with the lab's compose file and the publish and
// advertise hosts in its environment.
func (l *labCtl) composeRun(ctx context.Context, cli []string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, cli[0], append(append(cli[1:], "-f", l.composeFile), args...)...)
	cmd.Stdout, cmd.Stderr = l.out, l.errOut
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", strings.Join(cli, " "), strings.Join(args, " "), err)
	}
	return nil
}

func (l *labCtl) composeUp(ctx context.Context) error {
	cli, version, err := findCompose(ctx)
	if err != nil {
		return err
	}
	publish, advertise, local, err := composeHosts(ctx)
	if err != nil {
		return err
	}
	if local {
		ports, err := composePorts(l.composeFile)
		if err != nil {
			return err
		}
		if err := checkPorts(publish, ports); err != nil {
			return err
		}
	}
	fmt.Fprintf(l.out, "Using %s (Compose %s); ports published on %s, Kafka advertised as %s:9092.\n", strings.Join(cli, " "), version, publish, advertise)
	begin := time.Now()
	env := []string{envPublishHost + "=" + publish, envAdvertisedHost + "=" + advertise}
	if err := l.composeRun(ctx, cli, env, "up", "-d", "--wait"); err != nil {
		return fmt.Errorf("%w\n(what did start keeps running until \"bin/lab down\", which stops it even without a recorded lab)", err)
	}
	d := time.Since(begin)
	host := advertise
	if local {
		host = "127.0.0.1"
	}
	st := state{Provider: "compose", Started: time.Now().UTC(), Endpoints: l.standardEndpointsOn(host), ReadyMS: map[string]int64{}}
	st.Endpoints.PostgresFromConnect = "jdbc:postgresql://postgres:5432/cta"
	for _, n := range serviceOrder {
		st.ReadyMS[n] = d.Milliseconds()
	}
	if err := writeState(l.statePath(), st); err != nil {
		return err
	}
	fmt.Fprintf(l.out, "The Confluent Platform is ready after %.1fs (docker compose healthchecks):\n", d.Seconds())
	printEndpoints(l.out, &st)
	return nil
}

// composeDown stops what compose started for the compose file's project
// (compose finds the containers by their project label, so no state is
// needed); volumes also removes the named volumes, the lab's data.
func (l *labCtl) composeDown(ctx context.Context, volumes bool) error {
	cli, _, err := findCompose(ctx)
	if err != nil {
		return err
	}
	args := []string{"down"}
	if volumes {
		args = append(args, "--volumes")
	}
	return l.composeRun(ctx, cli, nil, args...)
}

// downWithoutRecord is "lab down" when no lab is recorded: when a Docker
// engine answers (and the provider is not embedded), compose is asked to
// stop its project anyway, since an "up" that failed half-way records
// nothing but may have left containers running.
func (l *labCtl) downWithoutRecord(ctx context.Context) error {
	if l.provider == "embedded" || (l.provider == "auto" && os.Getenv("LAB_STACK") == "embedded") {
		fmt.Fprintln(l.out, "The lab is not up.")
		return nil
	}
	if err := containers.Available(ctx); err != nil {
		if l.provider == "compose" || os.Getenv("LAB_STACK") == "containers" {
			return fmt.Errorf("no lab is recorded in %s and %w", l.dir, err)
		}
		fmt.Fprintln(l.out, "The lab is not up.")
		return nil
	}
	if err := l.composeDown(ctx, l.volumes); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("no lab is recorded in %s; stopping the compose project anyway failed: %w", l.dir, err)
	}
	fmt.Fprintf(l.out, "No lab is recorded in %s; docker compose stopped whatever its project ran.\n", l.dir)
	return nil
}

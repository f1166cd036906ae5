package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/containers"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/labstate"
	"github.com/ctalab/ctalab/lab/stack"
)

// errInterrupted is a start-up cut short by Ctrl-C or SIGTERM.
var errInterrupted = errors.New("interrupted")

// labCtl carries the flags of one invocation.
type labCtl struct {
	dir, provider, composeFile string
	// portOffset is added to every standard port of the embedded stack.
	portOffset int
	// brokers, when set, are the Kafka brokers serve uses instead of its own.
	brokers []string
	// recover lets serve truncate a corrupt Kafka log instead of refusing it.
	recover bool
	// secure starts the embedded stack in secured mode.
	secure bool
	// volumes makes down on compose remove the named volumes (the data).
	volumes bool
	// listen is the web console's address (default loopback, port 9021
	// plus the offset); dashboard is the CTA dashboard's URL it reads.
	listen, dashboard string
	out, errOut       io.Writer
}

// ports are the embedded stack's ports: the standard ones plus the offset.
func (l *labCtl) ports() embedded.Ports { return embedded.StandardPorts.Shifted(l.portOffset) }

// state is what a running lab leaves in <data-dir>/lab.json.
type state = labstate.State

func (l *labCtl) statePath() string { return labstate.Path(l.dir) }
func (l *labCtl) logPath() string   { return filepath.Join(l.dir, "lab.log") }

func (l *labCtl) readState() (*state, error) {
	b, err := os.ReadFile(l.statePath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, &badStateError{path: l.statePath(), err: err}
	}
	if s.Provider != "embedded" && s.Provider != "compose" {
		return nil, &badStateError{path: l.statePath(), err: fmt.Errorf("provider %q: want embedded or compose", s.Provider)}
	}
	return &s, nil
}

// badStateError is a state file that cannot be read as one.
type badStateError struct {
	path string
	err  error
}

func (e *badStateError) Error() string {
	return fmt.Sprintf("%s is not a lab state file (%v); \"lab down\" stops whatever lab serves this data dir and removes the file", e.path, e.err)
}

func (e *badStateError) Unwrap() error { return e.err }

// writeState writes the state readable by its owner only: it holds the
// PostgreSQL superuser's password.
func writeState(path string, s state) error {
	b, _ := json.MarshalIndent(s, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func alive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil && !zombie(pid)
}

// zombie reports whether pid has exited but not been reaped.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] == 'Z'
	}
	return false
}

// useCompose decides between docker compose and the embedded stack:
// --provider, else LAB_STACK (containers or embedded), else compose when a
// Docker engine answers.
func (l *labCtl) useCompose(ctx context.Context) (bool, string, error) {
	switch l.provider {
	case "compose":
		if err := containers.Available(ctx); err != nil {
			return false, "", fmt.Errorf("--provider compose: %w", err)
		}
		return true, "--provider compose", nil
	case "embedded":
		return false, "--provider embedded", nil
	}
	switch v := os.Getenv("LAB_STACK"); v {
	case "containers":
		if err := containers.Available(ctx); err != nil {
			return false, "", fmt.Errorf("LAB_STACK=containers asks for the Confluent Platform containers, but %w; start Docker or point DOCKER_HOST at an engine, or unset LAB_STACK for the embedded stack", err)
		}
		return true, "LAB_STACK=containers", nil
	case "embedded":
		return false, "LAB_STACK=embedded", nil
	case "external":
		return false, "", errors.New("LAB_STACK=external names a stack that runs elsewhere, which bin/lab does not start; unset LAB_STACK, or give --provider compose or --provider embedded")
	case "":
	default:
		return false, "", fmt.Errorf("LAB_STACK=%q: want embedded, containers or external", v)
	}
	if err := containers.Available(ctx); err != nil {
		return false, err.Error(), nil
	}
	return true, "a Docker engine answers", nil
}

func (l *labCtl) up(ctx context.Context) error {
	if l.provider != "auto" && l.provider != "compose" && l.provider != "embedded" {
		return fmt.Errorf("--provider %q: want auto, compose or embedded", l.provider)
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return err
	}
	st, err := l.readState()
	var bad *badStateError
	if errors.As(err, &bad) {
		if pids := l.servingPIDs(); len(pids) > 0 {
			return fmt.Errorf("a lab (pid %s) serves %s, but %w", joinPIDs(pids), l.dir, err)
		}
		aside := l.statePath() + ".unreadable"
		if rerr := os.Rename(l.statePath(), aside); rerr != nil {
			return fmt.Errorf("%w; moving it aside failed: %w", err, rerr)
		}
		fmt.Fprintf(l.errOut, "%s was not a lab state file (%v) and no lab serves this data dir; moved it to %s\n", l.statePath(), bad.err, aside)
		st, err = nil, nil
	}
	if err != nil {
		return err
	} else if st != nil && (st.Provider == "compose" || alive(st.PID)) {
		fmt.Fprintf(l.out, "The lab is already up (%s%s, started %s).\n", st.Provider, pidText(st.PID), st.Started.Format(time.RFC3339))
		printEndpoints(l.out, st)
		return nil
	} else if st != nil {
		fmt.Fprintf(l.errOut, "removing the state of a lab that is no longer running (pid %d)\n", st.PID)
		_ = os.Remove(l.statePath())
	}
	errSecureCompose := errors.New("--secure: the secured mode is the embedded stack's; docker-compose.yml starts the Confluent Platform without TLS or authentication (use --provider embedded)")
	if l.secure && l.provider == "compose" {
		return errSecureCompose // refused before looking for an engine
	}
	compose, why, err := l.useCompose(ctx)
	if err != nil {
		return err
	}
	if compose && l.portOffset != 0 {
		return fmt.Errorf("--port-offset %d: docker compose uses the standard ports; the offset applies to the embedded stack (--provider embedded)", l.portOffset)
	}
	if compose && l.secure {
		return errSecureCompose
	}
	if compose {
		fmt.Fprintf(l.out, "Starting the Confluent Platform with docker compose (%s)...\n", why)
		return l.composeUp(ctx)
	}
	fmt.Fprintf(l.out, "Starting the embedded stack (%s)...\n", why)
	return l.embeddedUp(ctx)
}

func pidText(pid int) string {
	if pid == 0 {
		return ""
	}
	return fmt.Sprintf(", pid %d", pid)
}

func (l *labCtl) embeddedUp(ctx context.Context) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	logf, err := os.OpenFile(l.logPath(), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer func() { _ = logf.Close() }() // the child writes through its own descriptor
	begin := time.Now()
	args := []string{"serve", "--data-dir", l.dir, "--port-offset", strconv.Itoa(l.portOffset), "--recover=" + strconv.FormatBool(l.recover), "--secure=" + strconv.FormatBool(l.secure)}
	if l.listen != "" {
		args = append(args, "--listen", l.listen)
	}
	if l.dashboard != "" {
		args = append(args, "--dashboard", l.dashboard)
	}
	cmd := exec.Command(exe, args...)
	// The child keeps the name it was called by, so that "lab down" finds
	// it by its command line when the state file is unreadable.
	cmd.Args[0] = os.Args[0]
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the embedded stack: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("the embedded stack exited (%w) before it was ready; its log %s ends with:\n%s", err, l.logPath(), tail(l.logPath(), 15))
		case <-deadline.C:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return fmt.Errorf("the embedded stack was not ready after 2 minutes; see %s", l.logPath())
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGTERM)
			return fmt.Errorf("%w while the embedded stack was starting; it is told to stop (log in %s)", errInterrupted, l.logPath())
		case <-tick.C:
			st, err := l.readState()
			if err != nil || st == nil || st.PID != cmd.Process.Pid {
				continue
			}
			fmt.Fprintf(l.out, "The embedded stack is ready after %.2fs (pid %d, data in %s, log in %s).\n", time.Since(begin).Seconds(), st.PID, l.dir, l.logPath())
			printEndpoints(l.out, st)
			return nil
		}
	}
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var serviceOrder = []string{"kafka", "schema-registry", "rest-proxy", "connect", "ksqldb", "postgres"}

func endpointOf(e stack.Endpoints, name string) string {
	switch name {
	case "kafka":
		return strings.Join(e.Brokers, ",")
	case "schema-registry":
		return e.SchemaRegistry
	case "rest-proxy":
		return e.RESTProxy
	case "connect":
		return e.Connect
	case "ksqldb":
		return e.KSQLDB
	case "postgres":
		return e.Postgres
	}
	return ""
}

func printEndpoints(w io.Writer, st *state) {
	for _, name := range serviceOrder {
		ep := endpointOf(st.Endpoints, name)
		if ep == "" {
			ep = "not available"
		}
		ready := ""
		if ms, ok := st.ReadyMS[name]; ok {
			ready = fmt.Sprintf("ready after %.2fs", float64(ms)/1000)
		}
		fmt.Fprintf(w, "  %-16s %-58s %s\n", name, ep, ready)
	}
	if st.Endpoints.PostgresFromConnect != "" {
		fmt.Fprintf(w, "  %-16s %s\n", "jdbc (connect)", st.Endpoints.PostgresFromConnect)
	}
	if st.PostgresSuperuser != "" {
		fmt.Fprintf(w, "  %-16s %s\n", "postgres (admin)", st.PostgresSuperuser)
	}
	if st.Console != "" {
		fmt.Fprintf(w, "  %-16s %s\n", "console", st.Console)
	}
	printSecured(w, st)
	printRecovered(w, st)
}

// printSecured tells how to reach a secured lab.
func printSecured(w io.Writer, st *state) {
	if st.ClientProperties == "" {
		return
	}
	fmt.Fprintf(w, "The lab is secured (Kafka SASL_SSL, HTTP basic auth). Client properties:\n")
	fmt.Fprintf(w, "  %-16s %s\n", "client config", st.ClientProperties)
	fmt.Fprintf(w, "  %-16s %s\n", "librdkafka", st.LibrdkafkaProperties)
	fmt.Fprintf(w, "  go run ./app serve --client-config %s\n", st.ClientProperties)
	fmt.Fprintf(w, "  kcat -F %s -L\n", st.LibrdkafkaProperties)
}

// printRecovered lists what a --recover start truncated.
func printRecovered(w io.Writer, st *state) {
	if len(st.Recovered) == 0 {
		return
	}
	fmt.Fprintf(w, "The Kafka log was corrupt and has been recovered by truncation; records were lost in %d partition(s):\n", len(st.Recovered))
	for _, r := range st.Recovered {
		fmt.Fprintf(w, "  %s\n", r)
	}
}

// serve runs the embedded stack in the foreground until interrupted.
func (l *labCtl) serve(ctx context.Context) error {
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(l.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dataDir, err := filepath.Abs(filepath.Join(l.dir, "data"))
	if err != nil {
		return err
	}
	opts := []embedded.Option{embedded.WithDataDir(dataDir), embedded.WithPorts(l.ports()), embedded.WithLogger(log), embedded.WithRecovery(l.recover)}
	if len(l.brokers) > 0 {
		opts = append(opts, embedded.WithBrokers(l.brokers...))
	}
	if l.secure {
		opts = append(opts, embedded.WithSecurity())
	}
	s, err := embedded.Start(ctx, opts...)
	if err != nil && ctx.Err() != nil {
		// Interrupted: what the half-started services printed is noise.
		return fmt.Errorf("%w while the embedded stack was starting", errInterrupted)
	}
	if err != nil {
		return err
	}
	ctl, err := startControl(s, log.With("service", "control"))
	if err != nil {
		_ = s.Close(context.Background())
		return err
	}
	cctx, stopConsole := context.WithCancel(ctx)
	defer stopConsole()
	var consoleURL string
	var consoleDone <-chan error
	var creds *clientconf.Config
	if l.secure {
		c := s.ClientConfig()
		creds = &c
	}
	if consoleURL, consoleDone, err = l.startConsole(cctx, s.Endpoints(), ctl.url(), creds, log.With("service", "console")); err != nil {
		_ = ctl.close(context.Background())
		_ = s.Close(context.Background())
		return err
	}
	st := state{Provider: "embedded", PID: os.Getpid(), Started: time.Now().UTC(), Endpoints: s.Endpoints(), ReadyMS: map[string]int64{}, Control: ctl.url(), Console: consoleURL}
	for k, d := range s.ReadyAfter() {
		st.ReadyMS[k] = d.Milliseconds()
	}
	if pg := s.Postgres(); pg != nil {
		st.PostgresSuperuser = pg.SuperuserURL("postgres")
	}
	for _, d := range s.Recovered() {
		st.Recovered = append(st.Recovered, d.String())
	}
	st.ClientProperties, st.LibrdkafkaProperties = s.ClientProperties(), s.LibrdkafkaProperties()
	if err := writeState(l.statePath(), st); err != nil {
		_ = ctl.close(context.Background())
		_ = s.Close(context.Background())
		return err
	}
	log.Info("embedded stack ready", "endpoints", fmt.Sprintf("%+v", st.Endpoints))
	if pg := s.Postgres(); pg != nil {
		// Now that the lab is up: the next lab takes the spare instead of
		// copying PostgreSQL's cluster template.
		pg.PrepareSpare()
	}
	select {
	case <-ctx.Done():
	case err := <-consoleDone:
		log.Error("the console stopped; stopping the lab", "err", err)
	}
	log.Info("stopping the embedded stack")
	stopConsole()
	cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = errors.Join(ctl.close(cctx), s.Close(cctx))
	if cur, _ := l.readState(); cur != nil && cur.PID == os.Getpid() {
		_ = os.Remove(l.statePath())
	}
	return err
}

func (l *labCtl) down(ctx context.Context) error {
	st, err := l.readState()
	if bad := (*badStateError)(nil); errors.As(err, &bad) {
		return l.downWithoutState(ctx, bad)
	}
	if err != nil {
		return err
	}
	if st == nil {
		return l.downWithoutRecord(ctx)
	}
	if st.Provider == "compose" {
		if err := l.composeDown(ctx, l.volumes); err != nil {
			return err
		}
		_ = os.Remove(l.statePath())
		if l.volumes {
			fmt.Fprintln(l.out, "The lab is down; its volumes (Kafka's and PostgreSQL's data) are removed.")
		} else {
			fmt.Fprintln(l.out, "The lab is down; Kafka's and PostgreSQL's data stay in their volumes (lab down --volumes removes them).")
		}
		return nil
	}
	if !alive(st.PID) {
		_ = os.Remove(l.statePath())
		fmt.Fprintf(l.out, "The lab was not running (stale pid %d); cleaned up.\n", st.PID)
		return nil
	}
	begin := time.Now()
	if err := l.stopPID(ctx, st.PID); err != nil {
		return err
	}
	_ = os.Remove(l.statePath())
	fmt.Fprintf(l.out, "The lab is down (stopped in %.2fs).\n", time.Since(begin).Seconds())
	return nil
}

// stopPID asks pid to stop and waits until it has; after 45 s it is killed.
func (l *labCtl) stopPID(ctx context.Context, pid int) error {
	begin := time.Now()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop pid %d: %w", pid, err)
	}
	for alive(pid) {
		if time.Since(begin) > 45*time.Second {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return fmt.Errorf("pid %d did not stop within 45s and was killed; see %s", pid, l.logPath())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// downWithoutState stops the lab when its state file is unreadable: the
// processes serving this data dir are found by their command line.
func (l *labCtl) downWithoutState(ctx context.Context, bad *badStateError) error {
	begin := time.Now()
	pids := l.servingPIDs()
	for _, pid := range pids {
		if err := l.stopPID(ctx, pid); err != nil {
			return err
		}
	}
	if err := os.Remove(l.statePath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the unreadable %s: %w", l.statePath(), err)
	}
	if len(pids) == 0 {
		fmt.Fprintf(l.out, "No lab serves %s; removed its unreadable state file %s (%v).\n", l.dir, l.statePath(), bad.err)
		return nil
	}
	fmt.Fprintf(l.out, "The lab is down (pid %s, stopped in %.2fs); its state file %s was unreadable (%v) and is removed.\n",
		joinPIDs(pids), time.Since(begin).Seconds(), l.statePath(), bad.err)
	return nil
}

func (l *labCtl) status(ctx context.Context) error {
	st, err := l.readState()
	var bad *badStateError
	if err != nil && !errors.As(err, &bad) {
		return err
	}
	e := l.standardEndpoints()
	switch {
	case bad != nil:
		fmt.Fprintf(l.out, "%v.\nProbing the standard ports:\n", bad)
	case st == nil:
		fmt.Fprintln(l.out, "No lab started by this command is recorded; probing the standard ports:")
	case st.Provider == "compose" || alive(st.PID):
		fmt.Fprintf(l.out, "The lab is up (%s%s, started %s):\n", st.Provider, pidText(st.PID), st.Started.Format(time.RFC3339))
		e = st.Endpoints
	default:
		fmt.Fprintf(l.out, "The lab recorded in %s is not running (pid %d); probing the standard ports:\n", l.statePath(), st.PID)
	}
	var creds *clientconf.Config
	if st != nil && st.ClientProperties != "" && alive(st.PID) {
		var v clientconf.Values
		if err := v.LoadFile(st.ClientProperties); err != nil {
			return err
		}
		c, err := v.Resolve()
		if err != nil {
			return err
		}
		creds = &c
	}
	results := probeAll(ctx, e, creds)
	var down []string
	for _, n := range serviceOrder {
		fmt.Fprintf(l.out, "  %-16s %-58s %s\n", n, orNA(endpointOf(e, n)), results[n])
		if r := results[n]; r != "up" && r != "not available" {
			down = append(down, n)
		}
	}
	if st != nil && (st.Provider == "compose" || alive(st.PID)) {
		if st.PostgresSuperuser != "" {
			fmt.Fprintf(l.out, "  %-16s %s\n", "postgres (admin)", st.PostgresSuperuser)
		}
		printSecured(l.out, st)
		printRecovered(l.out, st)
	}
	if len(down) > 0 {
		return fmt.Errorf("%d of %d services do not answer as up: %s", len(down), len(serviceOrder), strings.Join(down, ", "))
	}
	return nil
}

func orNA(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (l *labCtl) standardEndpoints() stack.Endpoints { return l.standardEndpointsOn("127.0.0.1") }

// standardEndpointsOn are the standard ports (plus the offset) on host.
func (l *labCtl) standardEndpointsOn(host string) stack.Endpoints {
	p := l.ports()
	at := func(port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
	return stack.Endpoints{
		Brokers:        []string{at(p.Kafka)},
		SchemaRegistry: "http://" + at(p.SchemaRegistry),
		RESTProxy:      "http://" + at(p.RESTProxy),
		Connect:        "http://" + at(p.Connect),
		KSQLDB:         "http://" + at(p.KSQLDB),
		Postgres:       "postgres://cta_admin:chicago@" + at(p.Postgres) + "/cta",
	}
}

// probeAll checks every service: a TCP connect for Kafka and PostgreSQL, an
// HTTP GET answered with 200 for the HTTP services.
//
// With creds (a secured lab), the HTTP probes send its basic auth.
func probeAll(ctx context.Context, e stack.Endpoints, creds *clientconf.Config) map[string]string {
	hc := &http.Client{Timeout: 2 * time.Second}
	httpProbe := func(base, path string) string {
		if base == "" {
			return "not available"
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if creds != nil {
			for _, s := range creds.Services() {
				if s.URL == base && s.Username != "" {
					req.SetBasicAuth(s.Username, s.Password)
				}
			}
		}
		resp, err := hc.Do(req)
		if err != nil {
			return "down"
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Sprintf("answers %d to GET %s", resp.StatusCode, path)
		}
		return "up"
	}
	tcpProbe := func(addr string) string {
		if addr == "" {
			return "not available"
		}
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return "down"
		}
		c.Close()
		return "up"
	}
	pgAddr := ""
	if e.Postgres != "" {
		pgAddr = hostPort(e.Postgres)
	}
	kafka := ""
	if len(e.Brokers) > 0 {
		kafka = e.Brokers[0]
	}
	return map[string]string{
		"kafka":           tcpProbe(kafka),
		"schema-registry": httpProbe(e.SchemaRegistry, "/subjects"),
		"rest-proxy":      httpProbe(e.RESTProxy, "/topics"),
		"connect":         httpProbe(e.Connect, "/"),
		"ksqldb":          httpProbe(e.KSQLDB, "/info"),
		"postgres":        tcpProbe(pgAddr),
	}
}

func hostPort(pgURL string) string {
	s := pgURL[strings.Index(pgURL, "@")+1:]
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	return s
}

package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// APIVersion is the Engine API version the stand-in reports (Docker 27).
const APIVersion = "1.47"

// Call is one request a client made, its path without the /v1.xx prefix.
type Call struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
	// Known is false for a request the stand-in does not implement.
	Known bool
}

func (c Call) String() string {
	s := c.Method + " " + c.Path
	if len(c.Query) > 0 {
		s += "?" + c.Query.Encode()
	}
	return s
}

// Behaviour is what a started container does, as far as the engine shows.
type Behaviour struct {
	// Logs is the container's output, available once it has started.
	Logs string
	// Health is the healthcheck status a started container with a
	// healthcheck reports: "healthy" when empty, or "unhealthy", "starting".
	Health string
	// Exit makes the container exit with ExitCode right after it starts.
	Exit     bool
	ExitCode int
	// Serve handles the connections to a published port that the engine
	// bound (host port left to the engine), by container port ("8081/tcp").
	// A port without a handler accepts connections and closes them.
	Serve map[string]func(net.Conn)
	// ExecExitCode is the exit code of every exec in the container.
	ExecExitCode int
}

// Script decides how a container behaves when it starts.
type Script func(c ContainerView) Behaviour

// Option configures New.
type Option func(*Engine)

// WithScript sets the containers' behaviour. Default: healthy, no logs.
func WithScript(s Script) Option { return func(e *Engine) { e.script = s } }

// WithLogger logs every request at debug level. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// WithImages makes the engine hold these images already (no pull needed).
func WithImages(refs ...string) Option {
	return func(e *Engine) {
		for _, r := range refs {
			e.images[normalizeRef(r)] = &image{id: newID(), ref: normalizeRef(r)}
		}
	}
}

// WithAddr sets the TCP address the engine listens on. Default:
// 127.0.0.1:0. A non-loopback address makes the engine look remote to its
// clients (they reach published ports at that address).
func WithAddr(addr string) Option { return func(e *Engine) { e.addr = addr } }

// WithUnixSocket makes the engine listen on a Unix socket at path instead of
// TCP, as a local Docker engine does (DOCKER_HOST=unix://<path>). Host then
// returns unix://<path>.
func WithUnixSocket(path string) Option { return func(e *Engine) { e.socket = path } }

// WithBridgeGateway sets the gateway the default "bridge" network reports
// in its IPAM configuration (the address at which a container on it
// reaches the engine's host). Default: 172.17.0.1, Docker's default.
func WithBridgeGateway(ip string) Option { return func(e *Engine) { e.bridgeGateway = ip } }

// WithRegistry sets which images a pull finds: a pull of a reference for
// which has returns false fails as a registry without the repository does.
// Default: every image can be pulled.
func WithRegistry(has func(ref string) bool) Option { return func(e *Engine) { e.registry = has } }

// Engine is a running stand-in engine.
type Engine struct {
	log    *slog.Logger
	script Script
	srv    *http.Server
	ln     net.Listener
	addr   string
	// socket is the Unix socket path the engine listens on instead of
	// addr, when set.
	socket        string
	bridgeGateway string
	// registry tells which images a pull finds.
	registry func(ref string) bool

	mu         sync.Mutex
	calls      []Call
	images     map[string]*image
	containers map[string]*container
	networks   map[string]*network
	volumes    map[string]*volume
	execs      map[string]*execInstance
	events     []event
	changed    chan struct{} // closed and replaced on every state change
	seq        int           // starts so far

	removedNetworks []NetworkView
	removedVolumes  []VolumeView
}

// New starts a stand-in engine on 127.0.0.1 (or WithAddr's address) on an
// ephemeral port. Close
// stops it and every listener of a published port.
func New(opts ...Option) (*Engine, error) {
	e := &Engine{
		log:           slog.New(slog.DiscardHandler),
		script:        func(ContainerView) Behaviour { return Behaviour{} },
		images:        map[string]*image{},
		containers:    map[string]*container{},
		networks:      map[string]*network{},
		volumes:       map[string]*volume{},
		execs:         map[string]*execInstance{},
		changed:       make(chan struct{}),
		addr:          "127.0.0.1:0",
		bridgeGateway: "172.17.0.1",
		registry:      func(string) bool { return true },
	}
	for _, o := range opts {
		o(e)
	}
	e.addNetwork(&network{id: newID(), name: "bridge", driver: "bridge", labels: map[string]string{},
		subnet: bridgeSubnet(e.bridgeGateway), gateway: e.bridgeGateway})
	e.addNetwork(&network{id: newID(), name: "host", driver: "host", labels: map[string]string{}})
	e.addNetwork(&network{id: newID(), name: "none", driver: "null", labels: map[string]string{}})
	network, addr := "tcp", e.addr
	if e.socket != "" {
		network, addr = "unix", e.socket
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	e.ln = ln
	e.srv = &http.Server{Handler: http.HandlerFunc(e.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	return e, nil
}

// Host is the engine's address as DOCKER_HOST takes it: tcp://127.0.0.1:port,
// or unix://<path> with WithUnixSocket.
func (e *Engine) Host() string {
	if e.socket != "" {
		return "unix://" + e.socket
	}
	return "tcp://" + e.ln.Addr().String()
}

// bridgeSubnet is the /16 (IPv4) or /64 (IPv6) around a gateway address,
// or "" for an address that does not parse.
func bridgeSubnet(gateway string) string {
	a, err := netip.ParseAddr(gateway)
	if err != nil {
		return ""
	}
	bits := 16
	if a.Is6() && !a.Is4In6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

// Close stops the engine and closes every published port's listener.
func (e *Engine) Close() error {
	e.mu.Lock()
	for _, c := range e.containers {
		c.closeListeners()
		c.stopped()
	}
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.srv.Shutdown(ctx)
	return e.srv.Close()
}

// Calls returns every request so far, in order.
func (e *Engine) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Call(nil), e.calls...)
}

// Unknown returns the requests the stand-in did not implement.
func (e *Engine) Unknown() []Call {
	var out []Call
	for _, c := range e.Calls() {
		if !c.Known {
			out = append(out, c)
		}
	}
	return out
}

// notify wakes whoever waits for a state change; e.mu is held.
func (e *Engine) notify() {
	close(e.changed)
	e.changed = make(chan struct{})
}

var versionPrefix = regexp.MustCompile(`^/v1\.[0-9]+(/|$)`)

func (e *Engine) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if m := versionPrefix.FindString(path); m != "" {
		path = "/" + strings.TrimPrefix(path[len(m):], "/")
		if path == "/" && !strings.HasSuffix(m, "/") {
			path = "/"
		}
	}
	var body []byte
	if r.Body != nil && !isBinaryUpload(r.Method, path) {
		body, _ = io.ReadAll(r.Body)
	}
	call := Call{Method: r.Method, Path: path, Query: r.URL.Query(), Body: body}
	h := e.route(r.Method, path)
	call.Known = h != nil
	e.mu.Lock()
	e.calls = append(e.calls, call)
	e.mu.Unlock()
	e.log.Debug("engine request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery)
	w.Header().Set("Api-Version", APIVersion)
	w.Header().Set("Docker-Experimental", "false")
	w.Header().Set("Ostype", "linux")
	w.Header().Set("Server", "Docker/27.5.1 (linux)")
	if h == nil {
		writeError(w, http.StatusNotFound, "page not found")
		return
	}
	h(w, r, body)
}

// isBinaryUpload is a request whose body is a tar stream read by the handler.
func isBinaryUpload(method, path string) bool {
	return (method == http.MethodPut && strings.HasSuffix(path, "/archive")) || (method == http.MethodPost && path == "/build")
}

type handler func(w http.ResponseWriter, r *http.Request, body []byte)

// route finds the handler of a request, or nil.
func (e *Engine) route(method, path string) handler {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/_ping":
		return e.ping
	case path == "/version" && method == http.MethodGet:
		return e.version
	case path == "/info" && method == http.MethodGet:
		return e.info
	case path == "/events" && method == http.MethodGet:
		return e.eventsStream
	case seg[0] == "images":
		return e.routeImages(method, path, seg)
	case path == "/build" && method == http.MethodPost:
		return e.build
	case seg[0] == "containers":
		return e.routeContainers(method, seg)
	case seg[0] == "exec" && len(seg) == 3:
		switch {
		case method == http.MethodPost && seg[2] == "start":
			return e.execStart(seg[1])
		case method == http.MethodGet && seg[2] == "json":
			return e.execInspect(seg[1])
		case method == http.MethodPost && seg[2] == "resize":
			return func(w http.ResponseWriter, _ *http.Request, _ []byte) { w.WriteHeader(http.StatusOK) }
		}
	case seg[0] == "networks":
		return e.routeNetworks(method, seg)
	case seg[0] == "volumes":
		return e.routeVolumes(method, seg)
	}
	return nil
}

func (e *Engine) ping(w http.ResponseWriter, r *http.Request, _ []byte) {
	w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Builder-Version", "1")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = io.WriteString(w, "OK")
}

func (e *Engine) version(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, http.StatusOK, map[string]any{
		"Platform":      map[string]string{"Name": "Docker Engine - Community"},
		"Components":    []map[string]any{{"Name": "Engine", "Version": "27.5.1", "Details": map[string]string{"ApiVersion": APIVersion, "MinAPIVersion": "1.24", "Os": "linux", "Arch": "amd64"}}},
		"Version":       "27.5.1",
		"ApiVersion":    APIVersion,
		"MinAPIVersion": "1.24",
		"GitCommit":     "enginetest",
		"GoVersion":     "go1.22",
		"Os":            "linux",
		"Arch":          "amd64",
		"KernelVersion": "6.1.0",
		"BuildTime":     "2025-01-21T00:00:00.000000000+00:00",
	})
}

func (e *Engine) info(w http.ResponseWriter, _ *http.Request, _ []byte) {
	e.mu.Lock()
	var running, stopped int
	for _, c := range e.containers {
		if c.state == "running" {
			running++
		} else {
			stopped++
		}
	}
	n, imgs := len(e.containers), len(e.images)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"ID":                 "ENGINETEST",
		"Containers":         n,
		"ContainersRunning":  running,
		"ContainersStopped":  stopped,
		"Images":             imgs,
		"Driver":             "overlay2",
		"Name":               "enginetest",
		"ServerVersion":      "27.5.1",
		"OperatingSystem":    "Stand-in Docker Engine API (no containers run)",
		"OSType":             "linux",
		"Architecture":       "x86_64",
		"NCPU":               2,
		"MemTotal":           8 << 30,
		"KernelVersion":      "6.1.0",
		"IndexServerAddress": "https://index.docker.io/v1/",
		"DockerRootDir":      "/var/lib/docker",
		"Labels":             []string{},
		"SecurityOptions":    []string{},
		"Runtimes":           map[string]any{"runc": map[string]string{"path": "runc"}},
		"DefaultRuntime":     "runc",
		"Swarm":              map[string]any{"LocalNodeState": "inactive"},
		"CgroupDriver":       "systemd",
		"CgroupVersion":      "2",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the engine's error body.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// errNotFound is a lookup that found nothing.
var errNotFound = errors.New("not found")

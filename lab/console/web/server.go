package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/console"
)

//go:embed static
var staticFiles embed.FS

// Endpoints are the services the console looks at. Brokers is required;
// an empty URL leaves that view out and says so.
type Endpoints struct {
	Brokers        []string
	SchemaRegistry string
	Connect        string
	KSQLDB         string
	// Dashboard is the CTA dashboard's base URL; the pipeline view reads
	// which topics it consumes from its /metrics.
	Dashboard string
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithSampleInterval sets how often the pipeline is sampled (default 1s).
func WithSampleInterval(d time.Duration) Option { return func(s *Server) { s.interval = d } }

// WithRateWindow sets the span over which rates are computed (default 5s).
func WithRateWindow(d time.Duration) Option { return func(s *Server) { s.window = d } }

// WithFaults offers fault actions: each is a POST to controlURL+Path. The
// lab offers them only for an embedded stack it runs; without this option
// the console shows why there are none (why).
func WithFaults(controlURL string, faults []Fault) Option {
	return func(s *Server) { s.control, s.faults = strings.TrimRight(controlURL, "/"), faults }
}

// WithoutFaultsBecause tells the page why no fault action is offered.
func WithoutFaultsBecause(why string) Option { return func(s *Server) { s.noFaults = why } }

// WithClientConfig reaches Kafka and the HTTP services as c describes:
// its brokers and service URLs replace the Endpoints' where set, and its
// TLS, SASL and basic auth settings are used by every client of the
// console (the sampler, the views and the REST pass-through). A secured
// lab's c comes from its client properties file (clientconf).
func WithClientConfig(c clientconf.Config) Option { return func(s *Server) { s.conf = &c } }

// Server is the console: an http.Handler plus the pipeline sampler.
type Server struct {
	ep       Endpoints
	log      *slog.Logger
	interval time.Duration
	window   time.Duration
	control  string
	faults   []Fault
	noFaults string
	faultMu  sync.Mutex
	conf     *clientconf.Config
	// secured is set when a client carries credentials: the console then
	// also refuses requests addressed to a host name other than localhost
	// (a page of another site resolving its name to this address).
	secured bool

	// kafkaOpts reach the brokers (seeds, TLS, SASL).
	kafkaOpts []kgo.Opt
	// The HTTP services' clients, with their credentials; dashboard is
	// http for the CTA dashboard.
	registryHTTP, connectHTTP, ksqlHTTP, http *http.Client
	// The pass-through's transports, by service.
	registryRT, connectRT, ksqlRT http.RoundTripper

	kafka *kgo.Client
	adm   *kadm.Client
	dec   *console.Decoder
	mux   *http.ServeMux

	sampler *sampler
}

// New returns a console for ep. Close releases its Kafka client.
func New(ep Endpoints, opts ...Option) (*Server, error) {
	s := &Server{ep: ep, log: slog.Default(), interval: time.Second, window: 5 * time.Second,
		noFaults: "fault actions are offered for an embedded lab started by \"lab up\" or \"lab serve\"",
		http:     &http.Client{Timeout: 30 * time.Second}}
	for _, o := range opts {
		o(s)
	}
	if err := s.clients(); err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(s.kafkaOpts, kgo.RetryTimeout(2*time.Second))...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	s.kafka, s.adm = cl, kadm.NewClient(cl)
	if s.ep.SchemaRegistry != "" {
		if s.dec, err = console.NewDecoderWithClient(s.ep.SchemaRegistry, s.registryHTTP); err != nil {
			cl.Close()
			return nil, err
		}
	}
	s.sampler = newSampler(s)
	s.routes()
	return s, nil
}

// clients builds the Kafka options and the services' HTTP clients, from
// the client configuration when one is given.
func (s *Server) clients() error {
	c := clientconf.Config{}
	if s.conf != nil {
		c = *s.conf
		if len(c.Kafka.Brokers) > 0 {
			s.ep.Brokers = c.Kafka.Brokers
		}
		for _, v := range []struct {
			dst *string
			svc clientconf.Service
		}{{&s.ep.SchemaRegistry, c.SchemaRegistry}, {&s.ep.Connect, c.Connect}, {&s.ep.KSQLDB, c.KSQLDB}} {
			if v.svc.URL != "" {
				*v.dst = v.svc.URL
			}
		}
		s.secured = c.Secured()
	}
	if len(s.ep.Brokers) == 0 {
		return errors.New("no Kafka brokers given")
	}
	c.Kafka.Brokers = s.ep.Brokers
	opts, err := c.Kafka.KgoOpts()
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	s.kafkaOpts = opts
	for _, v := range []struct {
		svc clientconf.Service
		rt  *http.RoundTripper
		hc  **http.Client
	}{{c.SchemaRegistry, &s.registryRT, &s.registryHTTP}, {c.Connect, &s.connectRT, &s.connectHTTP}, {c.KSQLDB, &s.ksqlRT, &s.ksqlHTTP}} {
		rt, err := v.svc.RoundTripper()
		if err != nil {
			return err
		}
		*v.rt, *v.hc = rt, &http.Client{Timeout: 30 * time.Second, Transport: rt}
	}
	return nil
}

// Close releases the Kafka client.
func (s *Server) Close() { s.kafka.Close() }

// ServeHTTP serves the page and its JSON API. A request that changes
// something (any method but GET and HEAD) sent by a page of another origin
// is refused: the console acts on the lab with no login, so only its own
// page may make it act.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.secured && !localHost(r.Host) {
		writeError(w, http.StatusForbidden, "this console answers requests for localhost or an IP address only, not for %q", r.Host)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if o := r.Header.Get("Origin"); o != "" {
			if u, err := url.Parse(o); err != nil || u.Host != r.Host {
				writeError(w, http.StatusForbidden, "a request from the page at %s may not act on this console; use the console's own page", o)
				return
			}
		}
	}
	s.mux.ServeHTTP(w, r)
}

// Run samples the pipeline and serves on ln until ctx ends.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go s.sampler.run(ctx)
	s.log.Info("lab console listening", "url", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("console: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	return nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.FileServerFS(sub)
	m.Handle("GET /", files)
	m.HandleFunc("GET /api/pipeline", s.handlePipeline)
	m.HandleFunc("GET /api/services", s.handleServices)
	m.HandleFunc("GET /api/topics", s.handleTopics)
	m.HandleFunc("POST /api/topics", s.handleCreateTopic)
	m.HandleFunc("GET /api/topics/{topic}", s.handleTopic)
	m.HandleFunc("DELETE /api/topics/{topic}", s.handleDeleteTopic)
	m.HandleFunc("GET /api/topics/{topic}/messages", s.handleMessages)
	m.HandleFunc("GET /api/topics/{topic}/tail", s.handleTail)
	connect := s.proxy("/api/connect", s.ep.Connect, "Kafka Connect", s.connectRT)
	registry := s.proxy("/api/registry", s.ep.SchemaRegistry, "the Schema Registry", s.registryRT)
	for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		m.Handle(method+" /api/connect/", connect)
		m.Handle(method+" /api/registry/", registry)
	}
	ksql := s.proxy("/api/ksqldb", s.ep.KSQLDB, "ksqlDB", s.ksqlRT)
	m.Handle("POST /api/ksqldb/ksql", ksql)
	m.Handle("POST /api/ksqldb/query-stream", ksql)
	m.Handle("POST /api/ksqldb/close-query", ksql)
	m.Handle("GET /api/ksqldb/info", ksql)
	m.HandleFunc("GET /api/groups", s.handleGroups)
	m.HandleFunc("GET /api/groups/{group}", s.handleGroup)
	m.HandleFunc("POST /api/groups/{group}/reset", s.handleReset)
	m.HandleFunc("GET /api/faults", s.handleFaults)
	m.HandleFunc("POST /api/faults/{name}", s.handleFault)
	s.mux = m
}

// localHost reports whether a request's Host names this machine by
// "localhost" or an IP address.
func localHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return host == "localhost" || net.ParseIP(host) != nil
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is the console's own refusal, in the Confluent REST error shape
// (error_code, message) its pass-through views answer with.
type apiError struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, format string, a ...any) {
	writeJSON(w, status, apiError{ErrorCode: status, Message: fmt.Sprintf(format, a...)})
}

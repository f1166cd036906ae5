package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/embedded"
)

// endpointFlags are where the pipeline finds its stack and how its clients
// authenticate: clientconf's flags (each defaulting to its CTALAB_*
// variable, then to a client properties file, then to the standard local
// port) plus the JDBC URL Kafka Connect reaches PostgreSQL with.
type endpointFlags struct {
	client clientconf.Flags
	jdbc   string
	fs     *flag.FlagSet
	// cfg is the resolved client configuration (resolve).
	cfg   clientconf.Config
	given bool // any endpoint, credential or file was given
}

const (
	jdbcEnv     = "CTALAB_POSTGRES_FROM_CONNECT"
	defaultJDBC = "jdbc:postgresql://localhost:5432/cta"
)

func (e *endpointFlags) register(fs *flag.FlagSet) {
	e.fs = fs
	e.client.Register(fs)
	def := defaultJDBC
	if env := os.Getenv(jdbcEnv); env != "" {
		def = env
	}
	fs.StringVar(&e.jdbc, "jdbc-url", def, "PostgreSQL as Kafka Connect reaches it (`JDBC URL`) (env "+jdbcEnv+")")
}

// noteGiven records whether an endpoint flag was set on the command line.
func (e *endpointFlags) noteGiven(set map[string]bool) {
	if set["jdbc-url"] {
		e.given = true
	}
}

// resolve reads the flags, variables and properties file into e.cfg; a
// malformed setting is a usage error naming it. Keys no client here reads
// are warned about once.
func (e *endpointFlags) resolve(log *slog.Logger) error {
	cfg, err := e.client.Resolve()
	if err != nil {
		return usageError{err}
	}
	if w := cfg.UnknownWarning(); w != "" && log != nil {
		log.Warn(w)
	}
	e.cfg = cfg
	if e.client.Given() || os.Getenv(jdbcEnv) != "" {
		e.given = true
	}
	return nil
}

// check fails at once, naming the service and the setting, when a secured
// cluster refuses the configured credentials; without security settings
// it does nothing.
func (e *endpointFlags) check(ctx context.Context, services ...clientconf.Service) error {
	if !e.cfg.Secured() {
		return nil
	}
	if err := e.cfg.Kafka.CheckKafka(ctx, 15*time.Second); err != nil {
		var ae *clientconf.AuthError
		if errors.As(err, &ae) {
			return err
		}
	}
	for _, s := range services {
		if err := s.Check(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (e *endpointFlags) brokerList() []string { return e.cfg.Kafka.Brokers }

// listening reports whether something accepts TCP connections at addr.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func (e *endpointFlags) endpoints() pipeline.Endpoints {
	c := e.cfg
	return pipeline.Endpoints{Brokers: c.Kafka.Brokers, SchemaRegistry: c.SchemaRegistry.URL, RESTProxy: c.RESTProxy.URL,
		Connect: c.Connect.URL, KSQLDB: c.KSQLDB.URL, JDBCURL: e.jdbc, Client: c}
}

func (e *endpointFlags) String() string {
	c := e.cfg
	return fmt.Sprintf("brokers=%s security.protocol=%s schema-registry=%s rest-proxy=%s connect=%s ksqldb=%s",
		strings.Join(c.Kafka.Brokers, ","), c.Kafka.Protocol, c.SchemaRegistry.URL, c.RESTProxy.URL, c.Connect.URL, c.KSQLDB.URL)
}

// shift points every endpoint at the standard local port plus n: a lab
// started with --port-offset n.
func (e *endpointFlags) shift(n int) {
	p := embedded.StandardPorts.Shifted(n)
	e.cfg.Kafka.Brokers = []string{fmt.Sprintf("localhost:%d", p.Kafka)}
	e.cfg.SchemaRegistry.URL = fmt.Sprintf("http://localhost:%d", p.SchemaRegistry)
	e.cfg.RESTProxy.URL = fmt.Sprintf("http://localhost:%d", p.RESTProxy)
	e.cfg.Connect.URL = fmt.Sprintf("http://localhost:%d", p.Connect)
	e.cfg.KSQLDB.URL = fmt.Sprintf("http://localhost:%d", p.KSQLDB)
	e.jdbc = fmt.Sprintf("jdbc:postgresql://localhost:%d/cta", p.Postgres)
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envInt returns the environment variable name as an integer, 0 when it
// is unset, and a usage error naming it when it is not a number.
func envInt(name string) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, usageError{fmt.Errorf("%s=%q is not a whole number", name, v)}
	}
	return n, nil
}

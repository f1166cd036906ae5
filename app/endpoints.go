package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/pipeline"
)

// endpointFlags are where the pipeline finds its stack. Each flag defaults to
// its CTALAB_* environment variable, then to the standard local port.
type endpointFlags struct {
	brokers, registry, restProxy, connect, ksqldb, jdbc string
	given                                               bool // any flag or variable was set
}

var endpointVars = []struct {
	flag, env, def, usage string
}{
	{"brokers", "CTALAB_BROKERS", "localhost:9092", "Kafka bootstrap `addresses`, comma-separated"},
	{"schema-registry", "CTALAB_SCHEMA_REGISTRY", "http://localhost:8081", "Schema Registry `URL`"},
	{"rest-proxy", "CTALAB_REST_PROXY", "http://localhost:8082", "Kafka REST Proxy `URL`"},
	{"connect", "CTALAB_CONNECT", "http://localhost:8083", "Kafka Connect `URL`"},
	{"ksqldb", "CTALAB_KSQLDB", "http://localhost:8088", "ksqlDB `URL`"},
	{"jdbc-url", "CTALAB_POSTGRES_FROM_CONNECT", "jdbc:postgresql://localhost:5432/cta", "PostgreSQL as Kafka Connect reaches it (`JDBC URL`)"},
}

func (e *endpointFlags) register(fs *flag.FlagSet) {
	dst := []*string{&e.brokers, &e.registry, &e.restProxy, &e.connect, &e.ksqldb, &e.jdbc}
	for i, v := range endpointVars {
		def := v.def
		if env := os.Getenv(v.env); env != "" {
			def = env
			e.given = true
		}
		fs.StringVar(dst[i], v.flag, def, v.usage+" (env "+v.env+")")
	}
}

// noteGiven records whether an endpoint flag was set on the command line.
func (e *endpointFlags) noteGiven(set map[string]bool) {
	for _, v := range endpointVars {
		if set[v.flag] {
			e.given = true
		}
	}
}

func (e *endpointFlags) brokerList() []string {
	var out []string
	for _, b := range strings.Split(e.brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

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
	return pipeline.Endpoints{Brokers: e.brokerList(), SchemaRegistry: e.registry, RESTProxy: e.restProxy, Connect: e.connect, KSQLDB: e.ksqldb, JDBCURL: e.jdbc}
}

func (e *endpointFlags) String() string {
	return fmt.Sprintf("brokers=%s schema-registry=%s rest-proxy=%s connect=%s ksqldb=%s", e.brokers, e.registry, e.restProxy, e.connect, e.ksqldb)
}

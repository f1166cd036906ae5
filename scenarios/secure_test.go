package scenarios_test

import (
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/stack"
)

// labSecure reports whether LAB_SECURE=1 asks for secured embedded stacks:
// "lab serve --secure" (Kafka SASL_SSL with the lab's CA, basic auth on
// every HTTP service). The pipeline and the specs' own observers then
// reach each stack only through the client properties file it wrote.
func labSecure() bool { return os.Getenv("LAB_SECURE") == "1" }

// securedStacks maps a secured stack's broker and HTTP service addresses
// (host:port) to the configuration read from its client properties file.
var securedStacks sync.Map

// registerClientProperties reads a stack's client properties file.
func registerClientProperties(path string) (clientconf.Config, error) {
	var v clientconf.Values
	if err := v.LoadFile(path); err != nil {
		return clientconf.Config{}, err
	}
	c, err := v.Resolve()
	if err != nil {
		return clientconf.Config{}, fmt.Errorf("client properties %s: %w", path, err)
	}
	for _, b := range c.Kafka.Brokers {
		securedStacks.Store(b, c)
	}
	for _, s := range c.Services() {
		securedStacks.Store(hostOf(s.URL), c)
	}
	return c, nil
}

func hostOf(u string) string {
	r, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return u
	}
	return r.URL.Host
}

// clientFor returns how to reach the stack of e: the client properties of
// a secured stack, plaintext otherwise.
func clientFor(e stack.Endpoints) clientconf.Config {
	if len(e.Brokers) > 0 {
		if c, ok := securedStacks.Load(e.Brokers[0]); ok {
			return c.(clientconf.Config)
		}
	}
	return clientconf.Config{
		Kafka:          clientconf.Kafka{Brokers: e.Brokers, Protocol: clientconf.Plaintext},
		SchemaRegistry: clientconf.Service{Name: "Schema Registry", URL: e.SchemaRegistry},
		RESTProxy:      clientconf.Service{Name: "REST Proxy", URL: e.RESTProxy},
		Connect:        clientconf.Service{Name: "Kafka Connect", URL: e.Connect},
		KSQLDB:         clientconf.Service{Name: "ksqlDB", URL: e.KSQLDB},
	}
}

// stackHTTP is the specs' HTTP client of the stacks' services: it sends a
// secured stack's basic auth credentials to that stack's services.
var stackHTTP = &http.Client{Transport: stackAuth{}}

type stackAuth struct{}

func (stackAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	if v, ok := securedStacks.Load(r.URL.Host); ok && r.Header.Get("Authorization") == "" {
		for _, s := range v.(clientconf.Config).Services() {
			if hostOf(s.URL) == r.URL.Host && s.Username != "" {
				r = r.Clone(r.Context())
				r.SetBasicAuth(s.Username, s.Password)
			}
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// kafkaTransport returns a kafka-go transport for e's brokers.
func kafkaTransport(e stack.Endpoints) *kafka.Transport {
	t, err := clientFor(e).Kafka.Transport()
	if err != nil {
		panic(err)
	}
	return t
}

// kafkaDialer returns a kafka-go dialer for e's brokers.
func kafkaDialer(e stack.Endpoints) *kafka.Dialer {
	d, err := clientFor(e).Kafka.Dialer()
	if err != nil {
		panic(err)
	}
	return d
}

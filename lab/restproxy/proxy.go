package restproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Proxy is the embedded REST Proxy. It is an http.Handler; serve it with any
// http.Server. Create it with New and release it with Close.
type Proxy struct {
	cfg     config
	log     *slog.Logger
	client  *kgo.Client
	admin   *kadm.Client
	schemas *schemas

	closeOnce sync.Once
	mu        sync.RWMutex // guards closed against in-flight produce calls
	closed    bool
}

// New connects a Proxy to the Kafka brokers (host:port) and the Schema
// Registry at registryURL. It pings the brokers before returning. Whether a
// produce to a missing topic creates it is the broker's decision: like the
// Java producer, the proxy asks for auto-creation when it fetches metadata.
func New(ctx context.Context, brokers []string, registryURL string, opts ...Option) (*Proxy, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if len(brokers) == 0 {
		return nil, errors.New("create rest proxy: no brokers given")
	}
	if _, err := url.ParseRequestURI(registryURL); err != nil {
		return nil, fmt.Errorf("create rest proxy: parse registry url: %w", err)
	}
	client, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(newPartitioner()),
		kgo.ProducerLinger(0),
		kgo.RecordDeliveryTimeout(2*time.Minute), // the Java producer's delivery.timeout.ms
		kgo.MetadataMinAge(250*time.Millisecond),
	)
	if err != nil {
		return nil, fmt.Errorf("create kafka client: %w", err)
	}
	if err := client.Ping(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("ping brokers: %w", err)
	}
	sch, err := newSchemas(registryURL, &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		client.Close()
		return nil, err
	}
	return &Proxy{
		cfg:     cfg,
		log:     cfg.logger.With("component", "restproxy"),
		client:  client,
		admin:   kadm.NewClient(client),
		schemas: sch,
	}, nil
}

// Close stops the Kafka client after in-flight requests finish. It is safe to
// call more than once; later requests are answered with 503.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.client.Close()
	})
	return nil
}

// ServeHTTP routes a request the way REST Proxy v2 does: unknown paths get
// 404, known paths with another method 405, both in the Jersey error shape.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		writeError(w, httpError(http.StatusServiceUnavailable))
		return
	}
	segs, ok := pathSegments(r.URL)
	if !ok {
		writeError(w, httpError(http.StatusNotFound))
		return
	}
	switch {
	case len(segs) == 0:
		if !allow(w, r, http.MethodGet) {
			return
		}
		writeJSON(w, http.StatusOK, struct{}{})
	case len(segs) == 1 && segs[0] == "topics":
		if !allow(w, r, http.MethodGet) {
			return
		}
		p.listTopics(w, r)
	case len(segs) == 2 && segs[0] == "topics":
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			p.getTopic(w, r, segs[1])
		case http.MethodPost:
			p.produce(w, r, segs[1])
		default:
			writeError(w, httpError(http.StatusMethodNotAllowed))
		}
	default:
		writeError(w, httpError(http.StatusNotFound))
	}
}

// allow answers 405 unless the request uses the method (or HEAD for GET).
func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		if !acceptsV2(r.Header.Get("Accept")) {
			writeError(w, httpError(http.StatusNotAcceptable))
			return false
		}
		return true
	}
	writeError(w, httpError(http.StatusMethodNotAllowed))
	return false
}

// pathSegments splits the escaped path into unescaped segments, ignoring one
// trailing slash, so that a topic name may hold an escaped "/".
func pathSegments(u *url.URL) ([]string, bool) {
	p := strings.TrimSuffix(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	if p == "" {
		return nil, true
	}
	raw := strings.Split(p, "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		v, err := url.PathUnescape(s)
		if err != nil || v == "" {
			return nil, false
		}
		segs[i] = v
	}
	return segs, true
}

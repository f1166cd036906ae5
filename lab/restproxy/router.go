package restproxy

import (
	"context"
	"net/http"
	"strings"
)

// routes builds the method+path table of every resource the proxy serves.
// Paths are matched segment by segment on the escaped path, so a topic name
// holding an escaped "/" stays one segment.
func (p *Proxy) routes() *http.ServeMux {
	mux := http.NewServeMux()

	// API v2: root, topics and produce.
	mux.HandleFunc("GET /{$}", p.v2Only(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, struct{}{}) }))
	mux.HandleFunc("GET /topics", p.v2Only(p.listTopics))
	mux.HandleFunc("GET /topics/{topic}", func(w http.ResponseWriter, r *http.Request) { p.getTopic(w, r, r.PathValue("topic")) })
	mux.HandleFunc("POST /topics/{topic}", func(w http.ResponseWriter, r *http.Request) { p.produce(w, r, r.PathValue("topic")) })

	// API v2: partitions and brokers.
	p.partitionRoutes(mux)

	// API v2: consumers.
	p.consumerRoutes(mux)

	// API v3.
	p.v3Routes(mux)
	return mux
}

// v2Only answers 406 unless the Accept header admits the v2 media type.
func (p *Proxy) v2Only(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !acceptsV2(r.Header.Get("Accept")) {
			writeError(w, httpError(http.StatusNotAcceptable))
			return
		}
		h(w, r)
	}
}

// ServeHTTP routes a request. Paths that match no resource get 404 and known
// paths with another method 405, both in the Jersey error shape
// {"error_code":404,"message":"HTTP 404 Not Found"}. One trailing slash is
// ignored, as Jersey does.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		writeError(w, httpError(http.StatusServiceUnavailable))
		return
	}
	if len(r.URL.Path) > 1 && strings.HasSuffix(r.URL.Path, "/") {
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimSuffix(r.URL.Path, "/")
		if r.URL.RawPath != "" {
			r2.URL.RawPath = strings.TrimSuffix(r.URL.RawPath, "/")
		}
		r = r2
	}
	if r2 := clusterConfigsPath(r); r2 != nil {
		r = r2
	}
	h, pattern := p.mux.Handler(r)
	if pattern == "" {
		// ServeMux's own answer tells 404 from 405 (and redirects for
		// unclean paths); only its status is kept.
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		status := rec.status
		if status != http.StatusMethodNotAllowed {
			status = http.StatusNotFound
		}
		if strings.HasPrefix(r.URL.Path, "/v3/") || r.URL.Path == "/v3" {
			writeV3Error(w, httpError(status))
			return
		}
		writeError(w, httpError(status))
		return
	}
	// Requests end when the proxy closes (produce detaches from this).
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(p.life, cancel)()
	p.mux.ServeHTTP(w, r.WithContext(ctx))
}

// statusRecorder keeps the status a handler writes and discards its body.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header { return s.header }

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return len(b), nil
}

func (s *statusRecorder) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
}

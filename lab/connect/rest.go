package connect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// ServeHTTP serves the Kafka Connect REST API (Apache Kafka 3.9).
func (w *Worker) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.muxOnce.Do(func() { w.mux = w.routes() })
	// Jersey matches a resource path with or without one trailing slash.
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimSuffix(p, "/")
		if r.URL.RawPath != "" {
			r2.URL.RawPath = strings.TrimSuffix(r.URL.RawPath, "/")
		}
		r = r2
	}
	h, pattern := w.mux.Handler(r)
	if pattern == "" {
		// No route: let the mux decide between 404 and 405, then answer in
		// Connect's shape (Jersey's NotFoundException and
		// NotAllowedException through ConnectExceptionMapper).
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.code == http.StatusMethodNotAllowed {
			if allow := probe.header.Get("Allow"); allow != "" {
				rw.Header().Set("Allow", allow)
			}
			writeError(rw, &restError{http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed"})
			return
		}
		writeError(rw, notFound("HTTP 404 Not Found"))
		return
	}
	w.mux.ServeHTTP(rw, r) // sets the path values h reads
}

// statusProbe records what the mux's own 404/405 handlers would answer.
type statusProbe struct {
	header http.Header
	code   int
}

func (p *statusProbe) Header() http.Header { return p.header }
func (p *statusProbe) WriteHeader(code int) {
	if p.code == 0 {
		p.code = code
	}
}
func (p *statusProbe) Write(b []byte) (int, error) {
	if p.code == 0 {
		p.code = http.StatusOK
	}
	return len(b), nil
}

// routes maps the resources of Kafka 3.9's Connect REST server
// (connect/runtime/.../rest/resources: RootResource, ConnectorsResource,
// ConnectorPluginsResource, LoggingResource) onto method+path patterns.
func (w *Worker) routes() *http.ServeMux {
	mux := http.NewServeMux()
	named := func(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
		return func(rw http.ResponseWriter, r *http.Request) { h(rw, r, r.PathValue("connector")) }
	}
	task := func(h func(int) func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
		return func(rw http.ResponseWriter, r *http.Request) {
			id, err := strconv.ParseInt(r.PathValue("task"), 10, 32)
			if err != nil {
				// A task id that is not an Integer matches no resource.
				writeError(rw, notFound("HTTP 404 Not Found"))
				return
			}
			h(int(id))(rw, r, r.PathValue("connector"))
		}
	}
	mux.HandleFunc("GET /{$}", w.handleRoot)
	mux.HandleFunc("GET /health", w.handleHealth)

	mux.HandleFunc("GET /connectors", w.handleList)
	mux.HandleFunc("POST /connectors", w.handleCreate)
	mux.HandleFunc("GET /connectors/{connector}", named(w.handleGet))
	mux.HandleFunc("DELETE /connectors/{connector}", named(w.handleDelete))
	mux.HandleFunc("GET /connectors/{connector}/config", named(w.handleGetConfig))
	mux.HandleFunc("PUT /connectors/{connector}/config", named(w.handlePutConfig))
	mux.HandleFunc("PATCH /connectors/{connector}/config", named(w.handlePatchConfig))
	mux.HandleFunc("GET /connectors/{connector}/tasks-config", named(w.handleTasksConfig))
	mux.HandleFunc("GET /connectors/{connector}/status", named(w.handleStatus))
	mux.HandleFunc("GET /connectors/{connector}/tasks", named(w.handleTasks))
	mux.HandleFunc("PUT /connectors/{connector}/pause", named(w.targetHandler(targetPaused)))
	mux.HandleFunc("PUT /connectors/{connector}/resume", named(w.targetHandler(targetStarted)))
	mux.HandleFunc("PUT /connectors/{connector}/stop", named(w.targetHandler(targetStopped)))
	mux.HandleFunc("POST /connectors/{connector}/restart", named(w.handleRestart))
	mux.HandleFunc("GET /connectors/{connector}/tasks/{task}/status", task(w.taskStatusHandler))
	mux.HandleFunc("POST /connectors/{connector}/tasks/{task}/restart", task(w.taskRestartHandler))
	mux.HandleFunc("GET /connectors/{connector}/topics", named(w.handleTopics))
	mux.HandleFunc("PUT /connectors/{connector}/topics/reset", named(w.handleResetTopics))
	mux.HandleFunc("GET /connectors/{connector}/offsets", named(w.handleOffsets))
	mux.HandleFunc("PATCH /connectors/{connector}/offsets", named(w.handleAlterOffsets))
	mux.HandleFunc("DELETE /connectors/{connector}/offsets", named(w.handleResetOffsets))

	mux.HandleFunc("GET /admin/loggers", w.handleLoggers)
	mux.HandleFunc("GET /admin/loggers/{logger}", w.handleLogger)
	mux.HandleFunc("PUT /admin/loggers/{logger}", w.handleSetLogger)

	mux.HandleFunc("GET /connector-plugins", w.handlePlugins)
	mux.HandleFunc("GET /connector-plugins/{plugin}/config", func(rw http.ResponseWriter, r *http.Request) {
		w.handlePluginConfig(rw, r, r.PathValue("plugin"))
	})
	mux.HandleFunc("PUT /connector-plugins/{plugin}/config/validate", func(rw http.ResponseWriter, r *http.Request) {
		w.handleValidate(rw, r, r.PathValue("plugin"))
	})
	return mux
}

// writeJSON writes a JSON body with the given status.
func writeJSON(rw http.ResponseWriter, code int, v any) {
	b, err := jsonwire.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = fmt.Appendf(nil, `{"error_code":500,"message":%q}`, err.Error())
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	_, _ = rw.Write(b)
}

func writeError(rw http.ResponseWriter, e *restError) {
	writeJSON(rw, e.code, struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}{e.code, e.msg})
}

// readJSON checks the content type, limits the body and decodes it.
func (w *Worker) readJSON(rw http.ResponseWriter, r *http.Request, v any) *restError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &restError{http.StatusUnsupportedMediaType, "HTTP 415 Unsupported Media Type"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.opts.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &restError{http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body is larger than %d bytes", w.opts.maxBody)}
		}
		return badRequest("Cannot read request body: " + err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		// Connect's ConnectExceptionMapper answers 500 for anything that is
		// not a WebApplicationException, Jackson's parse errors included.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
			return &restError{http.StatusInternalServerError, "Unexpected character in request body: " + err.Error()}
		}
		return badRequest("Cannot deserialize request body: " + err.Error())
	}
	return nil
}

// stringMap converts a decoded JSON object to Map<String,String>, turning
// numbers and booleans into their text as Jackson does and dropping nulls.
func stringMap(m map[string]any) (map[string]string, *restError) {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case nil:
		case string:
			out[k] = x
		case json.Number:
			out[k] = x.String()
		case bool:
			out[k] = strconv.FormatBool(x)
		default:
			return nil, badRequest("Cannot deserialize value of type `java.lang.String` from " + jsonKind(v) + " for key " + k)
		}
	}
	return out, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "Object value"
	case []any:
		return "Array value"
	}
	return "value"
}

package connect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ServeHTTP serves the Kafka Connect REST API (Apache Kafka 3.9).
func (w *Worker) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	segs, err := pathSegments(r)
	if err != nil {
		writeError(rw, notFound("HTTP 404 Not Found"))
		return
	}
	route := w.route(r.Method, segs)
	if route == nil {
		return
	}
	route(rw, r)
}

func pathSegments(r *http.Request) ([]string, error) {
	p := strings.Trim(r.URL.EscapedPath(), "/")
	if p == "" {
		return nil, nil
	}
	raw := strings.Split(p, "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("unescape path: %w", err)
		}
		out[i] = u
	}
	return out, nil
}

type handler func(rw http.ResponseWriter, r *http.Request)

// route picks the handler for method and path; it answers 404/405 itself
// and returns nil then.
func (w *Worker) route(method string, s []string) handler {
	type ep map[string]handler
	var eps ep
	switch {
	case len(s) == 0:
		eps = ep{"GET": w.handleRoot}
	case len(s) == 1 && s[0] == "health":
		eps = ep{"GET": w.handleHealth}
	case len(s) == 1 && s[0] == "connectors":
		eps = ep{"GET": w.handleList, "POST": w.handleCreate}
	case len(s) == 2 && s[0] == "connectors":
		n := s[1]
		eps = ep{"GET": w.withName(n, w.handleGet), "DELETE": w.withName(n, w.handleDelete)}
	case len(s) == 3 && s[0] == "connectors":
		n := s[1]
		switch s[2] {
		case "config":
			eps = ep{"GET": w.withName(n, w.handleGetConfig), "PUT": w.withName(n, w.handlePutConfig)}
		case "status":
			eps = ep{"GET": w.withName(n, w.handleStatus)}
		case "tasks":
			eps = ep{"GET": w.withName(n, w.handleTasks)}
		case "pause":
			eps = ep{"PUT": w.withName(n, w.targetHandler(targetPaused))}
		case "resume":
			eps = ep{"PUT": w.withName(n, w.targetHandler(targetStarted))}
		case "stop":
			eps = ep{"PUT": w.withName(n, w.targetHandler(targetStopped))}
		case "restart":
			eps = ep{"POST": w.withName(n, w.handleRestart)}
		case "offsets":
			eps = ep{"GET": w.withName(n, w.handleOffsets)}
		}
	case len(s) == 5 && s[0] == "connectors" && s[2] == "tasks" && (s[4] == "status" || s[4] == "restart"):
		n := s[1]
		id, err := strconv.Atoi(s[3])
		if err != nil {
			break
		}
		if s[4] == "status" {
			eps = ep{"GET": w.withName(n, w.taskStatusHandler(id))}
		} else {
			eps = ep{"POST": w.withName(n, w.taskRestartHandler(id))}
		}
	case len(s) == 1 && s[0] == "connector-plugins":
		eps = ep{"GET": w.handlePlugins}
	case len(s) == 3 && s[0] == "connector-plugins" && s[2] == "config":
		cls := s[1]
		eps = ep{"GET": func(rw http.ResponseWriter, r *http.Request) { w.handlePluginConfig(rw, r, cls) }}
	case len(s) == 4 && s[0] == "connector-plugins" && s[2] == "config" && s[3] == "validate":
		cls := s[1]
		eps = ep{"PUT": func(rw http.ResponseWriter, r *http.Request) { w.handleValidate(rw, r, cls) }}
	}
	return func(rw http.ResponseWriter, r *http.Request) {
		if eps == nil {
			writeError(rw, notFound("HTTP 404 Not Found"))
			return
		}
		h, ok := eps[method]
		if !ok {
			writeError(rw, &restError{http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed"})
			return
		}
		h(rw, r)
	}
}

func (w *Worker) withName(name string, h func(http.ResponseWriter, *http.Request, string)) handler {
	return func(rw http.ResponseWriter, r *http.Request) { h(rw, r, name) }
}

// writeJSON writes a JSON body with the given status.
func writeJSON(rw http.ResponseWriter, code int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		b.Reset()
		fmt.Fprintf(&b, `{"error_code":500,"message":%q}`, err.Error())
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	_, _ = rw.Write(bytes.TrimRight(b.Bytes(), "\n"))
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

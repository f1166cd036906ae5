package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/ctalab/ctalab/internal/platform"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// Media types the registry consumes and produces.
const (
	mediaV1      = "application/vnd.schemaregistry.v1+json"
	mediaDefault = "application/vnd.schemaregistry+json"
	mediaJSON    = "application/json"
	mediaOctet   = "application/octet-stream"
)

// produced are the response types with their server-side weights.
var produced = []struct {
	typ string
	qs  float64
}{{mediaV1, 1}, {mediaDefault, 0.9}, {mediaJSON, 0.5}}

// negotiate picks the response type for an Accept header; "" means none
// is acceptable (406).
func negotiate(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaV1
	}
	best, bestScore := "", 0.0
	for _, p := range produced {
		q := acceptQuality(accept, p.typ)
		if s := q * p.qs; s > bestScore {
			best, bestScore = p.typ, s
		}
	}
	return best
}

// acceptQuality is the q of the most specific media range matching typ.
func acceptQuality(accept, typ string) float64 {
	mainType, subType, _ := strings.Cut(typ, "/")
	q, specificity := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		m, s, _ := strings.Cut(mt, "/")
		spec := 0
		switch {
		case m == "*" && (s == "*" || s == ""):
			spec = 0
		case m == mainType && s == "*":
			spec = 1
		case m == mainType && s == subType:
			spec = 2
		default:
			continue
		}
		if spec <= specificity {
			continue
		}
		specificity = spec
		q = 1
		if qs, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(qs, 64); err == nil {
				q = f
			}
		}
	}
	return q
}

func consumable(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case mediaV1, mediaDefault, mediaJSON, mediaOctet:
		return true
	}
	return false
}

// request is one API call: the path segments after decoding and the
// negotiated response type.
type request struct {
	*http.Request
	w        http.ResponseWriter
	respType string
}

func (q *request) boolParam(name string) bool {
	return strings.EqualFold(q.URL.Query().Get(name), "true")
}

func (q *request) reply(status int, v any) {
	b, _ := jsonwire.Marshal(v)
	q.w.Header().Set("Content-Type", q.respType)
	q.w.WriteHeader(status)
	_, _ = q.w.Write(b)
}

func (q *request) ok(v any) { q.reply(http.StatusOK, v) }

func (q *request) fail(e *apiError) {
	q.reply(e.status, struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message,omitempty"`
	}{e.code, e.msg})
}

// readJSON decodes the request body into v: 413 when too large, 400 when
// not JSON or JSON of the wrong shape (rest-utils maps Jackson's parse and
// mapping exceptions to 400), 422 when empty.
func (q *request) readJSON(v any, limit int64) *apiError {
	body, err := io.ReadAll(http.MaxBytesReader(q.w, q.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errHTTP(http.StatusRequestEntityTooLarge)
		}
		return &apiError{http.StatusBadRequest, http.StatusBadRequest, "read request body: " + err.Error()}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return &apiError{http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, "Request body is missing"}
	}
	if err := json.Unmarshal(body, v); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return &apiError{http.StatusBadRequest, http.StatusBadRequest, "Unexpected character in request body: " + err.Error()}
		}
		return &apiError{http.StatusBadRequest, http.StatusBadRequest, "Cannot deserialize request body: " + err.Error()}
	}
	return nil
}

// routes builds the API's method+path table. ServeMux unescapes each
// path segment before matching, so subjects may hold encoded slashes; GET
// patterns answer HEAD too.
func (r *Registry) routes() *http.ServeMux {
	m := http.NewServeMux()
	h := func(pattern string, fn func(q *request)) {
		m.Handle(pattern, handler(fn))
	}
	h("GET /{$}", func(q *request) { q.ok(struct{}{}) })

	h("GET /schemas", r.listSchemas)
	h("GET /schemas/types", func(q *request) { q.ok(schemaTypeList) })
	h("GET /schemas/ids/{id}", r.withID(r.getSchemaByID))
	h("GET /schemas/ids/{id}/schema", r.withID(r.getRawSchemaByID))
	h("GET /schemas/ids/{id}/versions", r.withID(r.getIDVersions))
	h("GET /schemas/ids/{id}/subjects", r.withID(r.getIDSubjects))

	h("GET /subjects", r.listSubjects)
	h("POST /subjects/{subject}", func(q *request) { r.lookup(q, q.subject()) })
	h("DELETE /subjects/{subject}", func(q *request) { r.deleteSubject(q, q.subject()) })
	h("GET /subjects/{subject}/versions", func(q *request) { r.listVersions(q, q.subject()) })
	h("POST /subjects/{subject}/versions", func(q *request) { r.register(q, q.subject()) })
	h("GET /subjects/{subject}/versions/{version}", func(q *request) {
		r.getVersion(q, q.subject(), q.PathValue("version"), false)
	})
	h("DELETE /subjects/{subject}/versions/{version}", func(q *request) {
		r.deleteVersion(q, q.subject(), q.PathValue("version"))
	})
	h("GET /subjects/{subject}/versions/{version}/schema", func(q *request) {
		r.getVersion(q, q.subject(), q.PathValue("version"), true)
	})
	h("GET /subjects/{subject}/versions/{version}/referencedby", func(q *request) {
		r.referencedBy(q, q.subject(), q.PathValue("version"))
	})

	h("GET /config", func(q *request) { r.getConfig(q, "") })
	h("PUT /config", func(q *request) { r.putConfig(q, "") })
	h("DELETE /config", func(q *request) { r.deleteConfig(q, "") })
	h("GET /config/{subject}", func(q *request) { s, _ := q.scopedSubject(); r.getConfig(q, s) })
	h("PUT /config/{subject}", func(q *request) { s, _ := q.scopedSubject(); r.putConfig(q, s) })
	h("DELETE /config/{subject}", func(q *request) { s, _ := q.scopedSubject(); r.deleteConfig(q, s) })

	h("GET /mode", func(q *request) { r.getMode(q, "") })
	h("PUT /mode", func(q *request) { r.putMode(q, "") })
	h("GET /mode/{subject}", func(q *request) { s, _ := q.scopedSubject(); r.getMode(q, s) })
	h("PUT /mode/{subject}", func(q *request) { s, _ := q.scopedSubject(); r.putMode(q, s) })
	h("DELETE /mode/{subject}", func(q *request) {
		// ModeResource.deleteSubjectMode refuses the default context's
		// subject; there is no DELETE for the top-level mode.
		if s, top := q.scopedSubject(); top {
			q.failInvalidSubject()
		} else {
			r.deleteMode(q, s)
		}
	})

	h("GET /contexts", func(q *request) {
		if p, ok := pageQuery(q, unlimited); ok {
			r.mu.RLock()
			contexts := r.st.contextNames()
			r.mu.RUnlock()
			if out, ok := page(q, p, contexts); ok {
				q.ok(out)
			}
		}
	})

	h("GET /v1/metadata/id", func(q *request) { q.ok(r.serverClusterID()) })
	h("GET /v1/metadata/version", func(q *request) {
		q.ok(serverVersion{Version: platform.SchemaRegistryVersion, CommitID: platform.SchemaRegistryCommitID})
	})

	h("POST /compatibility/subjects/{subject}/versions", func(q *request) {
		r.checkCompatibility(q, q.subject(), "", false)
	})
	h("POST /compatibility/subjects/{subject}/versions/{version}", func(q *request) {
		r.checkCompatibility(q, q.subject(), q.PathValue("version"), true)
	})
	return m
}

// withID parses the {id} path value; ids that are not 32-bit integers match
// no resource (Jersey answers 404 for a path parameter it cannot convert).
func (r *Registry) withID(fn func(q *request, id int)) func(q *request) {
	return func(q *request) {
		id, err := strconv.ParseInt(q.PathValue("id"), 10, 32)
		if err != nil {
			q.fail(errHTTP(http.StatusNotFound))
			return
		}
		fn(q, int(id))
	}
}

// handler is one API operation. As an http.Handler it builds the request
// value from the response type ServeHTTP negotiated and put in the
// context.
type handler func(*request)

type respTypeKey struct{}

func (h handler) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	t, _ := hr.Context().Value(respTypeKey{}).(string)
	if t == "" {
		t = mediaV1
	}
	q := &request{Request: hr, w: w, respType: t}
	if (hr.Method == http.MethodPost || hr.Method == http.MethodPut) && !consumable(hr.Header.Get("Content-Type")) {
		q.fail(errHTTP(http.StatusUnsupportedMediaType))
		return
	}
	h(q)
}

// statusRecorder captures the status ServeMux's own 404/405 handler writes,
// dropping its plain-text body.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(status int)      { s.status = status }

// ServeHTTP serves the Schema Registry REST API.
func (r *Registry) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	q := &request{Request: hr, w: w, respType: mediaV1}
	if t := negotiate(hr.Header.Get("Accept")); t != "" {
		q.respType = t
	} else {
		q.respType = mediaJSON
		q.fail(errHTTP(http.StatusNotAcceptable))
		return
	}
	// Jersey ignores a trailing slash when matching resources. Only a
	// literal slash counts: an encoded one (%2F) belongs to a subject.
	if ep := hr.URL.EscapedPath(); len(ep) > 1 && strings.HasSuffix(ep, "/") {
		esc := strings.TrimRight(ep, "/")
		if esc == "" {
			esc = "/"
		}
		if path, err := url.PathUnescape(esc); err == nil {
			u := *hr.URL
			u.Path, u.RawPath = path, esc
			hr = hr.Clone(hr.Context())
			hr.URL = &u
			q.Request = hr
		}
	}
	h, pattern := r.mux.Handler(hr)
	if pattern == "" {
		// ServeMux found no resource (404) or not for this method (405);
		// answer with the registry's JSON error body instead of its text.
		rec := &statusRecorder{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(rec, hr)
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		status := rec.status
		if status != http.StatusMethodNotAllowed {
			status = http.StatusNotFound
		}
		q.fail(errHTTP(status))
		return
	}
	hr = hr.WithContext(context.WithValue(hr.Context(), respTypeKey{}, q.respType))
	r.mux.ServeHTTP(w, hr)
}

package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	segs     []string
	respType string
}

func (q *request) boolParam(name string) bool {
	return strings.EqualFold(q.URL.Query().Get(name), "true")
}

func (q *request) reply(status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	q.w.Header().Set("Content-Type", q.respType)
	q.w.WriteHeader(status)
	_, _ = q.w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
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

// splitPath decodes each segment of the escaped path, so subjects may hold
// encoded slashes.
func splitPath(escaped string) ([]string, bool) {
	escaped = strings.Trim(escaped, "/")
	if escaped == "" {
		return nil, true
	}
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		d, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = d
	}
	return parts, true
}

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
	segs, ok := splitPath(hr.URL.EscapedPath())
	if !ok {
		q.fail(errHTTP(http.StatusNotFound))
		return
	}
	q.segs = segs
	h := r.route(q)
	if h == nil {
		return // route answered 404 or 405
	}
	if (hr.Method == http.MethodPost || hr.Method == http.MethodPut) && !consumable(hr.Header.Get("Content-Type")) {
		q.fail(errHTTP(http.StatusUnsupportedMediaType))
		return
	}
	h(q)
}

type handler func(*request)

// methods maps HTTP methods to handlers for one path.
type methods map[string]handler

func (q *request) dispatch(m methods) handler {
	if h, ok := m[q.Method]; ok {
		return h
	}
	if q.Method == http.MethodHead {
		if h, ok := m[http.MethodGet]; ok {
			return h
		}
	}
	q.fail(errHTTP(http.StatusMethodNotAllowed))
	return nil
}

// route finds the handler for the request path, or answers 404/405.
func (r *Registry) route(q *request) handler {
	s := q.segs
	n := len(s)
	switch {
	case n == 0:
		return q.dispatch(methods{http.MethodGet: func(q *request) { q.ok(struct{}{}) }})
	case s[0] == "schemas" && n == 2 && s[1] == "types":
		return q.dispatch(methods{http.MethodGet: func(q *request) { q.ok([]string{"AVRO"}) }})
	case s[0] == "schemas" && n >= 3 && n <= 4 && s[1] == "ids":
		id, err := strconv.ParseInt(s[2], 10, 32)
		if err != nil {
			break
		}
		switch {
		case n == 3:
			return q.dispatch(methods{http.MethodGet: func(q *request) { r.getSchemaByID(q, int(id)) }})
		case s[3] == "schema":
			return q.dispatch(methods{http.MethodGet: func(q *request) { r.getRawSchemaByID(q, int(id)) }})
		case s[3] == "versions":
			return q.dispatch(methods{http.MethodGet: func(q *request) { r.getIDVersions(q, int(id)) }})
		case s[3] == "subjects":
			return q.dispatch(methods{http.MethodGet: func(q *request) { r.getIDSubjects(q, int(id)) }})
		}
	case s[0] == "subjects" && n == 1:
		return q.dispatch(methods{http.MethodGet: r.listSubjects})
	case s[0] == "subjects" && n == 2:
		return q.dispatch(methods{
			http.MethodPost:   func(q *request) { r.lookup(q, s[1]) },
			http.MethodDelete: func(q *request) { r.deleteSubject(q, s[1]) },
		})
	case s[0] == "subjects" && n == 3 && s[2] == "versions":
		return q.dispatch(methods{
			http.MethodGet:  func(q *request) { r.listVersions(q, s[1]) },
			http.MethodPost: func(q *request) { r.register(q, s[1]) },
		})
	case s[0] == "subjects" && n == 4 && s[2] == "versions":
		return q.dispatch(methods{
			http.MethodGet:    func(q *request) { r.getVersion(q, s[1], s[3], false) },
			http.MethodDelete: func(q *request) { r.deleteVersion(q, s[1], s[3]) },
		})
	case s[0] == "subjects" && n == 5 && s[2] == "versions" && s[4] == "schema":
		return q.dispatch(methods{http.MethodGet: func(q *request) { r.getVersion(q, s[1], s[3], true) }})
	case s[0] == "subjects" && n == 5 && s[2] == "versions" && s[4] == "referencedby":
		return q.dispatch(methods{http.MethodGet: func(q *request) { r.referencedBy(q, s[1], s[3]) }})
	case s[0] == "config" && n <= 2:
		subject := ""
		if n == 2 {
			subject = s[1]
		}
		return q.dispatch(methods{
			http.MethodGet:    func(q *request) { r.getConfig(q, subject, n == 1) },
			http.MethodPut:    func(q *request) { r.putConfig(q, subject) },
			http.MethodDelete: func(q *request) { r.deleteConfig(q, subject, n == 1) },
		})
	case s[0] == "compatibility" && n >= 4 && n <= 5 && s[1] == "subjects" && s[3] == "versions":
		version := ""
		if n == 5 {
			version = s[4]
		}
		return q.dispatch(methods{http.MethodPost: func(q *request) { r.checkCompatibility(q, s[2], version, n == 5) }})
	}
	q.fail(errHTTP(http.StatusNotFound))
	return nil
}

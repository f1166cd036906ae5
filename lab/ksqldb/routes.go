package ksqldb

import (
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Media types of ksqlDB's HTTP API (ServerVerticle.java, QueryStreamHandler.java,
// KsqlMediaType.java of github.com/confluentinc/ksql at 7.9.0).
const (
	mediaKSQL      = "application/vnd.ksql.v1+json"
	mediaJSON      = "application/json"
	mediaDelimited = "application/vnd.ksqlapi.delimited.v1"
	mediaProtobuf  = "application/vnd.ksql.v1+protobuf"
)

// routes builds the router. It mirrors ServerVerticle.setupRouter (ksqldb-rest-app,
// io/confluent/ksql/api/server/ServerVerticle.java, 7.9.0): each route matches a
// method, a path and, through produces, the Accept header; nothing in it looks at
// the request's Content-Type, so a body is read as JSON whatever type it claims
// (curl's default application/x-www-form-urlencoded included: Vert.x's
// BodyHandlerImpl keeps url-encoded bodies, github.com/vert-x3/vertx-web
// io/vertx/ext/web/handler/impl/BodyHandlerImpl.java). A request no route
// matches, for whatever reason (path, method or Accept), falls through to the
// last route, which answers 404 with the plain-text body "Not Found".
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	old := []string{mediaKSQL, mediaJSON}
	handle := func(pattern string, h http.HandlerFunc, produces ...string) {
		mux.Handle(pattern, produce(produces, h))
	}
	handle("POST /ksql", s.handleKSQL, old...)
	handle("POST /ksql/terminate", s.handleTerminateCluster, old...)
	// /query: the old streaming API for the ksql media types, the query-stream
	// handler in compatibility mode for the delimited type (two routes upstream)
	mux.Handle("POST /query", s.queryRoute())
	handle("POST /query-stream", s.handleQueryStream, mediaDelimited, mediaJSON, mediaKSQL, mediaProtobuf)
	handle("POST /close-query", s.handleCloseQuery)
	handle("POST /inserts-stream", s.handleInsertsStream, mediaDelimited, mediaJSON)
	handle("GET /info", s.handleInfo, old...)
	handle("GET /healthcheck", s.handleHealthcheck, old...)
	handle("GET /clusterStatus", s.handleClusterStatus, old...)
	handle("GET /status/{type}/{entity}/{action}", s.handleStatus, old...)
	handle("GET /status", s.handleAllStatuses, old...)
	handle("GET /is_valid_property/{property}", s.handleIsValidProperty, old...)
	handle("POST /heartbeat", s.handleWithoutHeartbeats, old...)
	handle("POST /lag", s.handleWithoutHeartbeats, old...)
	handle("GET /v1/metadata", s.handleServerMetadata, old...)
	handle("GET /v1/metadata/id", s.handleServerMetadata, old...)
	handle("GET /ws/query", s.notBuilt, old...)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/info")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	chc := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", mediaJSON)
		_, _ = io.WriteString(w, "{}")
	}
	mux.HandleFunc("GET /chc/ready", chc)
	mux.HandleFunc("GET /chc/live", chc)
	return s.lastRoute(mux)
}

// lastRoute refuses requests while the server is not ready (ServerStateHandler,
// which comes after the /chc routes) and answers what mux has no route for as
// ksqlDB's catch-all route does.
func (s *Server) lastRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chc := r.Method == http.MethodGet && (r.URL.Path == "/chc/ready" || r.URL.Path == "/chc/live")
		if !chc && s.refuseNotReady(w) {
			return
		}
		// net/http lets GET patterns serve HEAD; Vert.x routes do not
		if _, pattern := mux.Handler(r); pattern == "" || r.Method == http.MethodHead {
			notFound(w)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter) {
	// Vert.x's end(String) sets no Content-Type; keep net/http from sniffing one
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, "Not Found")
}

// produce lets h handle the request when its Accept header allows one of
// produces, and otherwise behaves as the catch-all route (Vert.x Route.produces).
func produce(produces []string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(produces) == 0 {
			h(w, r)
			return
		}
		if _, ok := negotiate(r.Header.Values("Accept"), produces); !ok {
			notFound(w)
			return
		}
		h(w, r)
	})
}

// negotiate picks the media type of produces the Accept header prefers, as
// Vert.x's ParsedHeaderValues.findBestUserAcceptedIn does: accepted types in
// order of weight, for each the first produced type it matches. With no Accept
// header the route matches and no type is chosen ("", true).
func negotiate(accept []string, produces []string) (string, bool) {
	type accepted struct {
		typ, sub string
		q        float64
	}
	var list []accepted
	for _, line := range accept {
		for _, part := range strings.Split(line, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			typ, sub, _ := strings.Cut(mt, "/")
			list = append(list, accepted{typ, sub, q})
		}
	}
	if len(list) == 0 {
		return "", true
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].q > list[j].q })
	for _, a := range list {
		if a.q <= 0 {
			continue
		}
		for _, p := range produces {
			typ, sub, _ := strings.Cut(p, "/")
			if (a.typ == "*" || a.typ == typ) && (a.sub == "*" || a.sub == sub) {
				return p, true
			}
		}
	}
	return "", false
}

// notBuilt refuses an endpoint of ksqlDB this server does not implement.
func (s *Server) notBuilt(w http.ResponseWriter, r *http.Request) {
	writeFailure(w, http.StatusNotImplemented, genericError{Type: "generic_error", ErrorCode: 50100,
		Message: r.Method + " " + r.URL.Path + " is not supported by this ksqlDB server"})
}

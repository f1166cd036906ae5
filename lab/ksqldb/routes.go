package ksqldb

import (
	"io"
	"net/http"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
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
	old := []string{restapi.MediaKSQL, restapi.MediaJSON}
	handle := func(pattern string, h http.HandlerFunc, produces ...string) {
		mux.Handle(pattern, restapi.Produce(produces, h))
	}
	handle("POST /ksql", s.handleKSQL, old...)
	handle("POST /ksql/terminate", s.handleTerminateCluster, old...)
	// /query: the old streaming API for the ksql media types, the query-stream
	// handler in compatibility mode for the delimited type (two routes upstream)
	mux.Handle("POST /query", s.queryRoute())
	handle("POST /query-stream", s.handleQueryStream, restapi.MediaDelimited, restapi.MediaJSON, restapi.MediaKSQL, restapi.MediaProtobuf)
	handle("POST /close-query", s.handleCloseQuery)
	handle("POST /inserts-stream", s.handleInsertsStream, restapi.MediaDelimited, restapi.MediaJSON)
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
		w.Header().Set("Content-Type", restapi.MediaJSON)
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
			restapi.NotFound(w)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// notBuilt refuses an endpoint of ksqlDB this server does not implement.
func (s *Server) notBuilt(w http.ResponseWriter, r *http.Request) {
	restapi.WriteFailure(w, http.StatusNotImplemented, restapi.GenericError{Type: "generic_error", ErrorCode: 50100,
		Message: r.Method + " " + r.URL.Path + " is not supported by this ksqlDB server"})
}

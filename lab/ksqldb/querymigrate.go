package ksqldb

import (
	"context"
	"net/http"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// migrateQueryProperty is ksql.endpoint.migrate.query (KsqlConfig.java,
// confluentinc/ksql v7.9.0), true by default: a SELECT on /query is run by the
// query-stream handler in compatibility mode. StreamedQueryResource.handleStatement
// parses the statement first (its parse errors, PRINT and statements of other
// kinds stay on the old path), then answers a NextHandlerOutput, on which
// OldApiUtils.handleOldApiResponse passes the request to the next /query route:
// QueryStreamHandler with queryCompatibilityMode, which produces the delimited
// type, the ksql type and application/json, in that order.
const migrateQueryProperty = "ksql.endpoint.migrate.query"

// migrateQuery reports whether a /query SELECT with these overrides goes to
// the query-stream handler (StreamedQueryResource.shouldMigrateToQueryStream:
// the request's override, else the server's setting, here the default).
func migrateQuery(props map[string]string) bool {
	v, ok := props[migrateQueryProperty]
	return !ok || !strings.EqualFold(v, "false")
}

// migratedQuery runs a /query SELECT as QueryStreamHandler in compatibility
// mode does: over HTTP/1.1 or HTTP/2, in the format of the media type the
// Accept header prefers among that route's (any type: delimited; JSON or none:
// the old /query rows as application/vnd.ksql.v1+json), failures as
// failStatement answers them (ServerUtils.handleEndpointException, as on
// /query-stream), and a push query that
// /close-query may end (ConnectionQueryManager.createApiQuery).
func (s *Server) migratedQuery(ctx context.Context, w http.ResponseWriter, r *http.Request, p sql.Parsed, q *sql.Query, props map[string]string) {
	if refuseHTTP10(w, r) {
		return
	}
	accepted, _ := restapi.Negotiate(r.Header.Values("Accept"), []string{restapi.MediaDelimited, restapi.MediaKSQL, restapi.MediaJSON})
	out := queryStreamOutput(w, r, accepted, true)
	out.fail = func(text string, err error) { failStatement(w, text, err) }
	if q.EmitChanges || q.EmitFinal {
		s.pushQuery(ctx, pushHeader(out), p, q, props, true)
		return
	}
	s.pullQuery(ctx, out, p, q, props)
}

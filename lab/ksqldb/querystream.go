package ksqldb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The /query-stream and /close-query endpoints (QueryStreamHandler.java and
// CloseQueryHandler.java in ksqldb-rest-app/src/main/java/io/confluent/ksql/api/server,
// github.com/confluentinc/ksql 7.9.0; documented at
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/streaming-endpoint/).

// queryStreamArgs is the body of POST /query-stream (QueryStreamArgs); unknown
// fields are ignored, sql is required.
type queryStreamArgs struct {
	SQL               *string                    `json:"sql"`
	Properties        map[string]any             `json:"properties"`
	SessionVariables  map[string]json.RawMessage `json:"sessionVariables"`
	RequestProperties map[string]any             `json:"requestProperties"`
}

func (s *Server) handleQueryStream(w http.ResponseWriter, r *http.Request) {
	s.queryStream(w, r, false)
}

// queryRoute serves POST /query: the old streaming API when the Accept header
// allows a ksql media type (or names none), which hands a SELECT on to the
// query-stream handler unless ksql.endpoint.migrate.query is false
// (migratedQuery), else the query-stream handler in compatibility mode for
// application/vnd.ksqlapi.delimited.v1.
func (s *Server) queryRoute() http.Handler {
	old := restapi.Produce([]string{restapi.MediaKSQL, restapi.MediaJSON}, s.handleQuery)
	compat := restapi.Produce([]string{restapi.MediaDelimited, restapi.MediaKSQL, restapi.MediaJSON, restapi.MediaProtobuf}, func(w http.ResponseWriter, r *http.Request) {
		s.queryStream(w, r, true)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := restapi.Negotiate(r.Header.Values("Accept"), []string{restapi.MediaKSQL, restapi.MediaJSON}); ok {
			old.ServeHTTP(w, r)
			return
		}
		compat.ServeHTTP(w, r)
	})
}

// queryStream runs one query of a /query-stream request; compat reads the
// old request body ({"ksql":..., "streamsProperties":...}) as /query does.
func (s *Server) queryStream(w http.ResponseWriter, r *http.Request, compat bool) {
	if refuseHTTP10(w, r) {
		return
	}
	accepted, _ := restapi.Negotiate(r.Header.Values("Accept"), []string{restapi.MediaDelimited, restapi.MediaJSON, restapi.MediaKSQL, restapi.MediaProtobuf})
	if compat {
		accepted, _ = restapi.Negotiate(r.Header.Values("Accept"), []string{restapi.MediaDelimited, restapi.MediaKSQL, restapi.MediaJSON, restapi.MediaProtobuf})
	}
	if accepted == restapi.MediaProtobuf {
		// ksqlDB's separate protobuf route (JsonStreamedRowResponseWriter with RowFormat.PROTOBUF)
		restapi.WriteFailure(w, http.StatusNotImplemented, restapi.GenericError{Type: "generic_error", ErrorCode: 50100,
			Message: "The " + restapi.MediaProtobuf + " response format is not supported by this ksqlDB server"})
		return
	}
	text, rawProps, rawVars, ok := s.readQueryStreamBody(w, r, compat)
	if !ok {
		return
	}
	if compat {
		// QueryStreamHandler.getRequest reads the old body's overrides
		// (KsqlRequest.getConfigOverrides); what it throws escapes the
		// handler, and ServerVerticle's FailureHandler answers 500 with
		// the exception's own message (a KsqlException's without its cause)
		if err := coerceOverrides(rawProps); err != nil {
			msg := err.Error()
			var br *badRequestError
			if errors.As(err, &br) {
				msg = br.head
			}
			restapi.WriteFailure(w, http.StatusInternalServerError, restapi.GenericError{Type: "generic_error", ErrorCode: 50000, Message: msg})
			return
		}
	}
	out := queryStreamOutput(w, r, accepted, compat)
	props := map[string]string{}
	for k, v := range rawProps {
		str := overrideString(v)
		// an auto.offset.reset or processing.guarantee that does not parse
		// fails as the push query is planned (overridesParse); "none" is
		// not run here
		if isOffsetReset(k) && str == "none" {
			out.fail(text, checkProperty(k, str))
			return
		}
		props[k] = str
	}
	if err := unsupportedGuarantee(props); err != nil {
		out.fail(text, err)
		return
	}
	overridesParse := compat || uncoercedPushV2(rawProps, props) && allParse(rawProps)
	stmts, err := sql.Parse(text)
	if err != nil {
		out.fail(text, err)
		return
	}
	if len(stmts) != 1 {
		// QueryEndpoint.createStatement's refusals name the request's text
		out.fail(text, withUnlogged(stmterr.Bad("Expected exactly one KSQL statement; found %d instead", len(stmts)), text))
		return
	}
	p, err := newSessionVars(false, true, rawVars).substitute(stmts[0])
	if err != nil {
		out.fail(text, err)
		return
	}
	if err := notIntegerClause(p.Stmt); err != nil {
		// AstBuilder's ParsingException, which DefaultKsqlParser.prepare
		// rethrows with unlogged details naming the statement
		out.fail(p.Text, withUnlogged(err, p.Text))
		return
	}
	if q := planner.StatementQuery(p.Stmt); q != nil {
		// EngineContext.prepare looks the statement's sources up before
		// createStatement looks at its kind
		s.mu.Lock()
		err := planner.MissingSource(s.ms, q)
		s.mu.Unlock()
		if err != nil {
			out.fail(p.Text, err)
			return
		}
	}
	qs, ok := p.Stmt.(*sql.QueryStatement)
	if !ok {
		out.fail(text, withUnlogged(stmterr.Bad("Neither a query nor a print statement"), text))
		return
	}
	if (qs.Query.EmitChanges || qs.Query.EmitFinal) && !overridesParse {
		// prepared (its sources looked up above) and checked against the
		// cap (QueryExecutor.handlePushQuery) before it is planned
		err := s.push.atCap(p.Text)
		if err == nil {
			err = errInternalQuery
		}
		out.fail(p.Text, err)
		return
	}
	if qs.Query.EmitChanges || qs.Query.EmitFinal {
		// registered with the connection's queries in compatibility mode too,
		// so /close-query ends it (QueryStreamHandler.handleQueryPublisher)
		s.pushQuery(r.Context(), pushHeader(out), p, qs.Query, props, true)
		return
	}
	if !overridesParse && len(qs.Query.Joins) == 0 && s.isStream(qs.Query.From) {
		// a pull query on a stream is planned as a push query is
		// (EngineExecutor.executeStreamPullQuery: planQuery reads
		// SessionConfig.getConfig(true)), once analysis has checked its
		// clauses
		err := checkPullClauses(qs.Query, props)
		if err == nil {
			err = errInternalQuery
		}
		out.fail(p.Text, err)
		return
	}
	s.pullQuery(r.Context(), out, p, qs.Query, props)
}

// isStream reports whether name is a stream this server knows.
func (s *Server) isStream(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.ms.Sources[name]
	return ok && !src.Table
}

// refuseHTTP10 answers a request over HTTP/1.0 as QueryStreamHandler.handle
// does, and reports whether it did.
func refuseHTTP10(w http.ResponseWriter, r *http.Request) bool {
	if r.ProtoMajor == 1 && r.ProtoMinor == 0 {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "This endpoint is only available when using HTTP1.1 or HTTP2"})
		return true
	}
	return false
}

// queryStreamOutput answers a query as QueryStreamHandler does: failures as
// failStatement, results in the format getQueryStreamResponseWriter picks for
// the accepted media type ("" when the request named none).
func queryStreamOutput(w http.ResponseWriter, r *http.Request, accepted string, compat bool) queryOutput {
	return queryOutput{
		node: localNode(r),
		fail: func(stmt string, err error) { failStatement(w, stmt, err) },
		open: func(queryID string, sch types.Schema) restapi.ResultWriter {
			var rw restapi.ResultWriter
			switch {
			case accepted == restapi.MediaDelimited || (accepted == "" && !compat):
				w.Header().Set("Content-Type", restapi.MediaDelimited)
				rw = &restapi.DelimitedRows{W: w, FlushFn: restapi.Flusher(w)}
			case accepted == restapi.MediaKSQL || accepted == "" || (accepted == restapi.MediaJSON && compat):
				w.Header().Set("Content-Type", restapi.MediaKSQL)
				rw = &restapi.StreamedRows{W: w, FlushFn: restapi.Flusher(w)}
			default:
				w.Header().Set("Content-Type", restapi.MediaJSON)
				rw = &restapi.ArrayRows{W: w, FlushFn: restapi.Flusher(w)}
			}
			w.WriteHeader(http.StatusOK)
			rw.Header(queryID, sch)
			return rw
		},
	}
}

// readQueryStreamBody decodes the request, answering the failure itself.
func (s *Server) readQueryStreamBody(w http.ResponseWriter, r *http.Request, compat bool) (string, map[string]any, map[string]json.RawMessage, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			restapi.WriteFailure(w, http.StatusRequestEntityTooLarge, restapi.GenericError{Type: "generic_error", ErrorCode: 41300,
				Message: fmt.Sprintf("Request body exceeds the limit of %d bytes", s.cfg.maxBody)})
			return "", nil, nil, false
		}
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000, Message: err.Error()})
		return "", nil, nil, false
	}
	invalid := func(msg string) (string, map[string]any, map[string]json.RawMessage, bool) {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + msg})
		return "", nil, nil, false
	}
	var text *string
	var props map[string]any
	var vars map[string]json.RawMessage
	if compat {
		var req restapi.KSQLRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return invalid(err.Error())
		}
		if req.KSQL == nil {
			return invalid("Missing required creator property 'ksql'")
		}
		text, props, vars = req.KSQL, req.StreamsProperties, req.SessionVariables
		if typed := decodeOverrides(body, "streamsProperties"); typed != nil {
			props = typed
		}
	} else {
		var req queryStreamArgs
		if err := json.Unmarshal(body, &req); err != nil {
			return invalid(err.Error())
		}
		if req.SQL == nil {
			return invalid("Missing required creator property 'sql' (index 0)")
		}
		text, props, vars = req.SQL, req.Properties, req.SessionVariables
		if typed := decodeOverrides(body, "properties"); typed != nil {
			props = typed
		}
	}
	return *text, props, vars, true
}

// failStatement answers a statement the query-stream handler could not run
// as ServerUtils.handleEndpointException answers a KsqlStatementException
// through FailureHandler: its unlogged message and its statement
// (KsqlStatementException.getUnloggedMessage). That message ends with
// "\nStatement: <statement>" only for an exception built with unlogged
// details: a syntax error (ParseFailedException, naming the line that
// failed), the push query cap's, and those marked as unloggedError. The
// engine rethrows the errors of analysis and planning without unlogged
// details (KsqlEngine.executeTransientQuery, analyzeQueryWithNoOutputTopic;
// EngineContext.prepare for a source that does not exist), so their
// unlogged message is the message alone.
func failStatement(w http.ResponseWriter, text string, err error) {
	code := stmterr.CodeBadStatement
	msg := err.Error()
	var ue *unloggedError
	var se *stmterr.Error
	var ste *sql.StatementError
	var pce *pushCapError
	var spe *scalablePushError
	var ie *internalQueryError
	switch {
	case errors.As(err, &ie):
		restapi.WriteFailure(w, http.StatusInternalServerError, restapi.GenericError{Type: "generic_error", ErrorCode: 50000, Message: ie.Error()})
		return
	case errors.As(err, &pce):
		msg = pce.unlogged() + "\nStatement: " + text
	case errors.As(err, &ue):
		msg, text = ue.unlogged(), ue.stmt
	case errors.As(err, &spe):
	case errors.As(err, &ste):
		if line, ok := failedLine(text, err); ok {
			text = line // DefaultKsqlParser.parse's statement
		} else {
			text = ste.Text
		}
		msg += "\nStatement: " + text
	case errors.As(err, &se):
		code = se.Code
	default:
		code = 50000
	}
	restapi.WriteFailure(w, code/100, restapi.StatementError{Type: "statement_error", ErrorCode: code, Message: msg,
		StatementText: text, Entities: []any{}})
}

// closeQueryArgs is the body of POST /close-query (CloseQueryArgs).
type closeQueryArgs struct {
	QueryID *string `json:"queryId"`
}

func (s *Server) handleCloseQuery(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000, Message: err.Error()})
		return
	}
	var args closeQueryArgs
	if err := json.Unmarshal(body, &args); err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + err.Error()})
		return
	}
	if args.QueryID == nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: Missing required creator property 'queryId' (index 0)"})
		return
	}
	if !s.push.close(*args.QueryID) {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "No query with id " + *args.QueryID})
		return
	}
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusOK)
}

// pushQueries tracks the server's transient push queries, from /query and
// /query-stream alike, and enforces ksql.max.push.queries.
type pushQueries struct {
	mu    sync.Mutex
	limit int
	live  map[string]*livePush
}

type livePush struct {
	cancel   func()
	closable bool // started on /query-stream, so /close-query may end it
	closed   bool
}

// pushCapError is QueryCapacityUtil.throwTooManyActivePushQueriesException's
// KsqlStatementException (ksqldb-rest-app/src/main/java/io/confluent/ksql/rest/util/QueryCapacityUtil.java).
type pushCapError struct {
	stmt         string
	count, limit int
}

// Error is the sanitised message, which /query answers.
func (e *pushCapError) Error() string {
	return fmt.Sprintf("Not executing statement(s) as it would cause the number of active, push queries to exceed the configured limit. "+
		"Terminate existing PUSH queries, or increase the '%s' setting via the 'ksql-server.properties' file. "+
		"Current push query count: %d. Configured limit: %d.", maxPushQueriesProperty, e.count, e.limit)
}

// unlogged is the message with the statement, which /query-stream answers.
func (e *pushCapError) unlogged() string {
	return fmt.Sprintf("Not executing statement(s) '%s' as it would cause the number of active, push queries to exceed the configured limit. "+
		"Terminate existing PUSH queries, or increase the '%s' setting via the 'ksql-server.properties' file. "+
		"Current push query count: %d. Configured limit: %d.", e.stmt, maxPushQueriesProperty, e.count, e.limit)
}

const maxPushQueriesProperty = "ksql.max.push.queries"

func (p *pushQueries) register(id, stmt string, cancel func(), closable bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.live) >= p.limit {
		return &pushCapError{stmt: stmt, count: len(p.live), limit: p.limit}
	}
	p.live[id] = &livePush{cancel: cancel, closable: closable}
	return nil
}

// atCap is QueryCapacityUtil.exceedsPushQueryCapacity's refusal of stmt
// when the server runs as many push queries as it may; nil otherwise.
func (p *pushQueries) atCap(stmt string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.live) >= p.limit {
		return &pushCapError{stmt: stmt, count: len(p.live), limit: p.limit}
	}
	return nil
}

func (p *pushQueries) unregister(id string) {
	p.mu.Lock()
	delete(p.live, id)
	p.mu.Unlock()
}

// close ends a /query-stream push query, reporting whether there was one.
func (p *pushQueries) close(id string) bool {
	p.mu.Lock()
	q, ok := p.live[id]
	if ok && (!q.closable || q.closed) {
		ok = false
	}
	if ok {
		q.closed = true
	}
	p.mu.Unlock()
	if ok {
		q.cancel()
	}
	return ok
}

// terminate ends the push query whose id is id without regard to case
// (QueryId.equals), whichever endpoint started it, and reports whether
// there was one.
func (p *pushQueries) terminate(id string) bool {
	p.mu.Lock()
	var found *livePush
	for qid, q := range p.live {
		if strings.EqualFold(qid, id) && !q.closed {
			found = q
			break
		}
	}
	if found != nil {
		found.closed = true
	}
	p.mu.Unlock()
	if found != nil {
		found.cancel()
	}
	return found != nil
}

// closeAll ends every push query, as the engine's close does.
func (p *pushQueries) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, q := range p.live {
		q.closed = true
		q.cancel()
	}
}

func (p *pushQueries) closedByRequest(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	q, ok := p.live[id]
	return ok && q.closed
}

func (p *pushQueries) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.live)
}

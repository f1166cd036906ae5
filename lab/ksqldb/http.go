package ksqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// ServeHTTP serves ksqlDB's HTTP API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Protocols are the HTTP versions ksqlDB's listener speaks: HTTP/1.1 and,
// without TLS, HTTP/2 with prior knowledge (Vert.x with h2c enabled, which the
// Java client and curl --http2-prior-knowledge use). Give them to the
// http.Server that serves this Server.
func (s *Server) Protocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return p
}

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	state := "RUNNING"
	if s.closed.Load() {
		state = "TERMINATING"
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"KsqlServerInfo": map[string]any{
		"version": s.cfg.version, "kafkaClusterId": s.clusterID, "ksqlServiceId": s.cfg.serviceID, "serverStatus": state}})
}

func (s *Server) handleHealthcheck(w http.ResponseWriter, r *http.Request) {
	healthy := !s.closed.Load()
	h := map[string]any{"isHealthy": healthy}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"isHealthy": healthy,
		"details": map[string]any{"metastore": h, "kafka": h, "commandRunner": h}, "serverState": "READY"})
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("type") + "/" + r.PathValue("entity") + "/" + r.PathValue("action")
	s.mu.Lock()
	st, ok := s.statuses[id]
	s.mu.Unlock()
	if !ok {
		// StatusResource.getStatus: Errors.notFound("Command not found")
		s.writeJSON(w, r, http.StatusNotFound, restapi.GenericError{Type: "generic_error", ErrorCode: 40400,
			Message: "Command not found"})
		return
	}
	s.writeJSON(w, r, http.StatusOK, st)
}

// writeJSON writes a response of the old API (/ksql, /query, /info, ...):
// OldApiUtils.handleOldApiResponse sets Content-Type application/json on every
// one of them, whatever the request accepted.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, code int, v any) {
	b, err := jsonwire.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = jsonwire.Marshal(restapi.GenericError{Type: "generic_error", ErrorCode: 50000, Message: err.Error()})
	}
	w.Header().Set("Content-Type", restapi.MediaJSON)
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// readRequest decodes a request body, answering the error itself when it fails.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) (*restapi.KSQLRequest, map[string]string, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeJSON(w, r, http.StatusRequestEntityTooLarge, restapi.GenericError{Type: "generic_error", ErrorCode: 41300,
				Message: fmt.Sprintf("Request body exceeds the limit of %d bytes", s.cfg.maxBody)})
			return nil, nil, false
		}
		s.writeJSON(w, r, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000, Message: err.Error()})
		return nil, nil, false
	}
	// the body is JSON whatever Content-Type the request names (ServerUtils.deserialiseObject)
	var req restapi.KSQLRequest
	if err := json.Unmarshal(body, &req); err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + err.Error()})
		return nil, nil, false
	}
	if req.KSQL == nil {
		s.writeJSON(w, r, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "\"ksql\" field must be given"})
		return nil, nil, false
	}
	if typed := decodeOverrides(body, "streamsProperties"); typed != nil {
		req.StreamsProperties = typed
	}
	// the overrides' types and values are checked by coerceOverrides,
	// where each endpoint reads them (KsqlRequest.getConfigOverrides)
	props := map[string]string{}
	for k, v := range req.StreamsProperties {
		props[k] = overrideString(v)
	}
	if s.closed.Load() {
		restapi.WriteFailure(w, http.StatusServiceUnavailable, restapi.GenericError{Type: "generic_error", ErrorCode: 50303,
			Message: "The server is shutting down"})
		return nil, nil, false
	}
	return &req, props, true
}

func (s *Server) writeStatementError(w http.ResponseWriter, r *http.Request, text string, err error, entities []any) {
	code, body := statementError(text, err, entities)
	s.writeJSON(w, r, code/100, body)
}

// statementError is the statement_error body of a failed statement, as the
// old API answers it, and its error code.
func statementError(text string, err error, entities []any) (int, restapi.StatementError) {
	code := stmterr.CodeBadStatement
	msg := err.Error()
	var se *stmterr.Error
	var ste *sql.StatementError
	switch {
	case errors.As(err, &se):
		code = se.Code
	case errors.As(err, &ste):
		text = ste.Text
		if sql.IsUnsupported(err) {
			msg = err.Error()
		}
	default:
		code = 50000
	}
	if entities == nil {
		entities = []any{}
	}
	return code, restapi.StatementError{Type: "statement_error", ErrorCode: code, Message: msg,
		StatementText: text, Entities: entities}
}

func (s *Server) handleKSQL(w http.ResponseWriter, r *http.Request) {
	req, props, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	if err := coerceOverrides(req.StreamsProperties); err != nil {
		// KsqlResource.handleKsqlStatements reads the overrides before it
		// parses the statements: Errors.badRequest, or for an unknown name
		// Errors.serverErrorForStatement naming the request (masked)
		var nf *propertyNotFoundError
		if errors.As(err, &nf) {
			text := *req.KSQL
			if stmts, perr := sql.Parse(text); perr == nil {
				text = maskedRequest(stmts)
			} else {
				text = sql.MaskUnparsed(text)
			}
			s.writeJSON(w, r, http.StatusInternalServerError, restapi.StatementError{Type: "statement_error", ErrorCode: 50000,
				Message: err.Error(), StatementText: text, Entities: []any{}})
			return
		}
		s.writeJSON(w, r, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000, Message: err.Error()})
		return
	}
	if err := unsupportedGuarantee(props); err != nil {
		s.writeStatementError(w, r, *req.KSQL, err, nil)
		return
	}
	stmts, err := sql.Parse(*req.KSQL)
	if err != nil {
		s.writeStatementError(w, r, *req.KSQL, err, nil)
		return
	}
	enabled := s.cfg.substitution
	if v, ok := props[substitutionProperty]; ok {
		enabled = v == "true"
	}
	vars := newSessionVars(true, enabled, req.SessionVariables)
	entities, failed, err := s.executeAll(withRequestAuth(r.Context(), r.Header.Get("Authorization")), stmts, props, vars)
	if err != nil {
		if s.writeRequestFailure(w, r, err) {
			return
		}
		if isConnectServerError(err) {
			failed, entities = maskedRequest(stmts), nil
		}
		s.writeStatementError(w, r, failed, err, entities)
		return
	}
	s.writeJSON(w, r, http.StatusOK, entities)
}

// executeAll validates every statement in a sandbox first, as ksqlDB does,
// and then runs them; on an error it returns the entities of the
// statements run before and the failed statement's text (entities is nil
// when the sandbox refused).
func (s *Server) executeAll(ctx context.Context, stmts []sql.Parsed, props map[string]string, vars *sessionVars) (entities []any, failed string, err error) {
	if vars == nil {
		vars = newSessionVars(true, true, nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	missing := map[string]bool{}
	sandbox := &execCtx{ms: s.ms.Clone(), sandbox: true, props: maps.Clone(props), missing: missing, vars: vars.clone()}
	for _, p := range stmts {
		p, err := sandbox.vars.prepare(p)
		if err != nil {
			return nil, p.Text, err
		}
		if _, err := s.execute(ctx, sandbox, p); err != nil {
			return nil, p.Text, err
		}
	}
	live := &execCtx{ms: s.ms, props: maps.Clone(props), missing: missing, vars: vars.clone()}
	entities = []any{}
	for _, p := range stmts {
		p, err := live.vars.prepare(p)
		if err != nil {
			return entities, p.Text, err
		}
		ent, err := s.execute(ctx, live, p)
		if err != nil {
			return entities, p.Text, err
		}
		if cs, ok := ent.(*restapi.CurrentStatus); ok {
			s.statuses[cs.CommandID] = cmdStatus{Status: cs.CommandStatus.Status, Message: cs.CommandStatus.Message}
		}
		if ent != nil {
			entities = append(entities, ent)
		}
	}
	return entities, "", nil
}

// runStatements parses and runs text as a /ksql request does, for the
// server's own statements.
func (s *Server) runStatements(ctx context.Context, text string, props map[string]string) ([]any, error) {
	stmts, err := sql.Parse(text)
	if err != nil {
		return nil, err
	}
	entities, _, err := s.executeAll(ctx, stmts, props, nil)
	return entities, err
}

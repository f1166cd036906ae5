package ksqldb

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Server states that refuse requests (ServerState.java, ServerStateHandler.java).
const (
	stateRunning int32 = iota
	stateTerminating
	stateTerminated
)

// refuseNotReady answers as ServerStateHandler does while the server stops or
// after TERMINATE CLUSTER: 503 through the FailureHandler (no Content-Type),
// error codes 50303 and 50304 (Errors.serverShuttingDown, Errors.serverShutDown).
func (s *Server) refuseNotReady(w http.ResponseWriter) bool {
	switch {
	case s.state.Load() == stateTerminated:
		restapi.WriteFailure(w, http.StatusServiceUnavailable, restapi.GenericError{Type: "generic_error", ErrorCode: 50304,
			Message: "The server is shut down"})
	case s.closed.Load() || s.state.Load() == stateTerminating:
		restapi.WriteFailure(w, http.StatusServiceUnavailable, restapi.GenericError{Type: "generic_error", ErrorCode: 50303,
			Message: "The server is shutting down"})
	default:
		return false
	}
	return true
}

// handleIsValidProperty is GET /is_valid_property/{property}
// (KsqlResource.isValidProperty, 7.9.0): true, unless the property is on the
// deny list, which with the default ksql.properties.overrides.denylist holds
// only ksql.service.id (DenyListPropertyValidator). Shared runtimes are off by
// default, so no other property is refused.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/is_valid_property-endpoint/
func (s *Server) handleIsValidProperty(w http.ResponseWriter, r *http.Request) {
	prop := r.PathValue("property")
	if prop == "ksql.service.id" {
		s.writeJSON(w, r, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "One or more properties overrides set locally are prohibited by the KSQL server (use UNSET to reset their default value): [ksql.service.id]"})
		return
	}
	s.writeJSON(w, r, http.StatusOK, true)
}

// handleClusterStatus is GET /clusterStatus. ksqlDB only builds the resource
// when ksql.heartbeat.enable is true, which it is not by default (nor in the
// lab's Confluent Platform configuration); without it the endpoint answers 404
// with an empty body (KsqlServerEndpoints.executeClusterStatus,
// KsqlRestApplication's clusterStatusResource, KsqlRestConfig 7.9.0).
func (s *Server) handleClusterStatus(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", restapi.MediaJSON)
	w.WriteHeader(http.StatusNotFound)
}

// handleWithoutHeartbeats answers POST /heartbeat and POST /lag as ksqlDB does
// with ksql.heartbeat.enable and ksql.lag.reporting.enable at their default,
// false: the body must be JSON, then 404 with an empty body
// (KsqlServerEndpoints.executeHeartbeat and executeLagReport, 7.9.0).
func (s *Server) handleWithoutHeartbeats(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	var v any
	if err == nil {
		err = json.Unmarshal(body, &v)
	}
	if err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + err.Error()})
		return
	}
	s.handleClusterStatus(w, r)
}

// handleAllStatuses is GET /status: every command's status by command id
// (StatusResource.getAllStatuses, CommandStatuses).
func (s *Server) handleAllStatuses(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := make(map[string]string, len(s.statuses))
	for id, st := range s.statuses {
		out[id] = st.Status
	}
	s.mu.Unlock()
	s.writeJSON(w, r, http.StatusOK, out)
}

// handleServerMetadata is GET /v1/metadata and /v1/metadata/id
// (ServerMetadataResource, ServerMetadata, ServerClusterId).
func (s *Server) handleServerMetadata(w http.ResponseWriter, r *http.Request) {
	clusterID := map[string]any{
		"scope": map[string]any{"path": []string{}, "clusters": map[string]string{
			"kafka-cluster": s.clusterID, "ksql-cluster": s.cfg.serviceID}},
		"id": "",
	}
	if r.URL.Path == "/v1/metadata/id" {
		s.writeJSON(w, r, http.StatusOK, clusterID)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"version": s.cfg.version, "clusterId": clusterID})
}

// clusterTerminateRequest is the body of POST /ksql/terminate (ClusterTerminateRequest).
type clusterTerminateRequest struct {
	DeleteTopicList []string `json:"deleteTopicList"`
}

const terminateClusterText = "TERMINATE CLUSTER;"

// handleTerminateCluster is POST /ksql/terminate (KsqlResource.terminateCluster,
// CommandRunner.terminateCluster and ClusterTerminator, 7.9.0;
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/terminate-endpoint/):
// every persistent and push query stops, the sink topics of CREATE ... AS
// SELECT sources whose name fully matches a deleteTopicList pattern are deleted
// with their Schema Registry subjects, the command topic is deleted, and from
// then on the server answers every request 503 "The server is shut down".
func (s *Server) handleTerminateCluster(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000, Message: err.Error()})
		return
	}
	var req clusterTerminateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + err.Error()})
		return
	}
	var patterns []*regexp.Regexp
	for _, p := range req.DeleteTopicList {
		// Java's Matcher.matches: the whole name must match
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			s.writeJSON(w, r, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
				Message: "Invalid pattern: " + p})
			return
		}
		patterns = append(patterns, re)
	}
	ctx := context.WithoutCancel(r.Context())
	s.mu.Lock()
	defer s.mu.Unlock()
	seq, err := s.appendCommand(ctx, "cluster/TerminateCluster/terminate", command{Statement: terminateClusterText,
		StreamsProperties: map[string]string{}, OriginalProps: map[string]string{}})
	if err != nil {
		s.writeStatementError(w, r, terminateClusterText, err, nil)
		return
	}
	s.state.Store(stateTerminating)
	s.push.closeAll()
	for _, qi := range s.ms.SortedQueries() {
		s.terminateQuery(ctx, qi)
	}
	for _, src := range s.ms.Sources {
		if !isCASTarget(src) || !matchesAny(patterns, src.Topic) {
			continue
		}
		if err := s.deleteTopic(ctx, src.Topic); err != nil {
			s.log.Warn("terminate cluster: delete sink topic", "topic", src.Topic, "err", err)
		}
		if formats.RegistryFormat(src.KeyFormat) {
			s.deleteSubject(ctx, src.Topic+"-key")
		}
		if formats.RegistryFormat(src.ValueFormat) {
			s.deleteSubject(ctx, src.Topic+"-value")
		}
	}
	if err := s.deleteTopic(ctx, s.cmdTopic); err != nil {
		s.log.Warn("terminate cluster: delete command topic", "topic", s.cmdTopic, "err", err)
	}
	s.state.Store(stateTerminated)
	s.log.Info("the ksqlDB server was terminated")
	// DistributingExecutor answers with the command's status when it does not
	// reach a final one in time, which TERMINATE CLUSTER never does
	s.writeJSON(w, r, http.StatusOK, []any{&restapi.CurrentStatus{Type: "currentStatus", StatementText: terminateClusterText,
		CommandID: "cluster/TerminateCluster/terminate", CommandStatus: restapi.CommandStatus{Status: "QUEUED", Message: "Statement written to command topic"},
		CommandSequenceNumber: seq, Warnings: []restapi.Warning{}}})
}

// isCASTarget reports whether a CREATE ... AS SELECT made the source.
func isCASTarget(src *metastore.Source) bool {
	ps, err := sql.Parse(src.Statement)
	if err != nil || len(ps) != 1 {
		return false
	}
	cs, ok := ps[0].Stmt.(*sql.CreateSource)
	return ok && cs.Query != nil
}

func matchesAny(patterns []*regexp.Regexp, s string) bool {
	for _, p := range patterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}

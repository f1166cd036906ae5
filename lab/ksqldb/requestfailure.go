package ksqldb

import (
	"errors"
	"net/http"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// requestFailure ends a /ksql request with a generic_error instead of a
// statement_error: ksqlDB's KsqlResource answers a KsqlRestException
// (a failed ASSERT) with the response it carries, and any other
// KsqlException that is no statement error with Errors.badRequest (HTTP
// 400, error code 40000). The statements before it keep their effects; the
// answer carries no entities.
type requestFailure struct {
	status int
	code   int
	msg    string
}

func (e *requestFailure) Error() string { return e.msg }

// badRequest is Errors.badRequest.
func badRequest(msg string) error {
	return &requestFailure{status: http.StatusBadRequest, code: 40000, msg: msg}
}

// writeRequestFailure answers err when it is a requestFailure, and reports
// whether it was one.
func (s *Server) writeRequestFailure(w http.ResponseWriter, r *http.Request, err error) bool {
	var rf *requestFailure
	if !errors.As(err, &rf) {
		return false
	}
	s.writeJSON(w, r, rf.status, restapi.GenericError{Type: "generic_error", ErrorCode: rf.code, Message: rf.msg})
	return true
}

package ksqldb

import (
	"errors"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// withFilterStatement is how the query endpoints (/query, /query-stream)
// answer a WHERE or HAVING clause whose types do not resolve:
// FilterTypeValidator throws a KsqlStatementException with unlogged details
// whose statement is the clause, and the endpoints answer its unlogged
// message, which ends with "\nStatement: <clause>", naming the clause as
// the statement (ServerUtils.handleEndpointException;
// pull-queries-against-materialized-aggregates.json "non-windowed lookup on
// wrong type"). /ksql answers the message alone. The old /query path
// answers the exception's raw message and statement (filterError).
func withFilterStatement(err error, q *sql.Query) error {
	var se *stmterr.Error
	if !errors.As(err, &se) {
		return err
	}
	var clause sql.Expr
	var raw string
	switch {
	case strings.HasPrefix(se.Msg, "Error in WHERE expression: "):
		clause, raw = q.Where, "Error in WHERE expression"
	case strings.HasPrefix(se.Msg, "Error in HAVING expression: "):
		clause, raw = q.Having, "Error in HAVING expression"
	}
	if clause == nil {
		return err
	}
	text := sql.Format(clause)
	return &filterError{err: withUnlogged(err, text), raw: raw, stmt: text}
}

// withTablePullFilterStatement is withFilterStatement for a pull query on
// a table: EngineExecutor.executeTablePullQuery rethrows the planner's
// KsqlStatementException with its message and unlogged message kept and
// the query as its statement, so the old /query path names the query.
func withTablePullFilterStatement(err error, q *sql.Query, query string) error {
	err = withFilterStatement(err, q)
	var fe *filterError
	if errors.As(err, &fe) {
		fe.stmt = query
	}
	return err
}

// filterError is FilterTypeValidator's KsqlStatementException: its raw
// message is "Error in WHERE expression" (or HAVING) alone, the type error
// being in its unlogged details only; stmt is its statement as it reaches
// StreamedQueryResource.handleStatement, which answers
// Errors.badStatement(getRawMessage(), getSqlStatement()) on the old
// /query path (confluentinc/ksql v7.9.0 FilterTypeValidator.java,
// StreamedQueryResource.java).
type filterError struct {
	err  error // the unlogged form the query-stream handler answers
	raw  string
	stmt string
}

func (e *filterError) Error() string { return e.err.Error() }

func (e *filterError) Unwrap() error { return e.err }

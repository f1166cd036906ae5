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
// wrong type"). /ksql answers the message alone.
func withFilterStatement(err error, q *sql.Query) error {
	var se *stmterr.Error
	if !errors.As(err, &se) {
		return err
	}
	var clause sql.Expr
	switch {
	case strings.HasPrefix(se.Msg, "Error in WHERE expression: "):
		clause = q.Where
	case strings.HasPrefix(se.Msg, "Error in HAVING expression: "):
		clause = q.Having
	}
	if clause == nil {
		return err
	}
	return withUnlogged(err, sql.Format(clause))
}

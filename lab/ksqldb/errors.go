package ksqldb

import "fmt"

// Error codes of ksqlDB's REST API (Errors.java).
const (
	codeBadStatement        = 40001
	codeQueryEndpoint       = 40002
	codeSchemaRegistryUnset = 42801
)

// stmtError is a statement failure reported as statement_error.
type stmtError struct {
	code int
	msg  string
}

func (e *stmtError) Error() string { return e.msg }

func badStatement(format string, args ...any) error {
	return &stmtError{code: codeBadStatement, msg: fmt.Sprintf(format, args...)}
}

// unsupported refuses a construct ksqlDB has but this server does not implement.
func unsupported(construct string) error {
	return &stmtError{code: codeBadStatement, msg: construct + " is not supported by this ksqlDB server"}
}

// errShuttingDown refuses work that arrives while the server stops.
var errShuttingDown = &stmtError{code: 50303, msg: "The server is shutting down"}

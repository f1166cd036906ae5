package stmterr

import "fmt"

// Error codes of ksqlDB's REST API (Errors.java).
const (
	CodeBadStatement        = 40001
	CodeQueryEndpoint       = 40002
	CodeSchemaRegistryUnset = 42801
)

// Error is a statement failure reported as statement_error.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Bad is a statement ksqlDB refuses, with its message, as error code
// 40001 (bad statement).
func Bad(format string, args ...any) error {
	return &Error{Code: CodeBadStatement, Msg: fmt.Sprintf(format, args...)}
}

// Unsupported refuses a construct ksqlDB has but this server does not implement.
func Unsupported(construct string) error {
	return &Error{Code: CodeBadStatement, Msg: construct + " is not supported by this ksqlDB server"}
}

// ErrShuttingDown refuses work that arrives while the server stops.
var ErrShuttingDown = &Error{Code: 50303, Msg: "The server is shutting down"}

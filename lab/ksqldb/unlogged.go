package ksqldb

// unloggedError is a KsqlStatementException built with unlogged details
// (KsqlStatementException(message, unloggedDetails, sqlStatement),
// ksqldb-common/src/main/java/io/confluent/ksql/util/KsqlStatementException.java,
// confluentinc/ksql v7.9.0). The query-stream handler answers its unlogged
// message, which ends with "\nStatement: " and the exception's statement,
// and names that statement; /ksql answers the message alone (Error).
type unloggedError struct {
	err  error  // the exception, whose message is the unlogged details
	stmt string // the exception's statement
}

func withUnlogged(err error, stmt string) error { return &unloggedError{err: err, stmt: stmt} }

func (e *unloggedError) Error() string { return e.err.Error() }

func (e *unloggedError) Unwrap() error { return e.err }

// unlogged is KsqlStatementException.getUnloggedMessage.
func (e *unloggedError) unlogged() string { return e.err.Error() + "\nStatement: " + e.stmt }

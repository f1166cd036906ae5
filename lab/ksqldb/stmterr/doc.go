// Package stmterr holds the statement errors of the embedded ksqlDB server:
// a failure the REST API reports as a statement_error entity with one of
// ksqlDB's error codes (rest/Errors.java), and the refusal of a construct
// ksqlDB has and this server does not build ("... is not supported by this
// ksqlDB server").
package stmterr

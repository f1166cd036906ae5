// Package restapi is the wire model of the embedded ksqlDB server's REST
// API, as ksqlDB 0.29's ksqldb-rest-model module and its Vert.x server
// define it: the request bodies (KSQLRequest), the entities /ksql answers
// with (CurrentStatus, StreamsList, SourceDescription, QueriesList,
// StatementError, GenericError, ...) with their JSON names and @type tags,
// the formats a query's rows stream in (StreamedRows for /query,
// ArrayRows and DelimitedRows for /query-stream), the media types, and the
// content negotiation of a route's Accept header (Produce, Negotiate).
//
// The handlers, which execute statements and run queries, are the
// Server's, in package ksqldb.
package restapi

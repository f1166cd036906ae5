// Package ksqldb is the embedded ksqlDB server: a streaming SQL engine over
// Kafka with ksqlDB 0.29's REST API (/ksql, /query, /info, /healthcheck,
// /status). Statements it accepts behave as ksqlDB does (command topic,
// persistent queries with exactly-once state, formats, messages); statements
// it does not implement are refused with ksqlDB's statement_error (40001)
// naming the construct.
package ksqldb

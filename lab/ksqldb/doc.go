// Package ksqldb is the embedded ksqlDB server: a streaming SQL engine over
// Kafka with ksqlDB 0.29's HTTP API (/ksql, /query, /query-stream,
// /close-query, /inserts-stream, /ksql/terminate, /info, /healthcheck,
// /status, /clusterStatus, /is_valid_property) over HTTP/1.1 and, without
// TLS, HTTP/2 with prior knowledge (see Protocols). routes.go holds the
// router, querystream.go and insertsstream.go the newer streaming API,
// results.go the query response formats, admin.go the cluster endpoints.
// Statements it accepts behave as ksqlDB does (command topic,
// persistent queries with changelog-backed state, formats, messages);
// statements it does not implement are refused with ksqlDB's statement_error
// (40001) naming the construct.
//
// Persistent queries run with ksqlDB's default processing.guarantee,
// at_least_once: per poll a query produces its results and state changelog
// (idempotent producer, acks=all), waits until all are acknowledged and only
// then commits the consumed offsets. There are no transactions, so output
// topics hold records only. Stopping cleanly (Close, TERMINATE) finishes the
// polled batch and commits it before leaving the consumer group, so a restart
// continues exactly where the query stopped. A running query also keeps, per
// input partition, the offset after its last fully acknowledged batch: when
// the group hands it partitions again (a rebalance, a rejoin after the broker
// lost the member, a failed offset commit) and that position is ahead of the
// committed offset, it commits the position and resumes there, as a real
// broker that keeps the member would let it. A batch not fully acknowledged
// does not move the position and is read again. After an engine crash, as in
// ksqlDB, the updates made since the last commit may be applied twice: state
// is restored from the changelog, which may already hold them, and the input
// is re-read from the committed offsets (a count can jump ahead or an update
// repeat). exactly_once_v2 is opt-in, per server
// (WithProcessingGuarantee) or per request (processing.guarantee in
// streamsProperties): each poll's results, changelog and offsets then go into
// one Kafka transaction, and output topics carry transaction markers.
//
// The language follows ksqlDB 0.29 (confluentinc/ksql, SqlBase.g4 and the
// engine's ExpressionTypeManager, SqlToJavaVisitor, CastEvaluator and UDFs):
// expr.go, case.go, cast.go and complex.go compile expressions (searched
// CASE, IS [NOT] DISTINCT FROM, LIKE ... ESCAPE, ||, ARRAY/MAP/STRUCT
// constructors, [] and ->); functions.go resolves scalar functions by
// ksqlDB's overloads, with the functions themselves in udf_*.go;
// aggregate.go holds the aggregate functions; types.go the interned SQL
// types; serde.go and avro_complex.go the formats; javadouble.go prints
// doubles as Java 17 does. Constructs ksqlDB refuses are refused with its
// message; ksqlDB features not built here (DECIMAL columns, TIMESTAMP, DATE,
// TIME and BYTES, lambdas, joins, windows) are refused as not supported by
// this server.
package ksqldb

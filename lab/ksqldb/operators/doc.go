// Package operators runs a planned query over its input, one record at a
// time, with the state it keeps: a Processor takes an InRow (a decoded
// record) and gives the OutRows it produces and the Changes it makes to its
// state, which the server writes to the query's sink and changelog.
//
// By file: processor.go filtering, projection, aggregation into groups and
// the materialized result rows a pull query reads, with the changelog
// records that restore them (Restore, FinishRestore); window.go time
// windows (TUMBLING, HOPPING) with the stream-time clock, grace and
// retention, and windowed keys laid out as Kafka Streams' windowed
// serializers lay them out; session.go SESSION windows, merged as Kafka
// Streams merges sessions; emitfinal.go EMIT FINAL's emits of closed
// windows and sessions; join_exec.go stream-table and primary-key
// table-table joins; join_fk.go foreign-key table-table joins, answered as
// Kafka Streams answers their subscriptions, and join_fkstore.go their
// output store; join_window.go stream-stream joins (WITHIN, GRACE PERIOD)
// with their window stores.
//
// A Processor does no I/O: reading topics, writing results and committing
// offsets belong to the server's running query. Its exported state (Groups,
// Materialized) is guarded by Mu.
package operators

// Package transform is the pipeline's stream processor, the role Faust had in
// the original: it reads the stations Kafka Connect loads from PostgreSQL
// (JSON, schemas disabled) and writes one TransformedStation per (line,
// station) to a compacted topic that the dashboard reads from the beginning.
//
// It runs as consumer group "stations-stream" from the earliest offset. Rows
// of stations on none of the simulated lines are skipped and counted;
// malformed records are skipped, counted and logged with their offset. The
// output is keyed by {"line", "station_id"}, so compaction keeps both lines
// of Clark/Lake and Roosevelt. Offsets are committed after the output is
// acknowledged: a restart may write a record again, which the compacted,
// keyed output absorbs. For the same reason an outage of Kafka, a failed
// offset commit or a rebalance does not stop it: it starts again from the
// committed offsets once the cluster answers.
package transform

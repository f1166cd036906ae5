// Package connect is an embedded Kafka Connect worker (Apache Kafka 3.9 REST
// API) with the Confluent JDBC source connector for PostgreSQL. It serves the
// Connect REST API as an http.Handler, keeps connector configs, statuses and
// source offsets in the compacted topics connect-configs, connect-status and
// connect-offsets, and copies tables into topics through the JsonConverter,
// exactly as a distributed worker with kafka-connect-jdbc 10.8 does.
//
// # Exactly once
//
// Each task owns a transactional producer (transactional.id
// "<group.id>-<connector>-<task>", as a worker with
// exactly.once.source.support=enabled names it). Every batch of rows a poll
// returns is written in one Kafka transaction together with the offset record
// for that batch, so the data and the offset that covers it become visible
// together or not at all. A worker reads connect-offsets with read_committed
// isolation, so after a crash or a restart it resumes from the last committed
// batch: no duplicates and no gaps. A new producer with the same
// transactional.id fences and aborts whatever a previous instance left open.
// This was chosen over "produce data, then offset, then reconcile" because
// reconciling would mean decoding the data topic with the configured
// converter, which cannot work for every converter or for bulk mode.
//
// # Lifecycle
//
// POST /connectors/{name}/restart without parameters restarts only the
// connector instance, as Kafka 3.9 does; a FAILED task comes back with
// ?includeTasks=true&onlyFailed=true or POST /connectors/{name}/tasks/{id}/restart.
// A task whose database goes away retries the connection
// (connection.attempts, connection.backoff.ms) and then goes FAILED with a
// trace naming the cause; the worker keeps serving. Deleting a connector
// keeps its offsets, so re-creating it under the same name resumes.
//
// # Scope
//
// The worker implements the Kafka Connect REST API and the JDBC source
// settings a table-copying pipeline uses. Things it does not have are refused in the real error shape rather
// than ignored: converters other than JsonConverter, single message
// transforms and predicates ("Class ... could not be found."), the JDBC
// query mode, and JDBC URLs for databases other than PostgreSQL ("No
// suitable driver found"). Configuration errors, including an unset or
// unknown mode, a missing incrementing or timestamp column and an
// unreachable database, are reported per key as the validate endpoint
// shows them and make POST/PUT answer 400, as the 10.8 connector's
// validation does. Destination topics that do not exist are created
// with the broker's default partition count and replication factor, as a
// broker with auto.create.topics.enable=true would do.
package connect

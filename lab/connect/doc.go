// Package connect is an embedded Kafka Connect worker (Apache Kafka 3.9 REST
// API) with the Confluent JDBC source connector for PostgreSQL. It serves the
// Connect REST API as an http.Handler, keeps connector configs, statuses and
// source offsets in the compacted topics connect-configs, connect-status and
// connect-offsets, and copies tables into topics through the configured
// key and value converters (JsonConverter, StringConverter,
// ByteArrayConverter, the number converters, or Confluent's AvroConverter,
// which registers schemas with a Schema Registry), exactly as a distributed worker with kafka-connect-jdbc 10.8 does.
//
// # Delivery
//
// By default the worker runs as Kafka 3.9 does, with
// exactly.once.source.support=disabled: a task writes each batch of rows
// (one JdbcSourceTask poll, at most batch.max.rows) with a plain producer
// (acks=all, one request in flight, no transactions), so data topics hold
// only data records and no transaction markers. Once the broker has
// acknowledged a batch, its offset is pending; the worker's own producer
// writes pending offsets to connect-offsets every offset.flush.interval.ms
// and whenever a task stops, fails or is restarted, its connector is
// paused or deleted, or the worker closes (WorkerSourceTask and
// SourceTaskOffsetCommitter in Kafka). Where Kafka's default interval is
// 60 s, this worker flushes after every acknowledged batch unless
// WithOffsetFlushInterval sets an interval, which narrows the window of
// repeated records described next. Delivery is at least once: a clean stop
// loses and repeats nothing, but after a crash (the process killed, or the
// broker gone before a flush) the records written after the last flushed
// offset are read from the table and written again by the next task, as
// with the real worker, so consumers may see them twice.
//
// WithExactlyOnceSourceSupport(true) is exactly.once.source.support=enabled:
// each task then owns a transactional producer (transactional.id
// "<group.id>-<connector>-<task>", as Kafka's Worker.taskTransactionalId
// names it) and writes every batch in one Kafka transaction together with
// its offset record (transaction.boundary=poll; "interval" runs the same
// way), so data and offset become visible together or not at all and a
// restart resumes with no duplicates and no gaps. The data topics then
// hold commit markers, which consumers must skip. In both modes
// connect-offsets is read with read_committed isolation, which reads
// offsets written with or without transactions. The connector settings
// exactly.once.support and transaction.boundary are validated as Kafka's
// DistributedHerder does; the JDBC source connector implements neither
// exactly-once preflight check, so "required" and "connector" are refused.
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
// # REST surface
//
// Routes are net/http.ServeMux method+path patterns (rest.go); a path or
// method with no route gets Connect's {"error_code","message"} 404 or 405.
// Besides connectors, tasks, statuses, restarts and plugins, the worker
// serves the active topics of KIP-558 (GET /connectors/{name}/topics and
// PUT .../topics/reset, kept in connect-status as status-topic-<topic>:
// connector-<name>), the KIP-875 offsets endpoints (GET, and PATCH and
// DELETE on a STOPPED connector, written to connect-offsets), and the
// logger levels of KIP-495/KIP-976 (/admin/loggers, loggers.go), which
// gate the worker's slog output.
//
// # Scope
//
// The worker implements the Kafka Connect REST API and the JDBC source
// modes bulk, incrementing, timestamp and timestamp+incrementing, over
// tables or a custom query (with the mode's WHERE clause appended to it and
// query.suffix after that, as JdbcSourceTask does). Things it does not have are
// refused in the real error shape rather than ignored: other converter
// classes (Protobuf) and transformation or predicate classes other than
// Kafka's built-in ones ("Class ... could not be found."), and JDBC URLs
// for databases other than PostgreSQL ("No suitable driver found"). Configuration errors, including an unset or
// unknown mode, a bad value and an unreachable database, are reported per
// key as the validate endpoint shows them and make POST/PUT answer 400.
// A converter the connector config names is validated against its own
// ConfigDef, each setting an entry "<converter>.<setting>" after the
// connector's (converterconfig.go, as Connect 3.9's
// validateConverterConfig); the Schema Registry converters define none, so
// their errors (a missing schema.registry.url) fail the task when it
// configures the converter, as on CP 7.9.
// What the 10.8 connector only finds when it starts fails the connector
// (table.whitelist with table.blacklist, or either with query) or its task
// (an offset column missing from the table, only nullable timestamp
// columns) with the connector's message. An empty
// incrementing.column.name is the table's auto-incrementing column; for a
// table without one, as with the connector, there are no criteria: every
// poll copies the whole table and the stored offset is {}. Destination topics that do not exist are created
// with the broker's default partition count and replication factor, as a
// broker with auto.create.topics.enable=true would do.
//
// # Schema Registry converters
//
// The AvroConverter and JsonSchemaConverter reach their registry as
// Confluent's client does (registryclient.go): basic auth from
// basic.auth.credentials.source=USER_INFO with basic.auth.user.info (or the
// deprecated schema.registry.basic.auth.user.info), or =URL with the user
// info of schema.registry.url, and no credentials when no source is set;
// HTTPS with a PEM trust store (schema.registry.ssl.truststore.location or
// .certificates) or the system's roots, the host name checked only with
// schema.registry.ssl.endpoint.identification.algorithm. A registry's 401
// or 403 fails the task with Kafka's AuthenticationException or
// AuthorizationException over RestService's RestClientException, as a
// Confluent Platform 7.9 worker's does. SASL_INHERIT, bearer tokens, JKS
// and PKCS12 trust stores and client key stores are refused by name.
//
// # Transformations
//
// Every single message transformation and predicate that ships with
// Apache Kafka 3.9 (package transforms) can be chained with "transforms",
// "predicates", "transforms.<alias>.predicate" and ".negate", as
// ConnectorConfig.enrich and transformationStages do: validation embeds
// each alias's keys under "Transforms: <alias>" (or "Predicates: <alias>"),
// and a source task runs the chain on every row before the converters. A
// record the chain drops, or (errors.tolerance=all) a record a
// transformation fails on, still moves the offset on; failures are logged
// with errors.log.enable and counted in SkippedRecords. Under the default
// errors.tolerance=none the task fails with "Tolerance exceeded in error
// handler". Records and schemas are those of package data.
package connect

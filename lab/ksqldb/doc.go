// Package ksqldb is the embedded ksqlDB server: a streaming SQL engine over
// Kafka with ksqlDB 0.29's HTTP API (/ksql, /query, /query-stream,
// /close-query, /inserts-stream, /ksql/terminate, /info, /healthcheck,
// /status, /clusterStatus, /is_valid_property) over HTTP/1.1 and, without
// TLS, HTTP/2 with prior knowledge (see Protocols). Statements it accepts
// behave as ksqlDB does (command topic, persistent queries with
// changelog-backed state, formats, messages); statements it does not
// implement are refused with ksqlDB's statement_error (40001) naming the
// construct.
//
// # Rooms
//
// The server is split by role, each role a package under this one:
//
//   - sql parses statements: lexer, SqlBase.g4's grammar with its reserved
//     words, the syntax tree, variable substitution;
//   - types is the SQL type system and the Go values of each type
//     (DECIMAL, the time types, STRUCT), rendered as CAST(x AS STRING)
//     renders them;
//   - formats reads and writes records in each serialization format, with
//     the Schema Registry client and the subjects and schemas ksqlDB
//     registers;
//   - functions is the scalar function library, with ksqlDB's overload
//     resolution;
//   - expr compiles expressions, aggregate calls and table functions over a
//     scope of columns, and runs the aggregates' state;
//   - metastore is the catalogue of streams, tables, persistent queries and
//     custom types;
//   - planner plans a query over the metastore (projection, WHERE, GROUP
//     BY, WINDOW, PARTITION BY, joins) with ksqlDB's checks and refusals,
//     and describes the plan as EXPLAIN prints it;
//   - operators runs a plan over records with its state: aggregation,
//     windows, sessions and joins, and the changelog that restores them;
//   - javatime is Java's DateTimeFormatter patterns, for the date-time
//     functions and TIMESTAMP_FORMAT;
//   - restapi is the REST API's wire model: request bodies, entities,
//     row streams, media types and content negotiation;
//   - stmterr is the statement errors every room reports.
//
// This package holds the rest, by file name: the REST API's handlers
// (routes.go, http.go, querystream.go, insertsstream.go, admin.go,
// print.go), statements (engine.go,
// commandtopic.go, show.go, alter.go, replace*.go, variables.go,
// customtypes.go for CREATE TYPE, DROP TYPE and SHOW TYPES, assert.go for
// ASSERT TOPIC and ASSERT SCHEMA, pause.go for PAUSE and RESUME,
// showfunctions.go for SHOW FUNCTIONS, describefunction.go for DESCRIBE
// FUNCTION, explain.go for EXPLAIN and SHOW
// QUERIES EXTENDED), and running queries against Kafka (query.go,
// atleastonce.go, exactlyonce.go, joinfeed.go, push.go, pullstream.go).
//
// Persistent queries run with ksqlDB's default processing.guarantee,
// at_least_once: per poll a query produces its results and state changelog
// (idempotent producer, acks=all, linger.ms=100 as Kafka Streams' producers
// have it; the end of the poll flushes what lingers), waits until all are
// acknowledged and only then commits the consumed offsets. Output topics hold records only.
// Stopping cleanly (Close, TERMINATE) finishes the polled batch and commits
// it before leaving the consumer group, so a restart continues exactly where
// the query stopped. A stateless query keeps, per input partition, the
// offset after its last fully acknowledged batch: when the group hands it
// partitions again (a rebalance, a rejoin after the broker lost the member,
// a failed offset commit) and that position is ahead of the committed
// offset, it commits the position and resumes there, as a real broker that
// keeps the member would let it. A batch not fully acknowledged does not
// move the position and is read again.
//
// One difference from Kafka Streams, on purpose: a query with state (an
// aggregate, a windowed join) writes its changelog records and commits its
// offsets in one Kafka transaction, with its results written to the sink
// outside it and acknowledged first (atleastonce.go, consumeStateful). Kafka
// Streams restores state from the whole changelog, so after a crash between
// writing and committing it applies the batch twice and a count jumps ahead
// for good; here the restored state and the committed offsets always agree,
// so a count equals the records it counted however the engine was stopped.
// The internal changelog topic therefore carries transaction markers; the
// sink does not, and may repeat a value after a crash.
//
// exactly_once_v2 is opt-in, per server (WithProcessingGuarantee) or per
// request (processing.guarantee in streamsProperties): each poll's results,
// changelog and offsets then go into one Kafka transaction, and output
// topics carry transaction markers.
//
// The language follows ksqlDB 0.29 (confluentinc/ksql, SqlBase.g4 and the
// engine's ExpressionTypeManager, SqlToJavaVisitor, CastEvaluator and UDFs);
// package expr compiles it. Table functions (EXPLODE, CUBE_EXPLODE) run in
// the projection of push and persistent queries on a stream, with ksqlDB's
// refusals (nested, in CASE, with GROUP BY, over a table, outside SELECT);
// over a JOIN they flatten each joined row, with PARTITION BY each rekeyed
// row (EXPLAIN of one over a JOIN is refused as not supported).
//
// More files: sinkschemaid.go holds the sink of
// a CREATE ... AS SELECT with VALUE_SCHEMA_ID or KEY_SCHEMA_ID (the
// query's columns checked against the schema's, the schema registered under
// the sink's subject with its id, the sink written with it), and
// schemaid_columns.go the columns a declared source takes from a schema
// id; key_inference.go takes the key of a CREATE that declares none, in a
// key format that infers schemas, from the latest <topic>-key schema (one
// key column, ROWKEY for an AVRO or JSON_SR schema), and refuses it with
// ksqlDB's message where the registry has none, as
// DefaultSchemaInjector does; schemaregister.go registers a declared stream's or table's key
// and value schemas at CREATE, before any write, as ksqlDB's
// SchemaRegisterInjector does (not when the subject already holds a
// schema, not in the validating sandbox, not on command-topic replay),
// and a CREATE ... AS SELECT sink's key and then value schemas once its
// topic exists, before the statement is accepted, whatever the subject
// holds, a schema id's own schema after them;
// headers.go the HEADERS and HEADER('<key>') columns read from a record's
// headers (a persistent query's output records carry the headers of the
// input record that made them, as Kafka Streams forwards them; EMIT
// FINAL's those of the record whose processing emitted them);
// with_formats.go checks the
// KEY_DELIMITER, VALUE_DELIMITER, VALUE_AVRO_SCHEMA_FULL_NAME,
// KEY_SCHEMA_FULL_NAME and VALUE_SCHEMA_FULL_NAME properties (a DELIMITED
// sink inherits its source's delimiter, a PROTOBUF sink its source's
// message name; protobuf_names.go picks the named message of a PROTOBUF
// schema, and refuses a schema of several without a name as ksqlDB does;
// names are not supported with JSON_SR);
// javanum (a package of the lab) prints doubles as Java 17 does;
// pullstream.go answers pull
// queries on streams, push.go on tables, where each materialized row keeps
// its ROWTIME (the latest record's time for an aggregate, as Kafka Streams'
// timestamped stores); processinglog.go keeps the processing log: the
// records queries skip, what the expressions of a persistent query's
// projection over one source or over a join (a table-table one,
// primary-key or foreign-key, too, a result it deletes or filters out not
// evaluated; with table functions, once per row a row became, each call
// read as the FlatMap step's KSQL_SYNTH_<n> column) throw (expr/failures.go: text cast to INTEGER, BIGINT, DOUBLE,
// DECIMAL, a time type or BYTES that does not parse, with SqlTimeTypes',
// BigDecimal's and Base64's messages (not ksqlDB's: a DATE ksqlDB holds
// in a java.sql.Date and this server does not, past an int32 of days,
// that a text or TIMESTAMP cast, DATEADD, DATESUB or PARSE_DATE reaches,
// is refused in the log with a message naming this server's range, never
// truncated; types.DateOfDay), a
// DECIMAL cast that overflows, a
// cast of an ARRAY, MAP or STRUCT whose element fails, which makes the
// whole cast NULL, integer division or remainder and DECIMAL division or
// remainder by zero, a DECIMAL quotient that needs rounding ("Rounding
// necessary") or remainder whose integer quotient exceeds the precision
// ("Division impossible"), GENERATE_SERIES with a zero step, one of the
// wrong sign or a NULL or a size past Integer.MAX_VALUE, or one larger
// than ksqlDB's 3 GiB heap holds (its OutOfMemoryError; not ksqlDB's: one
// of more than 4,194,304 elements it would hold is refused in the log with
// a message naming this server's limit rather than built), the date-time
// functions PARSE_DATE (its text, and a pattern commons-lang3 3.5's
// FastDateFormat refuses; one it takes and this server does not read is
// refused as a literal, NULL with no entry otherwise), PARSE_TIMESTAMP,
// STRINGTOTIMESTAMP, STRINGTODATE, FORMAT_TIMESTAMP, TIMESTAMPTOSTRING, FORMAT_DATE,
// DATETOSTRING, FORMAT_TIME, PARSE_TIME and CONVERT_TZ on a text, pattern
// or zone they refuse (a field out of range as the formatter's resolving
// refuses it, javatime/resolve.go), TO_BYTES and FROM_BYTES on an encoding or text
// they refuse, URL_DECODE_PARAM on an escape URLDecoder refuses, the
// URL_EXTRACT_ functions on a text java.net.URI refuses (functions/javauri.go
// parses as URI.Parser does), JSON_ARRAY_LENGTH, JSON_CONCAT,
// EXTRACTJSONFIELD, JSON_KEYS, JSON_RECORDS and JSON_ITEMS on a text
// Jackson 2.16's ObjectReader refuses, "Invalid JSON format:<text>" around
// the ReaderBasedJsonParser's or databind's message and location
// (internal/jackson; IS_JSON_STRING catches it and is false, and
// JSON_ARRAY_CONTAINS, which reads the text token by token only up to its
// first match, is false for a refusal before it), EXTRACTJSONFIELD on a path JsonPathTokenizer refuses
// ("Invalid JSON path: '<path>'", on each call, before the text is read;
// functions/json.go jsonPathTokens), the REGEXP_ functions on a pattern
// Pattern.compile refuses (javaregex) and a negative group,
// REGEXP_REPLACE on a replacement Matcher refuses, ENCODE
// on a pair of encodings or hex it refuses, INT_, BIGINT_ and
// DOUBLE_FROM_BYTES on a byte order or length they refuse, GEO_DISTANCE
// on coordinates or units it refuses, the MASK functions on a mask
// character or count they refuse, as DynamicFunctionInvoker's "Failed to invoke
// function <method>" around what the UDF threw, arithmetic on a NULL
// INTEGER, BIGINT, DOUBLE or DECIMAL that is a column, a call, a searched
// CASE, a dereference, a subscript, a lambda's argument or a CAST (its
// Supplier's get(), the class named as Janino 3.1.10 names it, SC$<n>,
// expr/anonclass.go), with HotSpot's
// helpful NullPointerException message (DECIMAL arithmetic a BigDecimal
// call on its left operand, a NULL right one failing inside the JDK's
// method, an INT or BIGINT operand DecimalUtil.cast's null, a DECIMAL in
// DOUBLE arithmetic NullSafe.apply's; expr/nullarith.go; a pull query's or
// INSERT VALUES' interpreter makes it NULL, and concatenation with a NULL
// too, which compiled code writes "null"), AND, OR and NOT on a NULL
// operand they reach and a searched CASE's NULL WHEN, which Java unboxes
// (&&, || and ! over Boolean, compiled or interpreted, not SQL's
// three-valued logic: FALSE AND NULL is false, NULL AND FALSE throws;
// expr/nullarith.go logical; a value of INSERT VALUES whose expression
// throws fails the statement, "Failed to insert values into '<T>'. " and
// GenericExpressionResolver's empty message), and what a lambda body
// throws, wrapped so for each TRANSFORM, FILTER or REDUCE it leaves, as
// is a MAP's NULL value or duplicate key that TRANSFORM or FILTER
// collects),
// each caught at its CAST, call argument or constructor item, or for its
// column, under the Project step's logger; and, of a persistent query
// over one stream, or over a join (over the join's <alias>_<column>
// names; a primary-key table-table join's on each change's new result
// and then on its old one; a foreign-key join's of two tables on each new
// result alone, as its result is not materialized, a result filtered out
// going on as a tombstone; a chain's starting with a foreign-key join on
// each change's new result and then on its old one, the foreign-key
// join's stored answer joined with the later tables), what its WHERE throws, under the WhereFilter step's logger ("Error evaluating
// predicate <expression>", the row dropped; each result of a
// stream-stream join logged through all its steps before the next),
// what its PARTITION BY throws, under the PartitionBy step's logger
// ("Error computing new key from expression <expression>", the key NULL;
// after a join, its expression over the join's <alias>_<column> names,
// and the join's projection logging under the Project step's logger; for
// a stream record with a null value, an expression that reads the key
// alone evaluated on it, any other logging the NullPointerException its
// column arguments throw over the null value, Plan.KeyOverNullValue;
// and so, under <Side>SourceKeyed, does the key expression by which a
// persistent join of two sources rekeys a stream side,
// planner/joinrepartition.go logRekeyFailures; and, under the join
// step's logger, Join or a chain's L_Join, the left join expression of a
// persistent foreign-key join, "Error calculating left join expression:
// `<expression>`.", on each update's old row and then its new one, the
// foreign key NULL, logForeignKeyFailures),
// and what the GROUP BY of its aggregation (of such a join's too)
// throws ("Error calculating
// group-by column with index <i>. The source row will be excluded from
// the table."), under the GroupBy step's logger, which also logs the rows
// an aggregation that rekeys excludes for a NULL GROUP BY value
// (repartition.go), and what the parameters of its table functions
// throw, under the FlatMap step's logger ("Failed to evaluate table
// function parameter <i>"), and what the aggregate arguments of its
// aggregation (of such a join's too, over its <alias>_<column> names)
// throw, under the Aggregate.Prepare step's logger ("Error computing
// expression <argument> for column KSQL_INTERNAL_COL_<n> with index
// <n>", the aggregate's input NULL), an aggregation of table-table joins
// filtering each change's new result and then its old one, preparing the
// new result alone (its Prepare step keeps the rows it prepared,
// Aggregate-Prepare-Last) and grouping the new prepared row and then the
// kept old one, each step before the next (repartition.go writeChange);
// and, of a persistent
// projection of one table, what its WHERE throws on each change's new
// row and then on its key's old row, the source's store's
// (TableFilterBuilder's predicate ahead of a KTableFilter that asks for
// old values; operators/tablefilter.go), under the WhereFilter step's
// logger; and, of a persistent aggregation over one table, what its
// WHERE, aggregate arguments and GROUP BY throw, with a stream's messages
// under the same WhereFilter, Aggregate.Prepare and Aggregate.GroupBy
// loggers, step by step on each change's new row and then on its old
// row, as KTableTransformValues and KTableRepartitionMap take them
// (TableFilterBuilder, TableGroupByBuilderBase; repartition.go
// writeChange); and, of a persistent
// aggregation over one stream, table or join, what its HAVING throws,
// under the Aggregate.HavingFilter step's logger ("Error evaluating
// predicate <expression>", each aggregate call KSQL_AGG_VARIABLE_<n>, a
// join's grouping columns <alias>_<column>, the row
// filtered out), and what its projection throws, under the
// Aggregate.Project step's logger (planner/aggfailures.go); and, of a
// push query over one stream or over a join whose result is a stream
// (over its <alias>_<column> names), or projecting one table (its WHERE
// on each change's new row and then on its key's old row, as a
// persistent query's) or primary-key table-table joins (its WHERE on each
// change's new result and then on its old one), what its WHERE throws and, without an
// aggregation or PARTITION BY, what its projection and its table
// functions' parameters (FlatMap) throw, as a persistent query's, under
// loggers named after its id, processing.transient_<source>_<n>.<step>
// (a join's leftmost source's alias; a pull query over a stream is such
// a transient query too, its source's deserializer logging under its id
// as well, pullstream.go),
// its projection's index counting its key columns (a transient query
// keeps them); and what the projection of a pull query over a table
// throws, under the logger all pull queries share,
// processing.pull_query.PROJECT, the row sent with the column NULL, and
// what its WHERE throws on the rows it reads (every row of a table scan;
// a key lookup's keys; a range scan's rows from its bound, the bound
// included), under processing.pull_query.SELECT, the row not sent, the
// predicate as QueryFilterNode rewrites, evaluates and logs it (magic
// timestamps, BETWEEN and IN rewritten, NOTs pushed down, dropped but
// over a comparison, a column or a boolean literal, so NOT LIKE filters
// as LIKE, and AND distributed over OR; pullwhere_dnf.go,
// planner/aggfailures.go FilterAsRewritten). Not ksqlDB's: other failures are NULL with no entry
// (another UDF that throws: a REGEXP_ function's pattern Java takes and
// RE2, which runs them here, does not, such as a back reference or a
// look-around, refused when it is a literal; one Java refuses for a
// Unicode block, a script alias or a character name it does not know, or
// a look-behind without an obvious maximum length; a date-time text
// with a field out of range that the formatter leaves to
// StringToTimestampParser, a month or day without a year, a minute or
// second without an hour, logged with this server's "field out of range";
// arithmetic or logic whose NULL operand is a CAST's value inside a
// call's argument, a constructor's item or the right operand of DOUBLE
// arithmetic on a DECIMAL, a NullPointerException in ksqlDB naming the
// anonymous Supplier's SC$<n>...get(), whose number Janino gives once the
// classes the call or arithmetic adds around or after them are known, as
// this server does not track; elsewhere the class is named as Janino
// names it, expr/anonclass.go), and so is every failure of
// a join's key computed from an
// expression in a chain of joins or in a push query, a push query over a foreign-key join or aggregating a
// table, the steps after the
// WHERE of a push query with an aggregation or PARTITION BY.
// Constructs ksqlDB refuses are refused with its message (the
// keywords its grammar reserves are syntax errors as bare identifiers, column, struct field or
// source names alike, sql/parser.go); ksqlDB features not built here are refused as not
// supported by this server: a
// single PROTOBUF_NOSR key column of type ARRAY, MAP, DECIMAL or a time
// type, the CREATE OR REPLACE cases listed below, the ALTER cases listed
// below, and EXPLAIN (or SHOW QUERIES EXTENDED) of N-way joins other than
// a stream joined to tables on columns (rekeyed where ksqlDB rekeys; not on
// expressions), a stream joined to streams and tables all on keys (FULL
// OUTER only last), and chains of primary-key table-table joins ([INNER]
// or LEFT, the last also FULL OUTER), joins that PARTITION BY other than a
// stream-stream join of two streams, joins that aggregate other than a
// stream-table join that rekeys the stream, a stream-stream join or a
// table-table join (none FULL OUTER or with WHERE), N-way joins starting with a foreign-key
// join, and aggregations of a windowed stream. sinktopic.go makes the sink
// topic of a CREATE ... AS SELECT as ksqlDB's TopicCreateInjector does:
// partitions, replicas and retention.ms from the WITH clause or the source
// topic, compact,delete and the larger of RETENTION_MS and the window's
// RETENTION for a windowed table, and ksqlDB's refusals of RETENTION_MS on
// a table without a window and of an existing topic of another retention;
// a declared stream's new topic takes RETENTION_MS too, and a declared
// table refuses it. EXPLAIN prints the topology ksqlDB
// builds, internal topics named as Kafka Streams describes them
// (Aggregate-GroupBy-repartition), also where this server runs the query
// without that topic (joins on value columns).
//
// A stream aggregated by anything but its one key column (a stream keyed
// by several columns always), and any table aggregated, goes through its repartition topic, <application id>-Aggregate-GroupBy-repartition
// (repartition.go): made with as many partitions as the source and Kafka
// Streams' repartition configs, written keyed by the grouping values with
// the Aggregate-Prepare step's columns in the source's value format
// (schemas registered for the registry formats) in the transaction that
// commits the source's offsets, read back and aggregated by a second
// member of the query's group (Kafka Streams' two sub-topologies on two
// stream threads), purged below the committed offsets every
// repartition.purge.interval.ms (30 s), and deleted with its schemas when
// the query ends. A table's records there are Changes of a row's old and
// new values, laid out as Kafka Streams' ChangedSerializer lays them out;
// the first thread keeps the table's rows in its KsqlTopic-Reduce store,
// with that store's changelog topic. An aggregation of a join writes the
// joined rows to the topic the same way, in
// the join's value format (its left source's), the columns named
// ALIAS_NAME, a table-table join's (primary-key or foreign-key) as
// Changes of a result's previous and new rows; the query's main thread
// writes them and aggregates them at once (joinstages.go), as it does a
// chain's repartitions.
//
// State changelogs hold what ksqlDB's hold, so a program reading them
// sees ksqlDB's records. An aggregation of one source logs its store to
// <application id>-Aggregate-Aggregate-Materialize-changelog
// (aggstore.go): per group, the grouping values in the query's key format
// (a time window's start and a 4-byte sequence number appended, or a
// session's end and start, as Kafka Streams' window and session stores
// lay out their keys) and the store's row in the source's value format:
// the latest row's non-aggregate columns, then each call's intermediate
// value as its UDAF keeps it (planner.AggStore, expr.AggCall.Intermediate).
// Windows past retention go with their store segments, unlogged, and a
// restore drops them again; EMIT FINAL's last emit close time goes, as
// Kafka Streams' processor metadata, into the metadata committed with the
// input offsets, with each partition's time (commitmeta.go). A table
// source's store (KsqlTopic-Reduce of a query over a table, of a table's aggregation,
// and a join's table sides) logs each record's entry keyed as the table's
// topic, its value columns, its HEADERS columns, then ROWPARTITION and
// ROWOFFSET in its value format (sourcestore.go); a projection of a table
// reads its results back from there on a restart. A stream-stream join of
// two streams logs each side's window store as Kafka Streams does
// (joinstore.go): every record put, keyed by the join key in the join's
// key format, its time and the store's 4-byte sequence number, with its
// side's PrependAlias row in that side's value format, to a changelog that
// deletes past the store's retention and a day; a LEFT, RIGHT or FULL
// OUTER join with a GRACE PERIOD also logs its KSTREAM-OUTERSHARED store
// of records awaiting their null-padded result (TimestampedKeyAndJoinSide
// keys, lists of LeftOrRightValue entries, a tombstone once joined or
// emitted); a restart restores the join from these alone. N-way joins
// with stream-stream steps do so too, except those listed below. An
// aggregation of a join logs its store as one of a source does, its
// non-aggregate columns the join's (ALIAS_NAME) in the join's value
// format, apart from the join's own stores; one of a table-table join
// also logs the Prepare rows of the results it took to
// Aggregate-Prepare-Last-changelog (preparelast.go), which a restart
// reads back as the rows an update takes out.
//
// CREATE SOURCE STREAM and CREATE SOURCE TABLE (sourceonly.go) make
// read-only sources with ksqlDB's refusals of INSERT INTO ... VALUES, INSERT
// INTO ... SELECT, DROP ... DELETE TOPIC, CREATE OR REPLACE and ALTER. A
// source table runs a persistent query, CST_<TABLE>_<id>, that materializes
// it for pull queries: SHOW QUERIES lists it with no sink, EXPLAIN shows a
// plan and topology that end at its projection, TERMINATE refuses it and
// DROP TABLE ends it. The REST entities do not mark a source (ksqlDB's
// have no such field); DESCRIBE shows the statement with SOURCE. As in
// ksqlDB's engine, and unlike its create-stream page, pull queries on a
// source stream are answered as on any stream.
//
// CREATE OR REPLACE (replace.go, replace_topic.go) follows ksqlDB 0.29's
// query upgrades. A declaration replaces the existing one when
// MetaStoreImpl allows it (the same kind, topic, formats and TIMESTAMP
// column, identical key columns, the old value columns kept in place, so
// value columns may be added at the end), else it is refused with "Cannot
// upgrade data source: ..." (a changed topic, format or TIMESTAMP printed
// as ksqlDB prints its KsqlTopic and TimestampColumn); queries already
// running keep the columns their SELECT * named. A declaration may replace
// a CREATE ... AS SELECT sink: the query goes on writing its own columns
// and the stream or table is no longer such a sink. A CREATE ... AS SELECT
// on the stream or table its query created upgrades that query in place:
// the same query id, resumed from the offsets it committed, the new
// projection and filter applying to what it reads next, an aggregate's
// state kept; a projection may read another source declared on the same
// topic in the same formats. On a declared stream or table that no query
// writes it starts a new query, whose sink replaces the declaration under
// the same check. Refused with ksqlDB's messages: a changed, missing or
// reordered sink column or key, a changed sink topic or format, a query
// writing a source stream or table ("Cannot insert into read-only ..."), a
// sink more than one query writes, ksql.create.or.replace.enabled=false,
// windowed aggregates, table aggregates, joins and EMIT FINAL ("Upgrades
// not yet supported for ..."), an aggregate whose input columns or
// aggregate functions change or that gains a HAVING, and a projection reading another source on another topic or with
// another TIMESTAMP column. Refused as not supported: CREATE OR REPLACE ...
// AS SELECT of a stream or table only INSERT INTO writes, one that reads
// another source in other formats (ksqlDB prints the Formats as Java's
// Object does), an aggregate that reads another source, one that adds or
// removes an aggregation. A name that does not exist is created.
//
// ALTER STREAM and ALTER TABLE ... ADD [COLUMN] (alter.go) add value
// columns to a declared stream or table, as ksqlDB 0.29's
// DdlCommandExec does: DESCRIBE shows the columns after the existing ones
// and the statement as the CREATE, a newline, then the ALTER; queries
// created afterwards read the new columns, queries already running keep
// theirs; a restart replays the ALTER from the command topic. Refused with
// ksqlDB's messages: a source stream or table, a missing name, the other
// kind, a CREATE ... AS SELECT sink, an existing column, a key column's
// name. Refused as not supported: a pseudo column's name, columns the value
// format cannot hold, a source with VALUE_SCHEMA_ID or
// WRAP_SINGLE_VALUE=false.
//
// Variables (variables.go, sql/variables.go) follow ksqlDB 0.29's
// VariableSubstitutor: DEFINE name = 'value', UNDEFINE name and SHOW (or
// LIST) VARIABLES on /ksql, with the "variables" entity and UNDEFINE's
// warning_entity for a name never defined; the request field
// sessionVariables on /ksql, /query and /query-stream. A request's
// variables last for that request: a reference ${name} in a later
// statement is replaced before the statement is parsed again, outside
// quotes as an identifier or (in expressions, VALUES and WITH values) a
// literal, checked as ksqlDB checks them, and inside string literals as
// text with its quotes doubled; $${ writes ${. Names compare without case
// on /ksql and exactly on /query and /query-stream, as there.
// ksql.variable.substitution.enable (WithVariableSubstitution, or a
// request's streamsProperties) turns substitution off on /ksql; a SET of it
// inside the request does not, as in ksqlDB over REST. Not built, and
// refused as not supported: a reference outside quotes when the request
// defines no variable or substitution is off, and a reference naming a
// function or qualifying a column. Unlike StringSubstitutor, a substituted
// value is not searched again for references.
//
// Windowed aggregation (WINDOW TUMBLING, HOPPING and SESSION, with
// RETENTION, GRACE PERIOD and EMIT CHANGES or EMIT FINAL) runs as ksqlDB
// 0.29 runs it on Kafka Streams 3.9: the planner plans the WINDOW clause,
// the operators run time windows with the stream-time clock (EMIT FINAL
// as the ON_WINDOW_CLOSE emit strategy, throttled by the
// __emit.interval.ms.kstreams.windowed.aggregation__ property that
// emitinterval.go reads), and with_window.go reads the WINDOW_TYPE/WINDOW_SIZE properties;
// timestampcolumn.go the TIMESTAMP and
// TIMESTAMP_FORMAT properties of declared and derived sources. Windowed keys are written and read as Kafka
// Streams' windowed serializers lay them out (the key, then the 8-byte
// window start; a session's end then start). As in Kafka Streams, each
// task (partition of the input topics, or of the repartition topic where
// the aggregation rekeys) keeps its own stream time, EMIT FINAL close time
// and emit throttle, and its windows in its own store partition: the
// grace and EMIT FINAL are measured on the task's stream time, retention
// on its store's time (the latest window start, or session end, put, as a
// segmented store measures it), the store's changelog records go to the
// task's partition, and each partition's offset commit carries its task's
// close time (commitmeta.go). A restart restores the windows, the store's
// time and the close time, while stream time starts over at the first
// record, as a restarted processor's does, so a record late for the stream
// time before the restart counts if its window's store still holds it.
// A key met in two tasks (a source written to partitions its keys do not
// hash to) has its aggregate, or its windows or sessions, in each task's
// store, counted apart and emitted apart; likewise a table's row, which a
// projection of the table, a source table's query and a table's
// aggregation (the KsqlTopic-Reduce store, whose old row an update takes
// out of its group) keep per task (KTableSource). Each store's changelog
// records go to its task's partition, and a restart restores each task's
// from its partition; a table scan reads the rows store partition by
// store partition, while a pull query naming the key reads the store
// partition the key hashes to alone (KsLocator,
// KafkaStreams.queryMetadataForKey, counting the partitions of the
// query's source, whatever the table's topic has). A query's Kafka
// Streams app is REBALANCING from its start (a restart's too) until its
// stores are restored, and again while it restores them after a batch
// that did not commit: SHOW QUERIES, EXPLAIN and DESCRIBE still call it
// RUNNING (KsqlConstants.fromStreamsState), while a pull query on its
// table fails after its header, status 200, as ksqlDB's routing does
// when the store's stream thread is not RUNNING ("Unable to execute pull
// query: ... Error executing query locally at node <listener>/: The query
// was not in a running state. state: REBALANCING", the node the address
// the request came in on; pulltable.go pullNotRunning), its message on
// the old /query, the MaterializationException's toString on
// /query-stream and /query's default route. Not ksqlDB's: before a
// query's first partition assignment ksqlDB's locator answers instead
// that no host holds the partitions or the key's data is not available
// yet (KsLocator), where this server, which restores before it joins its
// group, gives the REBALANCING failure. A join's aggregation
// runs at once on the joined row here, where Kafka Streams runs it in the
// task of its repartition topic's partition the grouping key hashes to,
// and runs it in that task: its groups are one per key, their changelog
// records in the key's partition, and a windowed one keeps its windows,
// stream time, EMIT FINAL close time and changelog partition in that
// task, whichever partitions the joined records came from. The tables a join reads are kept per task too: a stream's
// record finds the table's rows of its own task (KStreamKTableJoinProcessor
// gets them through the task's store), a chain's later join the rows of
// the task of the partition its rekeyed row goes to, and a primary-key
// table-table join joins the rows of one task and keeps its result per
// task as a projection of a table does (KTableKTableJoinProcessor,
// TableSelectBuilder); each table's store logs to its task's changelog
// partition. A foreign-key join reads a right row only in the task its
// key's subscriptions reach, the partition of the registration topic its
// key bytes hash to: a right row written to another partition lives in a
// store no subscription reaches and is never joined, restored or not
// (fkprotocol.go joins; SubscriptionJoinProcessorSupplier,
// ForeignTableJoinProcessorSupplier). Not ksqlDB's: where the join writes
// no subscription records (fkprotocol.go newFKProtocol), such a right row
// is joined; and a left key written to two partitions has one row here,
// where Kafka Streams keeps one in each task, both subscribed under one
// subscription store entry (the foreign key and the left key) that the
// later one overwrites, so that a right update answers only the task that
// subscribed last and a delete in either task unsubscribes both.
// Stream-stream joins likewise keep each step's stream time and window
// stores per task (KStreamImplJoin's TimeTrackerSupplier), their store
// changelogs' records in the task's partition, each store's retention on
// its own time, and a restart starts their stream time over too. A persistent query may
// project and filter a stream declared over a windowed topic
// (its records keep their windows, and the stream it creates is windowed
// likewise); a windowed table is refused with ksqlDB's message, and so are
// PARTITION BY of a windowed stream by anything but its key and joins of
// windowed sources that ksqlDB refuses (Implicit repartitioning of
// windowed sources is not supported), while PARTITION BY its own key
// passes it on as it is; aggregating a windowed stream and INSERT INTO ...
// SELECT from one are refused as not supported. A stream-stream join of two
// windowed streams matches records of the same key and window (the start
// of a time window, both bounds of a session), as Kafka Streams joins
// their serialized windowed keys, and writes a result windowed as the
// first stream; such joins in N-way joins, and of streams keyed in a
// format that infers schemas (which ksqlDB repartitions first), are
// refused as not supported.
//
// Joins (the planner plans them, the operators run them, joinfeed.go reads
// their inputs in timestamp order) are
// stream-table ([INNER], LEFT; chained over several tables), stream-stream
// (WITHIN, GRACE PERIOD; [INNER], LEFT, RIGHT, FULL OUTER) and table-table
// (primary-key [INNER], LEFT, RIGHT, FULL OUTER; foreign-key [INNER], LEFT,
// keyed by the left table's key columns, all of which the projection must
// name, and a deleted left row always forwarded as a tombstone, once: its
// subscriptions are CP 7.9.4's Kafka Streams', whose LEFT JOIN unsubscribes
// an old foreign key without an answer and whose [INNER] JOIN answers an
// update keeping its foreign key only with a right row, confluentinc/kafka
// v7.9.4-ccs KAFKA-18713 and KAFKA-16407),
// with ksqlDB's column names, keys and refusals. A join reads every source's
// topic in timestamp order among the records it has fetched, as a Kafka
// Streams task does (each partition in offset order), and each record as
// it comes once its query has joined its group: the first fetch asks for
// every partition, the stream sides' start committed with the table
// sides' where auto.offset.reset is earliest, so a stream record is not
// held behind a later table row while the query starts. Not ksqlDB's:
// with auto.offset.reset latest the stream sides' offsets are looked up
// only after that first fetch, so a stream record that comes while the
// query starts can be read after a later table row.
// Records of equal timestamps go in the order their partitions' records
// came, a table's first: in the first batch, a rekeyed stream's records
// that its repartition topic got while the query started come after
// those of the join's other topics. Its internal topics are ksqlDB's where a
// persistent join of two sources (or a chain of stream-table joins on
// columns, a chain of primary-key table-table joins, or a chain over a
// stream-stream join on one column), whether or not its result is then
// partitioned (PARTITION BY), repartitions (joinrepartition.go): a
// stream
// joined on anything but its key, keyed in a format that infers its
// schema (ksqlDB always repartitions those), or keyed in another format
// than the join's internal one, goes through
// <query>-Join-repartition (stream-table; L_..._Join-repartition, the
// innermost join's, in a chain) or Join-left-repartition and
// Join-right-repartition (stream-stream; L_..._ likewise when the chain's
// innermost join is one), keyed by the join key in the
// join's internal key format, the PrependAlias step's columns as the
// value; in a chain, the result of the joins before a join that reads a
// column it is not keyed by goes through that join's
// <L_ per level>Join-repartition (joinstages.go: written by the query's
// main thread, which goes on with the outer joins at once); a table keyed
// in such a format, or in another than the join's
// (the stream's, or the left table's in a table-table join), goes through
// <L_...><Side>SourceKeyed-SelectKey-repartition and is materialized in
// <L_...><Side>SourceKeyed-Materialize (restored from its changelog): the
// right table of a stream-table join, either table of a table-table join,
// any table of a chain. A first
// stream thread writes them, the join reads them back. Each other table
// side's store is logged to its KafkaTopic_<side>-Reduce-changelog as
// ksqlDB logs it (jointables.go), but restored from the table's own
// topic. A table-table join's results are logged to Project-Last-changelog
// (projectlast.go), in the join's key format and the left table's value
// format, and rebuilt from the tables on a restart. A chain that starts
// with a foreign-key join logs that join's results, which Kafka Streams
// materializes for the joins after it, to
// KTABLE-FK-JOIN-OUTPUT-STATE-STORE-<n>-changelog (fkstorelog.go: keyed
// by the left table's key, the joined row as the value, in the left
// table's formats), also rebuilt from the tables. TERMINATE deletes
// every internal topic of the query and its subjects, as
// QueryCleanupService does. A push query joining a stream with a stream
// (windowed or not) or a table over two topics, or two tables
// (primary-key or foreign-key, also aggregated), or chaining
// stream-table or table-table joins (one that rekeys a result between
// two joins too; one of tables, primary-key or from a foreign-key join, a
// foreign-key join's output store logged as the persistent chain's; each
// also aggregated), or chaining from a stream stream-stream
// steps of any kind with stream-table ones (rekeying what the persistent
// chain rekeys, a result between two joins not aggregated), where the
// persistent chain keeps its window stores in ksqlDB's layout, logs the
// persistent join's stores to the same
// changelogs, with the same records, under its transient application id
// (_confluent-ksql-<service id>transient_<query id>_<start time in ms>;
// pushstores.go), a table-table join's Project-Last in the transient
// projection's layout, keyed by the join's key as the join names it
// whatever the projection holds, every projected column a value
// (pushproject.go), or, aggregated, its Aggregate-Prepare-Last,
// Aggregate-GroupBy-repartition and Aggregate-Aggregate-Materialize
// topics with the persistent aggregation's records (pushaggregate.go;
// an aggregation of a join of a stream with tables or streams, alone or
// chained, its Aggregate-GroupBy-repartition where it groups by anything
// but the result's key, and Aggregate-Aggregate-Materialize, after the
// stream-stream steps' window stores),
// and writes a stream or a table it rekeys (in a chain, before the
// innermost join) through the persistent join's repartition topic,
// reading it back from
// there (pushrekey.go), and a chain's result rekeyed between two joins
// (a FULL OUTER step's too; aggregated too, also with stream-stream
// steps) through the later join's Join-repartition or
// Join-left-repartition (pushstages.go): made before its first row, deleted with their
// subjects however it ends (LIMIT, the client leaving, /close-query,
// TERMINATE). Every push query's consumer is a member of the consumer
// group its application id names while it runs, and the group is deleted
// when it ends (pushgroup.go).
// An aggregation of a table-table join, primary-key or foreign-key, keeps
// its Prepare rows in Aggregate-Prepare-Last (preparelast.go), logged to its changelog and
// read back on a restart, and writes its results' Changes to its
// Aggregate-GroupBy-repartition topic. A chain of stream-table joins
// rekeys on expressions as on columns, through its repartition topics,
// and so does a chain of [INNER] or LEFT stream-stream joins, or of
// stream-table joins after one, whose first join rekeys a stream (joined
// on anything but its key, or keyed in a format that forces its
// repartition): each stream joined on an expression or a value column, a
// table keyed otherwise than its join, and the result where a later join
// reads a column it is not keyed by, in the key format ksqlDB resolves
// for each join; a chain of [INNER] or LEFT stream-stream joins, with
// stream-table ones among them or not, whose first join rekeys nothing
// rekeys only what a later join does (a stream-stream join's stream,
// joined on a column or an expression, through Join-right-repartition;
// the result, where a join reads a column outside the criteria before
// it or an expression, through Join-left-repartition, or a stream-table
// join's Join-repartition); a first stream-table join on a column or an
// expression of the stream before stream-stream joins rekeys the stream
// through its <L_...>Join-repartition (on an expression, the copy
// S1_KSQL_COL_0 last among its values, which a later rekey of the result
// carries); a chain keyed in a format that
// infers schemas whose first stream-stream step is a FULL OUTER join on
// keys or value columns (both streams rekeyed by them) rekeys that step's result, keyed by its synthetic key, through the
// next join's Join-left-repartition (its values ending in the null
// ROWKEY), in the key format ksqlDB resolves for that join, as does a
// chain keyed in one that infers none whose FULL OUTER first step on keys
// comes before a join on an expression (the copy KSQL_COL_0 after the
// ROWKEY) or one that rekeys its stream (Join-right-repartition), and a later
// stream-stream join that rekeys the result again carries that ROWKEY
// where it was, through its own Join-left-repartition; in a chain
// keyed in a format that infers schemas, a RIGHT stream-stream step
// writes its right stream, Kafka Streams' "this" side
// (StreamStreamJoinBuilder runs it as the stream's LEFT join of the left
// side), to <L_...>Join-left-repartition, a first one its left stream to
// L_Join-right-repartition, and its rows hold the right stream's columns
// before the left side's, keyed by the right key (a step after it finds
// a null-padded row keyed so, and a later join that rekeys the result
// writes its rows in that order); a later RIGHT step that rekeys the result
// writes the result, Kafka Streams' "other" side, to
// <L_...>Join-right-repartition (stores KSTREAM-JOINTHIS for the stream's
// rows, KSTREAM-OUTEROTHER for the result's), a FULL OUTER step's
// result, or one past such a step, too (its null ROWKEY among the values); and a FULL OUTER last step on the key the
// result is keyed by rekeys only its stream (Join-right-repartition), one
// on another column both the result (Join-left-repartition) and its
// stream (stores KSTREAM-OUTERTHIS/-OUTEROTHER), as one after a FULL
// OUTER step rekeys that step's result, and a FULL OUTER step
// between others on that key rekeys only its stream too, on another
// column the result as well (a FULL OUTER result with its ROWKEY), the
// stream-stream join after it rekeying its result as after a FULL OUTER
// first step, and a stream-table join after it through Join-repartition,
// its table keyed in KAFKA or, keyed in such a format, rekeyed by its own
// key in the same step (RightSourceKeyed-SelectKey-repartition); a
// chain whose
// stream-stream joins rekey nothing followed by a table keyed in another
// format rekeys that table by its own key into the chain's key format
// through RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize; a chain whose first stream-stream join
// rekeys its left stream on an expression (L_Join-left-repartition, the
// copy S1_KSQL_COL_0 last among its values) and whose later join rekeys
// the result carries that copy through the result's Join-left-repartition
// and the later step's left window store, computed again from the joined
// row, as it carries the copy <ALIAS>_KSQL_COL_0 of a right stream
// the first join rekeys on an expression (L_Join-right-repartition) or a
// later join does (<L_...>Join-right-repartition), past a FULL OUTER
// step too (before the null ROWKEY where the stream was joined at or
// before that step), a rekey of a FULL OUTER result on an expression
// keeps its copy KSQL_COL_0 after the ROWKEY, and
// a second rekey of the result carries the copy KSQL_COL_0 of a first
// one on an expression, past a FULL OUTER step too (the copy of the first
// stream's or the result's key made at or before that step before the
// null ROWKEY); a
// table keyed otherwise than the chain, joined after a first
// stream-stream join that rekeys a stream and before any other rekey, or
// after a rekey of the result at an earlier step or of a later stream
// (with a stream-stream join after it where nothing is rekeyed between
// them; or, after a first [INNER] or LEFT stream-stream join that rekeys
// one or both of its streams, by columns or expressions, after another
// such table), is rekeyed through
// RightSourceKeyed-SelectKey-repartition
// alike (also before a later stream-stream join where the chain rekeys
// nothing else but the first join's streams, or on the key after a rekey
// of the result made after the table, or one that rekeys the result again
// or its stream after such a rekey or after a rekey of a later stream made
// after the table), as are two or more such
// tables after stream-stream joins that
// rekey nothing (each through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition; also before a
// stream-stream join, whatever it rekeys: the result through
// Join-left-repartition, its stream through Join-right-repartition) or
// after or around a rekey of a later stream at a stream-stream join on
// the result's key (that stream through its join's
// <L_...>Join-right-repartition) or of the result at a stream-stream join
// on its stream's key (the result through its join's
// <L_...>Join-left-repartition, the tables after it rekeyed into the
// stream's key format), and a
// first stream-table join's table keyed otherwise than its stream is
// rekeyed into the stream's key format through
// L_RightSourceKeyed-SelectKey-repartition into
// L_RightSourceKeyed-Materialize before the stream-stream joins after it
// (whose left window store holds the joined row; a later table keyed
// otherwise, before or after a stream-stream join, is rekeyed alike
// through its join's <L_...>RightSourceKeyed-SelectKey-repartition where
// the chain rekeys nothing but tables, later streams and the result), and with its stream
// (L_Join-repartition) where the join takes the table's key format and
// that infers schemas, as is a later table
// keyed otherwise than a chain that rekeys nothing else, or nothing but
// a first stream-table join's stream and later streams (also before a
// stream-stream join, and with another such table after a stream-stream
// join, each through its join's <L_...>RightSourceKeyed-SelectKey-repartition)
// or the result at an earlier step,
// and a table keyed in a format that infers schemas whose join rekeys the
// result too (through Join-repartition, in the table's key format, the
// table through RightSourceKeyed-SelectKey-repartition; also before a
// stream-stream join), or after a first stream-table join, both of whose
// sides such a format forces, and a stream-stream join (its join rekeying
// the result too or not) or another such table (then also before a
// stream-stream join on the key). Not ksqlDB's: other chains of joins (one
// that rekeys a table keyed
// otherwise than the chain after rekeys of another table and of a first
// stream-stream join's streams (but one or both at an [INNER] or LEFT
// join) or of both sides of a first stream-table
// join, but in a chain keyed in a format that infers schemas
// that rekeys no result before it), two streams of one
// topic joined (which Kafka Streams reads through one source node; a
// persistent join of a table with another source of its topic is refused
// with the TopologyException ksqlDB's sandbox meets, sharedtopic.go, while
// a push query's runs), and a push query that joins more than two sources
// otherwise (stream-stream steps in a chain whose topology
// EXPLAIN does not build),
// rekey in memory, with no -repartition topic (such a push join keeps its
// state in memory too, with no internal topic, as does a push aggregation of a chain with
// stream-stream steps whose window stores are not in ksqlDB's layout; a push join of
// windowed tables fails at its first result, as ksqlDB 0.29's Kafka
// Streams app dies storing the windowed key in Project-Last with an
// unwindowed serde (confluentinc/ksql issue 8055): no row, the
// response ends with the StreamsException ("Exception caught in process.
// taskId=0_<partition>, processor=<the table's source node>, ...") as the
// endpoint reports it, its toString on /query-stream and on /query's
// default query-stream route, ErrorMessageUtil's chain of causes on the
// old /query, after the Project-Last key serializer's processing log
// entry (processing.<query id>.Project.serializer, a SerializationError
// of the key; transient_windowedtablejoin_test.go); a push join of a
// windowed stream with a windowed table looks the
// table up by the stream's key and window, a time window's start or a
// session's bounds, as Kafka Streams looks up their serialized windowed
// keys, and makes no internal topic, as ksqlDB restores such a table's
// store from its source topic; a
// foreign-key join, persistent or a push one that logs its stores, makes
// Kafka Streams' KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION- and
// -RESPONSE-<n>-topic and the subscription store's changelog, deleted with
// its other internal topics (fksubscription.go), and writes Kafka Streams'
// subscriptions, store entries and answers to them (fkprotocol.go) while
// computing the join itself in memory (the serializers of a table in a
// format of the schema registry registering their subjects under the
// topics and Kafka Streams' -pk, -fk and -vh pseudo topics as the query
// starts, left with the query's end; a right table keyed in DELIMITED
// writes a null foreign key as zero bytes, which its key deserializer
// refuses, so Kafka Streams skips that subscription as it reads it back,
// logged as the PrependAliasRight step's deserialization error: no store
// entry, no answer, the left row's result left as it was; a right table
// keyed by a STRUCT in a format of the schema registry is rekeyed into the
// left table's key format first, as ksqlDB does
// (LogicalPlanner.shouldRepartitionFKJoin), through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize,
// both co-partitioned with the registration topic (the larger of the
// tables' partition counts), the subscription topics numbered after that
// step and keyed in the rekeyed serde, where the join is of the two
// tables alone; starting an N-way join, such a table is joined
// unrekeyed: no such topic or store, its subscription topics numbered as
// an unrekeyed join's, their keys in the right table's own key serde); it
// writes them for every table update,
// as it answers the join, where the tables' record caches may merge a key's
// updates within a commit interval). A stream-stream join (alone or aggregated, or each
// stream-stream step of an N-way join whose topology EXPLAIN builds) logs
// each window store to a changelog named as ksqlDB's topology names the
// store
// (KSTREAM-JOINTHIS or -OUTERTHIS, KSTREAM-JOINOTHER or -OUTEROTHER), in
// ksqlDB's layout with its KSTREAM-OUTERSHARED store where it has one (see
// above; a later step's left side holds the joined row so far, each
// source's PrependAlias values in the order joined, in the first source's
// value format; past a FULL OUTER step's Join-left-repartition, the
// repartition's values, its synthetic ROWKEY among them (null, as
// KsqlValueJoiner leaves it), then each stream
// joined since; a RIGHT step after a FULL OUTER one keeps the FULL
// OUTER result as Kafka Streams' "other" side and rekeys it through
// Join-right-repartition, and a
// step after a second FULL OUTER one rekeys that one's result in turn,
// the first's ROWKEY column kept where it was among the values); N-way
// joins whose topology EXPLAIN does not build (the chains above that
// rekey in memory)
// keep every
// stream-stream step's stores in one changelog,
// <query>-Join-this-join-store-changelog, in this server's own entry
// layout, with no KSTREAM-OUTERSHARED store (an outer step with a GRACE
// PERIOD keeps its unmatched records' state in the side stores). An N-way join chains
// stream-table and stream-stream steps in any order from a stream, each
// step joining the results of the steps before it, or chains primary-key
// table-table joins (each [INNER], LEFT, RIGHT or FULL OUTER), the first
// of which may be a foreign-key join (only the first, as ksqlDB allows); a
// table-table join after a FULL OUTER one is refused as not supported. A
// FULL OUTER join, and a join whose ON criteria match no source column (a
// stream-stream join on expressions), is keyed by a synthetic column named
// ROWKEY, or ROWKEY_n past the sources' own ROWKEY columns. A chain with
// stream-stream steps may start from a stream with no key column where its
// first join rekeys it by a column: ksqlDB rekeys such a stream with the
// nodes of a keyed stream's rekey, so the chain, persistent or a push
// query, has the topology, stores and internal topics of the chain of a
// keyed stream joined on a value column (transient_nwaykeyless_test.go);
// other chains from a keyless stream keep their state in one changelog
// (persistent) or in memory with no internal topic (a push query).
//
// The connector statements (connectors.go, connectclient.go) go to the
// Kafka Connect cluster at ksql.connect.url (WithConnectURL; ksqlDB's
// default http://localhost:8083, the stack's worker in the embedded lab)
// as ksqlDB 0.29's ConnectExecutor, DropConnectorExecutor,
// DescribeConnectorExecutor, ListConnectorsExecutor and
// ListConnectorPluginsExecutor send them through
// DefaultConnectClient: three attempts while Connect answers 5xx or 409
// or cannot be reached, Connect's own answer after ksqlDB's message when
// it refuses, and the HTTP client's failure as a statement_error naming
// the whole request when it cannot be reached. They send the basic
// credentials of the file WithConnectBasicAuthFile names, or with none
// configured the Authorization header of the request that ran them. They
// are not written to the command topic.
package ksqldb

package ksqldb

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// explainCase is one upstream query-validation test: its statements (from
// spec.json of the historical plan in confluentinc/ksql v7.9.0), the sink its
// query writes, and the topology file copied beside this spec (see
// testdata/explain/README.md for the upstream path of each).
type explainCase struct {
	name     string // what EXPLAIN promises for this query
	topics   []string
	stmts    string
	sink     string
	topology string // file under testdata/explain
	window   string // windowType; "" for none
	// sources in the order EXPLAIN lists them: a java.util.HashSet's
	// (QueryDescriptionFactory collects them with Collectors.toSet()), so
	// TEST_TABLE before TEST and CLICKS before IMPRESSIONS whatever the
	// join's order
	sources []string
	plan    string // executionPlan with QID for the query id; "" when not checked here
}

// The executionPlan lines are written from PlanSummary.java (step names,
// two tabs per level, logger = query id + query context), StepSchemaResolver
// and AggregateParamsFactory.buildSchema / GroupByParamsFactory (schemas: the
// aggregate's key, its non-aggregate columns, KSQL_AGG_VARIABLE_n per
// aggregate call, WINDOWSTART and WINDOWEND when windowed) and the steps and
// select expressions in each test's plan.json (ksqldb-engine and
// ksqldb-streams in confluentinc/ksql v7.9.0).
var explainCases = []explainCase{
	{
		// the right stream, keyed in KAFKA, is rekeyed into the join's
		// format, the left's DELIMITED, through Join-right-repartition
		name:   "streams joined on keys of different formats repartition the right one into the left's format",
		topics: []string{"s1", "s2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, FOO INT) WITH (kafka_topic='s1', key_format='DELIMITED', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, VAL STRING) WITH (kafka_topic='s2', key_format='KAFKA', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT S1.ID, S2.VAL FROM S1 JOIN S2 WITHIN 10 SECONDS ON S1.ID = S2.ID;",
		sink: "OUTPUT", topology: "stream-stream-join-key-format-mismatch.topology",
	},
	{
		// the table, keyed in KAFKA, is rekeyed into the stream's
		// DELIMITED through RightSourceKeyed-SelectKey-repartition
		name:   "a table joined on keys of another format than the stream's is repartitioned into the stream's format",
		topics: []string{"t", "s"},
		stmts: "CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='KAFKA', value_format='JSON');" +
			"CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='DELIMITED', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT S.ID, VAL FROM S JOIN T ON S.ID = T.ID;",
		sink: "OUTPUT", topology: "stream-table-join-key-format-mismatch.topology",
	},
	{
		// both tables, keyed in AVRO, are rekeyed by their keys into the
		// join's key format, each through <Side>SourceKeyed-SelectKey-repartition
		// into <Side>SourceKeyed-Materialize; the join reads both in a
		// sub-topology of its own
		name:   "a table-table join on AVRO keys repartitions both tables",
		topics: []string{"t1", "t2"},
		stmts: "CREATE TABLE T1 (ID BIGINT PRIMARY KEY, NAME varchar) WITH (kafka_topic='t1', key_format='AVRO', value_format='JSON');" +
			"CREATE TABLE T2 (ID BIGINT PRIMARY KEY, F1 varchar) WITH (kafka_topic='t2', key_format='AVRO', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT T1.id, name, f1 FROM T1 left join T2 on T1.id = T2.id;",
		sink: "OUTPUT", topology: "table-table-join-avro-keys.topology",
		plan: " > [ SINK ] | Schema: T1_ID BIGINT KEY, NAME STRING, F1 STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: T1_ID BIGINT KEY, NAME STRING, F1 STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T1_ID BIGINT KEY, T1_NAME STRING, T1_ROWTIME BIGINT, T1_ROWPARTITION INTEGER, T1_ROWOFFSET BIGINT, T1_ID BIGINT, " +
			"T2_F1 STRING, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T1_ID BIGINT KEY, T1_NAME STRING, T1_ROWTIME BIGINT, T1_ROWPARTITION INTEGER, T1_ROWOFFSET BIGINT, T1_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: ID BIGINT KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T2_ID BIGINT KEY, T2_F1 STRING, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: ID BIGINT KEY, F1 STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, F1 STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// the right table, keyed in DELIMITED, is rekeyed into the left's
		// KAFKA through RightSourceKeyed-SelectKey-repartition; the left
		// one is joined where it is read
		name:   "a table-table join on keys of different formats repartitions the right table into the left's format",
		topics: []string{"t1", "t2"},
		stmts: "CREATE TABLE T1 (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t1', key_format='KAFKA', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, FOO INT) WITH (kafka_topic='t2', key_format='DELIMITED', value_format='JSON');" +
			"CREATE TABLE OUTPUT AS SELECT * FROM T1 JOIN T2 ON T1.ID = T2.ID;",
		sink: "OUTPUT", topology: "table-table-join-key-format-mismatch.topology",
	},
	{
		// the stream is rekeyed by V0 for the first join (L_Join-repartition),
		// the first join's result by K for the second (Join-repartition),
		// each group of joins in a sub-topology of its own
		name:   "an N-way join on different columns of the stream repartitions before each join that rekeys",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, K INT, V0 int) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.V0 = T2.ID JOIN T3 ON S1.K = T3.ID;",
		sink: "OUTPUT", topology: "stream-table-table-rekey-on-different-columns.topology",
		plan: " > [ SINK ] | Schema: K INTEGER KEY, S1_V0 INTEGER, T2_V0 INTEGER, T3_V0 INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: K INTEGER KEY, S1_V0 INTEGER, T2_V0 INTEGER, T3_V0 INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: S1_K INTEGER KEY, S1_K INTEGER, S1_V0 INTEGER, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 INTEGER, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER, T3_V0 INTEGER, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ REKEY ] | Schema: S1_K INTEGER KEY, S1_K INTEGER, S1_V0 INTEGER, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 INTEGER, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: S1_V0 INTEGER KEY, S1_K INTEGER, S1_V0 INTEGER, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 INTEGER, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_V0 INTEGER KEY, S1_K INTEGER, S1_V0 INTEGER, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: V0 INTEGER KEY, K INTEGER, V0 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.L_LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, K INTEGER, V0 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T2_ID INTEGER KEY, T2_V0 INTEGER, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, T3_V0 INTEGER, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// as on two columns, the stream rekeyed by K - 1 (S1_KSQL_COL_0),
		// the first join's result by S1_K + 1 (KSQL_COL_0), each key
		// copied last among the values (historical plan
		// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
		// schemas L_Join.Left, Join.Left, Join)
		name:   "an N-way join on expressions of the stream repartitions before each join that rekeys",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT T3.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K - 1 = T2.ID JOIN T3 ON S1.K + 1 = T3.ID;",
		sink: "OUTPUT", topology: "stream-table-table-rekey-on-different-columns.topology",
		plan: " > [ SINK ] | Schema: T3_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: KSQL_COL_0 INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S1_KSQL_COL_0 INTEGER, " +
			"T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER, KSQL_COL_0 INTEGER, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S1_KSQL_COL_0 INTEGER, " +
			"T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER, KSQL_COL_0 INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: S1_KSQL_COL_0 INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S1_KSQL_COL_0 INTEGER, " +
			"T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_KSQL_COL_0 INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S1_KSQL_COL_0 INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, K INTEGER, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 INTEGER | Logger: QID.L_LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, K INTEGER, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T2_ID INTEGER KEY, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// the first join on the stream's key, the second rekeys its
		// result by F1 through Join-repartition
		name:   "an N-way join whose second join reads a value column repartitions the first join's result",
		topics: []string{"left_topic", "middle_topic", "right_topic"},
		stmts: "CREATE STREAM left_stream (id1 BIGINT KEY, f1 BIGINT) WITH (kafka_topic='left_topic', format='JSON');" +
			"CREATE TABLE middle_table (id2 BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON');" +
			"CREATE TABLE right_table (id3 BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON');" +
			"CREATE STREAM output AS SELECT id1, f1, middle_table.*, right_table.* FROM left_stream JOIN middle_table ON id1 = id2 LEFT JOIN right_table ON f1 = id3;",
		sink: "OUTPUT", topology: "stream-table-table-qualified-select-star.topology",
	},
	{
		// both tables are rekeyed into the stream's JSON keys, each
		// through its <L_...>RightSourceKeyed-SelectKey-repartition
		name:   "an N-way join of tables keyed unlike the stream repartitions each table into the stream's key format",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', key_format='JSON', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='KAFKA', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='DELIMITED', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;",
		sink: "OUTPUT", topology: "stream-table-table-key-format-mismatch.topology",
	},
	{
		// the third table, keyed in DELIMITED, is rekeyed into the
		// first's KAFKA through RightSourceKeyed-SelectKey-repartition
		name:   "an N-way join of tables repartitions the table keyed unlike the first",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', key_format='KAFKA', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='KAFKA', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='DELIMITED', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT T1.ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID;",
		sink: "OUTPUT", topology: "table-table-table-key-format-mismatch.topology",
	},
	{
		// every table, keyed in AVRO, is rekeyed through its own
		// repartition; the joins read them in a sub-topology of their own
		name:   "an N-way join of tables on AVRO keys repartitions every table",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', key_format='AVRO', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='AVRO', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='AVRO', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT ROWKEY AS ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID FULL JOIN T3 ON T1.ID = T3.ID;",
		sink: "OUTPUT", topology: "table-table-table-avro-keys.topology",
	},
	{
		// two session-windowed streams join as any two streams; their
		// window stores are KSTREAM-JOINTHIS-0000000008-store and
		// KSTREAM-JOINOTHER-0000000009-store
		name:   "a join of session-windowed streams has a stream-stream join's topology",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');" +
			"CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');" +
			"CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;",
		sink: "OUTPUT", topology: "stream-stream-join-session-windowed.topology", window: "SESSION",
	},
	{
		// the table joins on S2.K, equal to the stream-stream join's key
		// S1.K: only the two streams are repartitioned
		name:   "an N-way join whose table step reads the other side of the stream-stream criteria repartitions only the streams",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT s1.k, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.K JOIN T3 ON S2.K = T3.ID;",
		sink: "OUTPUT", topology: "stream-stream-table-cascading-join-criteria.topology",
	},
	{
		// a sink WITH (TIMESTAMP=...) sets each record's time from that
		// column before the sink (KsqlStructuredDataOutputNode,
		// StreamSinkBuilder's ApplyTimestampTransform-<sink>)
		name:   "a sink with a TIMESTAMP column applies it before the sink",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (K STRING KEY, ID bigint) WITH (kafka_topic='test_topic', value_format='JSON');" +
			"CREATE STREAM TS WITH (timestamp='sink_ts') AS SELECT K, id as sink_ts, id FROM test;",
		sink: "TS", topology: "sink-timestamp-column.topology",
	},
	{
		name:   "a stream-stream join into a sink with a TIMESTAMP column applies it before the sink",
		topics: []string{"s1", "s2"},
		stmts: "CREATE STREAM S1 (ID BIGINT KEY, NAME varchar, TS bigint) WITH (timestamp='TS', kafka_topic='s1', value_format='JSON');" +
			"CREATE STREAM S2 (ID BIGINT KEY, F1 varchar, F2 varchar) WITH (kafka_topic='s2', value_format='JSON');" +
			"CREATE STREAM S1_JOIN_S2 WITH(timestamp='TS') as SELECT S1.ID, S1.name as name, S1.ts as ts, s2.f1, s2.f2 from S1 join S2 WITHIN 11 SECONDS ON s1.id = s2.id;",
		sink: "S1_JOIN_S2", topology: "stream-stream-join-with-sink-timestamp.topology",
	},
	{
		name:   "GROUP BY the key column aggregates in one sub-topology",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE double) WITH (kafka_topic='test_topic', value_format='DELIMITED');" +
			"CREATE TABLE S2 as SELECT id, count() FROM test group by id;",
		sink: "S2", topology: "count.topology",
		plan: " > [ SINK ] | Schema: ID BIGINT KEY, KSQL_COL_0 BIGINT | Logger: QID.S2\n" +
			"\t\t > [ PROJECT ] | Schema: ID BIGINT KEY, KSQL_COL_0 BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: ID BIGINT KEY, ID BIGINT, ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: ID BIGINT KEY, ID BIGINT, ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: ID BIGINT KEY, ID BIGINT, ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, VALUE DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "GROUP BY a value column repartitions through Aggregate-GroupBy-repartition",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (K STRING KEY, data VARCHAR) WITH (kafka_topic='test_topic', value_format='DELIMITED');" +
			"CREATE TABLE OUTPUT AS SELECT DATA, COUNT(*) FROM TEST GROUP BY DATA;",
		sink: "OUTPUT", topology: "group-by-field-with-re-key.topology",
		plan: " > [ SINK ] | Schema: DATA STRING KEY, KSQL_COL_0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: DATA STRING KEY, KSQL_COL_0 BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: DATA STRING KEY, DATA STRING, ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: DATA STRING KEY, DATA STRING, ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: K STRING KEY, DATA STRING, ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: K STRING KEY, DATA STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "a TUMBLING window adds WindowSelect and the window bounds",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');" +
			"CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW TUMBLING (SIZE 30 SECONDS) group by id;",
		sink: "S2", topology: "max-tumbling.topology", window: "TUMBLING",
		plan: " > [ SINK ] | Schema: ID BIGINT KEY, KSQL_COL_0 BIGINT | Logger: QID.S2\n" +
			"\t\t > [ PROJECT ] | Schema: ID BIGINT KEY, KSQL_COL_0 BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, VALUE BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "a HOPPING window aggregates in one sub-topology",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');" +
			"CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS) group by id;",
		sink: "S2", topology: "max-hopping.topology", window: "HOPPING",
	},
	{
		name:   "a SESSION window grouped by a value column repartitions first",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (K BIGINT KEY, ID bigint, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');" +
			"CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW SESSION (30 SECONDS) group by id;",
		sink: "S2", topology: "max-session.topology", window: "SESSION",
	},
	{
		name:   "HAVING filters the aggregate with its own aggregate variables",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');" +
			"CREATE TABLE AVG AS select id, sum(value)/count(id) as avg from test GROUP BY id HAVING sum(value)/count(id)> 25;",
		sink: "AVG", topology: "calculate-average-in-having.topology",
		plan: " > [ SINK ] | Schema: ID BIGINT KEY, AVG BIGINT | Logger: QID.AVG\n" +
			"\t\t > [ PROJECT ] | Schema: ID BIGINT KEY, AVG BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ FILTER ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, KSQL_AGG_VARIABLE_1 BIGINT, KSQL_AGG_VARIABLE_2 BIGINT, KSQL_AGG_VARIABLE_3 BIGINT | Logger: QID.Aggregate.HavingFilter\n" +
			"\t\t\t\t\t\t > [ AGGREGATE ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, KSQL_AGG_VARIABLE_1 BIGINT, KSQL_AGG_VARIABLE_2 BIGINT, KSQL_AGG_VARIABLE_3 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t\t\t > [ GROUP_BY ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: ID BIGINT KEY, ID BIGINT, VALUE BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, VALUE BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "WHERE filters before Aggregate-Prepare, and EMIT FINAL adds no processor",
		topics: []string{"input_topic"},
		stmts: "CREATE STREAM INPUT (ID STRING KEY, COL1 INT) WITH (kafka_topic='input_topic',value_format='JSON');" +
			"CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) as COUNT FROM INPUT WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) WHERE COL1=1 GROUP BY ID EMIT FINAL;",
		sink: "OUTPUT", topology: "emit-final-after-where.topology", window: "TUMBLING",
		// nonAggregateColumns ID, ROWTIME, COL1: the SELECT's columns,
		// then the WHERE's (AggregateAnalyzer)
		plan: " > [ SINK ] | Schema: ID STRING KEY, COUNT BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: ID STRING KEY, COUNT BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: ID STRING KEY, ID STRING, ROWTIME BIGINT, COL1 INTEGER, KSQL_AGG_VARIABLE_0 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: ID STRING KEY, ID STRING, ROWTIME BIGINT, COL1 INTEGER | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: ID STRING KEY, ID STRING, ROWTIME BIGINT, COL1 INTEGER | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ FILTER ] | Schema: ID STRING KEY, COL1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.WhereFilter\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, COL1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "a table source is read through KTABLE-SOURCE and its KsqlTopic-Reduce store",
		topics: []string{"input_topic"},
		stmts: "CREATE TABLE INPUT (K INT PRIMARY KEY, K2 INT PRIMARY KEY, V INT) WITH (kafka_topic='input_topic', format='JSON');" +
			"CREATE TABLE OUTPUT AS SELECT * FROM INPUT;",
		sink: "OUTPUT", topology: "select-star-from-table.topology",
		plan: " > [ SINK ] | Schema: K INTEGER KEY, K2 INTEGER KEY, V INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: K INTEGER KEY, K2 INTEGER KEY, V INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ SOURCE ] | Schema: K INTEGER KEY, K2 INTEGER KEY, V INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K INTEGER, K2 INTEGER | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "a table aggregation groups through a KTABLE-FILTER and repartitions",
		topics: []string{"input_topic"},
		stmts: "CREATE TABLE INPUT (ID STRING PRIMARY KEY, name STRING) WITH (kafka_topic='input_topic', value_format='DELIMITED');" +
			"CREATE TABLE OUTPUT as SELECT NAME, count(1) FROM input group by name;",
		sink: "OUTPUT", topology: "count-table.topology",
		plan: " > [ SINK ] | Schema: NAME STRING KEY, KSQL_COL_0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: NAME STRING KEY, KSQL_COL_0 BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: NAME STRING KEY, NAME STRING, KSQL_AGG_VARIABLE_0 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: NAME STRING KEY, NAME STRING, KSQL_INTERNAL_COL_1 INTEGER | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: ID STRING KEY, NAME STRING, KSQL_INTERNAL_COL_1 INTEGER | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "a stream-table join on the key joins in one sub-topology through the table's store",
		topics: []string{"test_topic", "test_table"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='test_table', value_format='JSON');" +
			"CREATE STREAM INNER_JOIN as SELECT t.id, name, value, f1, f2 FROM test t join test_table tt on t.id = tt.id;",
		sink: "INNER_JOIN", topology: "stream-table-inner-join.topology", sources: []string{"TEST_TABLE", "TEST"},
		// JoinParamsFactory.createSchema: the join key, then the left
		// side's values, then the right side's
		plan: " > [ SINK ] | Schema: T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT | Logger: QID.INNER_JOIN\n" +
			"\t\t > [ PROJECT ] | Schema: T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT, " +
			"TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, VALUE BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: TT_ID BIGINT KEY, TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, F1 STRING, F2 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-table LEFT JOIN has the inner join's topology",
		topics: []string{"test_topic", "test_table"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='test_table', value_format='JSON');" +
			"CREATE STREAM LEFT_JOIN as SELECT t.id, name, value, f1, f2 FROM test t left join test_table tt on t.id = tt.id;",
		sink: "LEFT_JOIN", topology: "stream-table-left-join.topology",
	},
	{
		name:   "a stream joined to a table on a value column is rekeyed through Join-repartition",
		topics: []string{"stream_topic", "table_topic"},
		stmts: "CREATE STREAM INPUT_STREAM (K STRING KEY, SF BIGINT) WITH (kafka_topic='stream_topic', value_format='JSON');" +
			"CREATE TABLE INPUT_TABLE (ID BIGINT PRIMARY KEY, TF INT) WITH (kafka_topic='table_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT *, S.ROWTIME, T.ROWTIME FROM INPUT_STREAM S JOIN INPUT_TABLE T on S.SF = T.ID;",
		sink: "OUTPUT", topology: "stream-table-join-on-value-column.topology",
	},
	{
		// a join key format that infers schemas makes ksqlDB repartition
		// both sides, each by its key (PreJoinRepartitionNode): the stream
		// through Join-repartition, the table through
		// RightSourceKeyed-SelectKey-repartition into the
		// RightSourceKeyed-Materialize store the join reads
		name:   "a stream-table join on AVRO keys repartitions the stream and rekeys the table into RightSourceKeyed-Materialize",
		topics: []string{"t", "s"},
		stmts: "CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='AVRO', value_format='JSON');" +
			"CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='AVRO', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT S.ID, VAL FROM S JOIN T ON S.ID = T.ID;",
		sink: "OUTPUT", topology: "stream-table-join-avro-keys.topology", sources: []string{"S", "T"},
		plan: " > [ SINK ] | Schema: S_ID INTEGER KEY, VAL STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: S_ID INTEGER KEY, VAL STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: S_ID INTEGER KEY, S_FOO INTEGER, S_ROWTIME BIGINT, S_ROWPARTITION INTEGER, S_ROWOFFSET BIGINT, S_ID INTEGER, " +
			"T_VAL STRING, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: S_ID INTEGER KEY, S_FOO INTEGER, S_ROWTIME BIGINT, S_ROWPARTITION INTEGER, S_ROWOFFSET BIGINT, S_ID INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: ID INTEGER KEY, FOO INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, FOO INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ID INTEGER KEY, T_VAL STRING, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: ID INTEGER KEY, VAL STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, VAL STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-stream join WITHIN a window joins both window stores and merges",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM INNER_JOIN as SELECT t.id as ID, name, value, f1, f2 FROM test t join TEST_STREAM tt WITHIN 11 SECONDS ON t.id = tt.id;",
		sink: "INNER_JOIN", topology: "stream-stream-inner-join.topology", sources: []string{"TEST", "TEST_STREAM"},
	},
	{
		name:   "a stream-stream LEFT JOIN keeps the right side in an outer window store",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;",
		sink: "OUTPUT", topology: "stream-stream-left-join.topology", sources: []string{"TEST", "TEST_STREAM"},
	},
	{
		name:   "a stream-stream LEFT JOIN with a GRACE PERIOD shares an outer store between its joins",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM LEFT_STREAM (ID BIGINT KEY, L1 varchar) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM RIGHT_STREAM (ID BIGINT KEY, L2 varchar) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM LEFT_JOIN as SELECT t.id, l1, l2 FROM LEFT_STREAM t left join RIGHT_STREAM tt WITHIN 1 minute GRACE PERIOD 1 minute on t.id = tt.id;",
		sink: "LEFT_JOIN", topology: "stream-stream-left-join-grace.topology",
	},
	{
		name:   "a stream-stream LEFT JOIN on value columns repartitions both sides",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST_STREAM (K STRING KEY, ID bigint, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;",
		sink: "OUTPUT", topology: "stream-stream-left-join-rekey.topology",
	},
	{
		name:   "a stream-stream RIGHT JOIN is the right stream's LEFT JOIN of the left one",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST (id BIGINT KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST_STREAM (id BIGINT KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t RIGHT JOIN TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;",
		sink: "OUTPUT", topology: "stream-stream-right-join.topology", sources: []string{"TEST", "TEST_STREAM"},
	},
	{
		name:   "a stream-stream RIGHT JOIN with a GRACE PERIOD shares an outer store between its joins",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM LEFT_STREAM (id BIGINT KEY, l1 VARCHAR) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM RIGHT_STREAM (id BIGINT KEY, l2 VARCHAR) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM RIGHT_JOIN as SELECT t.id, l1, l2 FROM LEFT_STREAM t RIGHT JOIN RIGHT_STREAM tt WITHIN 1 minute GRACE PERIOD 1 minute on t.id = tt.id;",
		sink: "RIGHT_JOIN", topology: "stream-stream-right-join-grace.topology",
	},
	{
		name:   "a stream-stream RIGHT JOIN on value columns repartitions the left side into Join-right-repartition",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST_STREAM (K STRING KEY, ID bigint, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t RIGHT JOIN test_stream tt WITHIN 11 seconds ON t.id = tt.id;",
		sink: "OUTPUT", topology: "stream-stream-right-join-rekey.topology",
	},
	{
		name:   "a stream-stream FULL OUTER JOIN keeps both sides in outer window stores",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT * FROM test t FULL OUTER join TEST_STREAM tt WITHIN 11 seconds on t.id = tt.id;",
		sink: "OUTPUT", topology: "stream-stream-outer-join.topology", sources: []string{"TEST", "TEST_STREAM"},
	},
	{
		name:   "a stream-stream FULL OUTER JOIN with a GRACE PERIOD shares an outer store between its joins",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM LEFT_STREAM (ID BIGINT KEY, L1 varchar) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM RIGHT_STREAM (ID BIGINT KEY, L2 varchar) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTER_JOIN as SELECT ROWKEY as ID, t.id, tt.id, l1, l2 FROM LEFT_STREAM t full outer join RIGHT_STREAM tt WITHIN 1 minute GRACE PERIOD 1 minute on t.id = tt.id;",
		sink: "OUTER_JOIN", topology: "stream-stream-outer-join-grace.topology",
	},
	{
		name:   "a table-table join merges KTABLE-JOINTHIS and KTABLE-JOINOTHER and materializes its projection",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE INNER_JOIN as SELECT t.id, name, value, f1, f2 FROM test t join TEST_TABLE tt on t.id = tt.id;",
		sink: "INNER_JOIN", topology: "table-table-inner-join.topology", sources: []string{"TEST_TABLE", "TEST"},
		plan: " > [ SINK ] | Schema: T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT | Logger: QID.INNER_JOIN\n" +
			"\t\t > [ PROJECT ] | Schema: T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT, " +
			"TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, VALUE BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: TT_ID BIGINT KEY, TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, F1 STRING, F2 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a table-table LEFT JOIN has the inner join's topology",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_TABLE tt on t.id = tt.id;",
		sink: "OUTPUT", topology: "table-table-left-join.topology",
	},
	{
		name:   "a table-table FULL OUTER JOIN has the inner join's topology",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE OUTER_JOIN as SELECT ROWKEY AS ID, name, value, f1, f2 FROM test t FULL OUTER join TEST_TABLE tt on t.id = tt.id;",
		sink: "OUTER_JOIN", topology: "table-table-outer-join.topology",
	},
	{
		// KTableImpl.doJoin with the sides swapped (TableTableJoinBuilder
		// builds a RIGHT join as the right table's LEFT join): the right
		// side's KTABLE-JOINTHIS reads the left store
		name:   "a table-table RIGHT JOIN joins from the right side and keeps the left key's name",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t RIGHT JOIN TEST_TABLE tt on t.id = tt.id;",
		sink: "OUTPUT", topology: "table-table-right-join.topology", sources: []string{"TEST_TABLE", "TEST"},
		// the join step's keyColName is T_ID in plan.json
		plan: " > [ SINK ] | Schema: T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT, " +
			"TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, NAME STRING, VALUE BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: TT_ID BIGINT KEY, TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, F1 STRING, F2 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// ForeignKeyJoinParamsFactory.createSchema: the left key, the left
		// values, the right values
		name:   "a foreign-key table-table join subscribes through the FK-JOIN registration and response topics",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;",
		sink: "OUTPUT", topology: "fk-inner-join.topology", sources: []string{"LEFT_TABLE", "RIGHT_TABLE"},
		plan: " > [ SINK ] | Schema: L_ID BIGINT KEY, R_ID BIGINT, NAME STRING, F1 STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: L_ID BIGINT KEY, R_ID BIGINT, NAME STRING, F1 STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_NAME STRING, LEFT_TABLE_FOREIGN_KEY BIGINT, LEFT_TABLE_ROWTIME BIGINT, LEFT_TABLE_ROWPARTITION INTEGER, LEFT_TABLE_ROWOFFSET BIGINT, LEFT_TABLE_L_ID BIGINT, " +
			"RIGHT_TABLE_F1 STRING, RIGHT_TABLE_F2 BIGINT, RIGHT_TABLE_ROWTIME BIGINT, RIGHT_TABLE_ROWPARTITION INTEGER, RIGHT_TABLE_ROWOFFSET BIGINT, RIGHT_TABLE_R_ID BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_NAME STRING, LEFT_TABLE_FOREIGN_KEY BIGINT, LEFT_TABLE_ROWTIME BIGINT, LEFT_TABLE_ROWPARTITION INTEGER, LEFT_TABLE_ROWOFFSET BIGINT, LEFT_TABLE_L_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: L_ID BIGINT KEY, NAME STRING, FOREIGN_KEY BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, L_ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: RIGHT_TABLE_R_ID BIGINT KEY, RIGHT_TABLE_F1 STRING, RIGHT_TABLE_F2 BIGINT, RIGHT_TABLE_ROWTIME BIGINT, RIGHT_TABLE_ROWPARTITION INTEGER, RIGHT_TABLE_ROWOFFSET BIGINT, RIGHT_TABLE_R_ID BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: R_ID BIGINT KEY, F1 STRING, F2 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, R_ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// LogicalPlanner.shouldRepartitionFKJoin: a right table keyed by
		// a STRUCT in a format of the schema registry is rekeyed by its
		// own key into the left table's key format first
		// (RightSourceKeyed, tableSelectKeyV1 in the historical plan
		// fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry),
		// through RightSourceKeyed-SelectKey-repartition into
		// RightSourceKeyed-Materialize, which the subscription
		// processor reads
		name:   "a foreign-key join of a right table keyed by an AVRO STRUCT rekeys it first",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key STRUCT<val BIGINT>) WITH (kafka_topic='left_topic', format='AVRO');" +
			"CREATE TABLE right_table (r_id STRUCT<val BIGINT> PRIMARY KEY, f1 INTEGER) WITH (kafka_topic='right_topic', format='AVRO');" +
			"CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;",
		sink: "OUTPUT", topology: "fk-join-struct-key-rekeyed.topology", sources: []string{"LEFT_TABLE", "RIGHT_TABLE"},
		plan: " > [ SINK ] | Schema: L_ID BIGINT KEY, R_ID STRUCT<VAL BIGINT>, NAME STRING, F1 INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: L_ID BIGINT KEY, R_ID STRUCT<VAL BIGINT>, NAME STRING, F1 INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_NAME STRING, LEFT_TABLE_FOREIGN_KEY STRUCT<VAL BIGINT>, LEFT_TABLE_ROWTIME BIGINT, LEFT_TABLE_ROWPARTITION INTEGER, LEFT_TABLE_ROWOFFSET BIGINT, LEFT_TABLE_L_ID BIGINT, " +
			"RIGHT_TABLE_F1 INTEGER, RIGHT_TABLE_ROWTIME BIGINT, RIGHT_TABLE_ROWPARTITION INTEGER, RIGHT_TABLE_ROWOFFSET BIGINT, RIGHT_TABLE_R_ID STRUCT<VAL BIGINT> | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_NAME STRING, LEFT_TABLE_FOREIGN_KEY STRUCT<VAL BIGINT>, LEFT_TABLE_ROWTIME BIGINT, LEFT_TABLE_ROWPARTITION INTEGER, LEFT_TABLE_ROWOFFSET BIGINT, LEFT_TABLE_L_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: L_ID BIGINT KEY, NAME STRING, FOREIGN_KEY STRUCT<VAL BIGINT>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, L_ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: RIGHT_TABLE_R_ID STRUCT<VAL BIGINT> KEY, RIGHT_TABLE_F1 INTEGER, RIGHT_TABLE_ROWTIME BIGINT, RIGHT_TABLE_ROWPARTITION INTEGER, RIGHT_TABLE_ROWOFFSET BIGINT, RIGHT_TABLE_R_ID STRUCT<VAL BIGINT> | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: R_ID STRUCT<VAL BIGINT> KEY, F1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, R_ID STRUCT<VAL BIGINT> | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: R_ID STRUCT<VAL BIGINT> KEY, F1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, R_ID STRUCT<VAL BIGINT> | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a foreign-key LEFT JOIN has the inner join's topology",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;",
		sink: "OUTPUT", topology: "fk-left-join.topology",
	},
	{
		// the join tree is left-deep: the inner join's contexts take the
		// prefix L_ (JoinNode, PlanBuilder); a stream-table join builds
		// its table side first (StreamTableJoinBuilder)
		name:   "a stream joined to two tables nests the first join as L_Join and reads each table's store",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;",
		sink: "OUTPUT", topology: "stream-table-table-inner-inner.topology",
		plan: " > [ SINK ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ JOIN ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T2_ID INTEGER KEY, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// LogicalSchema.withPseudoAndKeyColsInValue: a windowed source's
		// step adds WINDOWSTART and WINDOWEND after the key copies; the
		// sink keeps the source's window (QueryDescriptionFactory reads
		// windowType from the result topic's key format)
		name:   "a query reading a windowed stream projects it as any stream and keeps its window type",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (K INT KEY, ID bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED', WINDOW_TYPE='Tumbling', WINDOW_SIZE='30 seconds');" +
			"CREATE STREAM S2 as SELECT * FROM test;",
		sink: "S2", topology: "import-tumbling-stream.topology", window: "TUMBLING",
		plan: " > [ SINK ] | Schema: K INTEGER KEY, ID BIGINT | Logger: QID.S2\n" +
			"\t\t > [ PROJECT ] | Schema: K INTEGER KEY, ID BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ SOURCE ] | Schema: K INTEGER KEY, ID BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K INTEGER, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "a WHERE on a session-windowed stream's bounds filters in WhereFilter",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM INPUT (K STRING KEY, source INT) WITH (kafka_topic='test_topic', value_format='JSON', WINDOW_TYPE='Session');" +
			"CREATE STREAM OUTPUT AS SELECT K, source FROM INPUT WHERE 1581323504001 <= WINDOWSTART AND WINDOWEND <= 1581323505001;",
		sink: "OUTPUT", topology: "session-window-bounds-in-where.topology", window: "SESSION",
	},
	{
		// the join's columns are all aliased, so the aggregation reads
		// T1_ID and T2_TOTAL (nonAggregateColumns in plan.json); the join
		// has no store, so TableSelectBuilder materializes Aggregate-Prepare
		// in Aggregate-Prepare-Last under a generated name
		name:   "a table-table join that aggregates prepares in a materialized KTABLE-TRANSFORMVALUES and repartitions",
		topics: []string{"T1", "T2"},
		stmts: "CREATE TABLE t1 (ID BIGINT PRIMARY KEY, TOTAL integer) WITH (kafka_topic='T1', value_format='AVRO');" +
			"CREATE TABLE t2 (ID BIGINT PRIMARY KEY, TOTAL integer) WITH (kafka_topic='T2', value_format='AVRO');" +
			"CREATE TABLE OUTPUT AS SELECT T1.ID, SUM(t2.total) as SUM FROM T1 LEFT JOIN T2 ON (t1.id = t2.id) GROUP BY t1.id;",
		sink: "OUTPUT", topology: "sum-left-join-of-table.topology", sources: []string{"T1", "T2"},
		plan: " > [ SINK ] | Schema: T1_ID BIGINT KEY, SUM INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: T1_ID BIGINT KEY, SUM INTEGER | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: T1_ID BIGINT KEY, T1_ID BIGINT, T2_TOTAL INTEGER, KSQL_AGG_VARIABLE_0 INTEGER | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: T1_ID BIGINT KEY, T1_ID BIGINT, T2_TOTAL INTEGER | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T1_ID BIGINT KEY, T1_ID BIGINT, T2_TOTAL INTEGER | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: T1_ID BIGINT KEY, T1_TOTAL INTEGER, T1_ROWTIME BIGINT, T1_ROWPARTITION INTEGER, T1_ROWOFFSET BIGINT, T1_ID BIGINT, " +
			"T2_TOTAL INTEGER, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T1_ID BIGINT KEY, T1_TOTAL INTEGER, T1_ROWTIME BIGINT, T1_ROWPARTITION INTEGER, T1_ROWOFFSET BIGINT, T1_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, TOTAL INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T2_ID BIGINT KEY, T2_TOTAL INTEGER, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID BIGINT KEY, TOTAL INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// only the innermost join repartitions the stream (L_Join-repartition,
		// L_LeftSourceKeyed); the next join reads its result, keyed already
		name:   "a stream joined to two tables on a value column is rekeyed once, before L_Join",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K = T2.ID JOIN T3 ON S1.K = T3.ID;",
		sink: "OUTPUT", topology: "stream-table-table-inner-inner-rekey.topology",
		plan: " > [ SINK ] | Schema: K INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: K INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: S1_K INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ JOIN ] | Schema: S1_K INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_K INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: K INTEGER KEY, K INTEGER, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.L_LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, K INTEGER, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: T2_ID INTEGER KEY, T2_V0 BIGINT, T2_ROWTIME BIGINT, T2_ROWPARTITION INTEGER, T2_ROWOFFSET BIGINT, T2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-stream join followed by a stream-table join nests the windowed join under L_",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		sink: "OUTPUT", topology: "stream-stream-table-inner-inner.topology",
	},
	{
		// both streams are rekeyed before L_Join, through
		// L_Join-left-repartition and L_Join-right-repartition; the
		// stream-table join after it reads the result, keyed already
		name:   "a stream-stream join on value columns inside a chain rekeys both streams under L_",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT T3.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.K JOIN T3 ON S1.K = T3.ID;",
		sink: "OUTPUT", topology: "stream-stream-table-inner-inner-rekey-left-and-right.topology",
	},
	{
		name:   "a stream-stream LEFT JOIN followed by a stream-table join nests the outer windowed join under L_",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT s1.V0, s2.V0, t3.V0, S2.ID FROM S1 LEFT JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		sink: "OUTPUT", topology: "stream-stream-table-left-inner.topology",
	},
	{
		name:   "a stream-table join followed by a stream-stream join windows the table join's results",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S3.ID, s1.V0, t2.V0, s3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		sink: "OUTPUT", topology: "stream-table-stream-inner-inner.topology",
	},
	{
		name:   "two stream-stream joins with different windows each keep their own window stores",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM s1 (id INT KEY, v0 BIGINT) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM s2 (id INT KEY, v0 BIGINT) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE STREAM s3 (id INT KEY, v0 BIGINT) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, s3.v0 FROM S1 JOIN S2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id;",
		sink: "OUTPUT", topology: "stream-stream-stream-inner-inner-different-windows.topology",
	},
	{
		name:   "two stream-stream LEFT joins keep their right sides in outer window stores",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM s1 (id INT KEY, v0 BIGINT) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM s2 (id INT KEY, v0 BIGINT) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE STREAM s3 (id INT KEY, v0 BIGINT) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, s3.v0 FROM s1 LEFT JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id LEFT JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id;",
		sink: "OUTPUT", topology: "stream-stream-stream-left-left.topology",
	},
	{
		// the FULL OUTER first step's result is keyed by its synthetic
		// key, so the second step rekeys it by S1.ID through
		// Join-left-repartition, read in a sub-topology of its own. The
		// plan is the historical plan.json's steps (L_Join and Join
		// streamStreamJoinV1 keyed ROWKEY, LeftSourceKeyed
		// streamSelectKeyV2 by S1_ID) with StepSchemaResolver's schemas:
		// L_Join appends ROWKEY to its values (neither side has it), Join
		// does not (its left side has it already; JoinParamsFactory)
		name:   "a stream-stream join after a FULL OUTER stream-stream join rekeys its left side through Join-left-repartition",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT ROWKEY, s1.V0, s2.V0, s3.V0 FROM S1 FULL OUTER JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		sink: "OUTPUT", topology: "stream-stream-stream-outer-outer.topology",
		plan: " > [ SINK ] | Schema: ROWKEY INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, S3_V0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: ROWKEY INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, S3_V0 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: ROWKEY INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER, S3_V0 BIGINT, S3_ROWTIME BIGINT, S3_ROWPARTITION INTEGER, S3_ROWOFFSET BIGINT, S3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ REKEY ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: ROWKEY INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S2_ID INTEGER KEY, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: S3_ID INTEGER KEY, S3_V0 BIGINT, S3_ROWTIME BIGINT, S3_ROWPARTITION INTEGER, S3_ROWOFFSET BIGINT, S3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// keys in formats that infer schemas: every stream is
		// repartitioned into the join's key format, the third through
		// Join-right-repartition in a sub-topology of its own
		name:   "a chain of stream-stream joins on registry keys repartitions every stream",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', key_format='JSON_SR', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', key_format='AVRO', value_format='JSON');" +
			"CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', key_format='AVRO', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		sink: "OUTPUT", topology: "stream-stream-stream-sr-keys.topology",
	},
	{
		// the stream-table join after the FULL OUTER stream-stream join
		// rekeys its result through Join-repartition and reads it back in
		// the table's sub-topology; the plan is the historical plan.json's
		// steps (streamTableJoinV1 Join keyed S1_ID over LeftSourceKeyed)
		// with StepSchemaResolver's schemas, as is the SELECT * one's
		// (multi-joins_-_stream-stream-table_-_full-inner_-_select__)
		name:   "a stream-table join after a FULL OUTER stream-stream join rekeys its left side through Join-repartition",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, t3.V0 FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		sink: "OUTPUT", topology: "stream-stream-table-full-inner.topology",
		plan: " > [ SINK ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ REKEY ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: ROWKEY INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S2_ID INTEGER KEY, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a SELECT * of a stream-table join after a FULL OUTER stream-stream join rekeys its left side through Join-repartition",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT * FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		sink: "OUTPUT", topology: "stream-stream-table-full-inner.topology",
		plan: " > [ SINK ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S2_ID INTEGER, S2_V0 BIGINT, T3_ID INTEGER, T3_V0 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S2_ID INTEGER, S2_V0 BIGINT, T3_ID INTEGER, T3_V0 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ REKEY ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: ROWKEY INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER, ROWKEY INTEGER | Logger: QID.L_Join\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S1_ID INTEGER KEY, S1_V0 BIGINT, S1_ROWTIME BIGINT, S1_ROWPARTITION INTEGER, S1_ROWOFFSET BIGINT, S1_ID INTEGER | Logger: QID.PrependAliasL_Left\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: S2_ID INTEGER KEY, S2_V0 BIGINT, S2_ROWTIME BIGINT, S2_ROWPARTITION INTEGER, S2_ROWOFFSET BIGINT, S2_ID INTEGER | Logger: QID.PrependAliasL_Right\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_L_Right.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T3_ID INTEGER KEY, T3_V0 BIGINT, T3_ROWTIME BIGINT, T3_ROWPARTITION INTEGER, T3_ROWOFFSET BIGINT, T3_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a chain of table-table joins joins each join's merge with the next table, reading every left store",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT T1.ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID;",
		sink: "OUTPUT", topology: "table-table-table-inner-inner.topology",
	},
	{
		name:   "a chain of table-table joins ending in a FULL OUTER JOIN has the inner chain's topology",
		topics: []string{"left", "right", "right2"},
		stmts: "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT ROWKEY AS ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID FULL JOIN T3 ON T1.ID = T3.ID;",
		sink: "OUTPUT", topology: "table-table-table-inner-full.topology",
	},
	{
		name:   "a chain of four tables nests the first join under L_L_",
		topics: []string{"left", "right", "right2", "right3"},
		stmts: "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');" +
			"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');" +
			"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');" +
			"CREATE TABLE T4 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right3', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT T1.ID, T2.*, T3.V0, T4.* FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID JOIN T4 ON T1.ID = T4.ID;",
		sink: "OUTPUT", topology: "table-table-table-table-qualified-select-star.topology",
	},
	{
		name:   "a WHERE after a table-table join filters in three steps before the projection",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE OUTPUT as SELECT t.id, name, tt.f1, f2 FROM test t JOIN test_table tt ON t.id = tt.id WHERE t.value > 10 AND tt.f2 > 5;",
		sink: "OUTPUT", topology: "table-table-join-with-where.topology",
	},
	{
		// the filter reads the join's schema (StreamFilterBuilder keeps
		// its input's), so it may compare columns of both sides
		name:   "a WHERE after a stream-stream join filters the merged rows in WhereFilter before the projection",
		topics: []string{"impressions", "clicks"},
		stmts: "CREATE STREAM impressions (user VARCHAR KEY, impression_id BIGINT, url VARCHAR) WITH (kafka_topic='impressions', value_format='JSON');" +
			"CREATE STREAM clicks (user VARCHAR KEY, url VARCHAR) WITH (kafka_topic='clicks', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT I.USER, IMPRESSION_ID, I.URL AS URL FROM impressions i JOIN clicks c WITHIN 1 minute ON i.user = c.user WHERE i.url = c.url;",
		sink: "OUTPUT", topology: "stream-stream-join-with-where.topology", sources: []string{"CLICKS", "IMPRESSIONS"},
		plan: " > [ SINK ] | Schema: I_USER STRING KEY, IMPRESSION_ID BIGINT, URL STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: I_USER STRING KEY, IMPRESSION_ID BIGINT, URL STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ FILTER ] | Schema: I_USER STRING KEY, I_IMPRESSION_ID BIGINT, I_URL STRING, I_ROWTIME BIGINT, I_ROWPARTITION INTEGER, I_ROWOFFSET BIGINT, I_USER STRING, " +
			"C_URL STRING, C_ROWTIME BIGINT, C_ROWPARTITION INTEGER, C_ROWOFFSET BIGINT, C_USER STRING | Logger: QID.WhereFilter\n" +
			"\t\t\t\t\t\t > [ JOIN ] | Schema: I_USER STRING KEY, I_IMPRESSION_ID BIGINT, I_URL STRING, I_ROWTIME BIGINT, I_ROWPARTITION INTEGER, I_ROWOFFSET BIGINT, I_USER STRING, " +
			"C_URL STRING, C_ROWTIME BIGINT, C_ROWPARTITION INTEGER, C_ROWOFFSET BIGINT, C_USER STRING | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: I_USER STRING KEY, I_IMPRESSION_ID BIGINT, I_URL STRING, I_ROWTIME BIGINT, I_ROWPARTITION INTEGER, I_ROWOFFSET BIGINT, I_USER STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: USER STRING KEY, IMPRESSION_ID BIGINT, URL STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, USER STRING | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: C_USER STRING KEY, C_URL STRING, C_ROWTIME BIGINT, C_ROWPARTITION INTEGER, C_ROWOFFSET BIGINT, C_USER STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: USER STRING KEY, URL STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, USER STRING | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a WHERE on the right stream's column after a stream-stream join of both sides' columns filters in WhereFilter",
		topics: []string{"LEFT", "RIGHT"},
		stmts: "CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', value_format='JSON');" +
			"CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT l.*, r.* FROM L INNER JOIN R WITHIN 10 SECONDS ON L.A = R.A WHERE R.B < 5;",
		sink: "OUTPUT", topology: "stream-stream-join-both-stars-with-where.topology",
	},
	{
		// FLAT_MAP (StreamFlatMap in PlanSummary) passes its input's columns
		// on and adds KSQL_SYNTH_n of each table function's type
		// (StreamFlatMapBuilder.buildSchema); the projection reads them
		name:   "a table function flattens in FlatMap between WhereFilter and Project",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (K STRING KEY, F0 INT, F1 ARRAY<INT>) WITH (kafka_topic='test_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT K, F0, EXPLODE(F1) VAL FROM TEST WHERE F0 <> 1;",
		sink: "OUTPUT", topology: "table-function-with-where.topology", sources: []string{"TEST"},
		plan: " > [ SINK ] | Schema: K STRING KEY, F0 INTEGER, VAL INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: K STRING KEY, F0 INTEGER, VAL INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ FLAT_MAP ] | Schema: K STRING KEY, F0 INTEGER, F1 ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING, KSQL_SYNTH_0 INTEGER | Logger: QID.FlatMap\n" +
			"\t\t\t\t\t\t > [ FILTER ] | Schema: K STRING KEY, F0 INTEGER, F1 ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.WhereFilter\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: K STRING KEY, F0 INTEGER, F1 ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KsqlTopic.Source\n",
	},
	{
		name:   "two table functions flatten in one FlatMap with a synthesised column each",
		topics: []string{"test_topic"},
		stmts: "CREATE STREAM TEST (ID STRING KEY, MY_ARR1 ARRAY<BIGINT>, MY_ARR2 ARRAY<BIGINT>, BAR BIGINT) WITH (kafka_topic='test_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR1), EXPLODE(MY_ARR2) FROM TEST;",
		sink: "OUTPUT", topology: "multiple-table-functions.topology",
		plan: " > [ SINK ] | Schema: ID STRING KEY, KSQL_COL_0 BIGINT, KSQL_COL_1 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: ID STRING KEY, KSQL_COL_0 BIGINT, KSQL_COL_1 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ FLAT_MAP ] | Schema: ID STRING KEY, MY_ARR1 ARRAY<BIGINT>, MY_ARR2 ARRAY<BIGINT>, BAR BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING, KSQL_SYNTH_0 BIGINT, KSQL_SYNTH_1 BIGINT | Logger: QID.FlatMap\n" +
			"\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, MY_ARR1 ARRAY<BIGINT>, MY_ARR2 ARRAY<BIGINT>, BAR BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.KsqlTopic.Source\n",
	},
}

// EXPLAIN of aggregations (grouped by the key or a value column, windowed,
// with HAVING), of queries over tables and of stream-table, stream-stream
// and table-table joins answers the topology ksqlDB 0.29
// prints for the same statements, byte for byte, and its PlanSummary.
func TestExplainMatchesUpstreamPlans(t *testing.T) {
	for _, c := range explainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

// checkExplainCase runs a case's statements, EXPLAINs the query writing its
// sink and compares the answer with the case's upstream texts.
func checkExplainCase(t *testing.T, c explainCase) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "explain", c.topology))
	if err != nil {
		t.Fatal(err)
	}
	st := newStack(t)
	for _, tp := range c.topics {
		st.createTopic(tp, 1)
	}
	_, url := st.serve()
	mustKSQL(t, url, c.stmts, nil)
	qid := queryWriting(t, url, c.sink)
	d, ok := mustKSQL(t, url, "EXPLAIN "+qid+";", nil)[0]["queryDescription"].(map[string]any)
	if !ok {
		t.Fatalf("EXPLAIN %s answered no queryDescription", qid)
	}
	if d["topology"] != string(want) {
		t.Errorf("topology:\n%s\nwant\n%s", d["topology"], want)
	}
	if c.plan != "" {
		if plan := strings.ReplaceAll(c.plan, "QID", qid); d["executionPlan"] != plan {
			t.Errorf("executionPlan:\n%q\nwant\n%q", d["executionPlan"], plan)
		}
	}
	if c.sources != nil && fmt.Sprint(d["sources"]) != fmt.Sprint(c.sources) {
		t.Errorf("sources %v, want %v", d["sources"], c.sources)
	}
	if c.window == "" && d["windowType"] != nil || c.window != "" && d["windowType"] != c.window {
		t.Errorf("windowType %v, want %q", d["windowType"], c.window)
	}
}

// SHOW QUERIES EXTENDED answers while the pipeline's TURNSTILE_SUMMARY
// aggregation runs: its description groups the keyless turnstile stream by
// station_id through a repartition (as group-by-field-with-re-key.topology
// shows for a value column) and counts it.
func TestShowQueriesExtendedDescribesTurnstileSummary(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	_, url := st.serve()
	mustKSQL(t, url, projectStatements, nil)
	ent := mustKSQL(t, url, "SHOW QUERIES EXTENDED;", nil)[0]
	if ent["@type"] != "query_descriptions" {
		t.Fatalf("entity: %v", ent)
	}
	descs := ent["queryDescriptions"].([]any)
	if len(descs) != 1 {
		t.Fatalf("descriptions: %v", descs)
	}
	d := descs[0].(map[string]any)
	topo, _ := d["topology"].(string)
	plan, _ := d["executionPlan"].(string)
	if !contains(topo, "Sink: Aggregate-GroupBy-repartition-sink (topic: Aggregate-GroupBy-repartition)") ||
		!contains(topo, "(stores: [Aggregate-Aggregate-Materialize])") ||
		!contains(topo, "Sink: KSTREAM-SINK-0000000012 (topic: TURNSTILE_SUMMARY)") {
		t.Errorf("topology:\n%s", topo)
	}
	if !contains(plan, "[ AGGREGATE ] | Schema: STATION_ID INTEGER KEY, STATION_ID INTEGER, ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT |") ||
		!contains(plan, "[ SINK ] | Schema: STATION_ID INTEGER KEY, COUNT BIGINT |") {
		t.Errorf("executionPlan:\n%s", plan)
	}
	if src := d["sources"].([]any); len(src) != 1 || src[0] != "TURNSTILE" {
		t.Errorf("sources: %v", src)
	}
}

// EXPLAIN of a table's WHERE filters in WhereFilter-ApplyPredicate,
// -Filter and -PostProcess and projects in Project: TableFilterBuilder keeps
// the source's materialization, so TableSelectBuilder does not materialize
// the projection (ksqldb-streams/.../TableFilterBuilder.java and
// TableSelectBuilder.java; the filter's processors as
// historical_plans/joins_-_table_table_join_with_where_clause prints them,
// each taking a node index; the table source as
// multi-col-keys_-_select___from_table prints it; confluentinc/ksql v7.9.0).
func TestExplainOfTableFilterProjectsWithoutMaterializing(t *testing.T) {
	st := newStack(t)
	st.createTopic("input_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TABLE INPUT (ID STRING PRIMARY KEY, NAME STRING, V INT) WITH (kafka_topic='input_topic', value_format='JSON');"+
		"CREATE TABLE OUTPUT AS SELECT ID, NAME FROM INPUT WHERE V > 1;", nil)
	d := mustKSQL(t, url, "EXPLAIN "+queryWriting(t, url, "OUTPUT")+";", nil)[0]["queryDescription"].(map[string]any)
	want := "Topologies:\n" +
		"   Sub-topology: 0\n" +
		"    Source: KSTREAM-SOURCE-0000000001 (topics: [input_topic])\n" +
		"      --> KTABLE-SOURCE-0000000002\n" +
		"    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
		"      --> KTABLE-TRANSFORMVALUES-0000000003\n" +
		"      <-- KSTREAM-SOURCE-0000000001\n" +
		"    Processor: KTABLE-TRANSFORMVALUES-0000000003 (stores: [KsqlTopic-Reduce])\n" +
		"      --> KTABLE-TRANSFORMVALUES-0000000004\n" +
		"      <-- KTABLE-SOURCE-0000000002\n" +
		"    Processor: KTABLE-TRANSFORMVALUES-0000000004 (stores: [])\n" +
		"      --> WhereFilter-ApplyPredicate\n" +
		"      <-- KTABLE-TRANSFORMVALUES-0000000003\n" +
		"    Processor: WhereFilter-ApplyPredicate (stores: [])\n" +
		"      --> WhereFilter-Filter\n" +
		"      <-- KTABLE-TRANSFORMVALUES-0000000004\n" +
		"    Processor: WhereFilter-Filter (stores: [])\n" +
		"      --> WhereFilter-PostProcess\n" +
		"      <-- WhereFilter-ApplyPredicate\n" +
		"    Processor: WhereFilter-PostProcess (stores: [])\n" +
		"      --> Project\n" +
		"      <-- WhereFilter-Filter\n" +
		"    Processor: Project (stores: [])\n" +
		"      --> KTABLE-TOSTREAM-0000000009\n" +
		"      <-- WhereFilter-PostProcess\n" +
		"    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n" +
		"      --> KSTREAM-SINK-0000000010\n" +
		"      <-- Project\n" +
		"    Sink: KSTREAM-SINK-0000000010 (topic: OUTPUT)\n" +
		"      <-- KTABLE-TOSTREAM-0000000009\n\n"
	if d["topology"] != want {
		t.Errorf("topology:\n%s\nwant\n%s", d["topology"], want)
	}
	if plan := d["executionPlan"].(string); !contains(plan, "\t\t\t\t > [ FILTER ] | Schema: ID STRING KEY, NAME STRING, V INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: ") {
		t.Errorf("executionPlan:\n%s", plan)
	}
}

// EXPLAIN of a join that ksqlDB repartitions for its sources' key formats,
// where this server does not, stays refused as not supported: a table
// rekeyed into the stream's key format
// (joins_-_stream-table_key-to-key_-_key_format_mismatch) and a chain that rekeys both its stream (joined on a value column) and a
// table keyed in another format, a shape no historical plan shows.
func TestExplainOfJoinsKsqlDBRepartitionsForTheirKeyFormatsIsRefusedAsUnsupported(t *testing.T) {
	for _, c := range []struct {
		name, stmts, want string
	}{
		{"stream-table-table rekeying the stream and a table keyed in another format",
			"CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='s', key_format='KAFKA', value_format='JSON');" +
				"CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='t', key_format='KAFKA', value_format='JSON');" +
				"CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='u', key_format='DELIMITED', value_format='JSON');" +
				"CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K = T2.ID JOIN T3 ON S1.K = T3.ID;",
			"N-way join that rekeys both the stream and tables keyed in other formats"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			for _, tp := range []string{"s", "t", "u"} {
				st.createTopic(tp, 1)
			}
			_, url := st.serve()
			mustKSQL(t, url, c.stmts, nil)
			code, e := stmtErr(t, url, "EXPLAIN "+queryWriting(t, url, "OUTPUT")+";")
			if msg, _ := e["message"].(string); code != 400 || !contains(msg, c.want) || !contains(msg, "not supported") {
				t.Errorf("EXPLAIN: %d %v, want a refusal of a %s", code, e, c.want)
			}
		})
	}
}

// EXPLAIN of a stream-table join that aggregates (a stream aggregation
// after the join in ksqlDB, not built here) stays refused as not supported.
func TestExplainOfStreamTableJoinAggregationIsRefusedAsUnsupported(t *testing.T) {
	st := newStack(t)
	for _, tp := range []string{"s_topic", "a_topic"} {
		st.createTopic(tp, 1)
	}
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM S (ID BIGINT KEY, NAME STRING) WITH (kafka_topic='s_topic', value_format='JSON');"+
		"CREATE TABLE A (ID BIGINT PRIMARY KEY, F1 STRING) WITH (kafka_topic='a_topic', value_format='JSON');"+
		"CREATE TABLE J AS SELECT F1, COUNT(*) AS N FROM S JOIN A ON S.ID = A.ID GROUP BY F1;", nil)
	code, e := stmtErr(t, url, "EXPLAIN "+queryWriting(t, url, "J")+";")
	if msg, _ := e["message"].(string); code != 400 || !contains(msg, "aggregation of a join") || !contains(msg, "not supported") {
		t.Errorf("EXPLAIN of a stream-table join that aggregates: %d %v", code, e)
	}
}

// EXPLAIN names the key of a GROUP BY on an expression as
// GroupByParamsFactory.expressionSchema does, through
// ColumnNames.columnAliasGenerator: a struct field after the field, any
// other expression KSQL_COL_0 (ksqldb-streams and ksqldb-common in
// confluentinc/ksql v7.9.0). A STRUCT's field names are quoted only where
// needed, as PlanSummary's FormatOptions.of(IdentifierUtil::needsQuotes)
// quotes them (docs/developer-guide/ksqldb-reference/show-queries.md,
// v7.9.0: STRUCT<TYPE INTEGER, ..., `topic` STRING>).
func TestExplainNamesGroupByExpressionKeysAsKsqlDB(t *testing.T) {
	st := newStack(t)
	st.createTopic("a", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM A (ID INT KEY, X INT, ST STRUCT<F INT>) WITH (kafka_topic='a', value_format='JSON');"+
		"CREATE TABLE BY_FIELD AS SELECT ST->F AS F, COUNT(*) AS C FROM A GROUP BY ST->F;"+
		"CREATE TABLE BY_SUM AS SELECT X + 1 AS K, COUNT(*) AS C FROM A GROUP BY X + 1;", nil)
	for sink, want := range map[string]string{
		"BY_FIELD": "[ GROUP_BY ] | Schema: F INTEGER KEY, ST STRUCT<F INTEGER>, ROWTIME BIGINT |",
		"BY_SUM":   "[ GROUP_BY ] | Schema: KSQL_COL_0 INTEGER KEY, X INTEGER, ROWTIME BIGINT |",
	} {
		d := mustKSQL(t, url, "EXPLAIN "+queryWriting(t, url, sink)+";", nil)[0]["queryDescription"].(map[string]any)
		if plan := d["executionPlan"].(string); !contains(plan, want) {
			t.Errorf("%s executionPlan:\n%s\nwant it to contain %q", sink, plan, want)
		}
	}
}

// SHOW QUERIES EXTENDED describes a stream-stream FULL OUTER join with the
// topology EXPLAIN prints (historical plan joins_-_stream_stream_outer_join_-_JSON).
func TestShowQueriesExtendedDescribesAStreamStreamOuterJoin(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "explain", "stream-stream-outer-join.topology"))
	if err != nil {
		t.Fatal(err)
	}
	st := newStack(t)
	st.createTopic("left_topic", 1)
	st.createTopic("right_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');"+
		"CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');"+
		"CREATE STREAM OUTPUT as SELECT * FROM test t FULL OUTER join TEST_STREAM tt WITHIN 11 seconds on t.id = tt.id;", nil)
	ent := mustKSQL(t, url, "SHOW QUERIES EXTENDED;", nil)[0]
	descs, _ := ent["queryDescriptions"].([]any)
	if ent["@type"] != "query_descriptions" || len(descs) != 1 {
		t.Fatalf("entity: %v", ent)
	}
	if topo := descs[0].(map[string]any)["topology"]; topo != string(want) {
		t.Errorf("topology:\n%s\nwant\n%s", topo, want)
	}
}

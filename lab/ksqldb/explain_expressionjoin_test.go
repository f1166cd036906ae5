package ksqldb

import (
	"testing"
)

// Joins on expressions, as the historical plans of
// confluentinc/ksql v7.9.0 record them
// (ksqldb-functional-tests/src/test/resources/historical_plans/<test>/7.1.0_*/
// plan.json and topology; testdata/explain/README.md names each). A side
// joined on anything but its key is rekeyed (streamSelectKeyV2,
// <Side>SourceKeyed) by PartitionByParamsFactory: a column keeps its name, an
// expression is named KSQL_COL_0 and copied into the values; only the
// rekeyed side goes through a repartition topic. The join's key is the
// column side's (LogicalPlanner.buildJoinKey), or ROWKEY when both sides
// are expressions, then also appended to the values
// (JoinParamsFactory.createSchema). A stream joined to a table on an
// expression is rekeyed as on a value column (as_value_-_join).
var expressionJoinCases = []explainCase{
	{
		name:   "a stream-stream join on an expression of the right side repartitions the right side only",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST1 (ID INT KEY, NAME STRING) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST2 (ID INT KEY, NAME STRING) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT T.ID, T.NAME, TT.NAME FROM test1 t join test2 tt WITHIN 30 seconds ON t.id = -tt.id;",
		sink: "OUTPUT", topology: "stream-stream-join-on-unary-expression.topology", sources: []string{"TEST2", "TEST1"},
		plan: " > [ SINK ] | Schema: T_ID INTEGER KEY, T_NAME STRING, TT_NAME STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: T_ID INTEGER KEY, T_NAME STRING, TT_NAME STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T_ID INTEGER KEY, T_NAME STRING, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID INTEGER, " +
			"TT_NAME STRING, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID INTEGER, TT_KSQL_COL_0 INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ID INTEGER KEY, T_NAME STRING, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: TT_KSQL_COL_0 INTEGER KEY, TT_NAME STRING, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID INTEGER, TT_KSQL_COL_0 INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 INTEGER | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-stream join on an expression of the left side is keyed by the right side's column",
		topics: []string{"LEFT", "RIGHT"},
		stmts: "CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', value_format='JSON');" +
			"CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT L.*, R.* FROM L INNER JOIN R WITHIN 10 SECONDS ON ABS(L.A) = R.A;",
		sink: "OUTPUT", topology: "stream-stream-join-on-left-expression.topology",
		plan: " > [ SINK ] | Schema: R_A INTEGER KEY, L_A INTEGER, L_B INTEGER, L_C INTEGER, R_B INTEGER, R_C INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: R_A INTEGER KEY, L_A INTEGER, L_B INTEGER, L_C INTEGER, R_B INTEGER, R_C INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: R_A INTEGER KEY, L_B INTEGER, L_C INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, L_KSQL_COL_0 INTEGER, " +
			"R_B INTEGER, R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: L_KSQL_COL_0 INTEGER KEY, L_B INTEGER, L_C INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, L_KSQL_COL_0 INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, B INTEGER, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER, KSQL_COL_0 INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: A INTEGER KEY, B INTEGER, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: R_A INTEGER KEY, R_B INTEGER, R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: A INTEGER KEY, B INTEGER, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-stream join on a value column and a function repartitions both sides",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST1 (K STRING KEY, ID varchar) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST2 (K STRING KEY, ID varchar) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT T.ID, tt.ID FROM test1 t join test2 tt WITHIN 30 SECONDS ON t.id = SUBSTRING(tt.id, 2);",
		sink: "OUTPUT", topology: "stream-stream-join-on-function.topology",
		plan: " > [ SINK ] | Schema: T_ID STRING KEY, TT_ID STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: T_ID STRING KEY, TT_ID STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T_ID STRING KEY, T_ID STRING, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_K STRING, " +
			"TT_ID STRING, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_K STRING, TT_KSQL_COL_0 STRING | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ID STRING KEY, T_ID STRING, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_K STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: ID STRING KEY, ID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: K STRING KEY, ID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: TT_KSQL_COL_0 STRING KEY, TT_ID STRING, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_K STRING, TT_KSQL_COL_0 STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 STRING KEY, ID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING, KSQL_COL_0 STRING | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: K STRING KEY, ID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-stream LEFT JOIN on expressions of both sides is keyed by the synthetic ROWKEY",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM L (ID INT KEY, V0 INT, V1 INT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM R (ID INT KEY, V0 INT, V1 INT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT ROWKEY AS ID, L.ID, R.ID, L.V0, R.V1 FROM L LEFT JOIN R WITHIN 1 SECOND ON ABS(L.id) = ABS(R.id);",
		sink: "OUTPUT", topology: "stream-stream-left-join-synthetic-key.topology",
		plan: " > [ SINK ] | Schema: ID INTEGER KEY, L_ID INTEGER, R_ID INTEGER, L_V0 INTEGER, R_V1 INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: ID INTEGER KEY, L_ID INTEGER, R_ID INTEGER, L_V0 INTEGER, R_V1 INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: ROWKEY INTEGER KEY, L_V0 INTEGER, L_V1 INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_ID INTEGER, L_KSQL_COL_0 INTEGER, " +
			"R_V0 INTEGER, R_V1 INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_ID INTEGER, R_KSQL_COL_0 INTEGER, ROWKEY INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: L_KSQL_COL_0 INTEGER KEY, L_V0 INTEGER, L_V1 INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_ID INTEGER, L_KSQL_COL_0 INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: R_KSQL_COL_0 INTEGER KEY, R_V0 INTEGER, R_V1 INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_ID INTEGER, R_KSQL_COL_0 INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 INTEGER | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-stream LEFT JOIN on an expression of the right side repartitions the right side into the outer store's side",
		topics: []string{"LEFT", "RIGHT"},
		stmts: "CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', value_format='JSON');" +
			"CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT L.*, R.* FROM L LEFT JOIN R WITHIN 10 SECONDS ON L.A = ABS(R.A);",
		sink: "OUTPUT", topology: "stream-stream-left-join-on-right-expression.topology",
	},
	{
		name:   "a stream-stream join on an expression written before the left column repartitions the right side",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST1 (ID INT KEY, IGNORED STRING) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST2 (ID INT KEY, IGNORED STRING) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT T.ID, TT.ID FROM test1 t join test2 tt WITHIN 30 seconds ON -tt.id = t.id;",
		sink: "OUTPUT", topology: "stream-stream-join-on-flipped-expression.topology",
	},
	{
		name:   "the rekeyed side's expression is named KSQL_COL_0 beside source columns named ROWKEY_n",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM TEST1 (ROWKEY bigint KEY, ROWKEY_2 bigint) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM TEST2 (ROWKEY_1 int KEY, ROWKEY_3 int) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE STREAM OUTPUT as SELECT t.ROWKEY, t.ROWKEY_2 FROM test1 t JOIN test2 tt WITHIN 30 seconds ON t.ROWKEY = CAST(tt.ROWKEY_1 AS BIGINT);",
		sink: "OUTPUT", topology: "stream-stream-join-on-expression-rowkey-columns.topology",
		plan: " > [ SINK ] | Schema: ROWKEY BIGINT KEY, ROWKEY_2 BIGINT | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: ROWKEY BIGINT KEY, ROWKEY_2 BIGINT | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: T_ROWKEY BIGINT KEY, T_ROWKEY_2 BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ROWKEY BIGINT, " +
			"TT_ROWKEY_3 INTEGER, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ROWKEY_1 INTEGER, TT_KSQL_COL_0 BIGINT | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: T_ROWKEY BIGINT KEY, T_ROWKEY_2 BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ROWKEY BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ROWKEY BIGINT KEY, ROWKEY_2 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ROWKEY BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: TT_KSQL_COL_0 BIGINT KEY, TT_ROWKEY_3 INTEGER, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ROWKEY_1 INTEGER, TT_KSQL_COL_0 BIGINT | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 BIGINT KEY, ROWKEY_3 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ROWKEY_1 INTEGER, KSQL_COL_0 BIGINT | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ROWKEY_1 INTEGER KEY, ROWKEY_3 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ROWKEY_1 INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a stream-table join on an expression of the stream is keyed by the table's key",
		topics: []string{"i1", "i2"},
		stmts: "CREATE STREAM I1 (ID INT KEY, V0 INT, V1 INT) WITH (kafka_topic='i1', value_format='JSON');" +
			"CREATE TABLE I2 (ID INT PRIMARY KEY, V0 INT, V1 INT) WITH (kafka_topic='i2', value_format='JSON');" +
			"CREATE STREAM OUTPUT AS SELECT * FROM I1 JOIN I2 ON AS_VALUE(I1.ID) = I2.ID;",
		sink: "OUTPUT", topology: "stream-table-join-on-expression.topology",
		plan: " > [ SINK ] | Schema: I2_ID INTEGER KEY, I1_ID INTEGER, I1_V0 INTEGER, I1_V1 INTEGER, I2_V0 INTEGER, I2_V1 INTEGER | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: I2_ID INTEGER KEY, I1_ID INTEGER, I1_V0 INTEGER, I1_V1 INTEGER, I2_V0 INTEGER, I2_V1 INTEGER | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: I2_ID INTEGER KEY, I1_V0 INTEGER, I1_V1 INTEGER, I1_ROWTIME BIGINT, I1_ROWPARTITION INTEGER, I1_ROWOFFSET BIGINT, I1_ID INTEGER, I1_KSQL_COL_0 INTEGER, " +
			"I2_V0 INTEGER, I2_V1 INTEGER, I2_ROWTIME BIGINT, I2_ROWPARTITION INTEGER, I2_ROWOFFSET BIGINT, I2_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: I1_KSQL_COL_0 INTEGER KEY, I1_V0 INTEGER, I1_V1 INTEGER, I1_ROWTIME BIGINT, I1_ROWPARTITION INTEGER, I1_ROWOFFSET BIGINT, I1_ID INTEGER, I1_KSQL_COL_0 INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: I2_ID INTEGER KEY, I2_V0 INTEGER, I2_V1 INTEGER, I2_ROWTIME BIGINT, I2_ROWPARTITION INTEGER, I2_ROWOFFSET BIGINT, I2_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, V0 INTEGER, V1 INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
}

// EXPLAIN of a join on expressions answers the topology and PlanSummary
// ksqlDB 0.29 prints for the same statements.
func TestExplainOfJoinsOnExpressionsMatchesUpstreamPlans(t *testing.T) {
	for _, c := range expressionJoinCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

package ksqldb

import "testing"

// Aggregations of a stream-table join, as the historical plans of
// confluentinc/ksql v7.9.0 record them
// (ksqldb-functional-tests/src/test/resources/historical_plans/group-by_-_windowed_join/7.1.0_1633125960821
// and timestamp-to-string_-_millis_to_string_in_join/7.1.0_1633126029811,
// plan.json and topology): AggregateNode's steps read the joined rows in
// the join's sub-topology, the join keyed by the first of its viable key
// columns the projection names (LogicalPlanner.buildJoinKey); grouped by
// that key the stream aggregates without a repartition
// (streamGroupByKeyV1), else through Aggregate-GroupBy-repartition.
// COUNT(*) counts the FROM source's ROWTIME (COUNT(B_ROWTIME)).
var joinAggregateCases = []explainCase{
	{
		name:   "a windowed aggregation of a stream-table join grouped by the join key aggregates in the join's sub-topology",
		topics: []string{"a", "b"},
		stmts: "CREATE TABLE A (id varchar primary key, regionid varchar) WITH (kafka_topic='a', value_format='json');" +
			"CREATE STREAM B (id varchar) WITH (kafka_topic='b', value_format='json');" +
			"CREATE TABLE test AS SELECT a.id, COUNT(*) as count FROM B LEFT JOIN A ON a.id = b.id WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY a.id HAVING COUNT(*) > 2;",
		sink: "TEST", topology: "windowed-aggregation-of-stream-table-join.topology", window: "TUMBLING",
		plan: " > [ SINK ] | Schema: A_ID STRING KEY, COUNT BIGINT | Logger: QID.TEST\n" +
			"\t\t > [ PROJECT ] | Schema: A_ID STRING KEY, COUNT BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ FILTER ] | Schema: A_ID STRING KEY, A_ID STRING, B_ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, KSQL_AGG_VARIABLE_1 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: QID.Aggregate.HavingFilter\n" +
			"\t\t\t\t\t\t > [ AGGREGATE ] | Schema: A_ID STRING KEY, A_ID STRING, B_ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, KSQL_AGG_VARIABLE_1 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t\t\t > [ GROUP_BY ] | Schema: A_ID STRING KEY, A_ID STRING, B_ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: A_ID STRING KEY, A_ID STRING, B_ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: A_ID STRING KEY, B_ID STRING, B_ROWTIME BIGINT, B_ROWPARTITION INTEGER, B_ROWOFFSET BIGINT, " +
			"A_REGIONID STRING, A_ROWTIME BIGINT, A_ROWPARTITION INTEGER, A_ROWOFFSET BIGINT, A_ID STRING | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: B_ID STRING KEY, B_ID STRING, B_ROWTIME BIGINT, B_ROWPARTITION INTEGER, B_ROWOFFSET BIGINT | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: ID STRING KEY, ID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: A_ID STRING KEY, A_REGIONID STRING, A_ROWTIME BIGINT, A_ROWPARTITION INTEGER, A_ROWOFFSET BIGINT, A_ID STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, REGIONID STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "an aggregation of a stream-table join on an expression grouped by a value column repartitions after the join",
		topics: []string{"input", "devices"},
		stmts: "CREATE STREAM INPUT (K STRING KEY, WLAN_SA ARRAY<VARCHAR>) WITH (kafka_topic='input', value_format='JSON');" +
			"CREATE TABLE DEVICES (ROWKEY STRING PRIMARY KEY, NAME VARCHAR) WITH (kafka_topic='devices', value_format='JSON');" +
			"CREATE TABLE OUTPUT AS SELECT D.NAME AS DEVICE_NAME, TIMESTAMPTOSTRING(MIN(P.ROWTIME),'yyyy-MM-dd HH:mm:ss zzz','Europe/London') FROM INPUT P INNER JOIN DEVICES D ON P.WLAN_SA[1] = D.ROWKEY GROUP BY D.NAME emit changes;",
		sink: "OUTPUT", topology: "aggregation-of-stream-table-join-on-expression.topology",
		plan: " > [ SINK ] | Schema: DEVICE_NAME STRING KEY, KSQL_COL_0 STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: DEVICE_NAME STRING KEY, KSQL_COL_0 STRING | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: D_NAME STRING KEY, D_NAME STRING, P_ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: D_NAME STRING KEY, D_NAME STRING, P_ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: D_ROWKEY STRING KEY, D_NAME STRING, P_ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: D_ROWKEY STRING KEY, P_WLAN_SA ARRAY<STRING>, P_ROWTIME BIGINT, P_ROWPARTITION INTEGER, P_ROWOFFSET BIGINT, P_K STRING, P_KSQL_COL_0 STRING, " +
			"D_NAME STRING, D_ROWTIME BIGINT, D_ROWPARTITION INTEGER, D_ROWOFFSET BIGINT, D_ROWKEY STRING | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: P_KSQL_COL_0 STRING KEY, P_WLAN_SA ARRAY<STRING>, P_ROWTIME BIGINT, P_ROWPARTITION INTEGER, P_ROWOFFSET BIGINT, P_K STRING, P_KSQL_COL_0 STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 STRING KEY, WLAN_SA ARRAY<STRING>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING, KSQL_COL_0 STRING | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: K STRING KEY, WLAN_SA ARRAY<STRING>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: D_ROWKEY STRING KEY, D_NAME STRING, D_ROWTIME BIGINT, D_ROWPARTITION INTEGER, D_ROWOFFSET BIGINT, D_ROWKEY STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ROWKEY STRING KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ROWKEY STRING | Logger: QID.KafkaTopic_Right.Source\n",
	},
}

// EXPLAIN of an aggregation of a stream-table join answers the topology
// and PlanSummary ksqlDB 0.29 prints for the same statements.
func TestExplainOfAggregationsOfStreamTableJoinsMatchesUpstreamPlans(t *testing.T) {
	for _, c := range joinAggregateCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

package ksqldb

import "testing"

// Aggregations of a stream-stream join. No historical plan of
// confluentinc/ksql v7.9.0 aggregates a stream-stream join in one query, so
// the expected texts are derived from the code that builds them:
//   - the join's nodes and stores are those of the plain join
//     (StreamStreamJoinBuilder calls KStream.join/leftJoin with a
//     StreamJoined named "Join"; Kafka Streams 3.9 KStreamImplJoin burns
//     indexes 6 and 7 for the named -this-windowed/-other-windowed, takes 8
//     and 9 for KSTREAM-JOINTHIS/-JOINOTHER (KSTREAM-OUTEROTHER on a LEFT
//     join's other side) as the window stores' names and 10 for the merge),
//     as the historical plans joins_-_stream_stream_inner_join_-_JSON and
//     joins_-_stream_stream_left_join_-_JSON show;
//   - the joined stream is not marked for repartitioning (KStreamImplJoin
//     returns a KStreamImpl with repartitionRequired false), so AggregateNode's
//     Aggregate-Prepare (index 11) follows Join-merge in the join's
//     sub-topology; grouped by the join's key column ksqlDB groups by key
//     (Repartitioning.repartitionNeeded, StreamGroupByBuilder's groupByKey)
//     and aggregates in KSTREAM-AGGREGATE-0000000012, else it filters
//     (KSTREAM-FILTER), groups (Aggregate-GroupBy) and repartitions through
//     Aggregate-GroupBy-repartition, whose filter, sink and source take the
//     indexes after the aggregate's, then ToOutputSchema, WindowSelect when
//     windowed, Project, KTABLE-TOSTREAM and the sink (StreamAggregateBuilder,
//     TableSelectBuilder): the offsets of the historical plans count_-_count,
//     group-by_-_field_with_re-key_(stream-_table) and
//     tumbling-windows_-_max_tumbling, after the join's indexes;
//   - the print order is TopologyDescription's (InternalTopologyBuilder
//     .describeSubtopology: sub-tree sizes, then names), worked out with
//     java.util's HashMap and TreeSet over those nodes;
//   - the steps: PlanSummary over the JOIN step (JoinParamsFactory: the
//     join's key, named after the first viable key column the projection
//     names, LogicalPlanner.buildJoinKey), then AggregateNode's Prepare
//     (the key, then the columns the aggregation reads: COUNT(*) reads the
//     FROM source's ROWTIME, Analysis.getDefaultArgument), GroupBy,
//     Aggregate (AggregateParamsFactory), Project; a selected column is named
//     <source>_<column> only where both sources have it
//     (AstSanitizer.visitSingleColumn).
//
// The value-column case is the query of aggregate_streamjoin_store_test.go,
// whose stores and internal topics the runtime keeps under these names.
var streamJoinAggregateCases = []explainCase{
	{
		name:   "an aggregation of a stream-stream join grouped by the join key aggregates after Join-merge without a repartition",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM L (A INT KEY, B INT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM R (A INT KEY, C INT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE T AS SELECT L.A, COUNT(*) AS N FROM L JOIN R WITHIN 10 SECONDS ON L.A = R.A GROUP BY L.A;",
		sink: "T", topology: "aggregation-of-stream-stream-join-by-key.topology", sources: []string{"R", "L"},
		plan: " > [ SINK ] | Schema: L_A INTEGER KEY, N BIGINT | Logger: QID.T\n" +
			"\t\t > [ PROJECT ] | Schema: L_A INTEGER KEY, N BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: L_A INTEGER KEY, L_A INTEGER, L_ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: L_A INTEGER KEY, L_A INTEGER, L_ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_A INTEGER KEY, L_A INTEGER, L_ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: L_A INTEGER KEY, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, " +
			"R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_A INTEGER KEY, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: A INTEGER KEY, B INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: R_A INTEGER KEY, R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: A INTEGER KEY, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "an aggregation of a stream-stream join grouped by a value column repartitions after Join-merge",
		topics: []string{"clicks", "views"},
		stmts:  pageViews,
		sink:   "PER_PAGE", topology: "aggregation-of-stream-stream-join-by-value-column.topology",
		plan: " > [ SINK ] | Schema: PAGE STRING KEY, SECS INTEGER | Logger: QID.PER_PAGE\n" +
			"\t\t > [ PROJECT ] | Schema: PAGE STRING KEY, SECS INTEGER | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: C_PAGE STRING KEY, C_PAGE STRING, V_SECS INTEGER, KSQL_AGG_VARIABLE_0 INTEGER | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: C_PAGE STRING KEY, C_PAGE STRING, V_SECS INTEGER | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: C_ID STRING KEY, C_PAGE STRING, V_SECS INTEGER | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: C_ID STRING KEY, C_PAGE STRING, C_ROWTIME BIGINT, C_ROWPARTITION INTEGER, C_ROWOFFSET BIGINT, C_ID STRING, " +
			"V_SECS INTEGER, V_ROWTIME BIGINT, V_ROWPARTITION INTEGER, V_ROWOFFSET BIGINT, V_ID STRING | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: C_ID STRING KEY, C_PAGE STRING, C_ROWTIME BIGINT, C_ROWPARTITION INTEGER, C_ROWOFFSET BIGINT, C_ID STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, PAGE STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: V_ID STRING KEY, V_SECS INTEGER, V_ROWTIME BIGINT, V_ROWPARTITION INTEGER, V_ROWOFFSET BIGINT, V_ID STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, SECS INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID STRING | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		// both streams rekeyed by K (Join-left/right-repartition, the join
		// in a third sub-topology whose window stores take 16 and 17, as
		// in joins_-_stream_stream_left_join_-_rekey_-_JSON); the joined
		// stream is keyed by L_K already, so grouping by it does not
		// repartition again
		name:   "an aggregation of a stream-stream join on value columns grouped by the join column aggregates in the join's sub-topology",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM L (ID INT KEY, K INT, B INT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM R (ID INT KEY, K INT, C INT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE T AS SELECT L.K, SUM(R.C) AS S FROM L JOIN R WITHIN 10 SECONDS ON L.K = R.K GROUP BY L.K;",
		sink: "T", topology: "aggregation-of-stream-stream-join-on-value-columns.topology",
		plan: " > [ SINK ] | Schema: L_K INTEGER KEY, S INTEGER | Logger: QID.T\n" +
			"\t\t > [ PROJECT ] | Schema: L_K INTEGER KEY, S INTEGER | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: L_K INTEGER KEY, L_K INTEGER, R_C INTEGER, KSQL_AGG_VARIABLE_0 INTEGER | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: L_K INTEGER KEY, L_K INTEGER, R_C INTEGER | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_K INTEGER KEY, L_K INTEGER, R_C INTEGER | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: L_K INTEGER KEY, L_K INTEGER, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_ID INTEGER, " +
			"R_K INTEGER, R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_ID INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_K INTEGER KEY, L_K INTEGER, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_ID INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: K INTEGER KEY, K INTEGER, B INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, K INTEGER, B INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: R_K INTEGER KEY, R_K INTEGER, R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_ID INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: K INTEGER KEY, K INTEGER, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, K INTEGER, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
	{
		name:   "a windowed aggregation of a stream-stream LEFT JOIN grouped by the join key selects the window after the aggregate",
		topics: []string{"left_topic", "right_topic"},
		stmts: "CREATE STREAM L (A INT KEY, B INT) WITH (kafka_topic='left_topic', value_format='JSON');" +
			"CREATE STREAM R (A INT KEY, C INT) WITH (kafka_topic='right_topic', value_format='JSON');" +
			"CREATE TABLE T AS SELECT L.A, COUNT(*) AS N FROM L LEFT JOIN R WITHIN 10 SECONDS ON L.A = R.A WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY L.A;",
		sink: "T", topology: "windowed-aggregation-of-stream-stream-left-join.topology", window: "TUMBLING",
		plan: " > [ SINK ] | Schema: L_A INTEGER KEY, N BIGINT | Logger: QID.T\n" +
			"\t\t > [ PROJECT ] | Schema: L_A INTEGER KEY, N BIGINT | Logger: QID.Aggregate.Project\n" +
			"\t\t\t\t > [ AGGREGATE ] | Schema: L_A INTEGER KEY, L_A INTEGER, L_ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: QID.Aggregate.Aggregate\n" +
			"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: L_A INTEGER KEY, L_A INTEGER, L_ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_A INTEGER KEY, L_A INTEGER, L_ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: L_A INTEGER KEY, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, " +
			"R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_A INTEGER KEY, L_B INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: A INTEGER KEY, B INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER | Logger: QID.KafkaTopic_Left.Source\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: R_A INTEGER KEY, R_C INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_A INTEGER | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: A INTEGER KEY, C INTEGER, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, A INTEGER | Logger: QID.KafkaTopic_Right.Source\n",
	},
}

// EXPLAIN of an aggregation of a stream-stream join answers the topology
// and PlanSummary ksqlDB 0.29 builds for it.
func TestExplainOfAggregationsOfStreamStreamJoinsMatchesKsqlDBsBuilders(t *testing.T) {
	for _, c := range streamJoinAggregateCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

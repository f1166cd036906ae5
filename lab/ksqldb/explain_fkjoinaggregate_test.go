package ksqldb

import "testing"

// An aggregation of a foreign-key table-table join. No historical plan of
// confluentinc/ksql v7.9.0 aggregates a foreign-key join, so the expected
// texts are derived from the code that builds them:
//   - the join's nodes, topics and stores are those of the plain join
//     (ForeignKeyTableTableJoinBuilder, Kafka Streams 3.9
//     KTableImpl.doJoinOnForeignKey: the subscription registration topic
//     and sink, the right table's sub-topology answering through the
//     response topic, the left one resolving against KafkaTopic_Left-Reduce,
//     KTABLE-FK-JOIN-OUTPUT-0000000024 and the unused output store name
//     taking 25), as the historical plan
//     fk-join_-_Should_support_inner_join_with_left_value-column_expression
//     shows;
//   - the join's result is not materialized, so TableSelectBuilder
//     materializes AggregateNode's Prepare step in KTABLE-TRANSFORMVALUES-26
//     with the store Aggregate-Prepare-Last, and TableGroupByBuilder,
//     TableAggregateBuilder and the sink follow as after the primary-key
//     join of sum_-_sum_int_left_join_of_table (KTABLE-FILTER,
//     Aggregate-GroupBy, KSTREAM-SINK to Aggregate-GroupBy-repartition,
//     read by KSTREAM-SOURCE in a third sub-topology, KTABLE-AGGREGATE,
//     ToOutputSchema, Project, KTABLE-TOSTREAM and the sink: 27 to 35);
//   - the print order is TopologyDescription's (InternalTopologyBuilder
//     .describeSubtopology: sub-tree sizes, then names), worked out with
//     java.util's HashMap and TreeSet over those nodes;
//   - the steps: PlanSummary over the JOIN step (its schema that of
//     CTAS_OUTPUT_0.Join in the historical plan's spec.json, keyed by the
//     left table's key), then AggregateNode's Prepare (the key, then
//     RIGHT_TABLE_F1 and the FROM table's ROWTIME that COUNT(*) reads,
//     Analysis.getDefaultArgument), GroupBy, Aggregate
//     (AggregateParamsFactory), Project; F1 is in one table only, so the
//     selected column keeps its name (AstSanitizer.visitSingleColumn).
//
// The query is aggregate_fkjoin_store_test.go's, whose repartition topic and
// stores the runtime keeps under these names.
var fkJoinAggregateCase = explainCase{
	name:   "an aggregation of a foreign-key join prepares in a materialized KTABLE-TRANSFORMVALUES after the join's output and repartitions",
	topics: []string{"left_topic", "right_topic"},
	stmts:  fkCounts,
	sink:   "PER_F1", topology: "aggregation-of-foreign-key-join.topology", sources: []string{"LEFT_TABLE", "RIGHT_TABLE"},
	plan: " > [ SINK ] | Schema: F1 STRING KEY, N BIGINT | Logger: QID.PER_F1\n" +
		"\t\t > [ PROJECT ] | Schema: F1 STRING KEY, N BIGINT | Logger: QID.Aggregate.Project\n" +
		"\t\t\t\t > [ AGGREGATE ] | Schema: RIGHT_TABLE_F1 STRING KEY, RIGHT_TABLE_F1 STRING, LEFT_TABLE_ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT | Logger: QID.Aggregate.Aggregate\n" +
		"\t\t\t\t\t\t > [ GROUP_BY ] | Schema: RIGHT_TABLE_F1 STRING KEY, RIGHT_TABLE_F1 STRING, LEFT_TABLE_ROWTIME BIGINT | Logger: QID.Aggregate.GroupBy\n" +
		"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, RIGHT_TABLE_F1 STRING, LEFT_TABLE_ROWTIME BIGINT | Logger: QID.Aggregate.Prepare\n" +
		"\t\t\t\t\t\t\t\t\t\t > [ JOIN ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_NAME STRING, LEFT_TABLE_FOREIGN_KEY BIGINT, LEFT_TABLE_ROWTIME BIGINT, " +
		"LEFT_TABLE_ROWPARTITION INTEGER, LEFT_TABLE_ROWOFFSET BIGINT, LEFT_TABLE_L_ID BIGINT, RIGHT_TABLE_F1 STRING, RIGHT_TABLE_F2 BIGINT, RIGHT_TABLE_ROWTIME BIGINT, " +
		"RIGHT_TABLE_ROWPARTITION INTEGER, RIGHT_TABLE_ROWOFFSET BIGINT, RIGHT_TABLE_R_ID BIGINT | Logger: QID.Join\n" +
		"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_NAME STRING, LEFT_TABLE_FOREIGN_KEY BIGINT, LEFT_TABLE_ROWTIME BIGINT, " +
		"LEFT_TABLE_ROWPARTITION INTEGER, LEFT_TABLE_ROWOFFSET BIGINT, LEFT_TABLE_L_ID BIGINT | Logger: QID.PrependAliasLeft\n" +
		"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: L_ID BIGINT KEY, NAME STRING, FOREIGN_KEY BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, L_ID BIGINT | Logger: QID.KafkaTopic_Left.Source\n" +
		"\t\t\t\t\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: RIGHT_TABLE_R_ID BIGINT KEY, RIGHT_TABLE_F1 STRING, RIGHT_TABLE_F2 BIGINT, RIGHT_TABLE_ROWTIME BIGINT, " +
		"RIGHT_TABLE_ROWPARTITION INTEGER, RIGHT_TABLE_ROWOFFSET BIGINT, RIGHT_TABLE_R_ID BIGINT | Logger: QID.PrependAliasRight\n" +
		"\t\t\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: R_ID BIGINT KEY, F1 STRING, F2 BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, R_ID BIGINT | Logger: QID.KafkaTopic_Right.Source\n",
}

// EXPLAIN of an aggregation of a foreign-key join answers the topology and
// PlanSummary ksqlDB 0.29 builds for it.
func TestExplainOfAnAggregationOfAForeignKeyJoinMatchesKsqlDBsBuilders(t *testing.T) {
	checkExplainCase(t, fkJoinAggregateCase)
}

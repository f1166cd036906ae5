package ksqldb

import "testing"

// PARTITION BY of a stream-stream join, as the historical plans of
// confluentinc/ksql v7.9.0 record it
// (ksqldb-functional-tests/src/test/resources/historical_plans/partition-by_-_partition_by_*_in_join_on_*/7.1.0_*/
// plan.json and topology; testdata/explain/README.md names each): the
// joined rows are rekeyed (streamSelectKeyV2, PartitionBy-SelectKey) between
// the join and the projection, with no repartition topic; PARTITION BY the
// join's own key column adds no step (SchemaKStream.selectKey,
// Repartitioning.repartitionNeeded).
const (
	partitionJoinStmts = "CREATE STREAM L (K STRING KEY, A STRING, B STRING) WITH (kafka_topic='LEFT', value_format='JSON');" +
		"CREATE STREAM R (K STRING KEY, C STRING, D STRING) WITH (kafka_topic='RIGHT', value_format='JSON');"
	// the joined values: the left side's, then the right side's
	partitionJoinValues = "L_A STRING, L_B STRING, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_K STRING, " +
		"R_C STRING, R_D STRING, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_K STRING"
	partitionJoinLeftSource  = "K STRING KEY, A STRING, B STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KafkaTopic_Left.Source\n"
	partitionJoinRightSource = "K STRING KEY, C STRING, D STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.KafkaTopic_Right.Source\n"
)

var joinPartitionCases = []explainCase{
	{
		name:   "PARTITION BY of a stream-stream join on value columns rekeys the joined rows before the projection",
		topics: []string{"LEFT", "RIGHT"},
		stmts:  partitionJoinStmts + "CREATE STREAM OUTPUT AS SELECT L.B, L.K, R.K FROM L JOIN R WITHIN 10 SECONDS ON L.A = R.C PARTITION BY L.B;",
		sink:   "OUTPUT", topology: "partition-by-of-stream-stream-join-on-values.topology", sources: []string{"R", "L"},
		plan: " > [ SINK ] | Schema: B STRING KEY, L_K STRING, R_K STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: B STRING KEY, L_K STRING, R_K STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ REKEY ] | Schema: L_B STRING KEY, " + partitionJoinValues + " | Logger: QID.PartitionBy\n" +
			"\t\t\t\t\t\t > [ JOIN ] | Schema: L_A STRING KEY, " + partitionJoinValues + " | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_A STRING KEY, L_A STRING, L_B STRING, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_K STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: A STRING KEY, A STRING, B STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.LeftSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: " + partitionJoinLeftSource +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: R_C STRING KEY, R_C STRING, R_D STRING, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_K STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: C STRING KEY, C STRING, D STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING | Logger: QID.RightSourceKeyed\n" +
			"\t\t\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: " + partitionJoinRightSource,
	},
	{
		name:   "PARTITION BY a value column of a stream-stream join on keys rekeys the joined rows",
		topics: []string{"LEFT", "RIGHT"},
		stmts:  partitionJoinStmts + "CREATE STREAM OUTPUT AS SELECT L.A, L.K, R.K FROM L JOIN R WITHIN 10 SECONDS ON L.K = R.K PARTITION BY L.A;",
		sink:   "OUTPUT", topology: "partition-by-of-stream-stream-join-on-keys.topology",
		plan: " > [ SINK ] | Schema: A STRING KEY, L_K STRING, R_K STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: A STRING KEY, L_K STRING, R_K STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ REKEY ] | Schema: L_A STRING KEY, " + partitionJoinValues + " | Logger: QID.PartitionBy\n" +
			"\t\t\t\t\t\t > [ JOIN ] | Schema: L_K STRING KEY, " + partitionJoinValues + " | Logger: QID.Join\n" +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: L_K STRING KEY, L_A STRING, L_B STRING, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_K STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: " + partitionJoinLeftSource +
			"\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: R_K STRING KEY, R_C STRING, R_D STRING, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_K STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: " + partitionJoinRightSource,
	},
	{
		name:   "PARTITION BY the key of a stream-stream join on keys adds no step",
		topics: []string{"LEFT", "RIGHT"},
		stmts:  partitionJoinStmts + "CREATE STREAM OUTPUT AS SELECT L.K AS LK, R.K FROM L JOIN R WITHIN 10 SECONDS ON L.K = R.K PARTITION BY L.K;",
		sink:   "OUTPUT", topology: "partition-by-join-key-of-stream-stream-join-on-keys.topology",
		plan: " > [ SINK ] | Schema: LK STRING KEY, R_K STRING | Logger: QID.OUTPUT\n" +
			"\t\t > [ PROJECT ] | Schema: LK STRING KEY, R_K STRING | Logger: QID.Project\n" +
			"\t\t\t\t > [ JOIN ] | Schema: L_K STRING KEY, " + partitionJoinValues + " | Logger: QID.Join\n" +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: L_K STRING KEY, L_A STRING, L_B STRING, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_K STRING | Logger: QID.PrependAliasLeft\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: " + partitionJoinLeftSource +
			"\t\t\t\t\t\t > [ PROJECT ] | Schema: R_K STRING KEY, R_C STRING, R_D STRING, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_K STRING | Logger: QID.PrependAliasRight\n" +
			"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: " + partitionJoinRightSource,
	},
	{
		name:   "PARTITION BY the joined value column of a stream-stream join adds no step",
		topics: []string{"LEFT", "RIGHT"},
		stmts:  partitionJoinStmts + "CREATE STREAM OUTPUT AS SELECT L.B, L.K, R.K FROM L JOIN R WITHIN 10 SECONDS ON L.B = R.D PARTITION BY L.B;",
		sink:   "OUTPUT", topology: "partition-by-join-key-of-stream-stream-join-on-values.topology",
	},
}

// EXPLAIN of PARTITION BY of a stream-stream join answers the topology and
// PlanSummary ksqlDB 0.29 prints for the same statements.
func TestExplainOfPartitionByOfStreamStreamJoinsMatchesUpstreamPlans(t *testing.T) {
	for _, c := range joinPartitionCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

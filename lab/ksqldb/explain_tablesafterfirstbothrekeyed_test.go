package ksqldb

import "testing"

// EXPLAIN of tablesAfterFirstBothRekeyedQuery. No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is
// stream-stream-table-stream-table-first-left-stream-rekeyed-both-key-format-mismatch.topology
// (explain_tablesafterfirstleftrekey_test.go) with S2 rekeyed too, as
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left_and_right
// rekeys both streams of its first join where
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left rekeys
// the left one: S2 28, its transform 29, L_L_L_RightSourceKeyed-SelectKey
// 30 and PrependAliasL_L_L_Right 31 writing L_L_L_Join-right-repartition
// in a sub-topology of its own, 4 (InternalTopologyBuilder.makeNodeGroups
// numbers the groups in the order their first node was added: T4's
// rekey, the join through T4's repartition source, T3's rekey, S1's
// rekey, S2's rekey), the join reading both repartitions; every later
// index four higher (rekey_left's stores 18/19 are rekey_left_and_right's
// 22/23): stores 40/41, S3 44, stores 49/50, sink 54; each
// sub-topology's nodes in the order
// InternalTopologyBuilder.describeSubtopology gives them.
func TestExplainOfAChainWhoseFirstStreamStreamJoinRekeysBothStreamsThenTwoTables(t *testing.T) {
	checkTwoTablesExplains(t, tablesAfterFirstBothRekeyedCases(),
		"stream-stream-table-stream-table-first-both-streams-rekeyed-both-key-format-mismatch.topology")
}

// checkTwoTablesExplains checks EXPLAIN of each case over
// twoTablesSources against its topology, in the same order.
func checkTwoTablesExplains(t *testing.T, cases []chainCase, topologies ...string) {
	t.Helper()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkExplainCase(t, explainCase{
				name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
				stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
			})
		})
	}
}

// EXPLAIN of the chains of tablesAfterFirstLeftJoinRekeyCases: the
// topology above, or stream-stream-table-stream-table-first-stream-rekeyed-both-key-format-mismatch.topology
// (explain_tablesafterfirstrekey_test.go) where only S2 is rekeyed, with
// the first join LEFT, as stream-stream-left-join.topology
// (joins_-_stream_stream_left_join_-_JSON) names a LEFT join's nodes and
// stores where stream-stream-inner-join.topology has the INNER join's:
// L_L_L_Join-outer-other-join for L_L_L_Join-other-join, the right window
// store KSTREAM-OUTEROTHER; each sub-topology's nodes in the order
// InternalTopologyBuilder.describeSubtopology gives them.
func TestExplainOfAChainWhoseFirstLeftStreamStreamJoinRekeysItsStreamsThenTwoTables(t *testing.T) {
	checkTwoTablesExplains(t, tablesAfterFirstLeftJoinRekeyCases(),
		"stream-stream-table-stream-table-first-left-join-both-streams-rekeyed-both-key-format-mismatch.topology",
		"stream-stream-table-stream-table-first-left-join-stream-rekeyed-both-key-format-mismatch.topology")
}

// EXPLAIN of tablesAfterFirstExprRekeyQuery: the left-rekeyed chain's
// topology, whose nodes do not name the expression the rekey computes.
func TestExplainOfAChainWhoseFirstStreamStreamJoinRekeysAStreamOnAnExpressionThenTwoTables(t *testing.T) {
	checkTwoTablesExplains(t, tablesAfterFirstExprRekeyCases(),
		"stream-stream-table-stream-table-first-left-stream-rekeyed-both-key-format-mismatch.topology")
}

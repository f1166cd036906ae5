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
	for _, c := range tablesAfterFirstBothRekeyedCases() {
		t.Run(c.name, func(t *testing.T) {
			checkExplainCase(t, explainCase{
				name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
				stmts: c.sources + c.stmt, sink: "OUTPUT",
				topology: "stream-stream-table-stream-table-first-both-streams-rekeyed-both-key-format-mismatch.topology",
			})
		})
	}
}

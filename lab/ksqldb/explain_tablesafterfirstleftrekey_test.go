package ksqldb

import "testing"

// EXPLAIN of tablesAfterFirstLeftRekeyQuery. No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is
// stream-stream-table-stream-table-first-stream-rekeyed-both-key-format-mismatch.topology
// (explain_tablesafterfirstrekey_test.go) with the first join's left
// stream rekeyed in place of its right one: S1 24, its
// L_L_L_LeftSourceKeyed-SelectKey 26 and PrependAliasL_L_L_Left 27 before
// S2 28, S1's rekey sub-topology 3 (InternalTopologyBuilder.makeNodeGroups
// numbers the groups in the order their first node was added: T4's
// rekey, the join through T4's repartition source, T3's rekey, S1's
// rekey), S2 read by the join's sub-topology; each sub-topology's nodes
// in the order InternalTopologyBuilder.describeSubtopology gives them
// (replayed in Java over these nodes).
func TestExplainOfAChainWhoseFirstStreamStreamJoinRekeysItsLeftStreamThenTwoTables(t *testing.T) {
	for _, c := range tablesAfterFirstLeftRekeyCases() {
		t.Run(c.name, func(t *testing.T) {
			checkExplainCase(t, explainCase{
				name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
				stmts: c.sources + c.stmt, sink: "OUTPUT",
				topology: "stream-stream-table-stream-table-first-left-stream-rekeyed-both-key-format-mismatch.topology",
			})
		})
	}
}

package ksqldb

import "testing"

// EXPLAIN of join_nway_twotablesthenrekey_test.go's chain. No historical
// plan of confluentinc/ksql v7.9.0 records one; the topology is
// stream-stream-table-table-stream-both-key-format-mismatch.topology
// (explain_twotablesbeforestreamjoin_test.go) with the joined row rekeyed
// after L_Join (23-36 as there) by LeftSourceKeyed-SelectKey (37) into
// Join-left-repartition, as multi-joins_-_stream-stream-stream_-_outer-outer
// rekeys a joined result: S3 38-40, the repartition 41-43, windowed 44/45,
// stores 46/47, merge 48, Project 49, sink 50; the last join and S3 in a
// fourth sub-topology, its group created with the rekey
// (InternalTopologyBuilder.makeNodeGroups), after T3's; each
// sub-topology's nodes in the order InternalTopologyBuilder.describeSubtopology
// gives them (replayed in Java, as for explain_outerafterexpr_test.go).
func TestExplainOfAChainThatRekeysTheResultAfterTwoTablesKeyedInOtherFormats(t *testing.T) {
	c := twoTablesThenRekeyCase()
	checkExplainCase(t, explainCase{
		name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
		stmts: c.sources + c.stmt, sink: "OUTPUT", topology: "stream-stream-table-table-stream-both-key-format-mismatch-result-rekeyed.topology",
	})
}

package ksqldb

import "testing"

// EXPLAIN of a chain whose stream-stream join rekeys S1 on an expression,
// followed by a join of a table keyed in another format
// (tableAfterRekeyChain). No historical plan of confluentinc/ksql v7.9.0
// records one; the topology is the historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format's with S2 read
// as keyed (no L_RightSourceKeyed-SelectKey, no L_Join-right-repartition):
// the table built first and rekeyed (indexes 0-11, sub-topology 0, its
// repartition's source in the join's sub-topology 1), S1 rekeyed from 12
// (sub-topology 2), S2 16-18 (joining sub-topology 1), L_Join-left-repartition
// 19-21, the windowed nodes 22/23, stores KSTREAM-JOINTHIS/-JOINOTHER
// 24/25, L_Join-merge 26, Join 27, Project 28, sink 29: four below that
// plan's (S2's SelectKey and its repartition's three indexes), printed in
// TopologyDescription's order (InternalTopologyBuilder.describeSubtopology
// replayed over the nodes). The runtime spec is join_nway_tableafterrekey_test.go.
var tableAfterRekeyExplainCases = []explainCase{
	{
		name:   "a table keyed in another format is rekeyed after a stream rekeyed on an expression",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  tableAfterRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-table-rekeyed-on-expression-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysATableAfterAStreamFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range tableAfterRekeyExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

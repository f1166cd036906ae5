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
// replayed over the nodes).
//
// A table keyed otherwise between two stream-stream joins on keys
// (tableBeforeStreamJoinChain): the same table part, named by L_Join's
// context (L_RightSourceKeyed-..., as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch names its
// inner table's), then stream-stream-table-table-key-format-mismatch.topology's
// streams one level deeper (S1 12, S2 15, L_L_Join's stores 20/21, its merge
// 22, L_Join 23), then S3 24-26, the second stream-stream join's windowed
// nodes 27/28, stores 29/30, merge 31, Project 32 and sink 33, all after
// the table's sub-topology in the one its repartition's source opens. The
// runtime specs are in join_nway_tableafterrekey_test.go.
var tableAfterRekeyExplainCases = []explainCase{
	{
		name:   "a table keyed in another format is rekeyed after a stream rekeyed on an expression",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  tableAfterRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-table-rekeyed-on-expression-table-key-format-mismatch.topology",
	},
	{
		name:   "a table keyed in another format is rekeyed before a later stream-stream join",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  tableBeforeStreamJoinChain,
		sink:   "OUTPUT", topology: "stream-stream-table-stream-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysATableAfterAStreamFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range tableAfterRekeyExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

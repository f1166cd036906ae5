package ksqldb

import "testing"

// EXPLAIN of join_nway_tablesbothsides_test.go's chains. No historical plan
// of confluentinc/ksql v7.9.0 records one; each topology is built from
// multi-joins_-_stream-table-table_-_table_key_format_mismatch's nodes
// (the outer table built first, indexes 1-12, its rekey's sub-topology 0;
// the inner table 13-23, sub-topology 2; S1 from 24, every join in
// sub-topology 1 with both repartitions' sources, as
// InternalTopologyBuilder.makeNodeGroups numbers groups by their first
// node added) and the stream-stream join of
// stream-table-stream-table-key-format-mismatch.topology
// (explain_firsttablekeyformat_test.go: the right stream's source five
// indexes before the KSTREAM-JOINTHIS store, the sink three after
// KSTREAM-JOINOTHER, a stream-table join after it one more):
//   - T4 after the stream-stream join: T4 1-12, T3 13-23, S1 24-27
//     (L_L_Join), S2 28, stores KSTREAM-JOINTHIS/-JOINOTHER 33/34, Join
//     after L_Join-merge, sink 38;
//   - T4 before it: T4 1-12 (L_RightSourceKeyed-...), T3 13-23, S1 24-28
//     (L_L_Join, L_Join), S2 29, stores 34/35, sink 38;
//
// each sub-topology's nodes in the order InternalTopologyBuilder.describeSubtopology
// gives them.
var tablesBothSidesExplainCases = func() []explainCase {
	topologies := []string{
		"stream-table-stream-table-both-key-format-mismatch.topology",
		"stream-table-table-stream-both-key-format-mismatch.topology",
	}
	var out []explainCase
	for i, c := range tablesBothSidesCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysTheFirstJoinsTableAndALaterOne(t *testing.T) {
	for _, c := range tablesBothSidesExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

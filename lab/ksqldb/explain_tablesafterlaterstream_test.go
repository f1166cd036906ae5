package ksqldb

import "testing"

// EXPLAIN of join_nway_tablesafterlaterstream_test.go's chains. No
// historical plan of confluentinc/ksql v7.9.0 records one; each topology
// is stream-stream-stream-table-later-stream-rekeyed-table-key-format-mismatch.topology
// (explain_tablebeforestreamjoin_test.go's source) with another table
// joined, each table taking twelve indexes (its source at the second) as
// in multi-joins_-_stream-table-table_-_table_key_format_mismatch, whose
// outer table is built first (sub-topology 0, its repartition's source
// beside the joins in sub-topology 1) and inner one next (sub-topology 2),
// each stream-table join one index:
//   - both tables after S3's join: T4 0-11, T3 12-23, S1 24, S2 27,
//     stores KSTREAM-JOINTHIS/-JOINOTHER 32/33, S3 35 (its rekey
//     sub-topology 3), stores 44/45, sink 50;
//   - T3 before it: T4 0-11, T3 12-23 (L_L_RightSourceKeyed-...), S1 24,
//     S2 27, stores 32/33, L_L_Join, S3 36, stores 45/46, sink 50;
//   - T3 at the first join, then S2 rekeyed: T4 0-11, T3 12-23, S1 24,
//     L_L_Join, S2 28 (as S3 above, sub-topology 3), stores 37/38, sink
//     42;
//
// each sub-topology's nodes in the order InternalTopologyBuilder.describeSubtopology
// gives them (replayed in Java over these nodes, a replay that prints
// that plan's topology unchanged).
var tablesAfterLaterStreamExplainCases = func() []explainCase {
	topologies := []string{
		"stream-stream-stream-table-table-later-stream-rekeyed-both-key-format-mismatch.topology",
		"stream-stream-table-stream-table-later-stream-rekeyed-both-key-format-mismatch.topology",
		"stream-table-stream-table-later-stream-rekeyed-both-key-format-mismatch.topology",
	}
	var out []explainCase
	for i, c := range tablesAfterLaterStreamCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysTwoTablesAroundARekeyOfALaterStream(t *testing.T) {
	for _, c := range tablesAfterLaterStreamExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

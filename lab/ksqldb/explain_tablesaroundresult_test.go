package ksqldb

import "testing"

// EXPLAIN of join_nway_tablesaroundresult_test.go's chains. No historical
// plan of confluentinc/ksql v7.9.0 records one; each topology is
// stream-stream-stream-table-result-rekeyed-then-table-key-format-mismatch.topology
// (the result rekeyed at a stream-stream join, the joins before the rekey
// in a sub-topology of their own) with another table joined, each table
// taking twelve indexes (its source at the second) as in
// multi-joins_-_stream-table-table_-_table_key_format_mismatch, whose
// outer table is built first (sub-topology 0, its repartition's source
// beside the last joins in sub-topology 1) and inner one next
// (sub-topology 2), each stream-table join one index:
//   - both tables after the rekey: T4 0-11, T3 12-23, S1 24, S2 27,
//     stores KSTREAM-JOINTHIS/-JOINOTHER 32/33, L_L_LeftSourceKeyed-SelectKey,
//     S3 36, stores 44/45, sink 50;
//   - T3 before it: T4 0-11, T3 12-23 (its rekey's source beside the
//     joins before the rekey, sub-topology 3), S1 24, S2 27, stores
//     32/33, L_L_Join, L_LeftSourceKeyed-SelectKey, S3 37, stores 45/46,
//     sink 50;
//   - T3 at the first join: T4 0-11, T3 12-23, S1 24, L_L_Join,
//     L_LeftSourceKeyed-SelectKey, S2 29, stores 37/38, sink 42;
//
// each sub-topology's nodes in the order InternalTopologyBuilder.describeSubtopology
// gives them (replayed in Java over these nodes, a replay that prints
// that plan's topology unchanged).
var tablesAroundResultExplainCases = func() []explainCase {
	topologies := []string{
		"stream-stream-stream-table-table-result-rekeyed-both-key-format-mismatch.topology",
		"stream-stream-table-stream-table-result-rekeyed-both-key-format-mismatch.topology",
		"stream-table-stream-table-result-rekeyed-both-key-format-mismatch.topology",
	}
	var out []explainCase
	for i, c := range tablesAroundResultCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysTwoTablesAroundARekeyOfTheResult(t *testing.T) {
	for _, c := range tablesAroundResultExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

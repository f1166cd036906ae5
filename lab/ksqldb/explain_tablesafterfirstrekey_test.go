package ksqldb

import "testing"

// EXPLAIN of tablesAfterFirstRekeyQuery. No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is
// stream-stream-table-stream-table-later-stream-rekeyed-both-key-format-mismatch.topology
// (explain_tablesafterlaterstream_test.go) with the first join's S2
// rekeyed in S3's place (its rekey sub-topology 3, S3's join rekeying
// nothing): T4 0-11, T3 12-23, S1 24, S2 27, stores
// KSTREAM-JOINTHIS/-JOINOTHER 36/37, L_L_Join, S3 40, stores 45/46, sink
// 50; each sub-topology's nodes in the order
// InternalTopologyBuilder.describeSubtopology gives them (replayed in Java
// over these nodes, a replay that prints
// multi-joins_-_stream-table-table_-_table_key_format_mismatch's topology
// unchanged).
var tablesAfterFirstRekeyExplainCases = func() []explainCase {
	var out []explainCase
	for _, c := range tablesAfterFirstRekeyCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
			stmts: c.sources + c.stmt, sink: "OUTPUT",
			topology: "stream-stream-table-stream-table-first-stream-rekeyed-both-key-format-mismatch.topology",
		})
	}
	return out
}()

func TestExplainOfAChainWhoseFirstStreamStreamJoinRekeysItsStreamThenTwoTables(t *testing.T) {
	for _, c := range tablesAfterFirstRekeyExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

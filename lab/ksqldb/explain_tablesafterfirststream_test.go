package ksqldb

import "testing"

// EXPLAIN of tablesAfterFirstStreamQuery. No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is
// stream-table-stream-table-stream-rekeyed-table-key-format-mismatch.topology
// (explain_tableafterstreamtable_test.go) with another table joined last,
// each rekeyed table taking twelve indexes (its source at the second) as
// in multi-joins_-_stream-table-table_-_table_key_format_mismatch, whose
// outer table is built first (sub-topology 0, its repartition's source
// beside the joins in sub-topology 1) and inner one next (sub-topology 2),
// each stream-table join one index: T4 0-11, T3 12-23, T 24-29, S1 30
// (its rekey sub-topology 3), S2 38, stores KSTREAM-JOINTHIS/-JOINOTHER
// 43/44, sink 49; each sub-topology's nodes in the order
// InternalTopologyBuilder.describeSubtopology gives them (replayed in Java
// over these nodes, a replay that prints that plan's topology and
// stream-table-stream-table-stream-rekeyed-table-key-format-mismatch.topology
// unchanged).
var tablesAfterFirstStreamExplainCases = []explainCase{
	{
		name:   "a first stream-table join rekeys its stream, then two tables are rekeyed by their own keys after a stream-stream join",
		topics: []string{"s1", "s2", "s3", "t", "t3", "t4"},
		stmts:  tablesAfterFirstStreamSources + tablesAfterFirstStreamQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-table-table-stream-rekeyed-both-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysAStreamTableJoinsStreamThenTwoTables(t *testing.T) {
	for _, c := range tablesAfterFirstStreamExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

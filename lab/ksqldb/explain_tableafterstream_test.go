package ksqldb

import "testing"

// EXPLAIN of a chain that rekeys a later stream, then joins a table keyed
// in another format (tableAfterStreamChain). No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is put together from:
//   - the table part of stream-stream-table-rekeyed-on-expression-table-key-format-mismatch
//     (explain_tableafterrekey_test.go: the historical plan
//     multi-joins_-_stream-stream-table_-_SR-enabled_key_format's): the
//     table built first and rekeyed (0-11, sub-topology 0), its
//     repartition's source in the joins' sub-topology 1;
//   - the stream-stream joins of multi-joins_-_only_viable_in_projection
//     one level deeper, its first join's streams read as keyed and its
//     second join's stream rekeyed through L_Join-right-repartition in a
//     sub-topology of its own (2), as that plan rekeys it: S1 12-14, S2
//     15-17, L_L_Join's windowed nodes 18/19, stores
//     KSTREAM-JOINTHIS/-JOINOTHER 20/21, its merge 22, S3 23-26 (with
//     L_RightSourceKeyed-SelectKey and PrependAliasL_Right), the
//     repartition 27-29, windowed 30/31, stores 32/33, L_Join-merge 34,
//     Join 35, Project 36 and sink 37.
//
// Sub-topology 1 prints by NodeComparator over these nodes (sub-tree sizes
// from 12 for the streams' sources down; L_Join-right-repartition-source
// and L_L_Join-merge both 7, by name), then the table's read-back as in
// the first file. The runtime spec is join_nway_tableafterstream_test.go.
var tableAfterStreamCases = []explainCase{
	{
		name:   "a table keyed in another format is rekeyed after a rekey of a later stream",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  tableAfterStreamChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-later-stream-rekeyed-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysATableKeyedInAnotherFormatAfterALaterStream(t *testing.T) {
	for _, c := range tableAfterStreamCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

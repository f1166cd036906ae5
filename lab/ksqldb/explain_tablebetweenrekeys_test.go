package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-stream join rekeys S1, then joins
// a table keyed in another format, then a stream-stream join on the key
// (tableBetweenRekeysChain). No historical plan of confluentinc/ksql v7.9.0
// records one; the topology is stream-stream-table-stream-table-key-format-mismatch's
// (explain_tableafterrekey_test.go: the table 0-11 in sub-topology 0, its
// read-back in the joins' sub-topology 1) with S1 rekeyed for L_L_Join as
// stream-stream-table-rekeyed-on-expression-table-key-format-mismatch rekeys
// it for its L_Join (L_L_LeftSourceKeyed-SelectKey, PrependAliasL_L_Left
// and L_L_Join-left-repartition in sub-topology 2, the repartition's
// source in sub-topology 1): S1 12-15, S2 16-18, the repartition 19-21,
// L_L_Join's windowed nodes 22/23, stores KSTREAM-JOINTHIS/-JOINOTHER
// 24/25, its merge 26, L_Join 27, S3 28-30, the later join's windowed
// nodes 31/32, stores 33/34, Join-merge 35, Project 36, sink 37: four
// above the first file's from S2 on. Sub-topology 1 prints by
// NodeComparator over these nodes (the repartition's source, sub-tree
// size 10, where S1's source was). The runtime spec is
// join_nway_tablebetweenrekeys_test.go.
var tableBetweenRekeysCases = []explainCase{
	{
		name:   "a table keyed in another format between a rekeying stream-stream join and a later one is rekeyed",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  tableBetweenRekeysChain,
		sink:   "OUTPUT", topology: "stream-stream-table-stream-rekeyed-stream-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysATableKeyedInAnotherFormatBetweenARekeyedStreamAndAStreamStreamJoin(t *testing.T) {
	for _, c := range tableBetweenRekeysCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

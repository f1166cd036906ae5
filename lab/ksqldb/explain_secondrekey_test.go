package ksqldb

import "testing"

// EXPLAIN of a chain that rekeys the result a second time after a rekey of
// it on an expression: S1 and S2 joined on their keys, the result rekeyed
// on ABS(S1.K) for S3, then on S2.K for the table T. No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is
// stream-stream-table-rekeyed-by-table-join's (explain_mixedrekey_test.go:
// multi-joins_-_stream-stream-table_-_full-inner's with inner names) one
// level deeper, with a stream-stream join rekeying the result between:
//   - the table is built first (1-4, PrependAliasRight 5), then the
//     stream-stream joins: S1 6-8, S2 9-11, L_L_Join's windowed nodes
//     12/13, stores KSTREAM-JOINTHIS/-JOINOTHER 14/15, L_L_Join-merge 16,
//     as in that file, whose sub-topology 1 this one's is with its names
//     taken one level down (PrependAliasL_L_*, L_L_Join-*) and the rekey
//     L_LeftSourceKeyed-SelectKey 17 writing to L_Join-left-repartition
//     (the StreamJoined's name and its left side);
//   - the middle join is stream-stream-stream-later-join-rekeys-result's
//     later join (explain_laterrekey_test.go: multi-joins_-_stream-stream-stream_-_outer-outer's):
//     S3 18-20, the repartition 21-23, windowed 24/25, stores 26/27,
//     L_Join-merge 28, in a sub-topology of its own, ending in the second
//     rekey, LeftSourceKeyed-SelectKey 29, written to Join-repartition
//     (30-32) as the first file's L_Join result is;
//   - the table's join reads it back in the table's sub-topology: Join 33,
//     Project 34, sink 35.
//
// Each sub-topology prints as the file it comes from does (NodeComparator:
// sub-tree sizes, then names; the renamed nodes keep their order). The
// runtime spec is join_nway_secondrekey_test.go.
var secondRekeyCases = []explainCase{
	{
		name:   "a rekey of the result after one on an expression goes through L_Join-left- and Join-repartition",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  mixedSources + "CREATE STREAM output AS " + secondRekeyQuery + ";",
		sink:   "OUTPUT", topology: "stream-stream-stream-table-rekeyed-on-expression-then-by-table-join.topology",
	},
}

func TestExplainOfAChainThatRekeysTheResultAgainAfterARekeyOnAnExpression(t *testing.T) {
	for _, c := range secondRekeyCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

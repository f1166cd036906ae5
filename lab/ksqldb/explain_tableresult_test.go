package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-table join rekeys its stream (on a
// column or an expression) and whose later stream-stream join rekeys the
// result on another column. No historical plan of confluentinc/ksql v7.9.0
// records one; the topology is derived from:
//   - as far as L_Join: stream-table-stream-rekeyed-by-first-join
//     (explain_tablerekey_test.go: the table 1-4, PrependAliasL_Right 5,
//     S1 6-9 rekeyed through L_Join-repartition 10-12 in a sub-topology of
//     its own, L_Join 13 in the table's);
//   - the rekey of the result: multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression's
//     L_Join sub-topology, whose LeftSourceKeyed-SelectKey writes the
//     result to the next join's repartition in the table's sub-topology
//     (14 here), the repartition named after the stream-stream join's
//     StreamJoined and its left side: Join-left-repartition;
//   - the later join: stream-stream-stream-rekeyed-on-expression-then-result's
//     (explain_exprfirst_test.go) in a sub-topology of its own, S3 at 15
//     (one below that plan's 16), the repartition 18-20, windowed 21/22,
//     stores KSTREAM-JOINTHIS/-JOINOTHER 23/24, Join-merge 25, Project 26,
//     sink 27.
//
// Sub-topology 0 prints as the rekey plan's sub-topology 1 does (the
// sizes alike, NodeComparator's names: Join-left-repartition-* before
// KTABLE-* and PrependAliasL_Right). The rekey's nodes are named by their
// context, not their key, so both chains have one topology. The runtime
// spec is join_nway_tableresult_test.go.
var tableResultCases = []explainCase{
	{
		name:   "a stream-stream join on a column the result of a rekeying stream-table join is not keyed by rekeys it through Join-left-repartition",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  mixedSources + "CREATE STREAM output AS " + tableResultOnColumn + ";",
		sink:   "OUTPUT", topology: "stream-table-stream-result-rekeyed-after-first-join.topology",
	},
	{
		name:   "so does one after a stream-table join on an expression of the stream's column",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  mixedSources + "CREATE STREAM output AS " + tableResultOnExpression + ";",
		sink:   "OUTPUT", topology: "stream-table-stream-result-rekeyed-after-first-join.topology",
	},
}

func TestExplainOfAChainThatRekeysTheResultOfAStreamTableJoinThatRekeyedItsStream(t *testing.T) {
	for _, c := range tableResultCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

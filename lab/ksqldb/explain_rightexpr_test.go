package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-stream join rekeys its right
// stream S2 on an expression and whose later join rekeys the result on a
// column of S1. No historical plan of confluentinc/ksql v7.9.0 records
// one; the topology is derived from two that do:
//   - the first join is multi-joins_-_only_viable_in_projection's (S1 read
//     as keyed, S2 through L_RightSourceKeyed-SelectKey and
//     L_Join-right-repartition in a sub-topology of its own): S1 0-2, S2
//     3-6, the repartition's filter, sink and source 7-9, windowed 10/11,
//     stores KSTREAM-JOINTHIS/-JOINOTHER 12/13, L_Join-merge 14;
//   - the later join is stream-stream-stream-rekeyed-on-expression-then-result's
//     (explain_exprfirst_test.go: the result rekeyed by LeftSourceKeyed-SelectKey
//     15 through Join-left-repartition and joined in a sub-topology of its
//     own after S3): S3 16-18, the repartition 19-21, windowed 22/23,
//     stores 24/25, Join-merge 26, Project 27, sink 28, as both sides of
//     the first join take seven indexes before its repartition in either
//     plan.
//
// Sub-topology 0 prints its nodes by InternalTopologyBuilder's
// NodeComparator (sub-tree size, then name): the repartition's source
// (size 7) before PrependAliasL_Left (7) by name, the rekey's nodes last.
// The runtime spec is join_nway_rightexpr_test.go.
var rightExprCases = []explainCase{
	{
		name:   "a right stream rekeyed on an expression and the result rekeyed on a column go through L_Join-right- and Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  keyedStreams + rightExprQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-right-rekeyed-on-expression-then-result.topology",
	},
}

func TestExplainOfAChainThatRekeysAResultAfterARightStreamRekeyedOnAnExpression(t *testing.T) {
	for _, c := range rightExprCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

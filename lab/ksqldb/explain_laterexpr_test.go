package ksqldb

import "testing"

// EXPLAIN of a chain whose second stream-stream join rekeys its right
// stream S3 on an expression and whose third rekeys the result on a column
// of S1. No historical plan of confluentinc/ksql v7.9.0 records one; the
// topology is derived from two that do, as Kafka Streams numbers the
// nodes one after another as ksqlDB builds each join's left side, then its
// right side, then the join (InternalStreamsBuilder's index;
// KStreamImplJoin adds a side's repartition after both sides):
//   - the first join is multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows's
//     first one on keys, one level deeper (L_L_): S1 0-2, S2 3-5, windowed
//     6/7, stores KSTREAM-JOINTHIS/-JOINOTHER 8/9, L_L_Join-merge 10;
//   - the second join takes its right side as multi-joins_-_only_viable_in_projection's
//     first join takes S2 (L_RightSourceKeyed-SelectKey and
//     L_Join-right-repartition in a sub-topology of its own): S3 11-14, the
//     repartition's filter, sink and source 15-17, windowed 18/19, stores
//     20/21, L_Join-merge 22;
//   - the third join rekeys the result as
//     stream-stream-stream-stream-outer-outer-inner.topology's third does
//     (explain_twoouter_test.go, derived from
//     multi-joins_-_stream-stream-stream_-_outer-outer): LeftSourceKeyed-SelectKey
//     23, S4 24-26, Join-left-repartition 27-29, windowed 30/31, stores
//     32/33, Join-merge 34, Project 35, sink 36.
//
// Sub-topology 0 prints its nodes by InternalTopologyBuilder's
// NodeComparator (sub-tree size, then name): L_Join-right-repartition-source
// (size 7) before L_L_Join-merge (7) by name. The runtime spec is
// join_nway_laterexpr_test.go.
var laterExprCases = []explainCase{
	{
		name:   "a later right stream rekeyed on an expression and the result rekeyed on a column go through L_Join-right- and Join-left-repartition",
		topics: []string{"s1", "s2", "s3", "s4"},
		stmts:  laterExprStreams + laterExprQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-later-right-rekeyed-on-expression-then-result.topology",
	},
}

func TestExplainOfAChainThatRekeysAResultAfterALaterRightStreamRekeyedOnAnExpression(t *testing.T) {
	for _, c := range laterExprCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

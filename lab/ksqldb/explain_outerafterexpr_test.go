package ksqldb

import "testing"

// EXPLAIN of the chains of join_nway_outerafterexpr_test.go, which rekey
// the result past a FULL OUTER step after a rekey on an expression made
// before it. No historical plan of confluentinc/ksql v7.9.0 records one;
// each topology is derived from the nodes ksqlDB builds and Kafka Streams
// 3.9's numbering (each node takes an index, named or not; a repartition's
// filter, sink and source three, taken when the join is built, after both
// its sides; a join's windowed nodes two, its stores the next two, its
// merge one), with the nodes named as
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression
// names a rekey on an expression (LeftSourceKeyed-SelectKey, before
// PrependAlias for a source) and multi-joins_-_stream-stream-stream_-_outer-outer
// names a FULL OUTER join's and the rekey of its result:
//   - S1 rekeyed by ABS(S1.K): S1 0-3, S2 4-6, L_L_Join-left-repartition
//     7-9, windowed 10/11, stores 12/13, merge 14, S3 15-17, the FULL
//     OUTER join's windowed 18/19, stores 20/21, merge 22,
//     LeftSourceKeyed-SelectKey 23, S4 24-26, Join-left-repartition 27-29,
//     windowed 30/31, stores 32/33, merge 34, Project 35, sink 36; S2, the
//     first join, S3 and the FULL OUTER join in one sub-topology;
//   - the first join's result rekeyed by ABS(S1.K) at the FULL OUTER
//     step: S1 0-2, S2 3-5, windowed 6/7, stores 8/9, merge 10,
//     L_LeftSourceKeyed-SelectKey 11, S3 12-14, L_Join-left-repartition
//     15-17, windowed 18/19, stores 20/21, merge 22, then as above.
//
// Sub-topologies in the order their first node is added
// (InternalTopologyBuilder.makeNodeGroups; a join's repartition source
// with the rekey written to it); the nodes of each printed in
// the order InternalTopologyBuilder.describeSubtopology gives them (its
// sizes, NodeComparator and hash-ordered maps, replayed in Java over these
// nodes; the replay prints multi-joins_-_stream-stream-stream_-_outer-outer's
// topology byte for byte).
var outerAfterExprExplainCases = func() []explainCase {
	cases := outerAfterExprCases()
	topologies := []string{
		"stream-stream-stream-stream-rekeyed-on-expression-outer-then-result.topology",
		"stream-stream-stream-stream-outer-result-rekeyed-on-expression-then-result.topology",
	}
	var out []explainCase
	for i, c := range cases {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "s4"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysAFullOuterResultAfterARekeyOnAnExpression(t *testing.T) {
	for _, c := range outerAfterExprExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

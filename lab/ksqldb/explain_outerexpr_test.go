package ksqldb

import "testing"

// EXPLAIN of a chain whose FULL OUTER step rekeys its right stream S3 on
// an expression and whose next join rekeys the FULL OUTER result on S1's
// key. No historical plan of confluentinc/ksql v7.9.0 records one; the
// topology is derived as stream-stream-stream-stream-later-right-rekeyed-on-expression-then-result.topology
// (explain_laterexpr_test.go) is, the same nodes and numbers, with the
// second join's processors and stores named as a FULL OUTER join names
// them (historical plan multi-joins_-_stream-stream-stream_-_outer-outer:
// L_Join-outer-this-join, L_Join-outer-other-join, KSTREAM-OUTERTHIS/-OUTEROTHER
// stores; KStreamImplJoin names an outer join's nodes so and takes the same
// indexes). The runtime specs are in join_nway_outerexpr_test.go.
var outerExprCases = []explainCase{
	{
		name:   "a FULL OUTER step's right stream rekeyed on an expression and its result rekeyed by the next join go through L_Join-right- and Join-left-repartition",
		topics: []string{"s1", "s2", "s3", "s4"},
		stmts:  laterExprStreams + outerExprQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-outer-right-rekeyed-on-expression-then-result.topology",
	},
	{
		// a FULL OUTER step between others on the key, its result rekeyed
		// on ABS(S1.K) by the third join (outerThenExprQuery): the
		// historical plan multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows
		// one level deeper (S3 11-13, stores 16/17), its second join named
		// as a FULL OUTER one, its merge (18) rekeyed by
		// LeftSourceKeyed-SelectKey (19) into Join-left-repartition, then
		// multi-joins_-_stream-stream-stream_-_outer-outer's last
		// sub-topology with every index 8 higher (S4 20-22, stores 28/29,
		// sink 32); the expression names no node
		name:   "a FULL OUTER result rekeyed on an expression by the next join goes through Join-left-repartition",
		topics: []string{"s1", "s2", "s3", "s4"},
		stmts:  laterExprStreams + outerThenExprQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-inner-outer-result-rekeyed-on-expression.topology",
	},
}

func TestExplainOfAChainThatRekeysAFullOuterResultAfterItsStreamRekeyedOnAnExpression(t *testing.T) {
	for _, c := range outerExprCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

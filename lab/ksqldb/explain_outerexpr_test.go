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
// indexes). The runtime spec is join_nway_outerexpr_test.go.
var outerExprCases = []explainCase{
	{
		name:   "a FULL OUTER step's right stream rekeyed on an expression and its result rekeyed by the next join go through L_Join-right- and Join-left-repartition",
		topics: []string{"s1", "s2", "s3", "s4"},
		stmts:  laterExprStreams + outerExprQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-outer-right-rekeyed-on-expression-then-result.topology",
	},
}

func TestExplainOfAChainThatRekeysAFullOuterResultAfterItsStreamRekeyedOnAnExpression(t *testing.T) {
	for _, c := range outerExprCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

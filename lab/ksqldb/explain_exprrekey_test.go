package ksqldb

import "testing"

// EXPLAIN of chains whose first join is on keys and whose later join
// rekeys the result on an expression: the same nodes as the chains that
// rekey it on a column (explain_laterrekey_test.go, explain_mixedrekey_test.go),
// as ksqlDB names the rekey by its context (LeftSourceKeyed-SelectKey,
// Join-left-repartition or Join-repartition) whatever the key is. The
// runtime spec is join_nway_exprrekey_test.go.
var exprRekeyCases = []explainCase{
	{
		name:   "a later stream-stream join on an expression rekeys the first join's result through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts: keyedStreams + "CREATE STREAM output AS SELECT s3.id, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN s3 WITHIN 10 SECONDS ON ABS(s1.k) = s3.id;",
		sink: "OUTPUT", topology: "stream-stream-stream-later-join-rekeys-result.topology",
	},
	{
		name:   "a stream-table join on an expression rekeys the stream-stream join's result in its sub-topology",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts: mixedSources + "CREATE STREAM output AS SELECT t.id, s1.v0, s2.v0, t.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN t ON s1.k + 1 = t.id;",
		sink: "OUTPUT", topology: "stream-stream-table-rekeyed-by-table-join.topology",
	},
}

func TestExplainOfChainsThatRekeyTheResultOnAnExpression(t *testing.T) {
	for _, c := range exprRekeyCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

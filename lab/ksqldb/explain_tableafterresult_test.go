package ksqldb

import "testing"

// EXPLAIN of a chain that rekeys the result, then joins a table keyed in
// another format (tableAfterResultChain). No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is put together from
// two derived ones:
//   - the table part is stream-stream-table-rekeyed-on-expression-table-key-format-mismatch's
//     (explain_tableafterrekey_test.go: the historical plan
//     multi-joins_-_stream-stream-table_-_SR-enabled_key_format's): the
//     table built first and rekeyed (indexes 0-11, sub-topology 0), its
//     repartition's source in the join's sub-topology, numbered before the
//     streams' as it is added first;
//   - the stream-stream joins are stream-stream-stream-later-join-rekeys-result's
//     (explain_laterrekey_test.go) one level deeper and past the table: S1
//     12-14, S2 15-17, L_L_Join's windowed nodes 18/19, stores
//     KSTREAM-JOINTHIS/-JOINOTHER 20/21, its merge 22, the rekey
//     L_LeftSourceKeyed-SelectKey 23, S3 24-26, L_Join-left-repartition
//     27-29, windowed 30/31, stores 32/33, L_Join-merge 34; then Join 35,
//     Project 36 and sink 37, as that file's joins are twelve indexes
//     lower.
//
// Sub-topology 1 prints as the first file's join sub-topology does and
// sub-topology 2 as the first join's of stream-stream-stream-table-rekeyed-on-expression-then-by-table-join
// (explain_secondrekey_test.go), renumbered: the sub-tree sizes are the
// same. The runtime spec is join_nway_tableafterresult_test.go.
var tableAfterResultCases = []explainCase{
	{
		name:   "a table keyed in another format is rekeyed after a rekey of the result",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  tableAfterResultChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-result-rekeyed-then-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysATableKeyedInAnotherFormatAfterARekeyOfTheResult(t *testing.T) {
	for _, c := range tableAfterResultCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

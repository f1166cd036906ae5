package ksqldb

import "testing"

// EXPLAIN of a chain of a stream-stream join on keys, two tables each
// keyed in another format than the chain, then a stream-stream join on
// the key (twoTablesBeforeStreamJoinQuery). No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is
// stream-stream-table-table-both-key-format-mismatch.topology
// (explain_twotables_test.go: the historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch's with its
// stream replaced by a stream-stream join) one level deeper, then the
// last join as stream-stream-table-stream-table-key-format-mismatch.topology
// (explain_tableafterrekey_test.go) joins a stream after a rekeyed table:
// T4, L_Join's, 0-11 in sub-topology 0; T3, L_L_Join's, 12-23 in
// sub-topology 2; S1 24-26, S2 27-29, L_L_L_Join's windowed nodes 30/31,
// stores KSTREAM-JOINTHIS/-JOINOTHER 32/33, its merge 34, L_L_Join 35,
// L_Join 36; then S3 37-39, the last join's windowed nodes 40/41, stores
// 42/43, Join-merge 44, Project 45 and sink 46, in the joins'
// sub-topology 1, which prints by NodeComparator (sub-tree size, then
// name). The runtime spec is join_nway_twotablesbeforestreamjoin_test.go.
var twoTablesBeforeStreamJoinCases = []explainCase{
	{
		name:   "two tables keyed in other formats are each rekeyed into the chain's format before a stream-stream join",
		topics: []string{"s1", "s2", "s3", "t3", "t4"},
		stmts:  twoTablesSources + twoTablesBeforeStreamJoinQuery,
		sink:   "OUTPUT", topology: "stream-stream-table-table-stream-both-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysTwoTablesKeyedInOtherFormatsBeforeAStreamStreamJoin(t *testing.T) {
	for _, c := range twoTablesBeforeStreamJoinCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

package ksqldb

import "testing"

// EXPLAIN of a chain of a stream-stream join on keys and two tables each
// keyed in another format than the chain (twoTablesChain). No historical
// plan of confluentinc/ksql v7.9.0 records one; the topology is the
// historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch's
// with its stream S1 replaced by the stream-stream join of S1 and S2, one
// level deeper: both tables built first and rekeyed (T4, the outer join's,
// 0-11 in sub-topology 0; T3, L_Join's, 12-23 in sub-topology 2; their
// repartitions' sources in the joins' sub-topology 1, as in that plan),
// then S1 24-26, S2 27-29, L_L_Join's windowed nodes 30/31, stores
// KSTREAM-JOINTHIS/-JOINOTHER 32/33, its merge 34, L_Join 35, Join 36,
// Project 37 and sink 38. Sub-topology 1 prints by NodeComparator over
// these nodes: the streams' chains (sizes 10 down to 4) first, then the
// plan's order of the joins and the tables' read-back nodes. The runtime
// spec is join_nway_twotables_test.go.
var twoTablesCases = []explainCase{
	{
		name:   "two tables keyed in other formats after a stream-stream join are each rekeyed into the chain's format",
		topics: []string{"s1", "s2", "s3", "t3", "t4"},
		stmts:  twoTablesChain,
		sink:   "OUTPUT", topology: "stream-stream-table-table-both-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysTwoTablesKeyedInOtherFormats(t *testing.T) {
	for _, c := range twoTablesCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

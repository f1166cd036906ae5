package ksqldb

import "testing"

// EXPLAIN of a chain whose stream-stream join rekeys nothing followed by a
// join of a table keyed in another format (tableKeyFormatChain). No
// historical plan of confluentinc/ksql v7.9.0 records one, so the topology
// is derived:
//   - the table is built first (a stream-table join builds its table
//     side, then its left side) and rekeyed as in the historical plan
//     multi-joins_-_stream-stream-table_-_SR-enabled_key_format: its
//     sub-topology 0 as it is (indexes 0-11), and the repartition's source,
//     RightSourceKeyed-SelectKey (RightSourceKeyed-Materialize) and
//     PrependAliasRight in the join's sub-topology, which that repartition
//     source, added to the topology before the streams, numbers 1
//     (InternalTopologyBuilder.makeNodeGroups in insertion order);
//   - the streams, joined on their keys, are built as in the historical
//     plan multi-joins_-_stream-stream-table_-_inner-inner, six indexes
//     later as the table's part ends at 11 there where it ends at 5 here:
//     sources 12 and 15, stores KSTREAM-JOINTHIS/-JOINOTHER 20/21, the
//     join reading RightSourceKeyed-Materialize, the sink 25;
//   - printed in TopologyDescription's order
//     (InternalTopologyBuilder.describeSubtopology replayed over the nodes).
//
// The runtime spec is join_nway_tablekeyformat_test.go.
var tableKeyFormatExplainCases = []explainCase{
	{
		name:   "a chain that rekeys no stream rekeys a table keyed in another format through RightSourceKeyed-SelectKey-repartition",
		topics: []string{"s1", "s2", "t3"},
		stmts:  tableKeyFormatChain,
		sink:   "OUTPUT", topology: "stream-stream-table-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainThatRekeysATableKeyedInAnotherFormatFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range tableKeyFormatExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

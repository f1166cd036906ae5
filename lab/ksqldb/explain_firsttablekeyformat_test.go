package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-table join rekeys its table into
// the stream's key format, followed by a stream-stream join on the stream's
// key (firstTableKeyFormatChain). No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is the historical
// plan multi-joins_-_stream-table-stream_-_inner-inner's (the table built
// first, then S1, L_Join, S2 and the windowed join) with its table rekeyed
// as stream-stream-table-table-key-format-mismatch.topology rekeys one
// (explain_tablekeyformat_test.go, after multi-joins_-_stream-stream-table_-_SR-enabled_key_format),
// named by L_Join's context as multi-joins_-_stream-table-table_-_table_key_format_mismatch
// names its inner table's (L_RightSourceKeyed-...). The rekey takes six
// more indexes (the table's part ends at 11 where it ends at 5), so S1 is
// at 12, L_Join 15, S2 16, the stores KSTREAM-JOINTHIS/-JOINOTHER 21/22 and
// the sink 25; the table's part is sub-topology 0 and everything from the
// repartition's source on, joined by L_RightSourceKeyed-Materialize,
// sub-topology 1 (InternalTopologyBuilder.makeNodeGroups in insertion
// order); printed in TopologyDescription's order
// (InternalTopologyBuilder.describeSubtopology replayed over the nodes).
// The runtime spec is join_nway_firsttablekeyformat_test.go.
var firstTableKeyFormatExplainCases = []explainCase{
	{
		name:   "a first stream-table join rekeys its table into the stream's key format before a stream-stream join",
		topics: []string{"s1", "s2", "s3", "t3"},
		stmts:  firstTableKeyFormatChain,
		sink:   "OUTPUT", topology: "stream-table-stream-table-key-format-mismatch.topology",
	},
}

func TestExplainOfAChainWhoseFirstStreamTableJoinRekeysItsTableFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range firstTableKeyFormatExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

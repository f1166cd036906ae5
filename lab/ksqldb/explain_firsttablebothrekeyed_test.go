package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-table join rekeys both its stream
// and its table, keyed in AVRO, followed by a stream-stream join that
// rekeys its stream into AVRO (firstTableBothRekeyedChain). No historical
// plan of confluentinc/ksql v7.9.0 records one; the topology is derived
// from:
//   - the table part of stream-stream-table-stream-table-key-format-mismatch
//     (explain_tableafterrekey_test.go: a table rekeyed for L_Join, 0-11 in
//     sub-topology 0, its read-back in the joins' sub-topology 1);
//   - S1's rekey of stream-table-stream-rekeyed-by-first-join
//     (explain_tablerekey_test.go: L_LeftSourceKeyed-SelectKey,
//     PrependAliasL_Left and L_Join-repartition in a sub-topology of their
//     own, the repartition's source feeding L_Join) six indexes higher, as
//     the table's rekey takes six more: S1 12-15, the repartition 16-18,
//     L_Join 19;
//   - S2 rekeyed as multi-joins_-_only_viable_in_projection rekeys its
//     last stream (RightSourceKeyed-SelectKey, PrependAliasRight,
//     Join-right-repartition in a sub-topology of its own): S2 20-23, the
//     repartition 24-26, windowed 27/28, stores KSTREAM-JOINTHIS/-JOINOTHER
//     29/30, Join-merge 31, Project 32, sink 33.
//
// Sub-topologies in the order their first node is added (the table's, the
// joins' with the table's read-back, S1's, S2's); sub-topology 1 prints
// by NodeComparator over its nodes. The runtime spec is
// join_nway_firsttablebothrekeyed_test.go.
var firstTableBothRekeyedCases = []explainCase{
	{
		name:   "a first stream-table join in a format that infers schemas rekeys its stream and its table",
		topics: []string{"s1", "t", "s2"},
		stmts:  firstTableBothRekeyedChain + firstTableBothRekeyedQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-both-sides-rekeyed-registry-keys.topology",
	},
}

func TestExplainOfAChainWhoseFirstStreamTableJoinRekeysBothSides(t *testing.T) {
	for _, c := range firstTableBothRekeyedCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

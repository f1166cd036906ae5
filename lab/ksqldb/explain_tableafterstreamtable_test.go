package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-table join rekeys its stream S1,
// then a stream-stream join on the key, then a table T3 keyed in another
// format, rekeyed into the chain's. No historical plan of
// confluentinc/ksql v7.9.0 records one; the topology is derived from
// those that do, as Kafka Streams numbers the nodes one after another as
// ksqlDB builds each join (a stream-table join its table first, each
// table taking one index before its source node):
//   - T3, rekeyed, is multi-joins_-_stream-table-table_-_table_key_format_mismatch's
//     outer table (its RightSourceKeyed-SelectKey-repartition in a
//     sub-topology of its own): 0-11;
//   - the first two joins are stream-table-stream-rekeyed-by-first-join.topology's
//     (explain_tablerekey_test.go, derived from
//     multi-joins_-_stream-table-stream_-_inner-inner with the stream
//     rekeyed as multi-joins_-_stream-table-table_-_inner-inner_-_rekey
//     rekeys it),
//     one level deeper: T 12-17, S1 18-21 (L_L_LeftSourceKeyed-SelectKey
//     20), L_L_Join-repartition 22-24, L_L_Join 25, S2 26-28, windowed
//     29/30, stores KSTREAM-JOINTHIS/-JOINOTHER 31/32, L_Join-merge 33;
//   - then Join 34, Project 35, sink 36.
//
// InternalTopologyBuilder numbers the sub-topologies in the order their
// first node was added (T3's, then the joins' with
// RightSourceKeyed-SelectKey-repartition-source 9, then S1's rekey) and
// prints each one's nodes by NodeComparator (sub-tree size, then name).
//
// With S2 joined on its column K (tableAfterStreamTableRekeyedStreamQuery),
// S2 is rekeyed as multi-joins_-_only_viable_in_projection rekeys a later
// stream, through L_Join-right-repartition in a sub-topology of its own:
// S2 26-29 (with L_RightSourceKeyed-SelectKey), the repartition 30-32,
// windowed 33/34, stores KSTREAM-JOINTHIS/-JOINOTHER 35/36, L_Join-merge
// 37, Join 38, Project 39 and sink 40, four indexes above the first.
//
// With S2 joined on S1.K, then S3 on S2.K, then T3 on S2.K
// (tableAfterStreamTableRekeyedResultQuery), the result is rekeyed for
// S3's join as stream-stream-stream-table-result-rekeyed-then-table-key-format-mismatch.topology
// rekeys it: T3 0-11 as above, the first two joins one level deeper
// (T 12-17, S1 18-21, L_L_L_Join-repartition 22-24, L_L_L_Join 25, S2
// 26-28, windowed 29/30, stores KSTREAM-JOINTHIS/-JOINOTHER 31/32,
// L_L_Join-merge 33), L_LeftSourceKeyed-SelectKey 34, S3 35-37,
// L_Join-left-repartition 38-40, windowed 41/42, stores 43/44,
// L_Join-merge 45, Join 46, Project 47, sink 48; sub-topologies T3's, the
// last joins' (with RightSourceKeyed-SelectKey-repartition-source), T's
// with the first stream-stream join up to L_Join-left-repartition-sink,
// then S1's rekey.
// The runtime specs are in join_nway_tableafterstreamtable_test.go.
var tableAfterStreamTableCases = []explainCase{
	{
		name:   "a table keyed in another format after a stream-table join's stream was rekeyed goes through RightSourceKeyed-SelectKey-repartition",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  tableAfterStreamTableChain,
		sink:   "OUTPUT", topology: "stream-table-stream-table-stream-rekeyed-table-key-format-mismatch.topology",
	},
	{
		name:   "a table keyed in another format after a stream-table join's stream and a later stream were rekeyed goes through RightSourceKeyed-SelectKey-repartition",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  streamTableBeforeStreamJoinSources + tableAfterStreamTableRekeyedStreamQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-rekeyed-table-key-format-mismatch-later-stream-rekeyed.topology",
	},
	{
		name:   "a table keyed in another format after a stream-table join's stream and the result were rekeyed goes through RightSourceKeyed-SelectKey-repartition",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  streamTableBeforeStreamJoinSources + tableAfterStreamTableRekeyedResultQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-stream-rekeyed-table-key-format-mismatch-result-rekeyed.topology",
	},
}

func TestExplainOfAChainThatRekeysAStreamTableJoinsStreamThenATableKeyedInAnotherFormat(t *testing.T) {
	for _, c := range tableAfterStreamTableCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

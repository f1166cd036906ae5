package ksqldb

import "testing"

// EXPLAIN of the chains that rekey a table keyed in another format before
// a later stream-stream join, after a rekey of the result, of a later
// stream or of a first stream-table join's stream
// (join_nway_tablebeforestreamjoin_test.go). No historical plan of
// confluentinc/ksql v7.9.0 records one; each topology is derived from the
// derived topology of the chain without the last join, one level deeper,
// and the last join as stream-stream-table-stream-table-key-format-mismatch.topology
// (explain_tableafterrekey_test.go) joins a stream after a rekeyed table:
//   - after a rekey of the result: stream-stream-stream-table-result-rekeyed-then-table-key-format-mismatch.topology
//     (explain_tableafterresult_test.go) with every context one level
//     deeper (L_RightSourceKeyed-..., L_L_Join-left-repartition, the
//     first join's PrependAliasL_L_L_...): T3 0-11, S1 12-14, S2 15-17,
//     L_L_L_Join's windowed nodes 18/19, stores KSTREAM-JOINTHIS/-JOINOTHER
//     20/21, its merge 22, L_L_LeftSourceKeyed-SelectKey 23, S3 24-26,
//     L_L_Join-left-repartition 27-29, windowed 30/31, stores 32/33,
//     L_L_Join-merge 34, L_Join 35;
//   - after a rekey of a later stream: stream-stream-stream-table-later-stream-rekeyed-table-key-format-mismatch.topology
//     (explain_tableafterstream_test.go) one level deeper alike: S3 23-26
//     through L_L_Join-right-repartition 27-29, stores 32/33, L_Join 35;
//   - then, in the first two, S4 36-38, the last join's windowed nodes 39/40,
//     stores KSTREAM-JOINTHIS/-JOINOTHER 41/42, Join-merge 43, Project 44
//     and sink 45;
//   - after a rekey of a stream-table join's stream: stream-table-stream-table-stream-rekeyed-table-key-format-mismatch.topology
//     (explain_tableafterstreamtable_test.go) one level deeper alike: T3
//     0-11, T 12-17, S1 18-21 through L_L_L_Join-repartition 22-24,
//     L_L_L_Join 25, S2 26-28, windowed 29/30, stores 31/32, L_L_Join-merge
//     33, L_Join 34, then S3 35-37, the last join's windowed nodes 38/39,
//     stores 40/41, Join-merge 42, Project 43 and sink 44;
//   - right after a rekey of a stream-table join's stream: the same
//     with the stream-stream join of S2 moved after the table: T3 0-11,
//     T 12-17, S1 18-21 through L_L_Join-repartition 22-24, L_L_Join 25,
//     L_Join 26, then S2 27-29, the last join's windowed nodes 30/31,
//     stores 32/33, Join-merge 34, Project 35 and sink 36;
//   - with the result rekeyed after the table (rekeyAfterTableQuery): T3,
//     inside L_L_Join, 0-11 (L_L_RightSourceKeyed-SelectKey-repartition),
//     S1 12-14, S2 15-17, windowed 18/19, stores 20/21, L_L_L_Join-merge
//     22, L_L_Join 23, L_LeftSourceKeyed-SelectKey 24, S3 25-27,
//     L_Join-left-repartition 28-30, windowed 31/32, stores 33/34,
//     L_Join-merge 35, then S4 36-38, the last join's windowed nodes
//     39/40, stores 41/42, Join-merge 43, Project 44 and sink 45: the
//     joins up to the rekey in the table's read-back sub-topology, as in
//     stream-stream-table-table-key-format-mismatch.topology, the joins
//     after it in one of their own, as
//     multi-joins_-_stream-stream-stream_-_outer-outer reads its rekeyed
//     result back;
//
// the last join's nodes in the sub-topology the table's read-back opens,
// each printed by NodeComparator (sub-tree size, then name) as in
// stream-stream-table-stream-table-key-format-mismatch.topology.
var tableBeforeStreamJoinCases = []explainCase{
	{
		name:   "a table keyed in another format after a rekey of the result is rekeyed before a stream-stream join",
		topics: []string{"s1", "s2", "s3", "s4", "t3"},
		stmts:  tableBeforeStreamJoinSources + resultRekeyedBeforeTableQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-stream-result-rekeyed-table-key-format-mismatch.topology",
	},
	{
		name:   "a table keyed in another format after a rekey of a later stream is rekeyed before a stream-stream join",
		topics: []string{"s1", "s2", "s3", "s4", "t3"},
		stmts:  tableBeforeStreamJoinSources + streamRekeyedBeforeTableQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-stream-later-stream-rekeyed-table-key-format-mismatch.topology",
	},
	{
		name:   "a table keyed in another format after a rekey of a stream-table join's stream is rekeyed before a stream-stream join",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  streamTableBeforeStreamJoinSources + streamTableRekeyedBeforeTableQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-table-stream-rekeyed-then-stream-key-format-mismatch.topology",
	},
	{
		name:   "a table keyed in another format right after a rekey of a stream-table join's stream is rekeyed before a stream-stream join",
		topics: []string{"s1", "s2", "t", "t3"},
		stmts:  streamTableBeforeStreamJoinSources + tableAfterStreamTableQuery,
		sink:   "OUTPUT", topology: "stream-table-table-stream-rekeyed-table-key-format-mismatch.topology",
	},
	{
		name:   "a stream-stream join on the key after a rekey of the result made after a table keyed in another format",
		topics: []string{"s1", "s2", "s3", "s4", "t3"},
		stmts:  tableBeforeStreamJoinSources + rekeyAfterTableQuery,
		sink:   "OUTPUT", topology: "stream-stream-table-stream-stream-table-key-format-mismatch-result-rekeyed-after-table.topology",
	},
}

func TestExplainOfAChainThatRekeysATableKeyedInAnotherFormatBeforeAStreamStreamJoinAfterAnotherRekey(t *testing.T) {
	for _, c := range tableBeforeStreamJoinCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

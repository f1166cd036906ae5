package ksqldb

import "testing"

// EXPLAIN of join_nway_twotablesthenstream_test.go's chains. No historical
// plan of confluentinc/ksql v7.9.0 records one; each topology is
// stream-stream-table-table-stream-both-key-format-mismatch-result-rekeyed.topology
// (explain_twotablesthenrekey_test.go) up to L_Join 36, T4 0-11 and T3
// 12-23 as there, then the last join's sides as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// builds its second join's:
//   - S3 alone rekeyed: S3 37-40 (its RightSourceKeyed-SelectKey before
//     PrependAliasRight) in a fourth sub-topology, Join-right-repartition
//     41-43 read back beside L_Join, windowed 44/45, stores
//     KSTREAM-JOINTHIS/-JOINOTHER 46/47, Join-merge 48, Project 49, sink 50;
//   - both sides rekeyed: LeftSourceKeyed-SelectKey 37 into
//     Join-left-repartition, S3 38-41, the repartitions 42-47, windowed
//     48/49, stores 50/51, merge 52, Project 53, sink 54; the join's
//     sub-topology, which the left repartition's source starts, before
//     S3's (in that plan too: Kafka Streams' optimizer gives each
//     repartition the build priority of the key change before it);
//
// each sub-topology's nodes in the order InternalTopologyBuilder.describeSubtopology
// gives them (replayed in Java over these nodes, a replay that prints
// that plan's, multi-joins_-_stream-table-table_-_table_key_format_mismatch's
// and the derived result-rekeyed topology unchanged).
var twoTablesThenStreamExplainCases = func() []explainCase {
	topologies := []string{
		"stream-stream-table-table-stream-both-key-format-mismatch-stream-rekeyed.topology",
		"stream-stream-table-table-stream-both-key-format-mismatch-both-rekeyed.topology",
	}
	var out []explainCase
	for i, c := range twoTablesThenStreamCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "t3", "t4"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysAStreamAfterTwoTablesKeyedInOtherFormats(t *testing.T) {
	for _, c := range twoTablesThenStreamExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

package ksqldb

import "testing"

// EXPLAIN of the chains of join_nway_rekeyafterlaterstream_test.go. No
// historical plan of confluentinc/ksql v7.9.0 records one; each topology is
// derived from the nodes ksqlDB builds and Kafka Streams 3.9's numbering,
// as explain_rekeyafterrekeyedtable_test.go derives its chains' (the same
// chains with S3's join rekeying the result instead): T3 first
// (StreamTableJoinBuilder builds a stream-table join's table before its
// stream), 0-11, as multi-joins_-_stream-table-table_-_table_key_format_mismatch
// rekeys its outer table; S1 12-14, S2 15-17, windowed 18/19, stores
// 20/21, merge 22, the table join L_L_Join 23; S3 24-27 (its
// L_RightSourceKeyed-SelectKey before PrependAliasL_Right, as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its third stream), L_Join-right-repartition 28-30, windowed
// 31/32, stores 33/34, merge 35; then, rekeying the result by S2.K,
// LeftSourceKeyed-SelectKey 36, S4 37-39, Join-left-repartition 40-42,
// windowed 43/44, stores 45/46, merge 47, Project 48, sink 49; or,
// rekeying S4 by K, S4 36-39, Join-right-repartition 40-42, windowed
// 43/44, stores 45/46, merge 47, Project 48, sink 49. Sub-topologies in
// the order their first node is added (InternalTopologyBuilder.makeNodeGroups):
// T3's, S1's (reading back T3's and S3's repartitions, so L_L_Join and
// L_Join in it), S3's rekey, then S4's (with the last join where the
// result is rekeyed, its rekey alone where S4 is); the nodes of each in
// the order InternalTopologyBuilder.describeSubtopology gives them
// (replayed in Java over these nodes, a replay that prints
// multi-joins_-_stream-table-table_-_table_key_format_mismatch's,
// multi-joins_-_stream-stream-stream_-_outer-outer's and
// _-_SR-enabled_key_format_-_rekey's topologies unchanged).

var rekeyAfterLaterStreamExplainCases = func() []explainCase {
	topologies := []string{
		"stream-stream-table-stream-stream-key-format-mismatch-later-stream-then-result-rekeyed-after-table.topology",
		"stream-stream-table-stream-stream-key-format-mismatch-later-streams-rekeyed-after-table.topology",
	}
	var out []explainCase
	for i, c := range rekeyAfterLaterStreamCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "s4", "t3"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysASideAfterARekeyOfALaterStreamMadeAfterARekeyedTable(t *testing.T) {
	for _, c := range rekeyAfterLaterStreamExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

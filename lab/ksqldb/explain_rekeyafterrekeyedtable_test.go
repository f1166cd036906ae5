package ksqldb

import "testing"

// EXPLAIN of the chains of join_nway_rekeyafterrekeyedtable_test.go. No
// historical plan of confluentinc/ksql v7.9.0 records one; each topology is
// derived from the nodes ksqlDB builds and Kafka Streams 3.9's numbering:
// T3 first (StreamTableJoinBuilder builds a stream-table join's table
// before its stream), 0-11, as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// outer table (source 1, KTABLE nodes 2-5, L_L_RightSourceKeyed-SelectKey-Mapper,
// its repartition, the read-back L_L_RightSourceKeyed-SelectKey and
// PrependAliasL_L_Right); S1 12-14, S2 15-17, windowed 18/19, stores
// 20/21, merge 22, the table join L_L_Join 23, L_LeftSourceKeyed-SelectKey
// 24, S3 25-27, L_Join-left-repartition 28-30, windowed 31/32, stores
// 33/34, merge 35; then, rekeying the result by S3.K, LeftSourceKeyed-SelectKey
// 36, S4 37-39, Join-left-repartition 40-42, windowed 43/44, stores 45/46,
// merge 47, Project 48, sink 49; or, rekeying S4 by K, S4 36-39
// (RightSourceKeyed-SelectKey before PrependAliasRight),
// Join-right-repartition 40-42, windowed 43/44, stores 45/46, merge 47,
// Project 48, sink 49. Sub-topologies in the order their first node is
// added (InternalTopologyBuilder.makeNodeGroups; a repartition's nodes
// with the rekey written to it, so S1's sub-topology, which reads T3's
// repartition back, comes second, as in that plan); the nodes of each in
// the order InternalTopologyBuilder.describeSubtopology gives them (replayed
// in Java over these nodes, a replay that prints that plan's topology and
// multi-joins_-_stream-stream-stream_-_outer-outer's unchanged).
var rekeyAfterRekeyedTableExplainCases = func() []explainCase {
	topologies := []string{
		"stream-stream-table-stream-stream-key-format-mismatch-result-rekeyed-twice-after-table.topology",
		"stream-stream-table-stream-stream-key-format-mismatch-stream-rekeyed-after-result-after-table.topology",
	}
	var out []explainCase
	for i, c := range rekeyAfterRekeyedTableCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3", "s4", "t3"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAChainThatRekeysASideAfterARekeyMadeAfterARekeyedTable(t *testing.T) {
	for _, c := range rekeyAfterRekeyedTableExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

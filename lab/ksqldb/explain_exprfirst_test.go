package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-stream join rekeys S1 on an
// expression and whose later join rekeys the result on S2.K. No historical
// plan of confluentinc/ksql v7.9.0 records one; the topology is
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey's with
// S2 and S3 read as keyed (no RightSourceKeyed-SelectKey, no
// Join-right-repartition: each join reads its right stream in the
// sub-topology of the join), or equally stream-stream-stream-later-join-rekeys-result
// (multi-joins_-_stream-stream-stream_-_outer-outer's, explain_laterrekey_test.go)
// with S1 rekeyed as that plan rekeys it. Numbering (Kafka Streams 3.9:
// each node takes an index, named or not; a repartition's filter, sink
// and source three, taken when the join is built, after both its sides):
// S1 0-3 (source, transform, L_LeftSourceKeyed-SelectKey, PrependAliasL_Left),
// S2 4-6, L_Join-left-repartition 7-9, L_Join's windowed nodes 10/11, its
// stores KSTREAM-JOINTHIS/-JOINOTHER 12/13, L_Join-merge 14,
// LeftSourceKeyed-SelectKey 15, S3 16-18, Join-left-repartition 19-21,
// windowed 22/23, stores 24/25, Join-merge 26, Project 27, sink 28: four
// above the later-join-rekeys-result chain from S2 on, as the rekey plan's
// S2 is four above outer-outer's. Sub-topologies in order of their first
// node: S1's rekey, S2 with L_Join, S3 with the later join; printed in
// TopologyDescription's order (InternalTopologyBuilder.describeSubtopology
// replayed over these nodes). The runtime spec is join_nway_exprfirst_test.go.
var exprFirstCases = []explainCase{
	{
		name:   "a stream rekeyed on an expression and the result rekeyed on a column go through L_Join-left- and Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  keyedStreams + exprFirstQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-rekeyed-on-expression-then-result.topology",
	},
}

func TestExplainOfAChainThatRekeysAResultAfterAStreamRekeyedOnAnExpression(t *testing.T) {
	for _, c := range exprFirstCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

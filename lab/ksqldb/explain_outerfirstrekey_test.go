package ksqldb

import "testing"

// EXPLAIN of the chains of join_nway_outerfirstrekey_test.go, keyed in
// KAFKA, whose FULL OUTER first step on keys comes before a join on an
// expression or one that rekeys its stream. No historical plan of
// confluentinc/ksql v7.9.0 records one; each topology is derived from the
// nodes ksqlDB builds and Kafka Streams 3.9's numbering:
//   - on ABS(S1.K): multi-joins_-_stream-stream-stream_-_outer-outer's
//     topology (the FULL OUTER first join's stores 8/9, its merge rekeyed
//     by LeftSourceKeyed-SelectKey into Join-left-repartition, S3 12-14,
//     stores 20/21, sink 24) with the second join's processors and stores
//     named as an inner join's (KStreamImplJoin takes the same indexes) and
//     the topics renamed; the expression names no node;
//   - on S3.K: the same first sub-topology, then S3 rekeyed as
//     multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
//     rekeys its third stream (S3 12-15, RightSourceKeyed-SelectKey before
//     PrependAliasRight), Join-left-repartition 16-18,
//     Join-right-repartition 19-21, windowed 22/23, stores 24/25, merge 26,
//     Project 27, sink 28, the join in a sub-topology of its own, numbered
//     before S3's as that plan numbers its last join's before its third
//     stream's (InternalTopologyBuilder.makeNodeGroups numbers groups in
//     the order their first node is added, and the join's repartition
//     source is added with the rekey of the result, before S3's source).
//
// The nodes of each sub-topology printed in the order
// InternalTopologyBuilder.describeSubtopology gives them (replayed in Java
// over these nodes, as for explain_outerafterexpr_test.go).
var outerFirstRekeyExplainCases = func() []explainCase {
	topologies := []string{
		"stream-stream-stream-outer-first-result-rekeyed-on-expression.topology",
		"stream-stream-stream-outer-first-both-rekeyed.topology",
	}
	var out []explainCase
	for i, c := range outerFirstRekeyCases() {
		out = append(out, explainCase{
			name: c.name, topics: []string{"s1", "s2", "s3"},
			stmts: c.sources + c.stmt, sink: "OUTPUT", topology: topologies[i],
		})
	}
	return out
}()

func TestExplainOfAKafkaKeyedChainWhoseFullOuterFirstStepComesBeforeARekey(t *testing.T) {
	for _, c := range outerFirstRekeyExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

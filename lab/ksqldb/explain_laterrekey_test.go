package ksqldb

import "testing"

// EXPLAIN of chains of stream-stream joins whose first join is on both
// streams' keys and whose later join rekeys a side. No historical plan of
// confluentinc/ksql v7.9.0 records one, so the topologies are derived:
//   - ksqlDB builds the later join's left input (the first join, which
//     builds S1, then S2, then the windowed join), then its right input,
//     then the join (StreamStreamJoinBuilder, JoinNode.StreamToStreamJoiner);
//     a rekeyed side is its PreJoinRepartitionNode's SelectKey
//     (LeftSourceKeyed over the joined result, RightSourceKeyed over a
//     stream, before its PrependAliasRight), and Kafka Streams 3.9 writes it
//     through the StreamJoined's <name>-left- or -right-repartition, whose
//     filter, sink and source burn three indexes although named
//     (KStreamImpl.createRepartitionedSource), before the join's
//     -this-windowed/-other-windowed (two more), its KSTREAM-JOINTHIS/
//     -JOINOTHER stores and Join-merge (KStreamImplJoin);
//   - the later join on a column of the first join's result (S2.K) is the
//     historical plan multi-joins_-_stream-stream-stream_-_outer-outer's
//     topology with inner joins: its L_Join's FULL OUTER result is rekeyed
//     the same way (LeftSourceKeyed-SelectKey, Join-left-repartition, the
//     join in a sub-topology of its own after S3's source), so the file is
//     that plan's topology with KStreamImplJoin's names of an inner join
//     (-this-join/-other-join, KSTREAM-JOINTHIS/-JOINOTHER) for the outer
//     ones and the topics renamed: stores 8/9 and 20/21, sink 24;
//   - the later join on a column or an expression of S3 is the historical
//     plan multi-joins_-_only_viable_in_projection's topology without its
//     first join's L_Join-right-repartition: S2 is read as S1 is, in
//     sub-topology 0, and every index from the first join's stores on is
//     four lower (S2's SelectKey and the repartition's three): stores 8/9
//     and 20/21, S3's source 11, sink 24; S3's rekey keeps a sub-topology
//     of its own, printed after the join's, as that plan prints it.
//
// The print order is TopologyDescription's, as in the plans above. The
// runtime spec of these chains is join_nway_laterrekey_test.go.
var laterRekeyCases = []explainCase{
	{
		name:   "a later join on a column of its stream rekeys that stream in a sub-topology of its own through Join-right-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts: keyedStreams + "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k;",
		sink: "OUTPUT", topology: "stream-stream-stream-later-join-rekeys-stream.topology",
	},
	{
		name:   "a later join on an expression of its stream rekeys that stream as on a column",
		topics: []string{"s1", "s2", "s3"},
		stmts: keyedStreams + "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k + 1;",
		sink: "OUTPUT", topology: "stream-stream-stream-later-join-rekeys-stream.topology",
	},
	{
		name:   "a later join on a column of the first join's stream rekeys the first join's result through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts: keyedStreams + "CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id;",
		sink: "OUTPUT", topology: "stream-stream-stream-later-join-rekeys-result.topology",
	},
}

func TestExplainOfChainsWhoseFirstJoinIsOnKeysAndALaterJoinRekeys(t *testing.T) {
	for _, c := range laterRekeyCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

package ksqldb

import "testing"

// EXPLAIN of a join after two FULL OUTER stream-stream steps. No historical
// plan of confluentinc/ksql v7.9.0 records one, so the expected topology is
// derived from the code that builds it:
//   - the first two steps are built as the historical plan
//     multi-joins_-_stream-stream-stream_-_outer-outer builds its two
//     FULL OUTER steps, one level deeper in the left-deep tree (L_L_Join,
//     L_LeftSourceKeyed, L_Join-left-repartition, L_Join; JoinNode's
//     context names), the same node numbers included (KSTREAM-OUTERTHIS/
//     -OUTEROTHER 8/9 and 20/21, the second step's merge 22);
//   - the second step's result, keyed by the synthetic key, is rekeyed by
//     S1.ID (LogicalPlanner.prepareSourceForJoin: JoinTree.joinEquivalenceSet
//     is empty for an OUTER join) in LeftSourceKeyed-SelectKey (23) and
//     written to Join-left-repartition from the second step's
//     sub-topology, as the outer-outer plan's first step's result is;
//   - the third step's stream is built first (its source, TRANSFORMVALUES
//     and PrependAliasRight: 24-26), then Kafka Streams 3.9's
//     KStreamImpl.doStreamJoin repartitions the left side as the join is
//     called (filter, sink and source: 27-29), and KStreamImplJoin burns
//     30 and 31 for the named -this-windowed/-other-windowed, takes 32 and
//     33 for KSTREAM-JOINTHIS/-JOINOTHER (an INNER join) and 34 for the
//     merge; Project takes 35 and the sink 36;
//   - the print order is TopologyDescription's, worked out by replaying
//     InternalTopologyBuilder.describeSubtopology (java.util.HashMap of the
//     nodes, updateSize, TreeSet with NodeComparator) over those nodes.
var twoOuterExplainCases = []explainCase{
	{
		name:   "a join after two FULL OUTER stream-stream steps rekeys each FULL OUTER result through its own Join-left-repartition",
		topics: []string{"s1", "s2", "s3", "s4"},
		stmts:  fourStreams + twoOuterChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-outer-outer-inner.topology",
	},
}

func TestExplainOfAJoinAfterTwoFullOuterStepsFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range twoOuterExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

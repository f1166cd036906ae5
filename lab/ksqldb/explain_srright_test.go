package ksqldb

import "testing"

// EXPLAIN of a chain keyed in formats that infer schemas whose second
// stream-stream step is a RIGHT join (registryRightChain). No historical
// plan of confluentinc/ksql v7.9.0 records one, so the topology is derived
// from the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (7.1.0),
// whose query differs from this one in the second join's type and the
// topics:
//   - StreamStreamJoinBuilder runs a RIGHT join as the right stream's
//     leftJoin of the left side, so in Kafka Streams 3.9's KStreamImplJoin
//     the third stream is "this": its repartition is named with the -left
//     suffix (Join-left-repartition, as in the historical plan
//     joins_-_stream_stream_right_join_-_rekey_-_JSON), it feeds
//     Join-this-windowed (store KSTREAM-JOINTHIS), and the first join's
//     result feeds Join-other-windowed (store KSTREAM-OUTEROTHER, a LEFT
//     join's outer side) and Join-outer-other-join; the stores keep the
//     numbers 28/29, as nothing is built in another order;
//   - the order of the join's sub-topology is InternalTopologyBuilder's
//     NodeComparator over the renamed nodes (Join-left-repartition-source
//     and L_Join-merge both head six nodes, so the name decides);
//   - the topics are s1, s2 and s3.
//
// The runtime specs are join_nway_srright_test.go and
// join_nway_srrightrekey_test.go.
var registryRightExplainCases = []explainCase{
	{
		name:   "a RIGHT step of a chain keyed in formats that infer schemas repartitions its stream through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryRightChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-inner-right.topology",
	},
	{
		// the first step RIGHT (registryRightFirstChain): S2, "this",
		// through L_Join-left-repartition and S1 through
		// L_Join-right-repartition, stores JOINTHIS-16 and OUTEROTHER-17,
		// as the historical plan joins_-_stream_stream_right_join_-_rekey_-_JSON
		// builds its single join; the second join as in the historical
		// plan multi-joins_-_stream-stream-stream_-_SR-enabled_key_format
		name:   "a RIGHT first step of a chain keyed in formats that infer schemas repartitions its right stream through L_Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryRightFirstChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-right-inner.topology",
	},
	{
		// the second step RIGHT on value columns (registryRightRekeyChain),
		// rekeying the first step's result and S3: the historical plan
		// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey's
		// topology with the second join's sides named by KStreamImpl.doJoin
		// for the right stream's leftJoin of the result: S3, "this", through
		// Join-left-repartition into Join-this-windowed (KSTREAM-JOINTHIS-32),
		// the result, "other", through Join-right-repartition into
		// Join-other-windowed (KSTREAM-OUTEROTHER-33) and
		// Join-outer-other-join, as the historical plan
		// joins_-_stream_stream_right_join_-_rekey_-_JSON names its sides;
		// the optimizer still builds each repartition with its key change
		// (LeftSourceKeyed-SelectKey before RightSourceKeyed-SelectKey), so
		// the sub-topologies keep that plan's order; the topics renamed
		name:   "a RIGHT step of a chain keyed in formats that infer schemas that rekeys the result writes it to Join-right-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryRightRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-inner-right-rekey.topology",
	},
	{
		// the first step RIGHT and the second rekeying its result
		// (registryRightFirstRekeyChain): the historical plan
		// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey's
		// topology with the first join's sides named as
		// joins_-_stream_stream_right_join_-_rekey_-_JSON names its single
		// join's (S2, "this", through L_Join-left-repartition into
		// L_Join-this-windowed, KSTREAM-JOINTHIS-16; S1 through
		// L_Join-right-repartition into L_Join-other-windowed,
		// KSTREAM-OUTEROTHER-17, and L_Join-outer-other-join), the topics
		// renamed
		name:   "the rekey of a RIGHT first step's result in a chain keyed in formats that infer schemas",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryRightFirstRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-right-inner-rekey.topology",
	},
}

func TestExplainOfARegistryKeyedChainWithARightStepFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range registryRightExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

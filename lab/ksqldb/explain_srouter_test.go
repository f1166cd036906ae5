package ksqldb

import "testing"

// EXPLAIN of a chain keyed in formats that infer schemas whose first
// stream-stream step is a FULL OUTER join (registryOuterChain). No
// historical plan of confluentinc/ksql v7.9.0 records one, so the topology
// is derived from the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// (7.1.0), whose query differs from this one in three ways that change no
// node of the graph but names:
//   - its first join is INNER where this one is FULL OUTER: Kafka Streams
//     3.9's KStreamImplJoin names an outer join's processors
//     <name>-outer-this-join/-outer-other-join and its stores
//     KSTREAM-OUTERTHIS/-OUTEROTHER, at the indexes an inner join's take
//     (historical plan multi-joins_-_stream-stream-stream_-_outer-outer
//     numbers its FULL OUTER stores 8/9 as the inner plans number theirs),
//     and without a grace period it adds no KSTREAM-OUTERSHARED store;
//   - its second join rekeys the first join's result by S1.V0 where this
//     one rekeys it by S1.ID (the FULL OUTER result is keyed by ROWKEY):
//     the same LeftSourceKeyed-SelectKey and Join-left-repartition; its
//     third stream is forced through Join-right-repartition by its key
//     format in both;
//   - the topics are s1, s2 and s3.
//
// So the file is that plan's topology with those names, printed in
// TopologyDescription's order (InternalTopologyBuilder.describeSubtopology
// replayed over the renamed nodes, which leaves the plan's order as it
// is). The runtime specs are join_nway_srouter_test.go and, for the FULL
// OUTER last steps, join_nway_srouterlast_test.go and
// join_nway_srouterrekey_test.go; for a second rekey (a RIGHT one too),
// join_nway_srouterrekey2_test.go, and for a FULL OUTER step between
// others, join_nway_sroutermid_test.go (join_nway_sroutermidrekey_test.go
// where it rekeys the result); for a RIGHT step after a FULL
// OUTER first one, join_nway_srouterright_test.go, after one between
// others, join_nway_srouterrightmid_test.go; for a FULL OUTER step after
// a FULL OUTER one (first or between others),
// join_nway_sroutertwo_test.go; for a stream-table join after one,
// join_nway_sroutertable_test.go.
var registryOuterExplainCases = []explainCase{
	{
		name:   "a FULL OUTER first step of a chain keyed in formats that infer schemas is rekeyed through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-outer-inner.topology",
	},
	{
		// the second join rekeying the FULL OUTER result on ABS(S1.ID)
		// (registryOuterExprChain, join_nway_srouterexpr_test.go): the same
		// LeftSourceKeyed-SelectKey, the key KSQL_COL_0 naming no node
		name:   "a FULL OUTER first step of a chain keyed in formats that infer schemas is rekeyed on an expression through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterExprChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-outer-inner.topology",
	},
	{
		// a FULL OUTER last step (registryOuterLastChain): the historical
		// plan multi-joins_-_stream-stream-stream_-_SR-enabled_key_format's
		// topology with the second join's processors and stores named as
		// KStreamImplJoin names an outer join's (the historical plan
		// multi-joins_-_stream-stream-stream_-_outer-outer's last step), at
		// the same indexes, and the topics renamed
		name:   "a FULL OUTER last step of a chain keyed in formats that infer schemas repartitions only its stream",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterLastChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-inner-outer.topology",
	},
	{
		// a FULL OUTER first step on value columns (registryOuterValueChain):
		// the SelectKey and repartition nodes are named by their contexts,
		// not by their keys, so the topology is the one on keys
		name:   "a FULL OUTER first step on value columns of a chain keyed in formats that infer schemas is rekeyed through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterValueChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-outer-inner.topology",
	},
	{
		// a FULL OUTER last step on value columns (registryOuterRekeyChain),
		// rekeying the first step's result and S3: the historical plan
		// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey's
		// topology with the second join's processors and stores named as
		// KStreamImplJoin names an outer join's (the historical plan
		// multi-joins_-_stream-stream-stream_-_outer-outer's last step), at
		// the same indexes, and the topics renamed
		name:   "a FULL OUTER last step of a chain keyed in formats that infer schemas that rekeys the result repartitions both its sides",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-inner-outer-rekey.topology",
	},
	{
		// a second rekey after the rekeyed FULL OUTER result
		// (registrySecondRekeyChain): the topology of the first case one
		// level deeper (each context taking one more L_, the indexes as
		// they were), its last join rekeying the result as the historical
		// plan multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey's
		// second join does: LeftSourceKeyed-SelectKey after L_Join-merge,
		// the join's sub-topology before the fourth stream's, whose source
		// takes index 36, stores 48/49 and the sink 52
		name:   "a second rekey after a rekeyed FULL OUTER result of a chain keyed in formats that infer schemas",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registrySecondRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-outer-inner-inner.topology",
	},
	{
		// its second join taking S3 on ABS(S3.ID)
		// (registrySecondRekeyExprChain, join_nway_srouterexpr_test.go): S3
		// went through L_RightSourceKeyed-SelectKey already, the key
		// KSQL_COL_0 naming no node
		name:   "a second rekey past a FULL OUTER first step after a stream rekeyed on an expression goes through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registrySecondRekeyExprChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-outer-inner-inner.topology",
	},
	{
		// a FULL OUTER step between others (registryOuterMidChain): the
		// topology of the FULL OUTER last step on keys
		// (registryOuterLastChain) one level deeper, the indexes as they
		// were, its result rekeyed by LeftSourceKeyed-SelectKey after
		// L_Join-merge into Join-left-repartition as in the historical plan
		// multi-joins_-_stream-stream-stream_-_outer-outer, the join's
		// sub-topology before S4's (source 32), stores 44/45 and the sink
		// 48; the first sub-topology keeps NodeComparator's order, each
		// sub-tree one node larger
		name:   "a FULL OUTER step between others of a chain keyed in formats that infer schemas is rekeyed through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterMidChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-inner-outer-inner.topology",
	},
	{
		// that FULL OUTER step joining S3 on ABS(S3.ID)
		// (registryOuterMidExprChain, join_nway_srouterexpr_test.go): S3
		// went through L_RightSourceKeyed-SelectKey already, the key
		// KSQL_COL_0 naming no node
		name:   "a FULL OUTER step between others of a chain keyed in formats that infer schemas that rekeys its stream on an expression is rekeyed through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterMidExprChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-inner-outer-inner.topology",
	},
	{
		// a RIGHT step after the FULL OUTER first one
		// (registryOuterRightChain): the first case's topology with the
		// second join's sides named by KStreamImpl.doJoin for S3's leftJoin
		// of the rekeyed result, as the historical plan
		// joins_-_stream_stream_right_join_-_rekey_-_JSON names its sides:
		// the result, "other", through Join-right-repartition into
		// Join-other-windowed (KSTREAM-OUTEROTHER-33) and
		// Join-outer-other-join, S3, "this", through Join-left-repartition
		// into Join-this-windowed (KSTREAM-JOINTHIS-32)
		name:   "a RIGHT step after a FULL OUTER first step of a chain keyed in formats that infer schemas rekeys its result through Join-right-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterRightChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-outer-right.topology",
	},
	{
		// a FULL OUTER step after the FULL OUTER first one
		// (registryTwoOuterChain), the historical plan
		// multi-joins_-_stream-stream-stream_-_outer-outer's query: the
		// first case's topology with the second join's processors and
		// stores named as that plan names its second step's
		// (Join-outer-this-join/-outer-other-join,
		// KSTREAM-OUTERTHIS/-OUTEROTHER), at the first case's indexes
		name:   "a FULL OUTER step after a FULL OUTER first step of a chain keyed in formats that infer schemas rekeys its result through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryTwoOuterChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-sr-keys-outer-outer.topology",
	},
	{
		// a FULL OUTER last step after a FULL OUTER step between others
		// (registryMidTwoOuterChain): the previous case's topology
		// (registryOuterMidChain's) with the last join's processors and
		// stores named as an outer join's, at the same indexes
		name:   "a FULL OUTER last step after a FULL OUTER step between others of a chain keyed in formats that infer schemas rekeys its result through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryMidTwoOuterChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-inner-outer-outer.topology",
	},
	{
		// a RIGHT last step after a FULL OUTER step between others
		// (registryOuterMidRightChain): registryOuterMidChain's topology
		// with the last join's sides named by KStreamImpl.doJoin for S4's
		// leftJoin of the rekeyed result, as the RIGHT step after a FULL
		// OUTER first one names them: the result, "other", through
		// Join-right-repartition into Join-other-windowed
		// (KSTREAM-OUTEROTHER-45) and Join-outer-other-join, S4, "this",
		// through Join-left-repartition into Join-this-windowed
		// (KSTREAM-JOINTHIS-44)
		name:   "a RIGHT step after a FULL OUTER step between others of a chain keyed in formats that infer schemas rekeys its result through Join-right-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterMidRightChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-inner-outer-right.topology",
	},
	{
		// a RIGHT step that rekeys the result a second time
		// (registrySecondRightRekeyChain): the topology of the second
		// rekey (registrySecondRekeyChain's) with the last join's sides
		// named by KStreamImpl.doJoin for S4's leftJoin of the result, as
		// the RIGHT step after a FULL OUTER first one names them
		name:   "a RIGHT step that rekeys a result past a FULL OUTER step of a chain keyed in formats that infer schemas writes it to Join-right-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registrySecondRightRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-outer-inner-right.topology",
	},
	{
		// a FULL OUTER step between others that rekeys the result
		// (registryOuterMidRekeyChain): each level rekeys both its sides
		// as registrySecondRekeyChain's do, so the topology is that case's
		// with the first join's processors and stores named as an inner
		// join's and the second's as an outer join's, at the same indexes
		name:   "a FULL OUTER step between others of a chain keyed in formats that infer schemas that rekeys the result is rekeyed through Join-left-repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryOuterMidRekeyChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-inner-outer-rekey-inner.topology",
	},
	{
		// two FULL OUTER steps before an INNER join
		// (registryTwoOuterMidChain): registrySecondRekeyChain's topology
		// with the second join's processors and stores named as an outer
		// join's, at the same indexes (twoOuterChain's, keyed so, the
		// historical plan multi-joins_-_stream-stream-stream_-_outer-outer
		// one level deeper)
		name:   "two FULL OUTER steps of a chain keyed in formats that infer schemas are each rekeyed through their join's repartition",
		topics: []string{"s1", "s2", "s3"},
		stmts:  registryOuterStreams + registryTwoOuterMidChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-stream-sr-keys-outer-outer-inner.topology",
	},
	{
		// a stream-table join after a FULL OUTER step between others, its
		// table keyed in KAFKA (registryOuterTableChain): the table is
		// built first, as in the historical plan
		// multi-joins_-_stream-stream-table_-_full-inner (indexes 0 to 5,
		// its sub-topology 0 with Join-repartition-source, Join, Project
		// and the sink), then the stream-stream steps of
		// registryOuterLastChain one level deeper with every index six
		// higher, the FULL OUTER result rekeyed by
		// LeftSourceKeyed-SelectKey after L_Join-merge into
		// Join-repartition as in that plan; the sink takes 43 (the rekey's
		// SelectKey 37, six before it, as in that plan); sub-topologies
		// numbered in the order their first node is built
		// (InternalTopologyBuilder.makeNodeGroups) and printed in
		// NodeComparator's order (describeSubtopology replayed)
		name:   "a stream-table join after a FULL OUTER step between others of a chain keyed in formats that infer schemas rekeys the result through Join-repartition",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  registryOuterStreams + registryOuterTableChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-sr-keys-inner-outer-kafka-table.topology",
	},
	{
		// a stream-table join after a join past a FULL OUTER first step
		// (registryOuterRekeyTableChain): built as the previous case, over
		// registryOuterChain's stream-stream steps one level deeper (the
		// rekey's SelectKey 41, the sink 47)
		name:   "a stream-table join after a join past a FULL OUTER first step of a chain keyed in formats that infer schemas rekeys the result through Join-repartition",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  registryOuterStreams + registryOuterRekeyTableChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-sr-keys-outer-inner-kafka-table.topology",
	},
	{
		// the same chains with their table keyed in AVRO
		// (registryOuterRegistryTableChain, registryOuterRekeyRegistryTableChain):
		// the table is rekeyed as in the historical plan
		// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats
		// (indexes 0 to 11, its sub-topology 0 for the table's rekey, its
		// sub-topology 1 with RightSourceKeyed-SelectKey-repartition-source
		// beside Join-repartition-source, Join, Project and the sink), the
		// rest as in the KAFKA cases with every index six higher
		name:   "a stream-table join after a FULL OUTER step between others of a chain keyed in formats that infer schemas rekeys a table keyed in AVRO with the result",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  registryOuterStreams + registryOuterRegistryTableChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-sr-keys-inner-outer-avro-table.topology",
	},
	{
		name:   "a stream-table join after a join past a FULL OUTER first step of a chain keyed in formats that infer schemas rekeys a table keyed in AVRO with the result",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  registryOuterStreams + registryOuterRekeyRegistryTableChain,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-sr-keys-outer-inner-avro-table.topology",
	},
}

func TestExplainOfARegistryKeyedChainWithAFullOuterStepFollowsKsqlDBsBuilders(t *testing.T) {
	for _, c := range registryOuterExplainCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

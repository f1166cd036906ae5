package ksqldb

import (
	"strings"
	"testing"
)

// EXPLAIN of a chain on AVRO keys of a stream-table join, a stream-stream
// join and a second table, all on the key (srTablesQuery). No historical
// plan of confluentinc/ksql v7.9.0 records one; the topology is
// stream-table-stream-both-sides-rekeyed-registry-keys.topology
// (explain_firsttablebothrekeyed_test.go) one level deeper, the outer
// table T3 built first and rekeyed as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch builds its
// outer table (0-11, sub-topology 0): T 12-23, S1 24-27 through
// L_L_Join-repartition 28-30, L_L_Join 31, S2 32-35 through
// L_Join-right-repartition 36-38, windowed 39/40, stores
// KSTREAM-JOINTHIS/-JOINOTHER 41/42, L_Join-merge 43, then Join 44,
// Project 45 and sink 46, that file's from T on twelve indexes higher.
//
// With T3 joined on S1.K (srTablesResultRekeyQuery), the result is rekeyed
// for T3's join as
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats
// rekeys it: the same up to L_Join-merge 43, then LeftSourceKeyed-SelectKey
// 44, Join-repartition 45-47, Join 48, Project 49 and sink 50, the joins
// before the rekey in a sub-topology of their own after T's (that plan's
// sub-topology 4), numbered where L_L_RightSourceKeyed-SelectKey-repartition-source
// was added, before S1's and S2's rekeys; the same with T3 keyed in
// JSON_SR, as that plan's T3 is (the topology names no format).
//
// With T3 joined before S2 (srTwoTablesBeforeStreamJoinQuery), the
// stream-stream join is outermost: it builds its left side first, the
// stream-table join of T3, which builds T3 first, rekeyed through
// L_RightSourceKeyed-SelectKey-repartition as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// inner table (0-11, sub-topology 0), then T 12-23, S1 24-27,
// L_L_Join-repartition 28-30, L_L_Join 31, L_Join 32, then S2 33-36
// through Join-right-repartition 37-39, windowed 40/41, stores
// KSTREAM-JOINTHIS/-JOINOTHER 42/43, Join-merge 44, Project 45 and sink
// 46; the sub-topologies as above.
// The runtime specs are in join_nway_srtables_test.go.
var srTablesCases = []explainCase{
	{
		name:   "a table keyed in AVRO after a first stream-table join's sides and a stream are rekeyed is rekeyed too",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  srTablesSources + srTablesQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-table-sr-keys-all-rekeyed.topology",
	},
	{
		name:   "a table keyed in AVRO joined on a value column after a first stream-table join's sides and a stream are rekeyed is rekeyed with the result",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  srTablesSources + srTablesResultRekeyQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-table-sr-keys-all-rekeyed-result-rekeyed-by-table-join.topology",
	},
	{
		name:   "a table keyed in JSON_SR joined on a value column after a first stream-table join's sides and a stream are rekeyed is rekeyed with the result",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts: strings.Replace(srTablesSources, "KAFKA_TOPIC='t3', KEY_FORMAT='AVRO'", "KAFKA_TOPIC='t3', KEY_FORMAT='JSON_SR'", 1) +
			srTablesResultRekeyQuery,
		sink: "OUTPUT", topology: "stream-table-stream-table-sr-keys-all-rekeyed-result-rekeyed-by-table-join.topology",
	},
	{
		name:   "two tables keyed in AVRO after a first stream-table join's sides are rekeyed, then a stream-stream join, rekey every source",
		topics: []string{"s1", "s2", "s3", "t", "t3"},
		stmts:  srTablesSources + srTwoTablesBeforeStreamJoinQuery,
		sink:   "OUTPUT", topology: "stream-table-table-stream-sr-keys-all-rekeyed.topology",
	},
}

func TestExplainOfAChainOnRegistryKeysThatRekeysATableAfterAFirstStreamTableJoinsSidesAndAStream(t *testing.T) {
	for _, c := range srTablesCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

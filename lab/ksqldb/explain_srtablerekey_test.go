package ksqldb

import "testing"

// EXPLAIN of a chain of stream-stream joins on AVRO keys, then a table
// keyed in AVRO joined on a value column (srTableRekeyQuery). No
// historical plan of confluentinc/ksql v7.9.0 records one; the topology
// is multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats's
// with a second stream-stream join inserted before the table join, as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format joins S3
// (through its Join-right-repartition, twelve indexes from S3's source
// to the join's merge), one level deeper: T 0-11 and its rekey in
// sub-topology 0, S1 12-15, S2 16-19, the first join's repartitions,
// windowed nodes 26/27, stores KSTREAM-JOINTHIS/-JOINOTHER 28/29, its
// merge 30, then S3 31-34, L_Join-right-repartition 35-37, windowed
// 38/39, stores 40/41, L_Join-merge 42, LeftSourceKeyed-SelectKey 43,
// Join-repartition 44-46, Join 47, Project 48 and sink 49, the plan's
// from LeftSourceKeyed-SelectKey on twelve indexes higher.
//
// With the table joined before S3 (srTableBeforeStreamJoinQuery): the
// same plan's topology one level deeper as far as L_Join (T 0-11 rekeyed
// through L_RightSourceKeyed-SelectKey-repartition, S1 12-15, S2 16-19,
// stores 28/29, L_L_Join-merge 30, L_LeftSourceKeyed-SelectKey 31,
// L_Join-repartition 32-34, L_Join 35), then S3 as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format joins its
// third stream: S3 36-39, Join-right-repartition 40-42, windowed 43/44,
// stores KSTREAM-JOINTHIS/-JOINOTHER 45/46, Join-merge 47, Project 48 and
// sink 49. The runtime specs are in join_nway_srtablerekey_test.go.
var srTableRekeyCases = []explainCase{
	{
		name:   "the result and a table keyed in AVRO are both rekeyed at the table's join",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  srTableRekeySources + srTableRekeyQuery,
		sink:   "OUTPUT", topology: "stream-stream-stream-table-sr-keys-result-rekeyed-by-table-join.topology",
	},
	{
		name:   "the result and a table keyed in AVRO are both rekeyed at the table's join before a stream-stream join",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  srTableRekeySources + srTableBeforeStreamJoinQuery,
		sink:   "OUTPUT", topology: "stream-stream-table-stream-sr-keys-result-rekeyed-by-table-join.topology",
	},
}

func TestExplainOfAChainOnRegistryKeysThatRekeysTheResultAndTheTableAtTheTablesJoin(t *testing.T) {
	for _, c := range srTableRekeyCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}

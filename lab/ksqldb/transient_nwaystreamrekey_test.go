package ksqldb

import (
	"testing"
)

// A push chain with stream-stream steps that rekeys a side, or whose
// stream-stream steps are FULL OUTER, builds the persistent chain's
// topology under its transient application id (QueryBuilder.
// buildTransientQuery, see transient_nwaywindow_test.go): the window stores
// of each stream-stream step, logged to the changelogs its topology names,
// the tables' stores, and the repartitions of a rekeyed stream
// (L_Join-left-repartition) or of a FULL OUTER step's result before the
// next step (Join-left-repartition). The historical plans (7.1.0)
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left and
// multi-joins_-_stream-stream-stream_-_outer-outer list the persistent
// queries' internal topics; their test cases' rows are the push queries'.
// A RIGHT step is ksqlDB's LEFT join of its right stream
// (StreamStreamJoinBuilder), its stores numbered as
// multi-joins_-_stream-stream-stream_-_left-left's second step's (16/17)
// with the right stream as Kafka Streams' "this" side, KSTREAM-JOINTHIS,
// the result before it KSTREAM-OUTEROTHER (join_nway_srright_test.go).
func TestATransientChainWithStreamStreamStepsThatRekeysOrAreOuterKeepsThePersistentChainsTopicsUntilItIsClosed(t *testing.T) {
	runTransientChainCases(t, []transientChainCase{{
		plan: "multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left",
		ddl: `CREATE STREAM S1 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S1.K, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.ID JOIN T3 ON S1.K = T3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right2", 10, intKey(0), []byte(`{"V0":3}`)}, {"right", 11, intKey(0), []byte(`{"V0":2}`)},
			{"left", 12, intKey(1), []byte(`{"k":0,"V0":1}`)}, {"right", 13, intKey(0), []byte(`{"V0":4}`)},
			{"left", 100000, intKey(1), []byte(`{"k":0,"V0":5}`)}, {"right", 100001, intKey(0), []byte(`{"V0":6}`)}},
		rows: []string{`[0,1,2,3]`, `[0,1,4,3]`, `[0,5,6,3]`},
		topics: []string{"KSTREAM-JOINOTHER-0000000019-store-changelog", "KSTREAM-JOINTHIS-0000000018-store-changelog",
			"KafkaTopic_Right-Reduce-changelog", "L_Join-left-repartition"},
	}, {
		plan: "multi-joins_-_stream-stream-stream_-_outer-outer",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT ROWKEY, s1.V0, s2.V0, s3.V0 FROM S1 FULL OUTER JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID EMIT CHANGES;",
		inputs: []joinRec{{"left", 0, intKey(0), []byte(`{"V0":1}`)}, {"right", 1, intKey(0), []byte(`{"V0":2}`)},
			{"right2", 2, intKey(0), []byte(`{"V0":3}`)}, {"left", 3, intKey(0), []byte(`{"V0":4}`)}},
		rows: []string{`[0,1,null,null]`, `[0,1,2,null]`, `[0,1,null,3]`, `[0,1,2,3]`, `[0,4,2,3]`},
		topics: []string{"Join-left-repartition", "KSTREAM-OUTEROTHER-0000000009-store-changelog", "KSTREAM-OUTEROTHER-0000000021-store-changelog",
			"KSTREAM-OUTERTHIS-0000000008-store-changelog", "KSTREAM-OUTERTHIS-0000000020-store-changelog"},
	}, {
		plan: "inner-right",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S3.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID RIGHT JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID EMIT CHANGES;",
		inputs: []joinRec{{"left", 0, intKey(0), []byte(`{"V0":1}`)}, {"right", 1, intKey(0), []byte(`{"V0":2}`)},
			{"right2", 2, intKey(0), []byte(`{"V0":3}`)}},
		rows: []string{`[0,1,2,3]`},
		topics: []string{"KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINTHIS-0000000008-store-changelog",
			"KSTREAM-JOINTHIS-0000000016-store-changelog", "KSTREAM-OUTEROTHER-0000000017-store-changelog"},
	}})
}

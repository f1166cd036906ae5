package ksqldb

import (
	"testing"
)

// A push join chaining stream-stream steps on keys, in one key format,
// rekeys nothing and keeps each stream-stream step's window stores and
// each table's store as the persistent chain does (QueryBuilder.
// buildTransientQuery, see transient_internal_test.go), under the
// transient application id. The historical plans (7.1.0) of
// multi-joins_-_stream-stream-stream_-_left-left,
// multi-joins_-_stream-stream-table_-_inner-inner and
// multi-joins_-_stream-table-stream_-_inner-inner list the persistent
// queries' changelogs; their test cases' rows are the push queries'.
func TestATransientChainOfStreamStreamStepsLogsEachStepsStoresUntilItIsClosed(t *testing.T) {
	cases := []struct {
		plan, ddl, query string
		inputs           []joinRec
		rows, stores     []string
	}{{
		plan: "multi-joins_-_stream-stream-stream_-_left-left",
		ddl: `CREATE STREAM s1 (id INT KEY, v0 BIGINT) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM s2 (id INT KEY, v0 BIGINT) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE STREAM s3 (id INT KEY, v0 BIGINT) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT s1.id, s1.v0, s2.v0, s3.v0 FROM s1 LEFT JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id LEFT JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id EMIT CHANGES;",
		inputs: []joinRec{{"left", 0, intKey(0), []byte(`{"V0":1}`)}, {"right", 1, intKey(0), []byte(`{"V0":2}`)},
			{"right2", 2, intKey(0), []byte(`{"V0":3}`)}, {"left", 3, intKey(0), []byte(`{"V0":4}`)}},
		rows:   []string{`[0,1,null,null]`, `[0,1,2,null]`, `[0,1,null,3]`, `[0,1,2,3]`, `[0,4,2,3]`},
		stores: []string{"KSTREAM-JOINTHIS-0000000008-store", "KSTREAM-OUTEROTHER-0000000009-store", "KSTREAM-JOINTHIS-0000000016-store", "KSTREAM-OUTEROTHER-0000000017-store"},
	}, {
		plan: "multi-joins_-_stream-stream-table_-_inner-inner",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S2.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right2", 10, intKey(0), []byte(`{"V0":3}`)}, {"right", 11, intKey(0), []byte(`{"V0":2}`)},
			{"left", 12, intKey(0), []byte(`{"V0":1}`)}, {"right", 13, intKey(0), []byte(`{"V0":4}`)},
			{"left", 100000, intKey(0), []byte(`{"V0":5}`)}, {"right", 100001, intKey(0), []byte(`{"V0":6}`)}},
		rows:   []string{`[0,1,2,3]`, `[0,1,4,3]`, `[0,5,6,3]`},
		stores: []string{"KSTREAM-JOINTHIS-0000000014-store", "KSTREAM-JOINOTHER-0000000015-store", "KafkaTopic_Right-Reduce"},
	}, {
		plan: "multi-joins_-_stream-table-stream_-_inner-inner",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S3.ID, s1.V0, t2.V0, s3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right2", 10, intKey(0), []byte(`{"V0":3}`)}, {"right", 11, intKey(0), []byte(`{"V0":2}`)},
			{"left", 12, intKey(0), []byte(`{"V0":1}`)}, {"right", 13, intKey(0), []byte(`{"V0":4}`)},
			{"left", 100000, intKey(0), []byte(`{"V0":5}`)}, {"right2", 100001, intKey(0), []byte(`{"V0":6}`)}},
		rows:   []string{`[0,1,2,3]`, `[0,5,4,6]`},
		stores: []string{"KSTREAM-JOINTHIS-0000000015-store", "KSTREAM-JOINOTHER-0000000016-store", "KafkaTopic_L_Right-Reduce"},
	}}
	// the stream-stream steps' rows may come in either order
	var chains []transientChainCase
	for _, c := range cases {
		var topics []string
		for _, store := range c.stores {
			topics = append(topics, store+"-changelog")
		}
		chains = append(chains, transientChainCase{plan: c.plan, ddl: c.ddl, query: c.query, inputs: c.inputs, rows: c.rows, topics: topics, anyOrder: true})
	}
	runTransientChainCases(t, chains)
}

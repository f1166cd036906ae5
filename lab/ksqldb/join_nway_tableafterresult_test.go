package ksqldb

import "testing"

// A chain that rekeys the result, then joins a table keyed in another
// format on the column the result is keyed by. S1 and S2 are joined on
// their keys; S3 on S2.K, outside that join's equivalence set, so the
// result is rekeyed by it through L_Join-left-repartition in S3's key
// format (KAFKA: JoinNode.resolveKeyFormats takes the right side's where
// only the left is rekeyed); T3 on S2.K, in the result's set, so the
// table join's key format is the result's, which is not T3's JSON, and
// PreJoinRepartitionNode forces T3's rekey by its own key into KAFKA
// through RightSourceKeyed-SelectKey-repartition, materialized in
// RightSourceKeyed-Materialize (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format rekeys its
// table after repartitioned streams alike). Store numbers:
// explain_tableafterresult_test.go.
const (
	tableAfterResultSources = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);`
	tableAfterResultQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, s3.v0, t3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN t3 ON s2.k = t3.id;`
	tableAfterResultChain = tableAfterResultSources + tableAfterResultQuery
)

func TestAChainThatRekeysTheResultRekeysATableKeyedInAnotherFormatAfterIt(t *testing.T) {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":6}`
	joined := "{" + keyedRow("S1", 5, 1, 1, 0, 0) + "," + keyedRow("S2", 6, 2, 2, 0, 0) + "}"
	k := kafkaInt(6)
	runChainCases(t, []chainCase{{
		name:    "S2 on keys, S3 on S2.K, T3 keyed in JSON on S2.K",
		sources: tableAfterResultSources,
		stmt:    tableAfterResultQuery,
		tables:  []joinRec{{"t3", 0, []byte("6"), []byte(`{"V0":9}`)}},
		settled: []string{"-RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)},
			{"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, kafkaInt(6), []byte(`{"K":8,"V0":3}`)}},
		out: `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T3_V0":9} @3`,
		logs: []chainLog{
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
			{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+keyedRow("S1", 5, 1, 1, 0, 0)+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+keyedRow("S2", 6, 2, 2, 0, 0)+"}", 2)}},
			{"-L_Join-left-repartition", []string{logLine(string(k), joined, 2)}},
			{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 6)+"}", 3)}},
		},
		absent: []string{"-KafkaTopic_Right-Reduce-changelog", "-Join-repartition", "-L_Join-right-repartition"},
	}})
}

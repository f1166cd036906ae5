package ksqldb

import "testing"

// A chain that rekeys a later stream, then joins a table keyed in another
// format. S1 and S2 are joined on their keys; S3 on its column K, so it
// goes through L_Join-right-repartition keyed by K in the chain's KAFKA;
// T3 on S1.ID, in the result's equivalence set, so the table join's key
// format is the result's KAFKA, which is not T3's JSON, and
// PreJoinRepartitionNode forces T3's rekey by its own key into KAFKA
// through RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize, as after any other rekey (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format). Store
// numbers: explain_tableafterstream_test.go.
const (
	tableAfterStreamSources = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);`
	tableAfterStreamQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, t3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k JOIN t3 ON s1.id = t3.id;`
	tableAfterStreamChain = tableAfterStreamSources + tableAfterStreamQuery
)

func TestAChainThatRekeysALaterStreamRekeysATableKeyedInAnotherFormatAfterIt(t *testing.T) {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2, s3 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7), "{"+keyedRow("S3", 7, 3, 3, 0, 9)+"}"
	k := kafkaInt(7)
	runChainCases(t, []chainCase{{
		name:    "S2 on keys, S3 on S3.K, T3 keyed in JSON on S1.ID",
		sources: tableAfterStreamSources,
		stmt:    tableAfterStreamQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}},
		settled: []string{"-RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(7), []byte(`{"K":5,"V0":1}`)},
			{"s2", 2, kafkaInt(7), []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, kafkaInt(9), []byte(`{"K":7,"V0":3}`)}},
		out: `00000007 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T3_V0":9} @3`,
		logs: []chainLog{
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
			{"-L_Join-right-repartition", []string{logLine(string(k), s3, 3)}},
			{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s1+","+s2+"}", 2)}},
			{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), s3, 3)}},
		},
		absent: []string{"-KafkaTopic_Right-Reduce-changelog", "-L_Join-left-repartition", "-Join-repartition"},
	}})
}

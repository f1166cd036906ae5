package ksqldb

import "testing"

// A chain whose first stream-stream join rekeys S1 on a column, then joins
// a table keyed in another format, then a stream-stream join on the key
// the result is keyed by. S1 goes through L_L_Join-left-repartition keyed
// by K in S2's KAFKA (JoinNode.resolveKeyFormats takes the right side's
// where only the left is rekeyed); T3 on S2.ID, in the result's
// equivalence set, so its join's key format is KAFKA, not T3's JSON, and
// PreJoinRepartitionNode forces T3's rekey through
// L_RightSourceKeyed-SelectKey-repartition into
// L_RightSourceKeyed-Materialize; S3 on S2.ID finds the result keyed and
// joins it as read, its left window store holding both streams' and the
// table's PrependAlias values (JoinParamsFactory.createSchema). Historical
// plans multi-joins_-_stream-stream-table_-_SR-enabled_key_format (a table
// rekeyed after rekeyed streams) and
// multi-joins_-_stream-table-stream_-_inner-inner (a stream-stream join
// after a stream-table one). Store numbers:
// explain_tablebetweenrekeys_test.go.
const (
	tableBetweenRekeysSources = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);`
	tableBetweenRekeysQuery = `
CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, t3.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id
JOIN t3 ON s2.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.id = s3.id;`
	tableBetweenRekeysChain = tableBetweenRekeysSources + tableBetweenRekeysQuery
)

func TestAChainRekeysATableKeyedInAnotherFormatBeforeAStreamStreamJoinAfterARekeyedStream(t *testing.T) {
	k := kafkaInt(7)
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2 := keyedRow("S1", 7, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 7)
	joined := "{" + s1 + "," + s2 + `,"T3_V0":9,"T3_ROWTIME":0,"T3_ROWPARTITION":0,"T3_ROWOFFSET":0,"T3_ID":7}`
	runChainCases(t, []chainCase{{
		name:    "S2 on S1.K, T3 keyed in JSON on S2.ID, S3 on S2.ID",
		sources: tableBetweenRekeysSources,
		stmt:    tableBetweenRekeysQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}},
		settled: []string{"-L_RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(0), []byte(`{"K":7,"V0":1}`)},
			{"s2", 2, k, []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, k, []byte(`{"K":8,"V0":3}`)}},
		out: `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3} @3`,
		logs: []chainLog{
			{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
			{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
			{"-L_L_Join-left-repartition", []string{logLine(string(k), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINTHIS-0000000024-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000025-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000034-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 7)+"}", 3)}},
		},
		absent: []string{"-KafkaTopic_L_Right-Reduce-changelog", "-L_L_Join-right-repartition", "-Join-left-repartition", "-Join-right-repartition"},
	}})
}

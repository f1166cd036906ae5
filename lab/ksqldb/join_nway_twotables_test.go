package ksqldb

import "testing"

// A chain of a stream-stream join on keys and two tables each keyed in
// another format than the chain. Each stream-table join's key format is
// its left input's, the streams' KAFKA (JoinNode.resolveKeyFormats), so
// PreJoinRepartitionNode forces each table's rekey by its own key into
// KAFKA through its join's <L_...>RightSourceKeyed-SelectKey-repartition,
// materialized in <L_...>RightSourceKeyed-Materialize (historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys both
// its tables so, after a stream). Store numbers:
// explain_twotables_test.go.
const (
	twoTablesSources = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE TABLE t4 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t4', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON', PARTITIONS=1);`
	twoTablesQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN t4 ON s1.id = t4.id;`
	twoTablesChain = twoTablesSources + twoTablesQuery
)

func TestAChainRekeysTwoTablesKeyedInOtherFormatsAfterAStreamStreamJoin(t *testing.T) {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	k := kafkaInt(7)
	runChainCases(t, []chainCase{{
		name:    "S2 on keys, T3 keyed in JSON and T4 in DELIMITED on S1.ID",
		sources: twoTablesSources,
		stmt:    twoTablesQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}},
		settled: []string{"-L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(7), []byte(`{"K":5,"V0":1}`)},
			{"s2", 2, kafkaInt(7), []byte(`{"K":6,"V0":2}`)}},
		out: `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"T4_V0":8} @2`,
		logs: []chainLog{
			{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
			{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t4, 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t4, 0)}},
			{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+keyedRow("S1", 5, 1, 1, 0, 7)+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+keyedRow("S2", 6, 2, 2, 0, 7)+"}", 2)}},
		},
		absent: []string{"-KafkaTopic_Right-Reduce-changelog", "-KafkaTopic_L_Right-Reduce-changelog", "-L_L_Join-left-repartition", "-L_L_Join-right-repartition"},
	}})
}

package ksqldb

import "testing"

// A chain of a stream-stream join on keys, two tables each keyed in
// another format than the chain, then a stream-stream join on the key.
// Each stream-table join's key format is its left input's, the streams'
// KAFKA (JoinNode.resolveKeyFormats), so PreJoinRepartitionNode forces
// each table's rekey by its own key into KAFKA through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition, materialized in
// <L_...>RightSourceKeyed-Materialize (historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys both
// its tables so, after a stream), here one level deeper than in
// join_nway_twotables_test.go: L_L_ for T3, L_ for T4. S3 is joined on
// S1.ID, the key the result keeps, so the last join rekeys nothing: its
// left window store holds the joined row so far, each table's
// PrependAlias values after the streams' in the order joined
// (JoinParamsFactory.createSchema: the left input's values, then the
// right's). Store numbers: explain_twotablesbeforestreamjoin_test.go.
const twoTablesBeforeStreamJoinQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, t4.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN t4 ON s1.id = t4.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id;`

func TestAChainRekeysTwoTablesKeyedInOtherFormatsBeforeAStreamStreamJoin(t *testing.T) {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7)
	k := kafkaInt(7)
	runChainCases(t, []chainCase{{
		name:    "S2 on keys, T3 keyed in JSON and T4 in DELIMITED on S1.ID, S3 on S1.ID",
		sources: twoTablesSources,
		stmt:    twoTablesBeforeStreamJoinQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}},
		settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-L_RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, k, []byte(`{"K":5,"V0":1}`)},
			{"s2", 2, k, []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, k, []byte(`{"K":8,"V0":3}`)}},
		out: `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"T4_V0":8,"S3_V0":3} @3`,
		logs: []chainLog{
			{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
			{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
			{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t4, 0)}},
			{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t4, 0)}},
			{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000042-store-changelog", []string{logLine(windowStoreKey(k, 2, 1),
				"{"+s1+","+s2+","+aliasedTableRow("T3", 9, 7)+","+aliasedTableRow("T4", 8, 7)+"}", 2)}},
			{"-KSTREAM-JOINOTHER-0000000043-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 7)+"}", 3)}},
		},
		absent: []string{"-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_L_L_Right-Reduce-changelog", "-RightSourceKeyed-SelectKey-repartition",
			"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition", "-Join-left-repartition", "-Join-right-repartition"},
	}})
}

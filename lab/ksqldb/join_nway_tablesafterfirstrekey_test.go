package ksqldb

import "testing"

// A chain of twoTablesSources whose first stream-stream join rekeys S2 by
// its column K, then joins T3 (JSON-keyed), S3 on its key and T4
// (DELIMITED-keyed), all on S1.ID. ksqlDB rekeys S2 through
// L_L_L_Join-right-repartition, in S1's KAFKA (JoinNode.resolveKeyFormats:
// the side not rekeyed gives it; historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys a stream so), the result keeping S1.ID, and each table by its own
// key into that format through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize (PreJoinRepartitionNode.maybeForceInternalKeyFormat;
// historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch
// rekeys its two tables so); S3's join needs no repartition, its left
// window store holding S1's, S2's and T3's PrependAlias values
// (JoinParamsFactory.createSchema). Store numbers:
// explain_tablesafterfirstrekey_test.go.
const tablesAfterFirstRekeyQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.k
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id JOIN t4 ON s1.id = t4.id;`

func tablesAfterFirstRekeyCases() []chainCase {
	k7 := kafkaInt(7)
	s1, s2, s3 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 7, 2, 2, 0, 9), keyedRow("S3", 6, 3, 3, 0, 7)
	return []chainCase{twoTablesAfterFirstJoinCase(
		"S2 through L_L_L_Join-right-repartition, T3 and T4 by their own keys",
		tablesAfterFirstRekeyQuery,
		[]joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(9), []byte(`{"K":7,"V0":2}`)},
			{"s3", 3, k7, []byte(`{"K":6,"V0":3}`)}},
		`00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`,
		[]chainLog{
			{"-L_L_L_Join-right-repartition", []string{logLine(string(k7), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000036-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000037-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
		},
		[2]int{45, 46}, "{"+s1+","+s2+","+aliasedTableRow("T3", 9, 7)+"}", 2, s3,
		[]string{"-L_L_L_Join-left-repartition", "-L_L_Join-repartition", "-L_RightSourceKeyed-SelectKey-repartition"},
	)}
}

func TestAChainWhoseFirstStreamStreamJoinRekeysItsStreamRekeysTwoTablesKeyedInOtherFormats(t *testing.T) {
	runChainCases(t, tablesAfterFirstRekeyCases())
}

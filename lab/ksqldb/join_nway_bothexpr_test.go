package ksqldb

import "testing"

// A chain whose later stream-stream join is on an expression of each side,
// ABS(S1.K) = ABS(S3.K): ksqlDB finds the first join's result keyed by
// S1.ID, so it rekeys that result by ABS(S1.K) through Join-left-repartition,
// keyed KSQL_COL_0 with its copy last among the values (historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema Join.Left), and S3 by ABS(S3.K) through Join-right-repartition,
// its copy S3_KSQL_COL_0 last among S3's values (historical plan
// multi-joins_-_only_viable_in_projection, schema Join.Right). The step's
// window stores hold each side's repartitioned values (StreamStreamJoinBuilder
// builds the value serdes of the sides' schemas: the left one's the
// rekeyed result's, the right one's S3's PrependAlias step's), both keyed by
// the expression's value; the joined row appends the synthetic ROWKEY
// (JoinParamsFactory.createSchema: no side holds a column of that name).
// Store numbers derived from the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey, whose
// second join rekeys both sides alike (stores 32/33): here the first join
// rekeys neither stream, so every index from its merge on is 8 lower
// (KStreamImplJoin: a side's SelectKey and PrependAlias, then each
// repartition's filter, sink and source), KSTREAM-JOINTHIS/-JOINOTHER 24/25.
func TestAStepThatRekeysTheResultAndItsStreamOnExpressionsStoresEachSidesRepartitionedValues(t *testing.T) {
	s1, s2 := keyedRow("S1", -6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5)
	left := "{" + s1 + "," + s2 + `,"KSQL_COL_0":6}`
	right := "{" + keyedRow("S3", 6, 3, 3, 0, 0) + `,"S3_KSQL_COL_0":6}`
	k := kafkaInt(6)
	runChainCases(t, []chainCase{{
		name:    "the result by ABS(S1.K), S3 by ABS(S3.K)",
		sources: keyedStreams,
		stmt: "CREATE STREAM output AS SELECT ROWKEY, s1.v0, s2.v0, s3.v0 FROM s1 " +
			"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON ABS(s1.k) = ABS(s3.k);",
		in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":-6,"V0":1}`)},
			{"s2", 2, kafkaInt(5), []byte(`{"K":0,"V0":2}`)},
			{"s3", 3, kafkaInt(0), []byte(`{"K":6,"V0":3}`)}},
		out: `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
		logs: []chainLog{
			{"-Join-left-repartition", []string{logLine(string(k), left, 2)}},
			{"-Join-right-repartition", []string{logLine(string(k), right, 3)}},
			{"-KSTREAM-JOINTHIS-0000000024-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), left, 2)}},
			{"-KSTREAM-JOINOTHER-0000000025-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), right, 3)}},
		},
		absent: []string{"-L_Join-left-repartition", "-L_Join-right-repartition"},
	}})
}

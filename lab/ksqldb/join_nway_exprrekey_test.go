package ksqldb

import "testing"

// A chain whose first join, stream-stream, is on both streams' keys and
// whose later join rekeys the result on an expression. ksqlDB rekeys the
// result as it rekeys it on a column (join_nway_laterrekey_test.go,
// join_nway_mixedrekey_test.go), through the later join's
// Join-left-repartition, or a stream-table join's Join-repartition, keyed
// by the expression's KSQL_COL_0 and with a copy of it last among the
// values, as StreamSelectKeyBuilder names and copies an expression's key
// (historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
// schema Join.Left ends with KSQL_COL_0); a later stream-stream join's
// left window store holds those values. The topologies are the ones of
// the chains rekeyed on a column (explain_exprrekey_test.go).

func TestAChainWhoseLaterJoinRekeysTheResultOnAnExpressionRepartitionsIt(t *testing.T) {
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 0)
	type log = chainLog
	runChainCases(t, []chainCase{
		{
			name: "a stream-stream join on ABS(S1.K) rekeys the result through Join-left-repartition",
			query: "SELECT s3.id, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
				"JOIN s3 WITHIN 10 SECONDS ON ABS(s1.k) = s3.id",
			in: []joinRec{{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)},
				{"s3", 3, kafkaInt(5), []byte(`{"K":8,"V0":3}`)}},
			out: `00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
			logs: []log{
				{"-Join-left-repartition", []string{logLine(string(kafkaInt(5)), "{"+s1+","+s2+`,"KSQL_COL_0":5}`, 2)}},
				{"-KSTREAM-JOINTHIS-0000000008-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000009-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+s2+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 2, 1), "{"+s1+","+s2+`,"KSQL_COL_0":5}`, 2)}},
				{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 5)+"}", 3)}},
			},
			absent: []string{"-Join-right-repartition", "-L_Join-left-repartition"},
		},
		{
			name: "a stream-table join on S1.K + 1 rekeys the result through Join-repartition",
			query: "SELECT t.id, s1.v0, s2.v0, t.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
				"JOIN t ON s1.k + 1 = t.id",
			in: []joinRec{{"t", 0, kafkaInt(6), []byte(`{"V0":9}`)},
				{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)}},
			out: `00000006 {"S1_V0":1,"S2_V0":2,"T_V0":9} @2`,
			logs: []log{
				{"-Join-repartition", []string{logLine(string(kafkaInt(6)), "{"+s1+","+s2+`,"KSQL_COL_0":6}`, 2)}},
				{"-KSTREAM-JOINTHIS-0000000014-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000015-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+s2+"}", 2)}},
			},
		},
	})
}

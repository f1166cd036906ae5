package ksqldb

import "testing"

// A chain keyed in KAFKA whose FULL OUTER first step, on both streams'
// keys, comes before a join on an expression or one that rekeys its
// stream. ksqlDB rekeys neither stream for the FULL OUTER step (both keyed
// in KAFKA by the join's columns), whose result is keyed by its synthetic
// key, which no join expression equals (JoinTree.joinEquivalenceSet is
// empty for an OUTER join); the next join rekeys that result by its left
// expression through Join-left-repartition
// (LogicalPlanner.prepareSourceForJoin), its values S1's and S2's, then the
// null ROWKEY (JoinParamsFactory.createSchema; historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer, schema Join.Left), then
// on an expression its copy KSQL_COL_0 (StreamSelectKeyBuilder appends
// it; historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema Join.Left), and a stream joined on a value column through
// Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey,
// schema Join.Right). The FULL OUTER step emits S1's row alone at once
// (no grace period), then joined with S2's, and S3's record joins both.
// Store numbers: explain_outerfirstrekey_test.go.

// outerFirstRekeyCases are the two chains, each with its records.
func outerFirstRekeyCases() []chainCase {
	k5, k6 := kafkaInt(5), kafkaInt(6)
	s1, s2 := keyedRow("S1", -6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5)
	noS2 := `"S2_K":null,"S2_V0":null,"S2_ROWTIME":null,"S2_ROWPARTITION":null,"S2_ROWOFFSET":null,"S2_ID":null`
	in := func(s3 joinRec) []joinRec {
		return []joinRec{{"s1", 1, k5, []byte(`{"K":-6,"V0":1}`)}, {"s2", 2, k5, []byte(`{"K":0,"V0":2}`)}, s3}
	}
	// the FULL OUTER results rekeyed by key (after the values, copy)
	rekeyed := func(key []byte, copy string) ([]string, []string) {
		alone, joined := "{"+s1+","+noS2+`,"ROWKEY":null`+copy+"}", "{"+s1+","+s2+`,"ROWKEY":null`+copy+"}"
		return []string{logLine(string(key), alone, 1), logLine(string(key), joined, 2)},
			[]string{logLine(windowStoreKey(key, 1, 1), alone, 1), logLine(windowStoreKey(key, 2, 2), joined, 2)}
	}
	outer := []chainLog{
		{"-KSTREAM-OUTERTHIS-0000000008-store-changelog", []string{logLine(windowStoreKey(k5, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-OUTEROTHER-0000000009-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+s2+"}", 2)}},
	}
	exprRepartition, exprStore := rekeyed(k6, `,"KSQL_COL_0":6`)
	colRepartition, colStore := rekeyed(k5, "")
	s3 := keyedRow("S3", 5, 3, 3, 0, 9)
	return []chainCase{
		{
			name:    "S3 joined on ABS(S1.K) rekeys the FULL OUTER result through Join-left-repartition",
			sources: keyedStreams,
			stmt: "CREATE STREAM output AS SELECT s3.id, s1.v0, s2.v0, s3.v0 FROM s1 " +
				"FULL OUTER JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON ABS(s1.k) = s3.id;",
			in: in(joinRec{"s3", 3, k6, []byte(`{"K":0,"V0":3}`)}),
			outs: []string{
				`00000006 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @3`,
				`00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
			},
			logs: append(outer,
				chainLog{"-Join-left-repartition", exprRepartition},
				chainLog{"-KSTREAM-JOINTHIS-0000000020-store-changelog", exprStore},
				chainLog{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+keyedRow("S3", 0, 3, 3, 0, 6)+"}", 3)}},
			),
			absent: []string{"-L_Join-left-repartition", "-L_Join-right-repartition", "-Join-right-repartition"},
		},
		{
			name:    "S3 joined on its value column K rekeys it through Join-right-repartition and the FULL OUTER result through Join-left-repartition",
			sources: keyedStreams,
			stmt: "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0 FROM s1 " +
				"FULL OUTER JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k;",
			in: in(joinRec{"s3", 3, kafkaInt(9), []byte(`{"K":5,"V0":3}`)}),
			outs: []string{
				`00000005 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @3`,
				`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
			},
			logs: append(outer,
				chainLog{"-Join-left-repartition", colRepartition},
				chainLog{"-Join-right-repartition", []string{logLine(string(k5), "{"+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000024-store-changelog", colStore},
				chainLog{"-KSTREAM-JOINOTHER-0000000025-store-changelog", []string{logLine(windowStoreKey(k5, 3, 1), "{"+s3+"}", 3)}},
			),
			absent: []string{"-L_Join-left-repartition", "-L_Join-right-repartition"},
		},
	}
}

func TestAKafkaKeyedChainWhoseFullOuterFirstStepComesBeforeARekeyRepartitionsIt(t *testing.T) {
	runChainCases(t, outerFirstRekeyCases())
}

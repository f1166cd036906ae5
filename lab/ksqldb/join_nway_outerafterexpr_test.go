package ksqldb

import "testing"

// A chain keyed in KAFKA that rekeys the result past a FULL OUTER step
// after a rekey on an expression made before that step: of the first
// stream, or of the result. ksqlDB rekeys S1 by ABS(S1.K) through
// L_L_Join-left-repartition, its copy S1_KSQL_COL_0 last among S1's values
// (historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema L_Join.Left), or the first join's result by ABS(S1.K) through
// L_Join-left-repartition keyed KSQL_COL_0, its copy after S1's and S2's
// values (that plan's schema Join.Left). The FULL OUTER step's result
// keeps its left side's values, that copy among them, then the right
// stream's, then appends its synthetic ROWKEY (JoinParamsFactory.createSchema;
// historical plan multi-joins_-_stream-stream-stream_-_outer-outer, schema
// Join.Left), which no join expression equals (JoinTree.joinEquivalenceSet
// is empty for an OUTER join), so the last join rekeys that result by S1.ID
// through Join-left-repartition (LogicalPlanner.prepareSourceForJoin),
// every value kept (StreamSelectKeyBuilder), ROWKEY null (KsqlValueJoiner
// fills the column it appends with null), as its left window store holds
// them. Store numbers: a rekey before a join adds four nodes to its twelve
// (join_nway_exprfirst_test.go's 12/13 and 24/25; outer-outer's 8/9 and
// 20/21), explain_outerafterexpr_test.go.

// outerAfterExprOutputs are what S4's record joins: the FULL OUTER step
// emits its left row alone at once (no grace period), then with S3's.
var outerAfterExprOutputs = []string{
	`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":4} @4`,
	`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @4`,
}

// outerAfterExprSettled is the FULL OUTER step's left window store, which
// holds the first join's result once it reached that step. S3's record is
// produced only then: the result reaches the step through a repartition
// topic (S1's, or the result's own), so S3's record, produced with S1's
// and S2's, could be joined first, as a task processes what its
// partitions hold, and the FULL OUTER step would then emit S3 alone (its
// null S1.ID dropped by the last rekey) and never the left row alone:
// one output, not two (KStreamKStreamJoin emits an unmatched row at once
// where the window has no grace period).
const outerAfterExprSettled = "-KSTREAM-OUTERTHIS-0000000020-store-changelog"

// outerAfterExprCases are the two chains, each with its records.
func outerAfterExprCases() []chainCase {
	k5, k6 := kafkaInt(5), kafkaInt(6)
	noS3 := `"S3_K":null,"S3_V0":null,"S3_ROWTIME":null,"S3_ROWPARTITION":null,"S3_ROWOFFSET":null,"S3_ID":null`
	s4 := []string{logLine(windowStoreKey(k5, 4, 1), "{"+keyedRow("S4", 0, 4, 4, 0, 5)+"}", 4)}
	// the FULL OUTER result rekeyed by S1.ID: left, alone then with S3's
	// row, the null ROWKEY last
	rekeyed := func(left, s3 string) []string {
		return []string{
			logLine(string(k5), "{"+left+","+noS3+`,"ROWKEY":null}`, 2),
			logLine(string(k5), "{"+left+","+s3+`,"ROWKEY":null}`, 3),
		}
	}
	stored := func(left, s3 string) []string {
		return []string{
			logLine(windowStoreKey(k5, 2, 1), "{"+left+","+noS3+`,"ROWKEY":null}`, 2),
			logLine(windowStoreKey(k5, 3, 2), "{"+left+","+s3+`,"ROWKEY":null}`, 3),
		}
	}

	// S1 rekeyed by ABS(S1.K) = 6 for the first join
	s1 := keyedRow("S1", -6, 1, 1, 0, 5) + `,"S1_KSQL_COL_0":6`
	s2, s3 := keyedRow("S2", 0, 2, 2, 0, 6), keyedRow("S3", 0, 3, 3, 0, 6)
	first := s1 + "," + s2

	// the first join's result, on keys, rekeyed by ABS(S1.K) = 6 for the
	// FULL OUTER step
	rs1, rs2 := keyedRow("S1", -6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5)
	result := rs1 + "," + rs2 + `,"KSQL_COL_0":6`
	return []chainCase{
		{
			name:    "S1 rekeyed by ABS(S1.K), a FULL OUTER step on the key, then the result rekeyed by S1.ID",
			sources: laterExprStreams,
			stmt: "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 " +
				"JOIN s2 WITHIN 10 SECONDS ON ABS(s1.k) = s2.id FULL OUTER JOIN s3 WITHIN 10 SECONDS ON s2.id = s3.id " +
				"JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;",
			tables:  []joinRec{{"s1", 1, k5, []byte(`{"K":-6,"V0":1}`)}, {"s2", 2, k6, []byte(`{"K":0,"V0":2}`)}},
			settled: []string{outerAfterExprSettled},
			in:      []joinRec{{"s3", 3, k6, []byte(`{"K":0,"V0":3}`)}, {"s4", 4, k5, []byte(`{"K":0,"V0":4}`)}},
			outs:    outerAfterExprOutputs,
			logs: []chainLog{
				{"-L_L_Join-left-repartition", []string{logLine(string(k6), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINTHIS-0000000012-store-changelog", []string{logLine(windowStoreKey(k6, 1, 1), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000013-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+s2+"}", 2)}},
				{"-KSTREAM-OUTERTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+first+"}", 2)}},
				{"-KSTREAM-OUTEROTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3+"}", 3)}},
				{"-Join-left-repartition", rekeyed(first, s3)},
				{"-KSTREAM-JOINTHIS-0000000032-store-changelog", stored(first, s3)},
				{"-KSTREAM-JOINOTHER-0000000033-store-changelog", s4},
			},
			absent: []string{"-L_L_Join-right-repartition", "-L_Join-left-repartition", "-L_Join-right-repartition", "-Join-right-repartition"},
		},
		{
			name:    "S1 and S2 on keys, a FULL OUTER step that rekeys the result by ABS(S1.K), then the result rekeyed by S1.ID",
			sources: laterExprStreams,
			stmt: "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 " +
				"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id FULL OUTER JOIN s3 WITHIN 10 SECONDS ON ABS(s1.k) = s3.id " +
				"JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;",
			tables:  []joinRec{{"s1", 1, k5, []byte(`{"K":-6,"V0":1}`)}, {"s2", 2, k5, []byte(`{"K":0,"V0":2}`)}},
			settled: []string{outerAfterExprSettled},
			in:      []joinRec{{"s3", 3, k6, []byte(`{"K":0,"V0":3}`)}, {"s4", 4, k5, []byte(`{"K":0,"V0":4}`)}},
			outs:    outerAfterExprOutputs,
			logs: []chainLog{
				{"-KSTREAM-JOINTHIS-0000000008-store-changelog", []string{logLine(windowStoreKey(k5, 1, 1), "{"+rs1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000009-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+rs2+"}", 2)}},
				{"-L_Join-left-repartition", []string{logLine(string(k6), "{"+result+"}", 2)}},
				{"-KSTREAM-OUTERTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+result+"}", 2)}},
				{"-KSTREAM-OUTEROTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3+"}", 3)}},
				{"-Join-left-repartition", rekeyed(result, s3)},
				{"-KSTREAM-JOINTHIS-0000000032-store-changelog", stored(result, s3)},
				{"-KSTREAM-JOINOTHER-0000000033-store-changelog", s4},
			},
			absent: []string{"-L_L_Join-left-repartition", "-L_L_Join-right-repartition", "-L_Join-right-repartition", "-Join-right-repartition"},
		},
	}
}

func TestAChainThatRekeysAFullOuterResultAfterARekeyOnAnExpressionRepartitionsIt(t *testing.T) {
	runChainCases(t, outerAfterExprCases())
}

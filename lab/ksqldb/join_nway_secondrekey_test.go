package ksqldb

import "testing"

// A chain that rekeys the result a second time after a rekey of it on an
// expression. S1 and S2 are joined on their keys; S3 on ABS(S1.K), which
// is not in that join's equivalence set (JoinTree.joinEquivalenceSet), so
// the result is rekeyed by it through L_Join-left-repartition, keyed
// KSQL_COL_0 and its copy KSQL_COL_0 last among the values (historical
// plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
// schema Join.Left); T on S2.K, outside the second join's set, so that
// result is rekeyed by S2_K through Join-repartition, carrying the copy
// between S2's and S3's values (JoinParamsFactory.createSchema: the left
// input's values, then the right's; StreamSelectKeyBuilder keeps every
// value and a column key adds no copy), computed again from the joined
// row. Store numbers: explain_secondrekey_test.go.

// secondRekeyQuery joins S1 and S2 on their keys, S3 on an expression of
// S1's column, T on S2's.
const secondRekeyQuery = "SELECT s2.k, s1.v0, s2.v0, s3.v0, t.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
	"JOIN s3 WITHIN 10 SECONDS ON ABS(s1.k) = s3.id JOIN t ON s2.k = t.id"

func TestAChainThatRekeysTheResultAgainAfterARekeyOnAnExpressionRepartitionsBoth(t *testing.T) {
	s1, s2 := keyedRow("S1", -5, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 0)
	s3 := keyedRow("S3", 8, 3, 3, 0, 5)
	rekeyed := "{" + s1 + "," + s2 + `,"KSQL_COL_0":5}`
	runChainCases(t, []chainCase{{
		name:  "the second rekey carries the first's copy of its key",
		query: secondRekeyQuery,
		in: []joinRec{{"t", 0, kafkaInt(6), []byte(`{"V0":9}`)},
			{"s1", 1, kafkaInt(0), []byte(`{"K":-5,"V0":1}`)}, {"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, kafkaInt(5), []byte(`{"K":8,"V0":3}`)}},
		out: `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T_V0":9} @3`,
		logs: []chainLog{
			{"-KSTREAM-JOINTHIS-0000000014-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000015-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+s2+"}", 2)}},
			{"-L_Join-left-repartition", []string{logLine(string(kafkaInt(5)), rekeyed, 2)}},
			{"-KSTREAM-JOINTHIS-0000000026-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 2, 1), rekeyed, 2)}},
			{"-KSTREAM-JOINOTHER-0000000027-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 3, 1), "{"+s3+"}", 3)}},
			{"-Join-repartition", []string{logLine(string(kafkaInt(6)), rekeyed[:len(rekeyed)-1]+","+s3+"}", 3)}},
		},
		absent: []string{"-L_Join-right-repartition", "-L_L_Join-left-repartition", "-L_L_Join-right-repartition"},
	}})
}

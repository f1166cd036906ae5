package ksqldb

import "testing"

// Chains whose first stream-table join rekeys its stream and whose later
// stream-stream join rekeys the result on a column outside the first
// join's criteria (JoinTree.joinEquivalenceSet). ksqlDB rekeys S1 for the
// stream-table join through L_Join-repartition (on an expression: keyed
// by it, its copy S1_KSQL_COL_0 last among S1's values; historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema L_Join.Left), the joined result holds S1's values, that copy and
// T's values (that plan's schema Join.Left), and the stream-stream join
// rekeys the whole result by S1.ID through Join-left-repartition
// (StreamSelectKeyBuilder keeps every value; a column key adds no copy),
// whose values its left window store holds. Store numbers:
// explain_tableresult_test.go.

// tableResultOnColumn and tableResultOnExpression join S1 to T on S1.K,
// or on an expression of it, then the result to S3 on S1's old key.
const (
	tableResultOnColumn = "SELECT s1.id, s1.v0, t.v0, s3.v0 FROM s1 JOIN t ON s1.k = t.id " +
		"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id"
	tableResultOnExpression = "SELECT s1.id, s1.v0, t.v0, s3.v0 FROM s1 JOIN t ON ABS(s1.k) = t.id " +
		"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id"
)

func TestAChainThatRekeysTheResultOfAStreamTableJoinThatRekeyedItsStreamRepartitionsBoth(t *testing.T) {
	s3 := "{" + keyedRow("S3", 8, 3, 2, 0, 7) + "}"
	onColumn := keyedRow("S1", 5, 1, 1, 0, 7)
	onExpr := keyedRow("S1", -5, 1, 1, 0, 7) + `,"S1_KSQL_COL_0":5`
	runChainCases(t, []chainCase{
		{
			name:  "after a stream-table join on a column",
			query: tableResultOnColumn,
			in: []joinRec{{"t", 0, kafkaInt(5), []byte(`{"V0":9}`)},
				{"s1", 1, kafkaInt(7), []byte(`{"K":5,"V0":1}`)}, {"s3", 2, kafkaInt(7), []byte(`{"K":8,"V0":3}`)}},
			out: `00000007 {"S1_V0":1,"T_V0":9,"S3_V0":3} @2`,
			logs: []chainLog{
				{"-L_Join-repartition", []string{logLine(string(kafkaInt(5)), "{"+onColumn+"}", 1)}},
				{"-Join-left-repartition", []string{logLine(string(kafkaInt(7)), "{"+onColumn+","+tRow(9, 0, 0, 5)+"}", 1)}},
				{"-KSTREAM-JOINTHIS-0000000023-store-changelog", []string{logLine(windowStoreKey(kafkaInt(7), 1, 1), "{"+onColumn+","+tRow(9, 0, 0, 5)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000024-store-changelog", []string{logLine(windowStoreKey(kafkaInt(7), 2, 1), s3, 2)}},
			},
			absent: []string{"-Join-right-repartition", "-Join-repartition"},
		},
		{
			name:  "after a stream-table join on an expression, the result carrying S1's copy of its key",
			query: tableResultOnExpression,
			in: []joinRec{{"t", 0, kafkaInt(5), []byte(`{"V0":9}`)},
				{"s1", 1, kafkaInt(7), []byte(`{"K":-5,"V0":1}`)}, {"s3", 2, kafkaInt(7), []byte(`{"K":8,"V0":3}`)}},
			out: `00000007 {"S1_V0":1,"T_V0":9,"S3_V0":3} @2`,
			logs: []chainLog{
				{"-L_Join-repartition", []string{logLine(string(kafkaInt(5)), "{"+onExpr+"}", 1)}},
				{"-Join-left-repartition", []string{logLine(string(kafkaInt(7)), "{"+onExpr+","+tRow(9, 0, 0, 5)+"}", 1)}},
				{"-KSTREAM-JOINTHIS-0000000023-store-changelog", []string{logLine(windowStoreKey(kafkaInt(7), 1, 1), "{"+onExpr+","+tRow(9, 0, 0, 5)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000024-store-changelog", []string{logLine(windowStoreKey(kafkaInt(7), 2, 1), s3, 2)}},
			},
			absent: []string{"-Join-right-repartition", "-Join-repartition"},
		},
	})
}

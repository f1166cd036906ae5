package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose first stream-stream join rekeys its right stream on an
// expression and whose later join rekeys the result on a column. ksqlDB
// rekeys S2 for the first join through L_Join-right-repartition, keyed by
// the expression, its copy S2_KSQL_COL_0 last among S2's values; the
// joined result carries that copy after S2's values (historical plan
// multi-joins_-_only_viable_in_projection: schemas L_Join.Right and
// Join.Left), and the later join rekeys the whole result by S1.K through
// Join-left-repartition (StreamSelectKeyBuilder keeps every value; a
// column key adds no copy), whose values the later join's left window
// store holds. Store numbers: explain_rightexpr_test.go.

// rightExprQuery joins S1 to S2 on an expression of S2's column, then the
// result to S3 on a value column of S1.
const rightExprQuery = "CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, s3.v0 FROM s1 " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.id = ABS(s2.k) JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id;"

func TestAChainThatRekeysAResultAfterARightStreamRekeyedOnAnExpressionRepartitionsBoth(t *testing.T) {
	s2 := "{" + keyedRow("S2", -5, 2, 2, 0, 0) + `,"S2_KSQL_COL_0":5}`
	joined := "{" + keyedRow("S1", 6, 1, 1, 0, 5) + "," + s2[1:]
	runChainCases(t, []chainCase{{
		name:    "S2 on ABS(S2.K), then S3 on S1.K",
		sources: keyedStreams,
		stmt:    rightExprQuery,
		in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
			{"s2", 2, kafkaInt(0), []byte(`{"K":-5,"V0":2}`)},
			{"s3", 3, kafkaInt(6), []byte(`{"K":8,"V0":3}`)}},
		out: `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
		logs: []chainLog{
			{"-L_Join-right-repartition", []string{logLine(string(kafkaInt(5)), s2, 2)}},
			{"-KSTREAM-JOINTHIS-0000000012-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 1, 1), "{"+keyedRow("S1", 6, 1, 1, 0, 5)+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000013-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 2, 1), s2, 2)}},
			{"-Join-left-repartition", []string{logLine(string(kafkaInt(6)), joined, 2)}},
			{"-KSTREAM-JOINTHIS-0000000024-store-changelog", []string{logLine(windowStoreKey(kafkaInt(6), 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000025-store-changelog", []string{logLine(windowStoreKey(kafkaInt(6), 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 6)+"}", 3)}},
		},
		absent: []string{"-L_Join-left-repartition", "-Join-right-repartition"},
	}})
}

// A new server on the same topics restores the later join's left store: a
// record of S3 after the restart joins the rekeyed result from before it,
// S2's copy of its key among its values.
func TestAChainThatRekeysAResultAfterARightStreamRekeyedOnAnExpressionRestoresItsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, keyedStreams, nil)
	mustKSQL(t, url, rightExprQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
		joinRec{"s2", 2, kafkaInt(0), []byte(`{"K":-5,"V0":2}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000024-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 3, kafkaInt(6), []byte(`{"K":8,"V0":3}`)})
	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`; got != want {
		t.Errorf("OUTPUT after the restart: %s, want %s", got, want)
	}
}

package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose second stream-stream join rekeys its right stream on an
// expression and whose third rekeys the result on a column. ksqlDB finds
// the first join's result keyed already (S1 and S2 joined on their keys),
// rekeys S3 for the second join through L_Join-right-repartition, keyed
// by the expression, its copy S3_KSQL_COL_0 last among S3's values
// (historical plan multi-joins_-_only_viable_in_projection: schema
// Join.Right holds S3_KSQL_COL_0 after S3's values), the joined result
// keeps that copy after S3's values (JoinParamsFactory.createSchema; the
// same plan's schema Join.Left holds S2_KSQL_COL_0 so), and the third join
// rekeys the whole result by S1.K through Join-left-repartition
// (StreamSelectKeyBuilder keeps every value; a column key adds no copy),
// whose values the third join's left window store holds. Store numbers:
// explain_laterexpr_test.go.

// laterExprStreams are keyedStreams and a fourth stream of the same shape.
const laterExprStreams = keyedStreams + `
CREATE STREAM s4 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s4', VALUE_FORMAT='JSON', PARTITIONS=1);`

// laterExprQuery joins S1 to S2 on their keys, the result to S3 on an
// expression of S3's column, then to S4 on a value column of S1.
const laterExprQuery = "CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = ABS(s3.k) " +
	"JOIN s4 WITHIN 10 SECONDS ON s1.k = s4.id;"

// laterExprRecords are one record of each of S1, S2 and S3 that join, in
// that order.
var laterExprRecords = []joinRec{
	{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
	{"s2", 2, kafkaInt(5), []byte(`{"K":0,"V0":2}`)},
	{"s3", 3, kafkaInt(0), []byte(`{"K":-5,"V0":3}`)},
}

const laterExprOutput = `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @4`

func TestAChainThatRekeysAResultAfterALaterRightStreamRekeyedOnAnExpressionRepartitionsBoth(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, laterExprStreams, nil)
	mustKSQL(t, url, laterExprQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(append(laterExprRecords, joinRec{"s4", 4, kafkaInt(6), []byte(`{"K":0,"V0":4}`)})...)

	out := st.records("OUTPUT", 1)[0]
	if got := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()); got != laterExprOutput {
		t.Errorf("OUTPUT: %s, want %s", got, laterExprOutput)
	}
	s1, s2 := keyedRow("S1", 6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5)
	s3 := keyedRow("S3", -5, 3, 3, 0, 0) + `,"S3_KSQL_COL_0":5`
	joined := "{" + s1 + "," + s2 + "," + s3 + "}"
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-KSTREAM-JOINTHIS-0000000008-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000009-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 2, 1), "{"+s2+"}", 2)}},
		{"-L_Join-right-repartition", []string{logLine(string(kafkaInt(5)), "{"+s3+"}", 3)}},
		{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 2, 1), "{"+s1+","+s2+"}", 2)}},
		{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 3, 1), "{"+s3+"}", 3)}},
		{"-Join-left-repartition", []string{logLine(string(kafkaInt(6)), joined, 3)}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(kafkaInt(6), 3, 1), joined, 3)}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(kafkaInt(6), 4, 1), "{"+keyedRow("S4", 0, 4, 4, 0, 6)+"}", 4)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-L_L_Join-left-repartition", "-L_L_Join-right-repartition", "-L_Join-left-repartition", "-Join-right-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}

// A new server on the same topics restores the third join's left store: a
// record of S4 after the restart joins the rekeyed result from before it,
// S3's copy of its key among its values.
func TestAChainThatRekeysAResultAfterALaterRightStreamRekeyedOnAnExpressionRestoresItsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, laterExprStreams, nil)
	mustKSQL(t, url, laterExprQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(laterExprRecords...)
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000032-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s4", 4, kafkaInt(6), []byte(`{"K":0,"V0":4}`)})
	out := st.records("OUTPUT", 1)[0]
	if got := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()); got != laterExprOutput {
		t.Errorf("OUTPUT after the restart: %s, want %s", got, laterExprOutput)
	}
}

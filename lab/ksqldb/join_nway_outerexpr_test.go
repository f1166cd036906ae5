package ksqldb

import (
	"fmt"
	"testing"
)

// A chain keyed in KAFKA whose FULL OUTER step rekeys its right stream on
// an expression and whose next join rekeys the FULL OUTER result. ksqlDB
// finds the first join's result keyed by S1.ID already (S1 and S2 joined on
// their keys), rekeys S3 for the FULL OUTER step through
// L_Join-right-repartition, keyed by ABS(S3.K), its copy S3_KSQL_COL_0 last
// among S3's values (historical plan multi-joins_-_only_viable_in_projection,
// schema Join.Right); the FULL OUTER result keeps S3's values with that
// copy, then appends its synthetic ROWKEY (JoinParamsFactory.createSchema:
// the left values, the right ones, then the key no side has; historical
// plan multi-joins_-_stream-stream-stream_-_outer-outer, schema Join.Left),
// which no join expression equals (JoinTree.joinEquivalenceSet is empty for
// an OUTER join), so the third join rekeys that result by S1.ID through
// Join-left-repartition (LogicalPlanner.prepareSourceForJoin), every value
// kept (StreamSelectKeyBuilder), ROWKEY null (KsqlValueJoiner fills the
// column it appends with null), as its left window store holds them.
// Store numbers: explain_outerexpr_test.go.

// outerExprQuery joins S1 to S2 on their keys, the result FULL OUTER to S3
// on an expression of S3's column, then to S4 on S1's key.
const outerExprQuery = "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id FULL OUTER JOIN s3 WITHIN 10 SECONDS ON s1.id = ABS(s3.k) " +
	"JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;"

// outerExprRecords are one record of each of S1, S2 and S3 that join, in
// that order.
var outerExprRecords = []joinRec{
	{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
	{"s2", 2, kafkaInt(5), []byte(`{"K":0,"V0":2}`)},
	{"s3", 3, kafkaInt(0), []byte(`{"K":-5,"V0":3}`)},
}

// produceOuterExprRecords writes outerExprRecords, S3's once the first
// join's result is in the FULL OUTER step's left store: S3 comes through
// its repartition, and a record of it that came first would go out alone
// (with a null S1.ID, which the next join drops) and join that result once.
func produceOuterExprRecords(st *stack, id string) {
	st.produceJoin(outerExprRecords[:2]...)
	st.records(queryTopic(id, "-KSTREAM-OUTERTHIS-0000000020-store-changelog"), 1)
	st.produceJoin(outerExprRecords[2])
}

// outerExprOutput is what S4's record joins: the FULL OUTER step emits the
// first join's result alone at once (no grace period), then with S3's.
var outerExprOutput = []string{
	`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":4} @4`,
	`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @4`,
}

func TestAFullOuterStepThatRekeysItsStreamOnAnExpressionCarriesTheKeyCopyThroughTheNextJoinsRekeyOfItsResult(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, laterExprStreams, nil)
	mustKSQL(t, url, outerExprQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	produceOuterExprRecords(st, id)
	st.records(queryTopic(id, "-Join-left-repartition"), 2)
	st.produceJoin(joinRec{"s4", 4, kafkaInt(5), []byte(`{"K":0,"V0":4}`)})

	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	if fmt.Sprint(got) != fmt.Sprint(outerExprOutput) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, outerExprOutput)
	}
	k := kafkaInt(5)
	s1, s2 := keyedRow("S1", 6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5)
	s3 := keyedRow("S3", -5, 3, 3, 0, 0) + `,"S3_KSQL_COL_0":5`
	noS3 := `"S3_K":null,"S3_V0":null,"S3_ROWTIME":null,"S3_ROWPARTITION":null,"S3_ROWOFFSET":null,"S3_ID":null,"S3_KSQL_COL_0":null`
	rekeyed := func(s3 string) string { return "{" + s1 + "," + s2 + "," + s3 + `,"ROWKEY":null}` }
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-KSTREAM-JOINTHIS-0000000008-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000009-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
		{"-L_Join-right-repartition", []string{logLine(string(k), "{"+s3+"}", 3)}},
		{"-KSTREAM-OUTERTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s1+","+s2+"}", 2)}},
		{"-KSTREAM-OUTEROTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+s3+"}", 3)}},
		{"-Join-left-repartition", []string{logLine(string(k), rekeyed(noS3), 2), logLine(string(k), rekeyed(s3), 3)}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{
			logLine(windowStoreKey(k, 2, 1), rekeyed(noS3), 2),
			logLine(windowStoreKey(k, 3, 2), rekeyed(s3), 3),
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 4, 1), "{"+keyedRow("S4", 0, 4, 4, 0, 5)+"}", 4)}},
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
// record of S4 after the restart joins the rekeyed FULL OUTER results from
// before it, S3's copy of its key and the null ROWKEY among their values.
func TestAFullOuterStepThatRekeysItsStreamOnAnExpressionRestoresTheNextJoinsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, laterExprStreams, nil)
	mustKSQL(t, url, outerExprQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	produceOuterExprRecords(st, id)
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000032-store-changelog"), 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s4", 4, kafkaInt(5), []byte(`{"K":0,"V0":4}`)})
	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	if fmt.Sprint(got) != fmt.Sprint(outerExprOutput) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, outerExprOutput)
	}
}

// outerThenExprQuery's FULL OUTER step, between others, is on the key the
// first join's result is keyed by, so it rekeys nothing; the third join,
// on ABS(S1.K), finds the FULL OUTER result keyed by its synthetic ROWKEY
// and rekeys it by the expression through Join-left-repartition
// (LogicalPlanner.prepareSourceForJoin), keyed KSQL_COL_0, its copy after
// the null ROWKEY (StreamSelectKeyBuilder appends the copy of a key that is
// an expression: historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema Join.Left; the ROWKEY after S3's values: historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer, schema Join.Left).
// Store numbers: explain_outerexpr_test.go.
const outerThenExprQuery = "CREATE STREAM output AS SELECT s4.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id FULL OUTER JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id " +
	"JOIN s4 WITHIN 10 SECONDS ON ABS(s1.k) = s4.id;"

func TestAJoinThatRekeysAFullOuterResultOnAnExpressionCarriesTheKeyCopyAfterItsRowkey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, laterExprStreams, nil)
	mustKSQL(t, url, outerThenExprQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k, k6 := kafkaInt(5), kafkaInt(6)
	st.produceJoin(joinRec{"s1", 1, k, []byte(`{"K":-6,"V0":1}`)},
		joinRec{"s2", 2, k, []byte(`{"K":0,"V0":2}`)},
		joinRec{"s3", 3, k, []byte(`{"K":0,"V0":3}`)},
		joinRec{"s4", 4, k6, []byte(`{"K":0,"V0":4}`)})

	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":4} @4`,
		`00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @4`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}
	s1, s2, s3 := keyedRow("S1", -6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5), keyedRow("S3", 0, 3, 3, 0, 5)
	noS3 := `"S3_K":null,"S3_V0":null,"S3_ROWTIME":null,"S3_ROWPARTITION":null,"S3_ROWOFFSET":null,"S3_ID":null`
	rekeyed := func(s3 string) string { return "{" + s1 + "," + s2 + "," + s3 + `,"ROWKEY":null,"KSQL_COL_0":6}` }
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s1+","+s2+"}", 2)}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+s3+"}", 3)}},
		{"-Join-left-repartition", []string{logLine(string(k6), rekeyed(noS3), 2), logLine(string(k6), rekeyed(s3), 3)}},
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", []string{
			logLine(windowStoreKey(k6, 2, 1), rekeyed(noS3), 2),
			logLine(windowStoreKey(k6, 3, 2), rekeyed(s3), 3),
		}},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", []string{logLine(windowStoreKey(k6, 4, 1), "{"+keyedRow("S4", 0, 4, 4, 0, 6)+"}", 4)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-L_L_Join-left-repartition", "-L_L_Join-right-repartition", "-L_Join-left-repartition", "-L_Join-right-repartition", "-Join-right-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}

// exprThenOuterQuery rekeys S3 on ABS(S3.K) at its second join
// (laterExprQuery's first two joins one level deeper: S3 through
// L_L_Join-right-repartition, its copy S3_KSQL_COL_0 after its values),
// joins S4 FULL OUTER on the key the result is keyed by (no rekey), then
// S5 on S1's key: the FULL OUTER result is keyed by its synthetic ROWKEY,
// so the last join rekeys it through Join-left-repartition, S3's copy
// kept after S3's values and the null ROWKEY after S4's
// (JoinParamsFactory.createSchema: the left values, the right ones, then
// the key no side has; historical plans multi-joins_-_only_viable_in_projection
// and multi-joins_-_stream-stream-stream_-_outer-outer, schema Join.Left).
// Store numbers as laterExprQuery's chain numbers its first two joins
// (8/9, 20/21), the FULL OUTER step's S4 after L_L_Join-merge (22) as
// multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows
// joins its third stream (23-25, stores 28/29), and the last join as
// outerThenExprQuery's, 12 higher (stores 40/41).
const exprThenOuterQuery = "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0, s5.v0 FROM s1 " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = ABS(s3.k) " +
	"FULL OUTER JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id JOIN s5 WITHIN 10 SECONDS ON s1.id = s5.id;"

func TestARekeyPastAFullOuterStepAfterALaterStreamRekeyedOnAnExpressionCarriesItsCopy(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, laterExprStreams+`
CREATE STREAM s5 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s5', VALUE_FORMAT='JSON', PARTITIONS=1);`, nil)
	mustKSQL(t, url, exprThenOuterQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(5)
	// S4 once the joined row with S3, which comes through its
	// repartition, is in the FULL OUTER step's left store (else S4 would
	// go out alone first, and join that row once)
	st.produceJoin(outerExprRecords...)
	st.records(queryTopic(id, "-KSTREAM-OUTERTHIS-0000000028-store-changelog"), 1)
	st.produceJoin(joinRec{"s4", 4, k, []byte(`{"K":0,"V0":4}`)},
		joinRec{"s5", 5, k, []byte(`{"K":0,"V0":5}`)})

	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":null,"S5_V0":5} @5`,
		`00000005 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4,"S5_V0":5} @5`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}
	s1, s2 := keyedRow("S1", 6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 5)
	s3 := keyedRow("S3", -5, 3, 3, 0, 0) + `,"S3_KSQL_COL_0":5`
	s4 := keyedRow("S4", 0, 4, 4, 0, 5)
	noS4 := `"S4_K":null,"S4_V0":null,"S4_ROWTIME":null,"S4_ROWPARTITION":null,"S4_ROWOFFSET":null,"S4_ID":null`
	rekeyed := func(s4 string) string { return "{" + s1 + "," + s2 + "," + s3 + "," + s4 + `,"ROWKEY":null}` }
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-L_L_Join-right-repartition", []string{logLine(string(k), "{"+s3+"}", 3)}},
		{"-KSTREAM-OUTERTHIS-0000000028-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+s1+","+s2+","+s3+"}", 3)}},
		{"-KSTREAM-OUTEROTHER-0000000029-store-changelog", []string{logLine(windowStoreKey(k, 4, 1), "{"+s4+"}", 4)}},
		{"-Join-left-repartition", []string{logLine(string(k), rekeyed(noS4), 3), logLine(string(k), rekeyed(s4), 4)}},
		{"-KSTREAM-JOINTHIS-0000000040-store-changelog", []string{
			logLine(windowStoreKey(k, 3, 1), rekeyed(noS4), 3),
			logLine(windowStoreKey(k, 4, 2), rekeyed(s4), 4),
		}},
		{"-KSTREAM-JOINOTHER-0000000041-store-changelog", []string{logLine(windowStoreKey(k, 5, 1), "{"+keyedRow("S5", 0, 5, 5, 0, 5)+"}", 5)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
}

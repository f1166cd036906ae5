package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose first stream-stream step is a FULL OUTER JOIN keys that
// step's result by a synthetic key no source column equals (ksql v7.9.0
// JoinTree.joinEquivalenceSet is empty for an OUTER join), so the next
// stream-stream step, joining on S1.ID, rekeys it: LeftSourceKeyed-SelectKey
// writes it to Join-left-repartition, keyed by S1_ID, its value the joined
// columns and the synthetic ROWKEY (schema CSAS_OUTPUT_0.Join.Left), a null
// value (JoinParamsFactory.create gives KsqlValueJoiner one additional
// column for the key, which it fills with null, ksql v7.9.0
// KsqlValueJoiner.apply and KsqlValueJoinerTest), and
// each step keeps its own window stores (KSTREAM-OUTERTHIS/-OUTEROTHER
// 0000000008/9 and 0000000020/21). Historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer (topics, schemas,
// topology) and its query-validation test's records.
func TestAChainAfterAFullOuterStreamStreamJoinRekeysItsResultThroughJoinLeftRepartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT ROWKEY, s1.V0, s2.V0, s3.V0 FROM S1 FULL OUTER JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)},
		joinRec{"s1", 3, k, []byte(`{"V0":4}`)})

	// the query-validation test's output
	var got []string
	for _, r := range st.records("OUTPUT", 5) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":null} @0`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":null} @1`,
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @2`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`00000000 {"S1_V0":4,"S2_V0":2,"S3_V0":3} @3`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}

	s1 := func(v, ts, off int) string {
		return fmt.Sprintf(`{"S1_V0":%d,"S1_ROWTIME":%d,"S1_ROWPARTITION":0,"S1_ROWOFFSET":%d,"S1_ID":0}`, v, ts, off)
	}
	// the first step's result, as the second step's left side reads it
	joinLeft := func(v, ts, off int, s2 string) string {
		return fmt.Sprintf(`{"S1_V0":%d,"S1_ROWTIME":%d,"S1_ROWPARTITION":0,"S1_ROWOFFSET":%d,"S1_ID":0,%s,"ROWKEY":null}`, v, ts, off, s2)
	}
	noS2 := `"S2_V0":null,"S2_ROWTIME":null,"S2_ROWPARTITION":null,"S2_ROWOFFSET":null,"S2_ID":null`
	s2 := `"S2_V0":2,"S2_ROWTIME":1,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":0`

	repartition := queryTopic(id, "-Join-left-repartition")
	sameLog(t, repartition, st.records(repartition, 3), []string{
		logLine(string(k), joinLeft(1, 0, 0, noS2), 0),
		logLine(string(k), joinLeft(1, 0, 0, s2), 1),
		logLine(string(k), joinLeft(4, 3, 1, s2), 3),
	})
	for _, c := range []struct {
		store string
		want  []string
	}{
		{"KSTREAM-OUTERTHIS-0000000008-store", []string{
			logLine(windowStoreKey(k, 0, 1), s1(1, 0, 0), 0),
			logLine(windowStoreKey(k, 3, 2), s1(4, 3, 1), 3),
		}},
		{"KSTREAM-OUTEROTHER-0000000009-store", []string{
			logLine(windowStoreKey(k, 1, 1), "{"+s2+"}", 1),
		}},
		{"KSTREAM-OUTERTHIS-0000000020-store", []string{
			logLine(windowStoreKey(k, 0, 1), joinLeft(1, 0, 0, noS2), 0),
			logLine(windowStoreKey(k, 1, 2), joinLeft(1, 0, 0, s2), 1),
			logLine(windowStoreKey(k, 3, 3), joinLeft(4, 3, 1, s2), 3),
		}},
		{"KSTREAM-OUTEROTHER-0000000021-store", []string{
			logLine(windowStoreKey(k, 2, 1), `{"S3_V0":3,"S3_ROWTIME":2,"S3_ROWPARTITION":0,"S3_ROWOFFSET":0,"S3_ID":0}`, 2),
		}},
	} {
		topic := queryTopic(id, "-"+c.store+"-changelog")
		sameLog(t, topic, st.records(topic, len(c.want)), c.want)
	}
	noPrivateJoinLog(t, st, id)
}

// What the second step's left store logged, the first step's results read
// back from Join-left-repartition, is what a restarted server restores: a
// record of the third stream after the restart joins each of them.
func TestAChainAfterAFullOuterStreamStreamJoinRestoresItsRekeyedStepFromItsChangelogs(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT ROWKEY, s1.V0, s2.V0, s3.V0 FROM S1 FULL OUTER JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;", earliest())
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s1", 3, k, []byte(`{"V0":4}`)})
	st.records("OUTPUT", 3)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 4, k, []byte(`{"V0":31}`)})
	var got []string
	for _, r := range st.records("OUTPUT", 6)[3:] {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":31} @4`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":31} @4`,
		`00000000 {"S1_V0":4,"S2_V0":2,"S3_V0":31} @4`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}

// A stream-table join after a FULL OUTER stream-stream join rekeys its
// result the same way, through Join-repartition (StreamTableJoinBuilder's
// Joined name), the stream-stream step's stores then numbered after the
// table's nodes (KSTREAM-OUTERTHIS/-OUTEROTHER 0000000014/15). Historical
// plan multi-joins_-_stream-stream-table_-_full-inner (topics, schema
// CSAS_OUTPUT_0.Join.Left, topology) and its query-validation test's
// records.
func TestAStreamTableJoinAfterAFullOuterStreamStreamJoinRekeysItsResultThroughJoinRepartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='s1', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='s2', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='t3', value_format='JSON', PARTITIONS=1);`, nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, t3.V0 FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"t3", 10, k, []byte(`{"V0":3}`)},
		joinRec{"s2", 11, k, []byte(`{"V0":2}`)},
		joinRec{"s1", 12, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 13, k, []byte(`{"V0":4}`)},
		joinRec{"s1", 100000, k, []byte(`{"V0":5}`)},
		joinRec{"s2", 100001, k, []byte(`{"V0":6}`)})

	// the query-validation test's output
	var got []string
	for _, r := range st.records("OUTPUT", 4) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000000 {"S1_V0":1,"S2_V0":2,"T3_V0":3} @12`,
		`00000000 {"S1_V0":1,"S2_V0":4,"T3_V0":3} @13`,
		`00000000 {"S1_V0":5,"S2_V0":null,"T3_V0":3} @100000`,
		`00000000 {"S1_V0":5,"S2_V0":6,"T3_V0":3} @100001`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}

	s1 := func(v, ts, off int) string {
		return fmt.Sprintf(`"S1_V0":%d,"S1_ROWTIME":%d,"S1_ROWPARTITION":0,"S1_ROWOFFSET":%d,"S1_ID":0`, v, ts, off)
	}
	s2 := func(v, ts, off int) string {
		return fmt.Sprintf(`"S2_V0":%d,"S2_ROWTIME":%d,"S2_ROWPARTITION":0,"S2_ROWOFFSET":%d,"S2_ID":0`, v, ts, off)
	}
	noS1 := `"S1_V0":null,"S1_ROWTIME":null,"S1_ROWPARTITION":null,"S1_ROWOFFSET":null,"S1_ID":null`
	noS2 := `"S2_V0":null,"S2_ROWTIME":null,"S2_ROWPARTITION":null,"S2_ROWOFFSET":null,"S2_ID":null`
	// every result of the FULL OUTER join (without a grace period, a
	// record without a partner goes out at once), keyed by S1_ID: null
	// where S1 has no record
	joinLeft := func(l, r string) string { return "{" + l + "," + r + `,"ROWKEY":null}` }
	repartition := queryTopic(id, "-Join-repartition")
	// (Kafka Streams' repartition filter passes a null key; the
	// stream-table join then skips the record)
	sameLog(t, repartition, st.records(repartition, 5), []string{
		logLine("", joinLeft(noS1, s2(2, 11, 0)), 11),
		logLine(string(k), joinLeft(s1(1, 12, 0), s2(2, 11, 0)), 12),
		logLine(string(k), joinLeft(s1(1, 12, 0), s2(4, 13, 1)), 13),
		logLine(string(k), joinLeft(s1(5, 100000, 1), noS2), 100000),
		logLine(string(k), joinLeft(s1(5, 100000, 1), s2(6, 100001, 2)), 100001),
	})
	for _, c := range []struct {
		store string
		want  []string
	}{
		{"KSTREAM-OUTERTHIS-0000000014-store", []string{
			logLine(windowStoreKey(k, 12, 1), "{"+s1(1, 12, 0)+"}", 12),
			logLine(windowStoreKey(k, 100000, 2), "{"+s1(5, 100000, 1)+"}", 100000),
		}},
		{"KSTREAM-OUTEROTHER-0000000015-store", []string{
			logLine(windowStoreKey(k, 11, 1), "{"+s2(2, 11, 0)+"}", 11),
			logLine(windowStoreKey(k, 13, 2), "{"+s2(4, 13, 1)+"}", 13),
			logLine(windowStoreKey(k, 100001, 3), "{"+s2(6, 100001, 2)+"}", 100001),
		}},
	} {
		topic := queryTopic(id, "-"+c.store+"-changelog")
		sameLog(t, topic, st.records(topic, len(c.want)), c.want)
	}
	noPrivateJoinLog(t, st, id)
}

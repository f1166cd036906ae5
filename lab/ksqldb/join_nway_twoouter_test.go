package ksqldb

import (
	"fmt"
	"testing"
)

// A chain with two FULL OUTER stream-stream steps before a join that
// rekeys: each step after a FULL OUTER one finds its left input keyed by
// the synthetic key, which no join expression equals
// (JoinTree.joinEquivalenceSet is empty for an OUTER join), so ksqlDB
// rekeys it (LogicalPlanner.prepareSourceForJoin): the second step's left
// input through L_Join-left-repartition, the third's through
// Join-left-repartition, both keyed by S1_ID. The first FULL OUTER step
// appends the synthetic ROWKEY to its values, the second does not, as its
// left side has a column of that name already (JoinParamsFactory.createSchema),
// so the third step's left values are S1's, S2's, the first step's ROWKEY
// (null: KsqlValueJoiner fills it with null) and S3's. The stores are
// numbered as the historical plan multi-joins_-_stream-stream-stream_-_outer-outer
// numbers its two steps (KSTREAM-OUTERTHIS/-OUTEROTHER 8/9 and 20/21); the
// third step's sub-topology takes its stream's source, TRANSFORMVALUES and
// PrependAliasRight (24-26) after the second step's merge (22) and
// LeftSourceKeyed-SelectKey (23), then Join-left-repartition's filter,
// sink and source (27-29), the windowed nodes (30, 31) and its stores
// KSTREAM-JOINTHIS/-JOINOTHER 32/33 (Kafka Streams 3.9
// KStreamImpl.doStreamJoin repartitions the left side when the join is
// called, after its right stream is built; KStreamImplJoin burns an index
// for each named -this-windowed, -other-windowed and -merge).
const twoOuterChain = "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 " +
	"FULL OUTER JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id FULL OUTER JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id " +
	"JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;"

func TestAJoinAfterTwoFullOuterStepsRekeysEachFullOuterResultThroughItsRepartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fourStreams, nil)
	mustKSQL(t, url, twoOuterChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)},
		joinRec{"s4", 3, k, []byte(`{"V0":4}`)})

	// without a grace period each FULL OUTER step emits a record without
	// a partner at once and again with each partner: the second step's
	// results are (S1), (S1,S2), then each of them with S3; S4 joins all
	// four, in its store's order (time, then the order put)
	var got []string
	for _, r := range st.records("OUTPUT", 4) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":null,"S4_V0":4} @3`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":4} @3`,
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":3,"S4_V0":4} @3`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @3`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}

	s1, s2, s3 := aliasedRow("S1", 1, 0, 0), aliasedRow("S2", 2, 1, 0), aliasedRow("S3", 3, 2, 0)
	first := func(s2 string) string { return "{" + s1 + "," + s2 + `,"ROWKEY":null}` }
	second := func(s2, s3 string) string { return "{" + s1 + "," + s2 + `,"ROWKEY":null,` + s3 + "}" }
	inner := queryTopic(id, "-L_Join-left-repartition")
	sameLog(t, inner, st.records(inner, 2), []string{
		logLine(string(k), first(noRow("S2")), 0),
		logLine(string(k), first(s2), 1),
	})
	outer := queryTopic(id, "-Join-left-repartition")
	sameLog(t, outer, st.records(outer, 4), []string{
		logLine(string(k), second(noRow("S2"), noRow("S3")), 0),
		logLine(string(k), second(s2, noRow("S3")), 1),
		logLine(string(k), second(noRow("S2"), s3), 2),
		logLine(string(k), second(s2, s3), 2),
	})
	for _, c := range []struct {
		store string
		want  []string
	}{
		{"KSTREAM-OUTERTHIS-0000000008-store", []string{logLine(windowStoreKey(k, 0, 1), "{"+s1+"}", 0)}},
		{"KSTREAM-OUTEROTHER-0000000009-store", []string{logLine(windowStoreKey(k, 1, 1), "{"+s2+"}", 1)}},
		{"KSTREAM-OUTERTHIS-0000000020-store", []string{
			logLine(windowStoreKey(k, 0, 1), first(noRow("S2")), 0),
			logLine(windowStoreKey(k, 1, 2), first(s2), 1),
		}},
		{"KSTREAM-OUTEROTHER-0000000021-store", []string{logLine(windowStoreKey(k, 2, 1), "{"+s3+"}", 2)}},
		{"KSTREAM-JOINTHIS-0000000032-store", []string{
			logLine(windowStoreKey(k, 0, 1), second(noRow("S2"), noRow("S3")), 0),
			logLine(windowStoreKey(k, 1, 2), second(s2, noRow("S3")), 1),
			logLine(windowStoreKey(k, 2, 3), second(noRow("S2"), s3), 2),
			logLine(windowStoreKey(k, 2, 4), second(s2, s3), 2),
		}},
		{"KSTREAM-JOINOTHER-0000000033-store", []string{logLine(windowStoreKey(k, 3, 1), "{"+aliasedRow("S4", 4, 3, 0)+"}", 3)}},
	} {
		topic := queryTopic(id, "-"+c.store+"-changelog")
		sameLog(t, topic, st.records(topic, len(c.want)), c.want)
	}
	noPrivateJoinLog(t, st, id)
}

// What the third step's left store logged is what a restarted server
// restores: a record of the last stream after the restart joins the
// second FULL OUTER step's results from before it.
func TestAJoinAfterTwoFullOuterStepsRestoresFromItsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, fourStreams, nil)
	mustKSQL(t, url, twoOuterChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)})
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000032-store-changelog")
	st.records(this, 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s4", 3, k, []byte(`{"V0":4}`)})
	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":null,"S4_V0":4} @3`,
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":3,"S4_V0":4} @3`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}

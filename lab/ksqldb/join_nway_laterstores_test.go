package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

// A stream-stream step of a chain that comes after a FULL OUTER step's
// repartition, or before one, keeps its stores in ksqlDB's layout like
// every other step: the left side's value is the Join step's schema so
// far, each input's value columns in the order joined
// (JoinParamsFactory.createSchema: the left schema's values, then the
// right's), where a rekeyed input's are its repartition's (historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer, schema Join.Left: the
// joined columns and the synthetic ROWKEY, which the FULL OUTER step's
// KsqlValueJoiner fills with null: "These columns are not populated"),
// keyed by the join key with the
// record's time and sequence number. The stores are numbered as the
// historical plans number a chain's steps (multi-joins inner-inner:
// KSTREAM-JOINTHIS/-JOINOTHER 8/9 then 16/17 past a stream source;
// outer-outer: 8/9 then 20/21 past Join-left-repartition and a stream
// source).

// fourStreams are four streams keyed alike, one partition each.
const fourStreams = threeStreams + `
CREATE STREAM s4 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='s4', VALUE_FORMAT='JSON', PARTITIONS=1);`

// aliasedRow is the PrependAlias columns of stream alias's record (v0,
// its time and offset; partition 0, id 0), without braces.
func aliasedRow(alias string, v, ts, off int) string {
	return fmt.Sprintf(`"%[1]s_V0":%[2]d,"%[1]s_ROWTIME":%[3]d,"%[1]s_ROWPARTITION":0,"%[1]s_ROWOFFSET":%[4]d,"%[1]s_ID":0`, alias, v, ts, off)
}

// noRow is the PrependAlias columns of alias where a join found nothing.
func noRow(alias string) string {
	return fmt.Sprintf(`"%[1]s_V0":null,"%[1]s_ROWTIME":null,"%[1]s_ROWPARTITION":null,"%[1]s_ROWOFFSET":null,"%[1]s_ID":null`, alias)
}

// The step after the one that rekeys a FULL OUTER join's result keeps
// that result's repartitioned columns (with its synthetic ROWKEY) and the
// stream the rekeyed step joined as its left side.
func TestAStepAfterARekeyedFullOuterResultStoresItsRepartitionedColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fourStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 FULL OUTER JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id "+
		"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)},
		joinRec{"s4", 3, k, []byte(`{"V0":4}`)})
	st.records("OUTPUT", 2)

	s1, s3 := aliasedRow("S1", 1, 0, 0), aliasedRow("S3", 3, 2, 0)
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000028-store-changelog")
	sameLog(t, this, st.records(this, 2), []string{
		logLine(windowStoreKey(k, 2, 1), "{"+s1+","+noRow("S2")+`,"ROWKEY":null,`+s3+"}", 2),
		logLine(windowStoreKey(k, 2, 2), "{"+s1+","+aliasedRow("S2", 2, 1, 0)+`,"ROWKEY":null,`+s3+"}", 2),
	})
	other := queryTopic(id, "-KSTREAM-JOINOTHER-0000000029-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(k, 3, 1), "{"+aliasedRow("S4", 4, 3, 0)+"}", 3),
	})
	noPrivateJoinLog(t, st, id)
}

// A FULL OUTER step inside a chain, whose result the next step rekeys,
// keeps the joined row so far as its left side.
func TestAFullOuterStepBeforeARekeyStoresTheJoinedRowSoFar(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fourStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id "+
		"FULL OUTER JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)},
		joinRec{"s4", 3, k, []byte(`{"V0":4}`)})
	st.records("OUTPUT", 2)

	this := queryTopic(id, "-KSTREAM-OUTERTHIS-0000000016-store-changelog")
	sameLog(t, this, st.records(this, 1), []string{
		logLine(windowStoreKey(k, 1, 1), "{"+aliasedRow("S1", 1, 0, 0)+","+aliasedRow("S2", 2, 1, 0)+"}", 1),
	})
	other := queryTopic(id, "-KSTREAM-OUTEROTHER-0000000017-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(k, 2, 1), "{"+aliasedRow("S3", 3, 2, 0)+"}", 2),
	})
	noPrivateJoinLog(t, st, id)
}

// What the step after the rekey logged is what a restarted server
// restores: a record of the last stream after the restart joins both
// results of the steps before it, the synthetic key they carry included.
func TestAStepAfterARekeyedFullOuterResultRestoresFromItsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, fourStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 FULL OUTER JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id "+
		"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)})
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000028-store-changelog")
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
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":3,"S4_V0":4} @3`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @3`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
	// a later record of the left side is logged after the restored ones,
	// its synthetic key column null as KsqlValueJoiner leaves it
	st.produceJoin(joinRec{"s3", 4, k, []byte(`{"V0":5}`)})
	recs := st.records(this, 4)
	if v := string(recs[3].Value); !strings.Contains(v, `"ROWKEY":null,`) {
		t.Errorf("%s after the restart: %s, want its ROWKEY null", this, v)
	}
}

// A FULL OUTER last step keys its result by a synthetic key, but its
// stores, as any later step's, hold the joined row so far keyed by the
// join key it joins on.
func TestAFullOuterLastStepStoresTheJoinedRowSoFar(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT ROWKEY, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id "+
		"FULL OUTER JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)})
	st.records("OUTPUT", 2)

	this := queryTopic(id, "-KSTREAM-OUTERTHIS-0000000016-store-changelog")
	sameLog(t, this, st.records(this, 1), []string{
		logLine(windowStoreKey(k, 1, 1), "{"+aliasedRow("S1", 1, 0, 0)+","+aliasedRow("S2", 2, 1, 0)+"}", 1),
	})
	other := queryTopic(id, "-KSTREAM-OUTEROTHER-0000000017-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(k, 2, 1), "{"+aliasedRow("S3", 3, 2, 0)+"}", 2),
	})
}

// A RIGHT step after the rekey keeps the stream it joins as Kafka
// Streams' "this" side (StreamStreamJoinBuilder runs it as that stream's
// LEFT join of the joined row), keyed by that stream's key; the joined row
// so far is its other side.
func TestARightStepAfterARekeyedFullOuterResultStoresTheJoinedRowAsItsOtherSide(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fourStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s4.id, s1.v0, s2.v0, s3.v0, s4.v0 FROM s1 FULL OUTER JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id "+
		"JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id RIGHT JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)},
		joinRec{"s4", 3, k, []byte(`{"V0":4}`)})
	st.records("OUTPUT", 1)

	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000028-store-changelog")
	sameLog(t, this, st.records(this, 1), []string{
		logLine(windowStoreKey(k, 3, 1), "{"+aliasedRow("S4", 4, 3, 0)+"}", 3),
	})
	other := queryTopic(id, "-KSTREAM-OUTEROTHER-0000000029-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(k, 2, 1), "{"+aliasedRow("S1", 1, 0, 0)+","+noRow("S2")+`,"ROWKEY":null,`+aliasedRow("S3", 3, 2, 0)+"}", 2),
	})
}

// A RIGHT step after a FULL OUTER one rekeys the FULL OUTER result and
// joins it as Kafka Streams' "other" side of the stream it joins
// (StreamStreamJoinBuilder: the right stream's LEFT join of the left
// side), so the result goes through Join-right-repartition, the suffix
// KStreamImpl.doJoin gives the other side (as the left source of the
// historical plan joins_-_stream_stream_right_join_-_rekey_-_JSON goes),
// and its stores are KSTREAM-JOINTHIS (that stream's) and
// KSTREAM-OUTEROTHER (the rekeyed result's), numbered as the outer-outer
// plan's second step (multi-joins_-_stream-stream-stream_-_outer-outer:
// 20/21).
func TestARightStepAfterAFullOuterStepRekeysItsResultAndStoresItAsTheOtherSide(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s3.id, s1.v0, s2.v0, s3.v0 FROM s1 FULL OUTER JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id "+
		"RIGHT JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	k, k1 := kafkaInt(0), kafkaInt(1)
	st.produceJoin(joinRec{"s1", 0, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k, []byte(`{"V0":3}`)},
		joinRec{"s3", 3, k1, []byte(`{"V0":5}`)})

	var got []string
	for _, r := range st.records("OUTPUT", 3) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`00000000 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @2`,
		`00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`00000001 {"S1_V0":null,"S2_V0":null,"S3_V0":5} @3`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}
	s1 := aliasedRow("S1", 1, 0, 0)
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000020-store-changelog")
	sameLog(t, this, st.records(this, 2), []string{
		logLine(windowStoreKey(k, 2, 1), "{"+aliasedRow("S3", 3, 2, 0)+"}", 2),
		logLine(windowStoreKey(k1, 3, 2), `{"S3_V0":5,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":1}`, 3),
	})
	other := queryTopic(id, "-KSTREAM-OUTEROTHER-0000000021-store-changelog")
	sameLog(t, other, st.records(other, 2), []string{
		logLine(windowStoreKey(k, 0, 1), "{"+s1+","+noRow("S2")+`,"ROWKEY":null}`, 0),
		logLine(windowStoreKey(k, 1, 2), "{"+s1+","+aliasedRow("S2", 2, 1, 0)+`,"ROWKEY":null}`, 1),
	})
	noPrivateJoinLog(t, st, id)
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-right-repartition")); !ok {
		t.Errorf("no Join-right-repartition")
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-left-repartition")); ok {
		t.Errorf("the FULL OUTER result went through Join-left-repartition, the RIGHT join's own side")
	}
}

// noPrivateJoinLog fails t when query id keeps this server's own changelog
// of all its join stores beside the stores ksqlDB's topology names.
func noPrivateJoinLog(t *testing.T, st *stack, id string) {
	t.Helper()
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-this-join-store-changelog")); ok {
		t.Errorf("the join also keeps a changelog of all its stores")
	}
}

package ksqldb

import (
	"encoding/binary"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"
)

// A push query builds the persistent query's steps (QueryBuilder.
// buildTransientQuery, see transient_internal_test.go), so a push join
// that rekeys a stream writes it through the persistent join's repartition
// topics, named after the transient application id, and reads it back from
// there; they go with the query's other internal topics when it ends.

// joins_-_stream_stream_left_join_-_rekey_-_JSON as a push query: both
// streams go through Join-left-repartition and Join-right-repartition with
// the persistent query's records (TestAStreamStreamJoinOnValueColumnsRepartitionsBothSides),
// the window stores are logged to KSTREAM-JOINTHIS-0000000016 and
// KSTREAM-OUTEROTHER-0000000017 (TestAStreamStreamJoinLogsEachWindowStoreToItsOwnChangelog),
// the client gets the test case's rows, and /close-query deletes them all.
func TestATransientStreamStreamJoinThatRekeysWritesItsRepartitionTopicsUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, rekeyStreams, nil)
	st.produceJoin(rekeyInputs...)
	_, rd, qid := openQueryStreamWith(t, h2c(), url,
		"SELECT t.id, name, value, f1, f2 FROM test t LEFT JOIN test_stream tt WITHIN 11 SECONDS ON t.id = tt.id EMIT CHANGES;",
		map[string]any{"auto.offset.reset": "earliest"})
	want := []string{`[0,"zero",0,null,null]`, `[0,"zero",0,"blah",50]`, `[10,"100",5,null,null]`, `[0,"foo",100,"blah",50]`,
		`[0,"foo",100,"a",10]`, `[90,"ninety",90,null,null]`, `[0,"bar",99,null,null]`}
	var got []string
	for range want {
		got = append(got, readLine(t, rd))
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("push rows %q, want %q", got, want)
	}
	app, topics := transientTopics(t, st, qid)
	left, right := app+"-Join-left-repartition", app+"-Join-right-repartition"
	this, other := app+"-KSTREAM-JOINTHIS-0000000016-store-changelog", app+"-KSTREAM-OUTEROTHER-0000000017-store-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), slices.Sorted(slices.Values([]string{left, right, this, other})); !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 4 {
			t.Errorf("%s has %d partitions, want the streams' 4", topic, n)
		}
	}
	long := func(n uint64) string { return string(binary.BigEndian.AppendUint64(nil, n)) }
	for _, c := range []struct {
		topic, src string
		ts         int64
		value      string
	}{
		{left, "left_topic", 0, `{"T_ID":0,"T_NAME":"zero","T_VALUE":0,"T_ROWTIME":0,"T_ROWPARTITION":%d,"T_ROWOFFSET":%d,"T_K":null}`},
		{right, "right_topic", 10000, `{"TT_ID":0,"TT_F1":"blah","TT_F2":50,"TT_ROWTIME":10000,"TT_ROWPARTITION":%d,"TT_ROWOFFSET":%d,"TT_K":null}`},
	} {
		src := recordAt(t, st.records(c.src, 3), c.ts)
		rec := recordAt(t, st.records(c.topic, 3), c.ts)
		if want := fmt.Sprintf(c.value, src.Partition, src.Offset); string(rec.Value) != want {
			t.Errorf("%s value %s, want %s", c.topic, rec.Value, want)
		}
		if string(rec.Key) != long(0) {
			t.Errorf("%s key %x, want ID 0 as a KAFKA BIGINT", c.topic, rec.Key)
		}
		got := topicConfigs(t, st.adm, c.topic, "cleanup.policy", "retention.ms")
		if got["cleanup.policy"] != "delete" || got["retention.ms"] != "-1" {
			t.Errorf("%s configs %v, want a repartition topic's cleanup.policy delete, retention.ms -1", c.topic, got)
		}
	}
	for topic, n := range map[string]int{this: 5, other: 3} {
		waitFor(t, func() bool { return distinctKeys(t, st, topic) == n }, fmt.Sprintf("%d entries in %s", n, topic))
	}
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}

// joins_-_stream-table_value-to-key_-_key_format_mismatch as a push query:
// the stream goes through Join-repartition, keyed in the table's KAFKA
// format, with the persistent query's record
// (TestAStreamJoinedToATableOnAValueColumnIsRepartitionedThroughJoinRepartition),
// the table is logged to KafkaTopic_Right-Reduce-changelog, the client
// gets the test case's row, and the query's LIMIT takes them all away.
func TestATransientStreamTableJoinThatRekeysTheStreamWritesJoinRepartitionUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, valueToKey[:len(valueToKey)-len("CREATE STREAM OUTPUT AS SELECT S.FOO, VAL FROM S LEFT JOIN T ON S.FOO = T.ID;")], nil)
	st.produceJoin(joinRec{"t", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 2000, []byte("22"), []byte(`{"FOO":10}`)})
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT S.FOO, VAL FROM S LEFT JOIN T ON S.FOO = T.ID EMIT CHANGES LIMIT 2;",
		map[string]any{"auto.offset.reset": "earliest"})
	if got := readLine(t, rd); got != `[10,"hello"]` {
		t.Errorf("push row %s, want [10,\"hello\"]", got)
	}
	app, topics := transientTopics(t, st, qid)
	repart, table := app+"-Join-repartition", app+"-KafkaTopic_Right-Reduce-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{repart, table}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 4 {
			t.Errorf("%s has %d partitions, want the table's 4", topic, n)
		}
	}
	src := st.records("s", 1)[0]
	rec := st.records(repart, 1)[0]
	if !slices.Equal(rec.Key, kafkaInt(10)) {
		t.Errorf("%s key %x, want FOO (10) as a KAFKA INT, the table's key format", repart, rec.Key)
	}
	want := fmt.Sprintf(`{"S_FOO":10,"S_ROWTIME":2000,"S_ROWPARTITION":%d,"S_ROWOFFSET":%d,"S_ID":22}`, src.Partition, src.Offset)
	if string(rec.Value) != want || rec.Timestamp.UnixMilli() != 2000 {
		t.Errorf("%s record %s at %d, want %s at 2000", repart, rec.Value, rec.Timestamp.UnixMilli(), want)
	}
	got := topicConfigs(t, st.adm, repart, "cleanup.policy", "retention.ms")
	if got["cleanup.policy"] != "delete" || got["retention.ms"] != "-1" {
		t.Errorf("%s configs %v, want cleanup.policy delete, retention.ms -1", repart, got)
	}
	if got := topicConfigs(t, st.adm, table, "cleanup.policy")["cleanup.policy"]; got != "compact" {
		t.Errorf("%s cleanup.policy %q, want compact", table, got)
	}
	st.produceJoin(joinRec{"s", 3000, []byte("23"), []byte(`{"FOO":11}`)})
	if got := readLine(t, rd); got != `[11,null]` {
		t.Errorf("push row %s, want [11,null]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}

// A push join reads its stream from the latest offsets unless told
// otherwise (auto.offset.reset), and a rekeyed stream's records written
// after it started reach it through Join-repartition; its table side is
// read from the beginning whatever the reset (JoinNode.Joiner.buildTable).
func TestATransientJoinThatRekeysFromTheLatestOffsetsJoinsWhatComesAfterItStarts(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, valueToKey[:len(valueToKey)-len("CREATE STREAM OUTPUT AS SELECT S.FOO, VAL FROM S LEFT JOIN T ON S.FOO = T.ID;")], nil)
	st.produceJoin(joinRec{"t", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 1500, []byte("21"), []byte(`{"FOO":10}`)})
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT S.FOO, S.ID, VAL FROM S LEFT JOIN T ON S.FOO = T.ID EMIT CHANGES;", map[string]any{})
	app, _ := transientTopics(t, st, qid)
	if app == "" {
		t.Fatal("the push query has no internal topics")
	}
	st.produceJoin(joinRec{"s", 2000, []byte("22"), []byte(`{"FOO":10}`)})
	if got := readLine(t, rd); got != `[10,22,"hello"]` {
		t.Errorf("push row %s, want [10,22,\"hello\"]: the record written after the query started", got)
	}
}

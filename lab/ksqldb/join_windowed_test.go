package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
)

// Joins of windowed sources that ksqlDB refuses, with its messages: the
// test cases of confluentinc/ksql v7.9.0
// ksqldb-functional-tests/src/test/resources/query-validation-tests/joins.json
// (Analyzer.throwOnIncompatibleSourceWindowing for the windowing of the two
// sources; SchemaKStream.selectKey for a windowed stream that would have to
// be rekeyed or have its key format changed). QTT compares a message by
// containment; the messages here are the whole texts those classes write.
func TestJoinsOfWindowedSourcesAreRefusedAsKsqlDBRefusesThem(t *testing.T) {
	const repartition = "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385."
	for _, c := range []struct{ name, s1, s2, join, msg string }{
		{"matching time-windowed join with different windows fails",
			"CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');",
			"CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECOND');",
			"CREATE STREAM OUTPUT as SELECT *, S1.ROWTIME, S2.ROWTIME FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;",
			repartition},
		{"session - timed windowed",
			"CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='Session');",
			"CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND');",
			"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;",
			"Incompatible windowed sources.\nLeft source: SESSION\nRight source: TUMBLING\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources"},
		{"windowed - non-windowed - INT",
			"CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');",
			"CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON');",
			"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;",
			"Can not join windowed source to non-windowed source.\n`S1` is SESSION windowed\n`S2` is not windowed"},
		{"windowed - non-windowed - STRING",
			"CREATE STREAM S1 (ID STRING KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');",
			"CREATE STREAM S2 (ID STRING KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON');",
			"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;",
			"Can not join windowed source to non-windowed source.\n`S1` is SESSION windowed\n`S2` is not windowed"},
		{"join requiring repartition of windowed source",
			"CREATE STREAM S1 (K INT KEY, ID INT, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');",
			"CREATE STREAM S2 (K INT KEY, ID INT, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');",
			"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;",
			repartition},
		{"matching time-windowed - SR-enabled key format - fails if join on non-key",
			"CREATE STREAM S1 (ID INT KEY, V int) WITH (kafka_topic='left_topic', key_format='JSON_SR', value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');",
			"CREATE STREAM S2 (ID INT KEY, V int) WITH (kafka_topic='right_topic', key_format='JSON_SR', value_format='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECOND');",
			"CREATE STREAM OUTPUT as SELECT *, S1.ROWTIME, S2.ROWTIME FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.V;",
			repartition},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			st.createTopic("left_topic", 1)
			st.createTopic("right_topic", 1)
			mustKSQL(t, url, c.s1+"\n"+c.s2, nil)
			code, e := stmtErr(t, url, c.join)
			if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.msg {
				t.Errorf("%s\n got %d %v %q\nwant 400 40001 %q", c.join, code, e["error_code"], e["message"], c.msg)
			}
		})
	}
}

// ksqlDB joins two session-windowed (or two time-windowed) streams on
// their windowed keys, key and window alike, and writes a windowed result
// with the first stream's window type (joins.json "matching
// session-windowed": of the right's two records for key 1 only the one of
// the same session joins; its post lists OUTPUT's key format with window
// type SESSION). Kafka Streams joins the serialized keys, so two
// time-windowed streams match on the key and the window start
// (TimeWindowedSerializer writes only the start; the plan
// joins_-_matching_time-windowed_-_SR-enabled_key_format joins a 5 s
// window starting at 0 with a 2 s one starting at 0, and SELECT * lists
// each source's WINDOWSTART and WINDOWEND after its key). The keys here
// are written as those serializers write them: the INT, then for a session
// the end and the start, for a time window the start, each 8 bytes big
// endian.
func TestJoinsOfMatchingWindowedStreamsMatchKeyAndWindow(t *testing.T) {
	intKey := func(id int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(id)) }
	session := func(id int32, start, end int64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(intKey(id), uint64(end)), uint64(start))
	}
	timed := func(id int32, start int64) []byte { return binary.BigEndian.AppendUint64(intKey(id), uint64(start)) }
	t.Run("matching session-windowed", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		st.createTopic("left_topic", 1)
		st.createTopic("right_topic", 1)
		mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');`, nil)
		st.produceJoin(joinRec{"left_topic", 765, session(1, 234, 765), []byte(`{"V":1}`)},
			joinRec{"right_topic", 567, session(1, 234, 567), []byte(`{"V":2}`)},
			joinRec{"right_topic", 765, session(1, 234, 765), []byte(`{"V":3}`)})
		mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;", earliest())
		got := st.consumeJoin("OUTPUT", 1)[0]
		if !bytes.Equal(got.key, session(1, 234, 765)) || string(got.value) != `{"S1_V":1,"S2_V":3}` || got.ts != 765 {
			t.Errorf("OUTPUT %x %s at %d, want %x {\"S1_V\":1,\"S2_V\":3} at 765", got.key, got.value, got.ts, session(1, 234, 765))
		}
		desc := mustKSQL(t, url, "DESCRIBE OUTPUT;", nil)[0]["sourceDescription"].(map[string]any)
		if desc["windowType"] != "SESSION" {
			t.Errorf("OUTPUT windowType %v, want SESSION", desc["windowType"])
		}
		ends, err := st.adm.ListEndOffsets(context.Background(), "OUTPUT")
		if o, _ := ends.Lookup("OUTPUT", 0); err != nil || o.Offset != 1 {
			t.Errorf("OUTPUT holds %d records, want 1 (%v)", o.Offset, err)
		}
	})
	t.Run("matching time-windowed", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		st.createTopic("left_topic", 1)
		st.createTopic("right_topic", 1)
		mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');`, nil)
		st.produceJoin(joinRec{"left_topic", 0, timed(1, 0), []byte(`{"V":1}`)}, joinRec{"left_topic", 1000, timed(1, 1000), []byte(`{"V":2}`)},
			joinRec{"left_topic", 2000, timed(1, 2000), []byte(`{"V":3}`)}, joinRec{"right_topic", 0, timed(1, 0), []byte(`{"V":4}`)},
			joinRec{"right_topic", 2000, timed(1, 2000), []byte(`{"V":5}`)})
		mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT *, S1.ROWTIME, S2.ROWTIME FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;", earliest())
		want := []joinRec{
			{"OUTPUT", 0, timed(1, 0), []byte(`{"S1_WINDOWSTART":0,"S1_WINDOWEND":5000,"S1_V":1,"S2_ID":1,"S2_WINDOWSTART":0,"S2_WINDOWEND":5000,"S2_V":4,"S1_ROWTIME":0,"S2_ROWTIME":0}`)},
			{"OUTPUT", 2000, timed(1, 2000), []byte(`{"S1_WINDOWSTART":2000,"S1_WINDOWEND":7000,"S1_V":3,"S2_ID":1,"S2_WINDOWSTART":2000,"S2_WINDOWEND":7000,"S2_V":5,"S1_ROWTIME":2000,"S2_ROWTIME":2000}`)},
		}
		for i, got := range st.consumeJoin("OUTPUT", 2) {
			if !bytes.Equal(got.key, want[i].key) || string(got.value) != string(want[i].value) || got.ts != want[i].ts {
				t.Errorf("OUTPUT record %d: %x %s at %d, want %x %s at %d", i, got.key, got.value, got.ts, want[i].key, want[i].value, want[i].ts)
			}
		}
		const schema = "S1_ID INTEGER KEY, S1_WINDOWSTART BIGINT, S1_WINDOWEND BIGINT, S1_V BIGINT, S2_ID INTEGER, S2_WINDOWSTART BIGINT, S2_WINDOWEND BIGINT, S2_V BIGINT, S1_ROWTIME BIGINT, S2_ROWTIME BIGINT"
		if got, _ := describeSchema(t, url, "OUTPUT"); got != schema {
			t.Errorf("OUTPUT columns %s, want the plan's schema %s", got, schema)
		}
		desc := mustKSQL(t, url, "DESCRIBE OUTPUT;", nil)[0]["sourceDescription"].(map[string]any)
		if desc["windowType"] != "HOPPING" {
			t.Errorf("OUTPUT windowType %v, want HOPPING", desc["windowType"])
		}
	})
}

// Windowed streams keyed in a format that infers schemas, which ksqlDB
// repartitions before it joins them, and chains of windowed joins are
// refused as not supported.
func TestJoinsOfWindowedStreamsThisServerDoesNotRepartitionAreRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("left_topic", 1)
	st.createTopic("right_topic", 1)
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', key_format='JSON_SR', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', key_format='JSON_SR', value_format='JSON', WINDOW_TYPE='SESSION');`, nil)
	code, e := stmtErr(t, url, "CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;")
	if msg, _ := e["message"].(string); code != 400 || e["error_code"] != float64(40001) || !contains(msg, "windowed streams keyed in a format that infers schemas") || !contains(msg, "not supported") {
		t.Errorf("windowed join on JSON_SR keys: %d %v, want 400 40001 ... not supported", code, e)
	}
}

// A windowed stream's records waiting in a join's window store come back
// with their windows after a restart, and still match only records of the
// same window (the upstream case above, with the server restarted
// between the left record and the right ones). The store's changelog is
// the one the historical plan joins_-_matching_session-windowed lists,
// KSTREAM-JOINTHIS-0000000008-store-changelog.
func TestAJoinOfWindowedStreamsKeepsItsWindowsAcrossARestart(t *testing.T) {
	session := func(id int32, start, end int64) []byte {
		k := binary.BigEndian.AppendUint32(nil, uint32(id))
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k, uint64(end)), uint64(start))
	}
	st := newStack(t)
	srv, url := st.serve()
	st.createTopic("left_topic", 1)
	st.createTopic("right_topic", 1)
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;`, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"left_topic", 765, session(1, 234, 765), []byte(`{"V":1}`)})
	changelog := queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	waitFor(t, func() bool { return distinctKeys(t, st, changelog) == 1 }, "the left record in "+changelog)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"right_topic", 567, session(1, 234, 567), []byte(`{"V":2}`)},
		joinRec{"right_topic", 765, session(1, 234, 765), []byte(`{"V":3}`)})
	got := st.consumeJoin("OUTPUT", 1)[0]
	if !bytes.Equal(got.key, session(1, 234, 765)) || string(got.value) != `{"S1_V":1,"S2_V":3}` {
		t.Errorf("OUTPUT after the restart %x %s, want %x {\"S1_V\":1,\"S2_V\":3}", got.key, got.value, session(1, 234, 765))
	}
}

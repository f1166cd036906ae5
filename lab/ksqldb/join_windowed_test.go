package ksqldb

import "testing"

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
// (joins.json "matching session-windowed": of the right's two records for
// key 1 only the one of the same session joins). This server would match
// by the key alone, so the join is refused as not supported rather than
// run wrongly.
func TestJoinsOfMatchingWindowedSourcesAreRefusedAsNotSupported(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("left_topic", 1)
	st.createTopic("right_topic", 1)
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');`, nil)
	code, e := stmtErr(t, url, "CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;")
	if msg, _ := e["message"].(string); code != 400 || e["error_code"] != float64(40001) || !contains(msg, "windowed streams") || !contains(msg, "not supported") {
		t.Errorf("windowed join: %d %v, want 400 40001 ... windowed streams ... not supported", code, e)
	}
}

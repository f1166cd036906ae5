package ksqldb

import (
	"encoding/binary"
	"net/http"
	"testing"
)

// A push join of a windowed stream with a windowed table (Analyzer lets a
// windowed source join only a windowed one of a compatible kind,
// confluentinc/ksql v7.9.0) runs Kafka Streams' stream-table join over
// the two Windowed<GenericKey> keys: KStreamKTableJoinProcessor looks the
// table up by the stream record's own windowed key, and the table's store
// (SourceBuilderV1.buildWindowedTable) holds it by the windowed key's
// bytes, a time window's key and start (TimeWindowedSerializer), a
// session's key, end and start (SessionWindowedSerializer). So a
// time-windowed stream record finds the table's window that starts when
// its own does, whatever the two windows' sizes (as the stream-stream
// join of joins.json "matching time-windowed" pairs a HOPPING with a
// TUMBLING source), and a session finds only the same session.

// timeWindowKey is a time-windowed KAFKA INT key: the key, then the
// window's start.
func timeWindowKey(id int32, start int64) []byte {
	return binary.BigEndian.AppendUint64(intKey(id), uint64(start))
}

// sessionWindowKey is a session-windowed KAFKA INT key: the key, then the
// session's end and start.
func sessionWindowKey(id int32, start, end int64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(intKey(id), uint64(end)), uint64(start))
}

const windowedStreamAndTable = `CREATE STREAM S (ID INT KEY, V BIGINT) WITH (kafka_topic='s_topic', value_format='JSON', PARTITIONS=1, WINDOW_TYPE='Hopping', WINDOW_SIZE='5 SECONDS');
CREATE TABLE T (ID INT PRIMARY KEY, W BIGINT) WITH (kafka_topic='t_topic', value_format='JSON', PARTITIONS=1, WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');`

// windowedStreamTableRecords writes T's windows [0,2000) and [2000,4000)
// of key 1, then S's records: a window starting at 0 (T's first window),
// one starting at 1000 (no window of T), one starting at 2000 (T's
// second), one of key 2 (none), and a last one starting at 2000.
func windowedStreamTableRecords(st *stack) {
	st.produceJoin(
		joinRec{"t_topic", 0, timeWindowKey(1, 0), []byte(`{"W":10}`)},
		joinRec{"t_topic", 2000, timeWindowKey(1, 2000), []byte(`{"W":20}`)},
		joinRec{"s_topic", 2100, timeWindowKey(1, 0), []byte(`{"V":1}`)},
		joinRec{"s_topic", 2200, timeWindowKey(1, 1000), []byte(`{"V":2}`)},
		joinRec{"s_topic", 2300, timeWindowKey(1, 2000), []byte(`{"V":3}`)},
		joinRec{"s_topic", 2400, timeWindowKey(2, 0), []byte(`{"V":4}`)},
		joinRec{"s_topic", 2500, timeWindowKey(1, 2000), []byte(`{"V":5}`)},
	)
}

func TestAPushJoinOfAWindowedStreamWithAWindowedTableMatchesTheWindowThatStartsWithTheStreams(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, windowedStreamAndTable, nil)
	windowedStreamTableRecords(st)
	_, rd, _ := openQueryStream(t, h2c(), url, "SELECT S.ID, S.V, T.W FROM S JOIN T ON S.ID = T.ID EMIT CHANGES;")
	for _, want := range []string{`[1,1,10]`, `[1,3,20]`, `[1,5,20]`} {
		if got := readLine(t, rd); got != want {
			t.Fatalf("push row %s, want %s", got, want)
		}
	}
}

// The windowed table's store keeps no changelog of its own: it is built
// by StreamsBuilder.table with its Materialized (SourceBuilderV1.
// buildKTable, no forced changelog for a WindowedTableSource), and ksqlDB
// runs every query with topology.optimization=all (KsqlConfig), whose
// REUSE_KTABLE_SOURCE_TOPICS restores such a store from its source topic
// (the historical plan joins_-_join_using_ROWKEY_in_the_criteria_-_JSON
// 6.0.0, a tableSourceV1 step alike: KafkaTopic_Right-Reduce and no
// changelog among the test's topics). A stream-table join has no other
// store, so the push query makes no internal topic.
func TestAPushJoinOfAWindowedStreamWithAWindowedTableMakesNoInternalTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, windowedStreamAndTable, nil)
	windowedStreamTableRecords(st)
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT S.ID, S.V, T.W FROM S JOIN T ON S.ID = T.ID EMIT CHANGES;")
	readLine(t, rd)
	if _, topics := transientTopics(t, st, qid); len(topics) != 0 {
		t.Errorf("the push query's internal topics %v, want none", topics)
	}
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
}

func TestAPushJoinOfASessionStreamWithASessionTableMatchesOnlyTheSameSession(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S (ID INT KEY, V BIGINT) WITH (kafka_topic='s_topic', value_format='JSON', PARTITIONS=1, WINDOW_TYPE='Session');
CREATE TABLE T (ID INT PRIMARY KEY, W BIGINT) WITH (kafka_topic='t_topic', value_format='JSON', PARTITIONS=1, WINDOW_TYPE='Session');`, nil)
	st.produceJoin(
		joinRec{"t_topic", 500, sessionWindowKey(1, 100, 500), []byte(`{"W":7}`)},
		joinRec{"s_topic", 600, sessionWindowKey(1, 100, 500), []byte(`{"V":1}`)},
		joinRec{"s_topic", 900, sessionWindowKey(1, 100, 900), []byte(`{"V":2}`)},
		joinRec{"s_topic", 950, sessionWindowKey(1, 100, 500), []byte(`{"V":3}`)},
	)
	_, rd, _ := openQueryStream(t, h2c(), url, "SELECT S.ID, S.V, T.W FROM S JOIN T ON S.ID = T.ID EMIT CHANGES;")
	for _, want := range []string{`[1,1,7]`, `[1,3,7]`} {
		if got := readLine(t, rd); got != want {
			t.Fatalf("push row %s, want %s", got, want)
		}
	}
}

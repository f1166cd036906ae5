package ksqldb

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// Persistent queries over a windowed stream (confluentinc/ksql v7.9.0,
// ksqldb-functional-tests/src/test/resources/query-validation-tests/
// tumbling-windows.json and session-windows.json "import ... stream"): a
// projection keeps each record's window in its key, and the stream it
// creates is windowed as its source; PushQueryValidator refuses only
// windowed tables (windowed-source.json "Should fail querying windowed
// table").

// tumbling-windows.json "import tumbling stream": SELECT * copies the
// records with their windows; the window bounds are not value columns.
func TestPersistentQueryOverTumblingStreamKeepsEachRecordsWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	key := func(k int32, start int64) []byte { return binary.BigEndian.AppendUint64(intKey(k), uint64(start)) }
	mustKSQL(t, url, `CREATE STREAM TEST (K INT KEY, ID bigint) WITH (kafka_topic='test_topic', PARTITIONS=1, value_format='DELIMITED', WINDOW_TYPE='Tumbling', WINDOW_SIZE='30 seconds');
CREATE STREAM S2 as SELECT * FROM test;`, earliest())
	st.produceTimed("test_topic", timed{key(0, 0), "1", 0}, timed{key(0, 30_000), "4", 30_000})
	recs := st.consume("S2", 2)
	for i, want := range []kv{{key(0, 0), []byte("1")}, {key(0, 30_000), []byte("4")}} {
		if !bytes.Equal(recs[i].key, want.key) || !bytes.Equal(recs[i].value, want.value) {
			t.Errorf("record %d: key %x value %q, want key %x value %q", i, recs[i].key, recs[i].value, want.key, want.value)
		}
	}
	sd := mustKSQL(t, url, "DESCRIBE S2;", nil)[0]["sourceDescription"].(map[string]any)
	if sd["windowType"] != "TUMBLING" || len(sd["fields"].([]any)) != 2 {
		t.Errorf("DESCRIBE S2: windowType %v fields %v", sd["windowType"], sd["fields"])
	}
}

// session-windows.json "import session stream": a session window's key
// carries its end then its start, and a WHERE may read the bounds
// (magic-timestamp-conversion.json compares WINDOWSTART and WINDOWEND).
func TestPersistentQueryOverSessionStreamFiltersOnWindowBounds(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	key := func(k string, start, end int64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64([]byte(k), uint64(end)), uint64(start))
	}
	mustKSQL(t, url, `CREATE STREAM INPUT (K STRING KEY, source INT) WITH (kafka_topic='test_topic', PARTITIONS=1, value_format='JSON', WINDOW_TYPE='Session');
CREATE STREAM OUTPUT AS SELECT K, source FROM INPUT WHERE 1000 <= WINDOWSTART AND WINDOWEND <= 2000;`, earliest())
	st.produceTimed("test_topic",
		timed{key("a", 0, 1500), `{"SOURCE":1}`, 10},
		timed{key("b", 1000, 2000), `{"SOURCE":2}`, 20})
	recs := st.consume("OUTPUT", 1)
	if !bytes.Equal(recs[0].key, key("b", 1000, 2000)) || string(recs[0].value) != `{"SOURCE":2}` {
		t.Errorf("record: key %x value %s", recs[0].key, recs[0].value)
	}
}

// windowed-source.json "Should fail querying windowed table": a windowed
// table still cannot be read by a persistent query; selecting a window
// bound without an alias is refused as in ksqlDB (Analyzer). Aggregating
// a windowed stream and INSERT INTO ... SELECT from one are not built here
// and are refused as not supported.
func TestPersistentQueryOverWindowedSourceRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE TI (K STRING PRIMARY KEY, x int) WITH (kafka_topic='ti', PARTITIONS=1, value_format='JSON', WINDOW_TYPE='Session');
CREATE STREAM SI (K STRING KEY, x int) WITH (kafka_topic='si', PARTITIONS=1, value_format='JSON', WINDOW_TYPE='Session');
CREATE STREAM PLAIN (K STRING KEY, x int) WITH (kafka_topic='plain', PARTITIONS=1, value_format='JSON');`, nil)
	for stmt, want := range map[string]string{
		"CREATE TABLE OUTPUT AS SELECT * FROM TI;":                  "KSQL does not support persistent queries on windowed tables.",
		"CREATE STREAM O2 AS SELECT K, WINDOWSTART FROM SI;":        "Reserved column name in select: `WINDOWSTART`. Please remove or alias the column.",
		"CREATE TABLE O3 AS SELECT K, COUNT(*) FROM SI GROUP BY K;": "a persistent query that aggregates a windowed stream is not supported by this ksqlDB server",
		"INSERT INTO PLAIN SELECT * FROM SI;":                       "INSERT INTO ... SELECT from a windowed stream is not supported by this ksqlDB server",
	} {
		code, e := stmtErr(t, url, stmt)
		if code != 400 || e["message"] != want {
			t.Errorf("%s: %d %v\nwant %q", stmt, code, e, want)
		}
	}
}

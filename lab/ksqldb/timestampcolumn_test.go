package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

// timedValues is each record's value and timestamp, as value@ts.
func timedValues(st *stack, topic string, n int) []string {
	var out []string
	for _, r := range st.consumeRecords(topic, n) {
		out = append(out, fmt.Sprintf("%s@%d", r.Value, r.Timestamp.UnixMilli()))
	}
	return out
}

// A STRING column with TIMESTAMP_FORMAT is the record time of a declared
// stream: rows take the parsed time, a row whose text does not parse is
// skipped (query-validation-tests timestampformat.json "timestamp format",
// timestamp-extractor.json "source string timestamp column").
func TestTimestampFormatTakesRecordTimeFromAStringColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, ID bigint, event_timestamp VARCHAR) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON', timestamp='event_timestamp', timestamp_format='yyyy-MM-dd''T''HH:mm:ssX');
CREATE STREAM TS AS select K, id FROM test;`, earliest())
	st.produceTimed("test_topic",
		timed{[]byte("a"), `{"ID": 1, "EVENT_TIMESTAMP": "2018-05-11T21:58:33Z"}`, 10},
		timed{[]byte("a"), `{"ID": 2, "EVENT_TIMESTAMP": "!!!!!!!!"}`, 10},
		timed{[]byte("a"), `{"ID": 3, "EVENT_TIMESTAMP": "2020-05-11T21:58:33Z"}`, 10},
	)
	sameLines(t, "TS", timedValues(st, "TS", 2), []string{`{"ID":1}@1526075913000`, `{"ID":3}@1589234313000`})
}

// A TIMESTAMP column is the record time without a format
// (timestampformat.json "timestamp column of TIMESTAMP type").
func TestTimestampPropertyTakesRecordTimeFromATimestampColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (K STRING KEY, ID bigint, EVENT_TS TIMESTAMP) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON', timestamp='EVENT_TS');
CREATE STREAM OUTPUT AS SELECT K, ID, EVENT_TS FROM INPUT;`, earliest())
	st.produceTimed("test_topic",
		timed{[]byte("a"), `{"ID": 1, "EVENT_TS": 1526075913000}`, 10},
		timed{[]byte("a"), `{"ID": 2, "EVENT_TS": 1589234313000}`, 10},
	)
	sameLines(t, "OUTPUT", timedValues(st, "OUTPUT", 2), []string{`{"ID":1,"EVENT_TS":1526075913000}@1526075913000`, `{"ID":2,"EVENT_TS":1589234313000}@1589234313000`})
}

// CREATE ... AS SELECT WITH (TIMESTAMP=...) writes each result with the
// time of its column, skipping rows whose time is negative or does not
// parse (timestampformat.json "override output timestamp for CSAS", "...
// using a string TIMESTAMP_FORMAT", "override output timestamp for CTAS").
func TestCreateAsSelectTimestampPropertySetsTheResultTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, ID bigint, EVENT_TS varchar) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE STREAM TS WITH (timestamp='sink_ts') AS SELECT K, id as sink_ts, id FROM test;
CREATE STREAM TS2 WITH (timestamp='event_ts', timestamp_format='yyyy-MM-dd''T''HH:mm:ssX') AS SELECT K, id, event_ts FROM test;
CREATE TABLE TT (K STRING PRIMARY KEY, ID bigint) WITH (kafka_topic='table_topic', partitions=1, value_format='JSON');
CREATE TABLE TTS WITH (timestamp='sink_ts') AS SELECT K, id as sink_ts, id FROM tt;`, earliest())
	st.produceTimed("test_topic",
		timed{[]byte("a"), `{"ID": 1, "EVENT_TS": "2018-05-11T21:58:33Z"}`, 1526075913000},
		timed{[]byte("a"), `{"ID": -2, "EVENT_TS": "not a timestamp"}`, 1526075913000},
		timed{[]byte("a"), `{"ID": 3, "EVENT_TS": "2019-05-11T21:58:33Z"}`, 1589234313000},
	)
	st.produceTimed("table_topic",
		timed{[]byte("a"), `{"ID": 1}`, 1526075913000},
		timed{[]byte("a"), `{"ID": -2}`, 1526075913000},
		timed{[]byte("a"), `{"ID": 3}`, 1589234313000},
	)
	sameLines(t, "TS", timedValues(st, "TS", 2), []string{`{"SINK_TS":1,"ID":1}@1`, `{"SINK_TS":3,"ID":3}@3`})
	sameLines(t, "TS2", timedValues(st, "TS2", 2), []string{
		`{"ID":1,"EVENT_TS":"2018-05-11T21:58:33Z"}@1526075913000`, `{"ID":3,"EVENT_TS":"2019-05-11T21:58:33Z"}@1557611913000`})
	sameLines(t, "TTS", timedValues(st, "TTS", 2), []string{`{"SINK_TS":1,"ID":1}@1`, `{"SINK_TS":3,"ID":3}@3`})
	if n := st.recordCount("TS"); n != 2 {
		t.Errorf("TS has %d records, want 2", n)
	}
	r := mustKSQL(t, url, "DESCRIBE TS2;", nil)
	if ts := r[0]["sourceDescription"].(map[string]any)["timestamp"]; ts != "EVENT_TS" {
		t.Errorf("DESCRIBE TS2 timestamp %v, want EVENT_TS", ts)
	}
}

// The TIMESTAMP and TIMESTAMP_FORMAT properties are validated as
// TimestampExtractionPolicyFactory.create does, on declared and derived
// sources alike (timestampformat.json's expected exceptions; the missing
// column case selects the key here, as this server checks the projection's
// key before the sink's properties).
func TestTimestampPropertiesAreValidatedLikeKsqlDB(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (K STRING KEY, ID bigint, EVENT_TS int) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	cases := map[string]string{
		"CREATE STREAM e1 (v BIGINT) WITH (KAFKA_TOPIC='e1', PARTITIONS=1, VALUE_FORMAT='JSON', TIMESTAMP='v', TIMESTAMP_FORMAT='yyyy');": "'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.",
		// a pattern letter Java knows and this server does not parse: not supported
		"CREATE STREAM e2 (v STRING) WITH (KAFKA_TOPIC='e2', PARTITIONS=1, VALUE_FORMAT='JSON', TIMESTAMP='v', TIMESTAMP_FORMAT='yyyy QQQ');": "timestamp_format 'yyyy QQQ' (unsupported pattern letter 'Q') is not supported by this ksqlDB server",
		"CREATE STREAM TS WITH (timestamp='invalid_ts') AS SELECT K, id, event_ts FROM test;":                                                 "The TIMESTAMP column set in the WITH clause does not exist in the schema: 'INVALID_TS'",
		"CREATE STREAM TS WITH (timestamp='event_ts') AS SELECT K, id, event_ts FROM test;":                                                   "Timestamp column, `EVENT_TS`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.",
	}
	for ksql, want := range cases {
		code, e := stmtErr(t, url, ksql)
		if code != 400 || !strings.Contains(fmt.Sprint(e["message"]), want) {
			t.Errorf("%s\n got %d %v\nwant 400 %q", ksql, code, e["message"], want)
		}
	}
}

package ksqldb

import (
	"strings"
	"testing"
)

// A window bound given as text is parsed with ResolverStyle.SMART, which
// reads an hour of 24 with nothing after it as the end of the day, the
// next day's midnight (rest-query-validation-tests
// pull-queries-against-materialized-aggregates.json "partial text datetime
// window bounds": WindowStart < '2020-02-24T24').
func TestPullQueryWindowBoundAtHourTwentyFourIsTheNextMidnight(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM taps (id STRING KEY, n INT) WITH (kafka_topic='taps', value_format='JSON', partitions=1);
CREATE TABLE tap_counts AS SELECT id, COUNT(*) AS c FROM taps WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY id;`, earliest())
	// 2020-02-24T23:59:59Z, 2020-02-25T00:00:00Z
	st.produceAt("taps", []byte("a"), []byte(`{"N":1}`), 1582588799000)
	st.produceAt("taps", []byte("a"), []byte(`{"N":1}`), 1582588800000)
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT * FROM tap_counts;")
		return len(rows) == 2
	}, "both windows materialized")
	code, body := post(t, url, "/query", "SELECT windowstart FROM tap_counts WHERE id = 'a' AND windowstart < '2020-02-24T24';", nil)
	if code != 200 || !strings.Contains(string(body), `[1582588799000]`) || strings.Contains(string(body), `1582588800000`) {
		t.Errorf("windowstart < '2020-02-24T24': %d %s, want the window before midnight only", code, body)
	}
}

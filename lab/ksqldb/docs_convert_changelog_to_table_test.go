package ksqldb

import (
	"strings"
	"testing"
)

// The how-to guide "Convert a changelog to a table", run as written:
// statements go to /ksql, pull queries to /query, and the rows are the
// guide's output tables in the REST API's form.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/convert-changelog-to-table/

// Section "Materializing a changelog STREAM": a pull query on the stream
// lists every change in offset order, and LATEST_BY_OFFSET grouped by key
// keeps the last one. The guide inserts into changelog_stream without
// declaring it; the declaration here is the one its INSERTs imply.
func TestHowToChangelogStreamMaterializesWithLatestByOffset(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM changelog_stream (k VARCHAR KEY, v1 INT, v2 VARCHAR, v3 BOOLEAN)
  WITH (kafka_topic = 'changelog_stream', partitions = 1, value_format = 'JSON');
SET 'auto.offset.reset' = 'earliest';
INSERT INTO changelog_stream (
    k, v1, v2, v3
) VALUES (
    'k1', 0, 'a', true
);
INSERT INTO changelog_stream (
    k, v1, v2, v3
) VALUES (
    'k2', 1, 'b', false
);
INSERT INTO changelog_stream (
    k, v1, v2, v3
) VALUES (
    'k1', 2, 'c', false
);
INSERT INTO changelog_stream (
    k, v1, v2, v3
) VALUES (
    'k3', 3, 'd', true
);
INSERT INTO changelog_stream (
    k, v1, v2, v3
) VALUES (
    'k2', 4, 'e', true
);`, nil)
	hdr, rows, final := pullRows(t, url, "SELECT * FROM changelog_stream;")
	if want := "[k1 0 a true] [k2 1 b false] [k1 2 c false] [k3 3 d true] [k2 4 e true]"; strings.Join(rows, " ") != want || final != "Query Completed" {
		t.Errorf("changelog_stream: %s %v %q\nwant %s", hdr, rows, final, want)
	}
	mustKSQL(t, url, `CREATE TABLE latest_events AS
    SELECT k,
           LATEST_BY_OFFSET(v1) AS v1,
           LATEST_BY_OFFSET(v2) AS v2,
           LATEST_BY_OFFSET(v3) AS v3
    FROM changelog_stream
    GROUP BY k
    EMIT CHANGES;`, earliest())
	waitFor(t, func() bool {
		_, rows, _ = pullRows(t, url, "SELECT * FROM latest_events;")
		return strings.Join(rows, " ") == "[k1 2 c false] [k2 4 e true] [k3 3 d true]"
	}, "latest_events to hold the last value of k1, k2 and k3")
	if hdr, _, _ := pullRows(t, url, "SELECT * FROM latest_events;"); hdr != "`K` STRING KEY, `V1` INTEGER, `V2` STRING, `V3` BOOLEAN" {
		t.Errorf("header %s", hdr)
	}
}

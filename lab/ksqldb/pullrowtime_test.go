package ksqldb

import (
	"slices"
	"strings"
	"testing"
)

// A pull query on a table reads each row's ROWTIME, the timestamp of the
// record that last set the row: select-pull-query.md's "SELECT name,
// ROWTIME FROM users WHERE ROWTIME > 50000;" (ksqlDB 0.29) on a source
// table, where a later record for the same key moves the row's time.
func TestDocsPullQueryReadsRowtimeOfATableRow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE SOURCE TABLE users (id INT PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', partitions=1, value_format='JSON');`, earliest())
	st.produceTimed("users", timed{key: intKey(1), value: `{"NAME":"early"}`, ts: 40000}, timed{key: intKey(2), value: `{"NAME":"late"}`, ts: 60000})
	var hdr string
	var rows []string
	waitFor(t, func() bool {
		hdr, rows, _ = pullRows(t, url, "SELECT name, ROWTIME FROM users WHERE ROWTIME > 50000;")
		return strings.Join(rows, " ") == "[late 60000]"
	}, "users to hold late at 60000")
	if hdr != "`NAME` STRING, `ROWTIME` BIGINT" {
		t.Errorf("header %s", hdr)
	}
	st.produceTimed("users", timed{key: intKey(1), value: `{"NAME":"again"}`, ts: 70000})
	waitFor(t, func() bool {
		_, rows, _ = pullRows(t, url, "SELECT name, ROWTIME FROM users WHERE ROWTIME > 50000;")
		return strings.Join(slices.Sorted(slices.Values(rows)), " ") == "[again 70000] [late 60000]"
	}, "id 1 to move to 70000")
}

// An aggregate's row has the time of the latest record it counts:
// rest-query-validation-tests pull-queries-against-materialized-aggregates.json
// "non-windowed - Table Scan - select star and ROWTIME" and "windowed -
// Table Scan - select star and ROWTIME" (confluentinc/ksql v7.9.0).
func TestPullQueryRowtimeOfAnAggregateIsItsLatestRecords(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID STRING KEY, IGNORED INT) WITH (kafka_topic='test_topic', value_format='JSON');
CREATE TABLE AGGREGATE AS SELECT ID, COUNT(1) AS COUNT FROM INPUT GROUP BY ID;
CREATE TABLE WINDOWED AS SELECT ID, COUNT(1) AS COUNT FROM INPUT WINDOW TUMBLING(SIZE 1 SECOND) GROUP BY ID;`, earliest())
	st.produceTimed("test_topic",
		timed{key: []byte("10"), value: `{}`, ts: 12345},
		timed{key: []byte("11"), value: `{}`, ts: 12346},
		timed{key: []byte("11"), value: `{}`, ts: 13346},
		timed{key: []byte("10"), value: `{}`, ts: 13345})
	var hdr string
	var rows []string
	waitFor(t, func() bool {
		hdr, rows, _ = pullRows(t, url, "SELECT ID, COUNT, ROWTIME FROM AGGREGATE;")
		return strings.Join(slices.Sorted(slices.Values(rows)), " ") == "[10 2 13345] [11 2 13346]"
	}, "AGGREGATE rows at their latest records' times")
	if hdr != "`ID` STRING KEY, `COUNT` BIGINT, `ROWTIME` BIGINT" {
		t.Errorf("header %s", hdr)
	}
	waitFor(t, func() bool {
		hdr, rows, _ = pullRows(t, url, "SELECT ID, WINDOWSTART, WINDOWEND, COUNT, ROWTIME FROM WINDOWED;")
		return strings.Join(slices.Sorted(slices.Values(rows)), " ") == "[10 12000 13000 1 12345] [10 13000 14000 1 13345] [11 12000 13000 1 12346] [11 13000 14000 1 13346]"
	}, "WINDOWED rows at their records' times")
}

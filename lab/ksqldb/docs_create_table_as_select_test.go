package ksqldb

import (
	"strconv"
	"strings"
	"testing"
)

// The reference page "CREATE TABLE AS SELECT", its examples run as written
// over /ksql. The page declares none of the sources its examples read; the
// declarations here give them the columns the examples name. It shows no
// output: rows are compared with what the statements mean (a filter, a
// hopping count, TOPK's top values) and refusals with ksqlDB's messages
// (SyntaxErrorValidator, LogicalPlanner, query-validation-tests at v7.9.0).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-table-as-select/

// "Derive a new view from an existing table": derived keeps a, b and d of
// every row of source whose key A is not null, and answers pull queries.
func TestDocsCTASDerivesAViewOfATable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE source (a INT PRIMARY KEY, b VARCHAR, c VARCHAR, d INT)
  WITH (kafka_topic='source', partitions=1, value_format='JSON');
INSERT INTO source (a, b, c, d) VALUES (1, 'one', 'x', 10);
INSERT INTO source (a, b, c, d) VALUES (2, 'two', 'y', 20);
INSERT INTO source (a, b, c, d) VALUES (1, 'uno', 'z', 11);`, nil)
	out := mustKSQL(t, url, `-- Derive a new view from an existing table:
CREATE TABLE derived AS
  SELECT
    a,
    b,
    d
  FROM source
  WHERE A is not null
  EMIT CHANGES;`, earliest())
	if msg := commandMessage(t, out); !strings.HasPrefix(msg, "Created query with ID CTAS_DERIVED_") {
		t.Errorf("message %q", msg)
	}
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT * FROM derived;")
		return strings.Join(rows, " ") == "[1 uno 11] [2 two 20]"
	}, "derived to hold the latest b and d of keys 1 and 2")
	if schema, _ := describeSchema(t, url, "derived"); schema != "A INTEGER KEY, B STRING, D INTEGER" {
		t.Errorf("DESCRIBE derived: %s", schema)
	}
}

// "Window retention": a hopping window of 30 s advancing by 10 s counts
// each female view of a region ending in _6 in every window that contains
// it; other views are filtered out. Hopping windows that would start
// before 0 do not exist (Kafka Streams' TimeWindows.windowsFor), so a view
// at 5 s is in [0, 30 s) only and one at 25 s in [0, 30 s), [10 s, 40 s)
// and [20 s, 50 s).
func TestDocsCTASCountsFilteredViewsInHoppingWindows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR, pageid VARCHAR, regionid VARCHAR, gender VARCHAR)
  WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');`, nil)
	st.produceTimed("pageviews",
		timed{nil, `{"USERID":"u1","PAGEID":"p1","REGIONID":"Region_6","GENDER":"female"}`, 5000},
		timed{nil, `{"USERID":"u2","PAGEID":"p2","REGIONID":"Region_6","GENDER":"MALE"}`, 6000},
		timed{nil, `{"USERID":"u3","PAGEID":"p3","REGIONID":"Region_1","GENDER":"FEMALE"}`, 7000},
		timed{nil, `{"USERID":"u4","PAGEID":"p4","REGIONID":"Region_6","GENDER":"Female"}`, 25000})
	mustKSQL(t, url, `-- Window retention: configure the number of windows in the past that ksqlDB retains.
CREATE TABLE pageviews_per_region AS
  SELECT regionid, COUNT(*) FROM pageviews
  WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, RETENTION 7 DAYS, GRACE PERIOD 30 MINUTES)
  WHERE UCASE(gender)='FEMALE' AND LCASE (regionid) LIKE '%_6'
  GROUP BY regionid
  EMIT CHANGES;`, earliest())
	want := "[Region_6 0 30000 2] [Region_6 10000 40000 1] [Region_6 20000 50000 1]"
	var hdr string
	var rows []string
	waitFor(t, func() bool {
		hdr, rows, _ = pullRows(t, url, "SELECT * FROM pageviews_per_region WHERE regionid = 'Region_6';")
		return strings.Join(rows, " ") == want
	}, "Region_6's three windows: "+want)
	if hdr != "`REGIONID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `KSQL_COL_0` BIGINT" {
		t.Errorf("header %s", hdr)
	}
	if _, r1, _ := pullRows(t, url, "SELECT * FROM pageviews_per_region WHERE regionid = 'Region_1';"); len(r1) != 0 {
		t.Errorf("Region_1 does not end in _6 but has windows %v", r1)
	}
}

// Examples ksqlDB itself refuses, refused with its messages. The TIMESTAMP
// example has a semicolon before EMIT CHANGES, so the request holds a
// statement "EMIT CHANGES;" that does not parse, and nothing runs
// (SyntaxErrorValidator: "Unknown statement"); without that line its query
// windows without GROUP BY (LogicalPlanner; query-validation-tests
// windowed-source.json). The weekly chart writes TUMBLING (7 DAYS), where
// the grammar needs SIZE (SqlBase.g4 tumblingWindowExpression;
// SyntaxErrorValidator names a short expectation list as "Expecting").
// top_orders selects orderzip_code but groups by order_zipcode.
func TestDocsCTASExamplesKsqlDBRefusesAreRefusedWithItsMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM bar (id INT KEY, t2 BIGINT) WITH (kafka_topic='bar', partitions=1, value_format='JSON');
CREATE STREAM playStream (song_id BIGINT) WITH (kafka_topic='plays', partitions=1, value_format='JSON');
CREATE TABLE songs (id BIGINT PRIMARY KEY, songName VARCHAR) WITH (kafka_topic='songs', partitions=1, value_format='JSON');
CREATE STREAM orders (id INT KEY, order_zipcode VARCHAR, order_total DOUBLE) WITH (kafka_topic='orders', partitions=1, value_format='JSON');`, nil)
	for _, c := range []struct{ ksql, prefix string }{
		{`CREATE TABLE foo WITH (TIMESTAMP='t2') AS
  SELECT * FROM bar
  WINDOW TUMBLING (size 10 seconds);
  EMIT CHANGES;`, "line 4:3: Syntax Error\nUnknown statement 'EMIT'"},
		{`CREATE TABLE foo WITH (TIMESTAMP='t2') AS
  SELECT * FROM bar
  WINDOW TUMBLING (size 10 seconds);`, "Line: 3, Col: 10: WINDOW clause requires a GROUP BY clause."},
		{`-- Join a stream of play events to a songs table, windowing weekly, to create a weekly chart:
CREATE TABLE weeklyMusicCharts AS
   SELECT
      s.songName,
      count(1) AS playCount
   FROM playStream p
      JOIN songs s ON p.song_id = s.id
   WINDOW TUMBLING (7 DAYS)
   GROUP BY s.songName
   EMIT CHANGES;`, "line 8:21: Syntax Error\nExpecting 'SIZE'"},
		{`-- out-of-order events: accept events for up to two hours after the window ends.
CREATE TABLE top_orders AS
  SELECT orderzip_code, TOPK(order_total, 5) FROM orders
  WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) 
  GROUP BY order_zipcode
  EMIT CHANGES;`, "Line: 3, Col: 10: SELECT column 'ORDERZIP_CODE' cannot be resolved."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if msg, _ := e["message"].(string); code != 400 || e["error_code"] != float64(40001) || !strings.HasPrefix(msg, c.prefix) {
			t.Errorf("%s\n got %d %v %q\nwant 400 40001 %q", c.ksql, code, e["error_code"], msg, c.prefix)
		}
	}
	if tables := mustKSQL(t, url, "SHOW TABLES;", nil)[0]["tables"].([]any); len(tables) != 1 {
		t.Errorf("a refused statement left a table behind: %v", tables)
	}
}

// top_orders with its column named as in its GROUP BY: TOPK keeps the five
// largest totals of each zip code's hour window, largest first
// (aggregate-functions page, TOPK).
func TestDocsCTASTopOrdersKeepsTheFiveLargestTotalsPerWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM orders (id INT KEY, order_zipcode VARCHAR, order_total DOUBLE) WITH (kafka_topic='orders', partitions=1, value_format='JSON');`, nil)
	var recs []timed
	for i, total := range []float64{12.5, 99, 3, 45.25, 60, 7, 80} {
		recs = append(recs, timed{intKey(int32(i)), `{"ORDER_ZIPCODE":"94041","ORDER_TOTAL":` + strconv.FormatFloat(total, 'f', -1, 64) + `}`, int64(1000 + i)})
	}
	recs = append(recs, timed{intKey(9), `{"ORDER_ZIPCODE":"10001","ORDER_TOTAL":5}`, 2000})
	st.produceTimed("orders", recs...)
	mustKSQL(t, url, `CREATE TABLE top_orders AS
  SELECT order_zipcode, TOPK(order_total, 5) FROM orders
  WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) 
  GROUP BY order_zipcode
  EMIT CHANGES;`, earliest())
	var rows []string
	waitFor(t, func() bool {
		_, rows, _ = pullRows(t, url, "SELECT * FROM top_orders WHERE order_zipcode = '94041';")
		return strings.Join(rows, " ") == "[94041 0 3.6e+06 [99 80 60 45.25 12.5]]"
	}, "94041's top five totals in the window [0, 3600000)")
	if hdr, _, _ := pullRows(t, url, "SELECT * FROM top_orders WHERE order_zipcode = '10001';"); hdr != "`ORDER_ZIPCODE` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `KSQL_COL_0` ARRAY<DOUBLE>" {
		t.Errorf("header %s", hdr)
	}
}

package ksqldb

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// The reference page "SELECT (Push Query)", its examples run as written.
// The page declares none of the streams it reads; the declarations here
// give them the columns the examples name. Queries without LIMIT run on
// /query-stream until the spec has read the rows it expects and leaves.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/select-push-query/

// streamRows opens a push query on /query-stream from the earliest offset,
// reads its first n rows (JSON arrays) and leaves.
func streamRows(t *testing.T, url, query string, n int) []string {
	t.Helper()
	resp, rd, _ := openQueryStream(t, http.DefaultClient, url, query)
	defer resp.Body.Close()
	rows := make([]string, 0, n)
	for len(rows) < n {
		rows = append(rows, readLine(t, rd))
	}
	return rows
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const pageviewsStream = `CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR, pageid VARCHAR)
  WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');`

func pageview(ts int64, user string) timed {
	return timed{nil, `{"VIEWTIME":` + itoa(ts) + `,"USERID":"` + user + `","PAGEID":"Page_1"}`, ts}
}

// The first example keeps the views whose ROWTIME lies between the two
// bounds, both included. The view after the upper bound is produced
// before the last one inside, so a leak would show as the third row.
func TestDocsPushQuerySelectsRowsBetweenTwoRowtimes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, pageviewsStream, nil)
	st.produceTimed("pageviews", pageview(1510923224999, "before"), pageview(1510923225000, "first"),
		pageview(1510923227000, "middle"), pageview(1510923228001, "after"), pageview(1510923228000, "last"))
	rows := streamRows(t, url, `SELECT * FROM pageviews
  WHERE ROWTIME >= 1510923225000
    AND ROWTIME <= 1510923228000
  EMIT CHANGES;`, 3)
	want := `[1510923225000,"first","Page_1"] [1510923227000,"middle","Page_1"] [1510923228000,"last","Page_1"]`
	if got := strings.Join(rows, " "); got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
}

// The ISO-8601 form: a datestring without a time zone is UTC, as the page
// states, so '2017-11-17T04:53:45' is 1510894425000 (the page calls it
// equivalent to 1510923225000, which is 12:53:45 UTC; the two agree only
// at UTC-8). A zone inside the datestring applies: -0330 puts 04:53:45 at
// 08:23:45 UTC. Strings compared with ROWTIME are read as
// PartialStringToTimestampParser reads them (query-validation-tests
// magic-timestamp-conversion.json).
func TestDocsPushQueryReadsISODatestringsAsUTC(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, pageviewsStream, nil)
	const utc0453 = 1510894425000 // 2017-11-17T04:53:45Z
	const nf0453 = utc0453 + 3*3600_000 + 30*60_000
	st.produceTimed("pageviews", pageview(utc0453-1, "before"), pageview(utc0453, "first"),
		pageview(utc0453+3001, "after"), pageview(utc0453+3000, "last"), pageview(nf0453, "newfoundland"))
	rows := streamRows(t, url, `SELECT * FROM pageviews
  WHERE ROWTIME >= '2017-11-17T04:53:45'
    AND ROWTIME <= '2017-11-17T04:53:48'
  EMIT CHANGES;`, 2)
	want := `[1510894425000,"first","Page_1"] [1510894428000,"last","Page_1"]`
	if got := strings.Join(rows, " "); got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
	if rows := streamRows(t, url, "SELECT userid FROM pageviews WHERE ROWTIME = '2017-11-17T04:53:45-0330' EMIT CHANGES;", 1); rows[0] != `["newfoundland"]` {
		t.Errorf("-0330 row %v", rows)
	}
	code, body := post(t, url, "/query", "SELECT * FROM pageviews WHERE ROWTIME >= 'not a time' EMIT CHANGES;", nil)
	if code != 400 || !strings.Contains(string(body), `"message":"Failed to parse timestamp 'not a time'`) {
		t.Errorf("bad datestring: %d %s", code, body)
	}
}

// LIMIT 5 ends the query after five rows with "Limit Reached".
func TestDocsPushQueryLimitEndsAfterFiveRows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, pageviewsStream, nil)
	var recs []timed
	for i := int64(0); i < 6; i++ {
		recs = append(recs, pageview(1000+i, "u"+itoa(i)))
	}
	st.produceTimed("pageviews", recs...)
	code, body := post(t, url, "/query", "SELECT * FROM pageviews EMIT CHANGES LIMIT 5;", earliest())
	if code != 200 || !strings.HasSuffix(strings.TrimSpace(string(body)), `{"finalMessage":"Limit Reached"}]`) {
		t.Fatalf("LIMIT 5: %d %s", code, body)
	}
	_, rows := pushRows(t, url, "SELECT * FROM pageviews EMIT CHANGES LIMIT 5;", 5)
	if rows[0] != `[1000,"u0","Page_1"]` || rows[4] != `[1004,"u4","Page_1"]` {
		t.Errorf("rows %v", rows)
	}
}

// STRUCT output: STRUCT(f1 := v1, f2 := v2) is one column of type
// STRUCT<F1 INTEGER, F2 STRING>, named KSQL_COL_0.
func TestDocsPushQueryOutputsAStruct(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (v1 INT, v2 VARCHAR) WITH (kafka_topic='s1', partitions=1, value_format='JSON');
INSERT INTO s1 (v1, v2) VALUES (1, 'a');`, nil)
	if rows := streamRows(t, url, "SELECT STRUCT(f1 := v1, f2 := v2) FROM s1 EMIT CHANGES;", 1); rows[0] != `[{"F1":1,"F2":"a"}]` {
		t.Errorf("row %v", rows)
	}
	if hdr, _ := pushRows(t, url, "SELECT STRUCT(f1 := v1, f2 := v2) FROM s1 EMIT CHANGES LIMIT 1;", 1); hdr != "`KSQL_COL_0` STRUCT<`F1` INTEGER, `F2` STRING>" {
		t.Errorf("header %s", hdr)
	}
}

const ordersStream = `CREATE STREAM orders (id INT KEY, item_id VARCHAR, quantity INT)
  WITH (kafka_topic='orders', partitions=1, value_format='JSON');`

func order(id int32, item string, qty int, ts int64) timed {
	return timed{intKey(id), `{"ITEM_ID":"` + item + `","QUANTITY":` + itoa(int64(qty)) + `}`, ts}
}

// The WINDOW examples: each change of an item's sum is a row with its
// window's bounds. Tumbling windows of 20 s hold [0, 20 s) and [20 s, 40 s);
// a hopping window of 20 s advancing by 5 s counts a record at 12 s in the
// windows starting at 0, 5 s and 10 s (none start before 0); a session
// window of 20 s inactivity starts and ends at its one record while the
// next record of that item is more than 20 s later.
func TestDocsPushQueryTumblingWindowSumsEachItemPerWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, ordersStream, nil)
	st.produceTimed("orders", order(1, "i1", 2, 1000), order(2, "i1", 3, 5000), order(3, "i2", 1, 25000))
	rows := streamRows(t, url, `SELECT windowstart, windowend, item_id, SUM(quantity)
  FROM orders
  WINDOW TUMBLING (SIZE 20 SECONDS)
  GROUP BY item_id
  EMIT CHANGES;`, 3)
	if got, want := strings.Join(rows, " "), `[0,20000,"i1",2] [0,20000,"i1",5] [20000,40000,"i2",1]`; got != want {
		t.Errorf("tumbling %s\nwant %s", got, want)
	}
}

func TestDocsPushQueryHoppingWindowCountsARecordInEveryWindowHoldingIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, ordersStream, nil)
	st.produceTimed("orders", order(1, "i1", 2, 12000))
	rows := streamRows(t, url, `SELECT windowstart, windowend, item_id, SUM(quantity)
  FROM orders
  WINDOW HOPPING (SIZE 20 SECONDS, ADVANCE BY 5 SECONDS)
  GROUP BY item_id
  EMIT CHANGES;`, 3)
	if got, want := strings.Join(rows, " "), `[0,20000,"i1",2] [5000,25000,"i1",2] [10000,30000,"i1",2]`; got != want {
		t.Errorf("hopping %s\nwant %s", got, want)
	}
}

func TestDocsPushQuerySessionWindowsSplitAtTheInactivityGap(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, ordersStream, nil)
	st.produceTimed("orders", order(1, "i1", 2, 1000), order(2, "i2", 5, 2000), order(3, "i1", 1, 40000))
	rows := streamRows(t, url, `SELECT windowstart, windowend, item_id, SUM(quantity)
  FROM orders
  WINDOW SESSION (20 SECONDS)
  GROUP BY item_id
  EMIT CHANGES;`, 3)
	if got, want := strings.Join(rows, " "), `[1000,1000,"i1",2] [2000,2000,"i2",5] [40000,40000,"i1",1]`; got != want {
		t.Errorf("session %s\nwant %s", got, want)
	}
}

// Examples ksqlDB itself refuses: both shipped_orders statements miss the
// comma after "o.id as orderId", so the parser stops at the next line's
// "o" (line 4, column 9); the out-of-order example selects orderzip_code
// but groups by order_zipcode.
func TestDocsPushQueryExamplesKsqlDBRefusesAreRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM orders (id INT KEY, itemid VARCHAR, order_zipcode VARCHAR, order_total DOUBLE)
  WITH (kafka_topic='orders', partitions=1, value_format='JSON');
CREATE STREAM payments (id INT KEY, amount DOUBLE) WITH (kafka_topic='payments', partitions=1, value_format='JSON');
CREATE STREAM shipments (id INT KEY, carrier VARCHAR) WITH (kafka_topic='shipments', partitions=1, value_format='JSON');`, nil)
	for _, c := range []struct{ path, ksql, prefix string }{
		{"/ksql", `   CREATE STREAM shipped_orders AS
     SELECT 
        o.id as orderId 
        o.itemid as itemId,
        s.id as shipmentId,
        p.id as paymentId
     FROM orders o
        INNER JOIN payments p WITHIN 1 HOURS ON p.id = o.id
        INNER JOIN shipments s WITHIN 2 HOURS ON s.id = o.id;`, "line 4:9: Syntax Error"},
		{"/ksql", `   CREATE STREAM shipped_orders AS
     SELECT
        o.id as orderId
        o.itemid as itemId,
        s.id as shipmentId,
        p.id as paymentId
     FROM orders o
        INNER JOIN payments p WITHIN 1 HOURS GRACE PERIOD 15 MINUTES ON p.id = o.id
        INNER JOIN shipments s WITHIN 2 HOURS GRACE PERIOD 15 MINUTES ON s.id = o.id;`, "line 4:9: Syntax Error"},
		{"/query", `SELECT orderzip_code, TOPK(order_total, 5) FROM orders
  WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) 
  GROUP BY order_zipcode
  EMIT CHANGES;`, "Line: 1, Col: 8: SELECT column 'ORDERZIP_CODE' cannot be resolved."},
	} {
		code, body := post(t, url, c.path, c.ksql, nil)
		if code != 400 || !strings.Contains(string(body), `"error_code":40001`) || !strings.Contains(string(body), `"message":"`+strings.ReplaceAll(c.prefix, "\n", `\n`)) {
			t.Errorf("%s\n got %d %s\nwant 400 40001 %q", c.ksql, code, body, c.prefix)
		}
	}
}

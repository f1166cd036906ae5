package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Aggregate functions", its two query examples run as
// written (its other blocks are signatures, specced in
// aggregate_lang_test.go). The TOPK example selects orderzip_code but
// groups by order_zipcode, so ksqlDB refuses it; TOPKDISTINCT keeps each
// page's five largest distinct view times, largest first.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/aggregate-functions/
func TestDocsAggregateFunctionsTopKExampleIsRefusedForItsColumnName(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (id INT KEY, order_zipcode VARCHAR, order_total DOUBLE) WITH (kafka_topic='orders', partitions=1, value_format='JSON');", nil)
	code, body := post(t, url, "/query", `SELECT orderzip_code, TOPK(order_total, 5) 
  FROM orders WINDOW TUMBLING (SIZE 1 HOUR)
  GROUP BY order_zipcode
  EMIT CHANGES;`, nil)
	if code != 400 || !strings.Contains(string(body), `"message":"Line: 1, Col: 8: SELECT column 'ORDERZIP_CODE' cannot be resolved."`) {
		t.Errorf("TOPK example: %d %s", code, body)
	}
}

func TestDocsAggregateFunctionsTopKDistinctKeepsTheLargestDistinctValues(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews_users (pageid VARCHAR, viewtime BIGINT) WITH (kafka_topic='pageviews_users', partitions=1, value_format='JSON');
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 5);
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 3);
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 5);
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 9);
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 1);
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 7);
INSERT INTO pageviews_users (pageid, viewtime) VALUES ('p1', 4);`, nil)
	rows := streamRows(t, url, `SELECT pageid, TOPKDISTINCT(viewtime, 5)
  FROM pageviews_users
  GROUP BY pageid
  EMIT CHANGES;`, 7)
	if got := rows[6]; got != `["p1",[9,7,5,4,3]]` {
		t.Errorf("last row %s, want the five largest distinct view times; rows %v", got, rows)
	}
	if got := rows[2]; got != `["p1",[5,3]]` {
		t.Errorf("after a repeated 5: %s, want [5,3]", got)
	}
}

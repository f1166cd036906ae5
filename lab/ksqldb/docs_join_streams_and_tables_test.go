package ksqldb

import (
	"encoding/json"
	"strings"
	"testing"
)

// The joins page "Join Event Streams with ksqlDB", its SQL examples run as
// written (its semantics tables are specs in join_test.go). The page
// declares none of the sources; the declarations here give them the
// columns and kinds its text names (A a stream, B and C tables keyed by
// product_id and purchased_id). Users are inserted before the views that
// name them, as a join reads its sources in timestamp order.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/

// pageviews_enriched: a LEFT JOIN keeps a view of an unknown user, with
// NULL region and gender, keyed by the view's userid.
func TestDocsJoinPageviewsEnrichedLeftJoinsUsers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR, pageid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE TABLE users (userid VARCHAR PRIMARY KEY, regionid VARCHAR, gender VARCHAR) WITH (kafka_topic='users', partitions=1, value_format='JSON');
INSERT INTO users (userid, regionid, gender) VALUES ('u1', 'Region_1', 'FEMALE');
INSERT INTO pageviews (viewtime, userid, pageid) VALUES (1, 'u1', 'p1');
INSERT INTO pageviews (viewtime, userid, pageid) VALUES (2, 'u9', 'p2');`, nil)
	mustKSQL(t, url, `CREATE STREAM pageviews_enriched AS
  SELECT 
     users.userid AS userid, 
     pageid, 
     regionid, 
     gender 
  FROM pageviews
    LEFT JOIN users ON pageviews.userid = users.userid
  EMIT CHANGES;`, earliest())
	if schema, _ := describeSchema(t, url, "pageviews_enriched"); schema != "USERID STRING KEY, PAGEID STRING, REGIONID STRING, GENDER STRING" {
		t.Errorf("DESCRIBE pageviews_enriched: %s", schema)
	}
	var got []string
	for _, r := range st.consumeRecords("PAGEVIEWS_ENRICHED", 2) {
		got = append(got, string(r.Key)+" "+string(r.Value))
	}
	if want := `u1 {"PAGEID":"p1","REGIONID":"Region_1","GENDER":"FEMALE"} u9 {"PAGEID":"p2","REGIONID":null,"GENDER":null}`; strings.Join(got, " ") != want {
		t.Errorf("records %v\nwant %s", got, want)
	}
}

// The N-way join of the stream A with the tables B and C: a stream of A's
// events that find both a product and a purchase.
func TestDocsJoinNWayStreamTableTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM A (id INT KEY, a_v VARCHAR) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE TABLE B (product_id INT PRIMARY KEY, b_v VARCHAR) WITH (kafka_topic='b', partitions=1, value_format='JSON');
CREATE TABLE C (purchased_id INT PRIMARY KEY, c_v VARCHAR) WITH (kafka_topic='c', partitions=1, value_format='JSON');
INSERT INTO B (product_id, b_v) VALUES (1, 'lamp');
INSERT INTO B (product_id, b_v) VALUES (2, 'desk');
INSERT INTO C (purchased_id, c_v) VALUES (1, 'paid');
INSERT INTO A (id, a_v) VALUES (2, 'no purchase');
INSERT INTO A (id, a_v) VALUES (1, 'bought');`, nil)
	mustKSQL(t, url, `CREATE STREAM joined AS 
  SELECT * 
  FROM A
    JOIN B ON A.id = B.product_id
    JOIN C ON A.id = C.purchased_id;`, earliest())
	if schema, _ := describeSchema(t, url, "joined"); schema != "A_ID INTEGER KEY, A_A_V STRING, B_PRODUCT_ID INTEGER, B_B_V STRING, C_PURCHASED_ID INTEGER, C_C_V STRING" {
		t.Errorf("DESCRIBE joined: %s", schema)
	}
	if v := string(st.consumeRecords("JOINED", 1)[0].Value); v != `{"A_A_V":"bought","B_PRODUCT_ID":1,"B_B_V":"lamp","C_PURCHASED_ID":1,"C_C_V":"paid"}` {
		t.Errorf("JOINED value %s", v)
	}
}

// The examples that chain a stream-stream join: shipped_orders and the
// WITHIN variant run; the last one ksqlDB itself refuses (its FULL OUTER
// step joins a stream to a table). Each runs on a stack of its own: two of
// them create the same stream name.
func TestDocsJoinNWayWithAStreamStreamStep(t *testing.T) {
	const setup = `CREATE STREAM orders (id INT KEY, itemid VARCHAR) WITH (kafka_topic='orders', partitions=1, value_format='JSON');
CREATE STREAM payments (id INT KEY, amount DOUBLE) WITH (kafka_topic='payments', partitions=1, value_format='JSON');
CREATE STREAM shipments (id INT KEY, carrier VARCHAR) WITH (kafka_topic='shipments', partitions=1, value_format='JSON');
CREATE STREAM A (id INT KEY, a_v VARCHAR) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE TABLE B (product_id INT PRIMARY KEY, b_v VARCHAR) WITH (kafka_topic='b', partitions=1, value_format='JSON');
CREATE STREAM B2 (product_id INT KEY, b_v VARCHAR) WITH (kafka_topic='b2', partitions=1, value_format='JSON');
CREATE TABLE C (purchased_id INT PRIMARY KEY, c_v VARCHAR) WITH (kafka_topic='c', partitions=1, value_format='JSON');
CREATE STREAM C2 (purchased_id INT KEY, c_v VARCHAR) WITH (kafka_topic='c2', partitions=1, value_format='JSON');`
	examples := []string{`   CREATE STREAM shipped_orders AS
     SELECT 
        o.id as orderId,
        o.itemid as itemId,
        s.id as shipmentId,
        p.id as paymentId
     FROM orders o
        INNER JOIN payments p WITHIN 1 HOURS ON p.id = o.id
        INNER JOIN shipments s WITHIN 2 HOURS ON s.id = o.id;`,
		`CREATE STREAM joined AS 
  SELECT * 
  FROM A
    JOIN B ON A.id = B.product_id
    JOIN C2 WITHIN 10 SECONDS ON A.id = C2.purchased_id;`,
		`  --- This JOIN fails with the following exception:
  --- Join between invalid operands requested: left type: KTABLE, right type: KSTREAM
  CREATE STREAM joined AS 
    SELECT * 
    FROM A
      JOIN B2 WITHIN 10 SECONDS ON A.id = B2.product_id
      FULL OUTER JOIN C ON A.id = C.purchased_id;`,
	}
	for i, ksql := range examples {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, setup, nil)
		code, body := post(t, url, "/ksql", ksql, nil)
		if i < 2 {
			if code != 200 || !strings.Contains(string(body), `"status":"SUCCESS"`) {
				t.Errorf("%s\n got %d %s", ksql, code, body)
			}
			continue
		}
		// LogicalPlanner.verifyStreamTableJoin; stream-table-join.json
		// names the same message for a two-way join.
		var e map[string]any
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%d %s", code, body)
		}
		if msg, _ := e["message"].(string); code != 400 || msg != "Invalid join type: full-outer join not supported for stream-table join. Got A [FULL] OUTER JOIN C." {
			t.Errorf("%s\n got %d %q", ksql, code, msg)
		}
	}
}

package ksqldb

import (
	"fmt"
	"testing"
)

// The concept page "Time and Windows in ksqlDB Queries": its queries run as
// written over streams with the columns they read (the page declares none),
// records carrying their event time as the Kafka timestamp (ROWTIME). Where
// the page gives input and output (the tumbling window with WINDOWSTART,
// WINDOWEND and MAX(ROWTIME)) they are compared; elsewhere the rows are the
// ones the page's text describes. The page's example times are times of
// day: the events here happen on 2021-01-01 (UTC).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/concepts/time-and-windows-in-ksqldb-queries/

// Section "Window types" (tumbling window example with WINDOWSTART,
// WINDOWEND and MAX(ROWTIME)): each order updates its five-minute window,
// and order 100_5, late but within the one-minute grace period, still
// counts in 12:00-12:05. The page's table gives 98041's only order a
// count of 2; one order in its window counts 1, as the page's text says
// the query counts the orders in each window.
func TestConceptTumblingWindowCountsOrdersWithinTheGracePeriod(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (orderId VARCHAR, order_zipcode VARCHAR, order_total DOUBLE) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	const noon = int64(1609502400000) // 2021-01-01T12:00:00Z
	at := func(m, s int64) int64 { return noon + (m*60+s)*1000 }
	order := func(zip, id string) string {
		return fmt.Sprintf(`{"ORDERID":%q,"ORDER_ZIPCODE":%q,"ORDER_TOTAL":1.0}`, id, zip)
	}
	st.produceTimed("orders",
		timed{nil, order("94041", "100_1"), at(0, 2)},
		timed{nil, order("94041", "100_2"), at(1, 23)},
		timed{nil, order("94041", "100_3"), at(3, 0)},
		timed{nil, order("94041", "100_4"), at(5, 30)},
		timed{nil, order("94041", "100_5"), at(4, 0)},
		timed{nil, order("98041", "100_6"), at(6, 10)},
	)
	_, rows := rawPushRows(t, url, `SELECT order_zipcode, 
  from_unixtime(WINDOWSTART) as Window_Start,
  from_unixtime(WINDOWEND) as Window_End,
  from_unixtime(max(ROWTIME)) as Window_Emit,
  count(orderId) as number_of_orders
FROM orders
  WINDOW TUMBLING (SIZE 5 minute, GRACE PERIOD 1 minute)
  GROUP BY order_zipcode
  EMIT CHANGES LIMIT 6;`, 6)
	sameLines(t, "orders per window", rows, []string{
		`["94041","2021-01-01T12:00:00.000","2021-01-01T12:05:00.000","2021-01-01T12:00:02.000",1]`,
		`["94041","2021-01-01T12:00:00.000","2021-01-01T12:05:00.000","2021-01-01T12:01:23.000",2]`,
		`["94041","2021-01-01T12:00:00.000","2021-01-01T12:05:00.000","2021-01-01T12:03:00.000",3]`,
		`["94041","2021-01-01T12:05:00.000","2021-01-01T12:10:00.000","2021-01-01T12:05:30.000",1]`,
		`["94041","2021-01-01T12:00:00.000","2021-01-01T12:05:00.000","2021-01-01T12:04:00.000",4]`,
		`["98041","2021-01-01T12:05:00.000","2021-01-01T12:10:00.000","2021-01-01T12:06:10.000",1]`,
	})
}

// Section "Hopping window": a 30-second window advancing by 10 seconds
// holds a record in three windows, oldest first; the WHERE clause keeps
// female views of regions ending in _6 only.
func TestConceptHoppingWindowCountsARecordInEveryOverlappingWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM pageviews (regionid VARCHAR, gender VARCHAR) WITH (KAFKA_TOPIC='pageviews', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	st.produceTimed("pageviews",
		timed{nil, `{"REGIONID":"Region_6","GENDER":"FEMALE"}`, 25_000}, // windows starting at 0, 10 and 20 s
		timed{nil, `{"REGIONID":"Region_6","GENDER":"MALE"}`, 26_000},
		timed{nil, `{"REGIONID":"Region_5","GENDER":"female"}`, 27_000},
		timed{nil, `{"REGIONID":"Region_6","GENDER":"female"}`, 35_000}, // windows starting at 10, 20 and 30 s
	)
	_, rows := rawPushRows(t, url, `SELECT regionid, COUNT(*) FROM pageviews
  WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS)
  WHERE UCASE(gender)='FEMALE' AND LCASE (regionid) LIKE '%_6'
  GROUP BY regionid
  EMIT CHANGES LIMIT 6;`, 6)
	sameLines(t, "female views of Region_6", rows, []string{
		`["Region_6",1]`, `["Region_6",1]`, `["Region_6",1]`,
		`["Region_6",2]`, `["Region_6",2]`, `["Region_6",1]`,
	})
}

// Section "Out-of-order events": with a grace period of two hours, an
// order for the first hour arriving when stream time is 2:59 still counts;
// one arriving at stream time 3:01 is late and left out.
func TestConceptGracePeriodAcceptsOutOfOrderEventsUntilItEnds(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (order_zipcode VARCHAR, order_total DOUBLE) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	minute := int64(60_000)
	order := func(total int) string { return fmt.Sprintf(`{"ORDER_ZIPCODE":"94041","ORDER_TOTAL":%d}`, total) }
	st.produceTimed("orders",
		timed{nil, order(10), 30 * minute},
		timed{nil, order(20), 179 * minute},
		timed{nil, order(30), 40 * minute}, // first hour, stream time 2:59: within the grace period
		timed{nil, order(40), 181 * minute},
		timed{nil, order(50), 50 * minute}, // first hour, stream time 3:01: late
		timed{nil, order(5), 182 * minute},
	)
	_, rows := rawPushRows(t, url, `SELECT order_zipcode, TOPK(order_total, 5) FROM orders
  WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) 
  GROUP BY order_zipcode
  EMIT CHANGES LIMIT 5;`, 5)
	sameLines(t, "top orders per hour", rows, []string{
		`["94041",[10.0]]`, `["94041",[20.0]]`, `["94041",[30.0,10.0]]`, `["94041",[40.0]]`, `["94041",[40.0,5.0]]`,
	})
}

// Section "Windowed joins": an order joins the shipment of the same
// order_id within one hour; a shipment two hours after its order does not.
func TestConceptWindowedJoinMatchesShipmentsWithinAnHour(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM new_orders (order_id INT KEY, total_amount DOUBLE, customer_name VARCHAR) WITH (KAFKA_TOPIC='new_orders', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM shipments (order_id INT KEY, shipment_id INT, warehouse VARCHAR) WITH (KAFKA_TOPIC='shipments', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	hour := int64(3_600_000)
	st.produceTimed("new_orders",
		timed{intKey(1), `{"TOTAL_AMOUNT":10.5,"CUSTOMER_NAME":"ann"}`, 10 * hour},
		timed{intKey(2), `{"TOTAL_AMOUNT":20.5,"CUSTOMER_NAME":"bob"}`, 10 * hour},
	)
	st.produceTimed("shipments",
		timed{intKey(2), `{"SHIPMENT_ID":200,"WAREHOUSE":"east"}`, 12 * hour},
		timed{intKey(1), `{"SHIPMENT_ID":100,"WAREHOUSE":"west"}`, 12*hour + 1},
		timed{intKey(1), `{"SHIPMENT_ID":101,"WAREHOUSE":"north"}`, 10*hour + hour/2},
	)
	_, rows := rawPushRows(t, url, `SELECT o.order_id, o.total_amount, o.customer_name, s.shipment_id, s.warehouse
  FROM new_orders o
  INNER JOIN shipments s
    WITHIN 1 HOURS
    ON o.order_id = s.order_id
    EMIT CHANGES LIMIT 1;`, 1)
	sameLines(t, "orders shipped within an hour", rows, []string{`[1,10.5,"ann",101,"north"]`})
}

// Section "Tumbling window": TOPK(order_total, 5) per zip code per hour
// keeps the five highest orders of each hour, highest first, and an order
// in the next hour starts a new window.
func TestConceptTumblingWindowKeepsTheFiveHighestOrdersPerHour(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (order_zipcode VARCHAR, order_total DOUBLE) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	hour := int64(3_600_000)
	var recs []timed
	for i, total := range []string{"3", "1", "4", "1.5", "9", "2.6"} {
		recs = append(recs, timed{nil, `{"ORDER_ZIPCODE":"94041","ORDER_TOTAL":` + total + `}`, 5*hour + int64(i)*60_000})
	}
	recs = append(recs, timed{nil, `{"ORDER_ZIPCODE":"94041","ORDER_TOTAL":7}`, 6 * hour})
	st.produceTimed("orders", recs...)
	_, rows := rawPushRows(t, url, `SELECT order_zipcode, TOPK(order_total, 5) FROM orders
  WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY order_zipcode
  EMIT CHANGES LIMIT 7;`, 7)
	sameLines(t, "top five orders per hour", rows[5:], []string{`["94041",[9.0,4.0,3.0,2.6,1.5]]`, `["94041",[7.0]]`})
}

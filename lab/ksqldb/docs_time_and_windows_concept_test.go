package ksqldb

import (
	"fmt"
	"testing"
)

// The concept page "Time and Windows in ksqlDB Queries": its example of a
// tumbling window with a grace period, over the page's example input. The
// page declares no orders stream and gives the events' times of day only:
// the stream here has the columns the query reads, and the events happen
// on 2021-01-01 (UTC), carried as the records' timestamps (ROWTIME).
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

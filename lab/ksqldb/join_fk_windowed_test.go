package ksqldb

import "testing"

// A foreign-key join of windowed tables is refused in a push query, as
// LogicalPlanner.verifyForeignKeyJoin refuses a windowed right table
// (rest-query-validation-tests push-queries.json "Should not allow foreign
// key join on windowed tables"); a persistent query over windowed tables is
// refused before that, by PushQueryValidator.
func TestForeignKeyJoinOfWindowedTablesIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE orders (id STRING PRIMARY KEY, item STRING) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='1 SECOND');
CREATE TABLE items (id STRING PRIMARY KEY, price INT) WITH (KAFKA_TOPIC='items', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Tumbling', WINDOW_SIZE='1 SECOND');`, nil)
	const want = "Foreign-key table-table joins are not supported on windowed tables."
	code, body := post(t, url, "/query", "SELECT * FROM orders JOIN items ON orders.item = items.id EMIT CHANGES;", nil)
	if code != 400 || !contains(string(body), want) {
		t.Errorf("push query: %d %.300s", code, body)
	}
	if code, e := stmtErr(t, url, "CREATE TABLE priced AS SELECT * FROM orders JOIN items ON orders.item = items.id;"); code != 400 || e["message"] != "KSQL does not support persistent queries on windowed tables." {
		t.Errorf("persistent query: %d %v", code, e["message"])
	}
}

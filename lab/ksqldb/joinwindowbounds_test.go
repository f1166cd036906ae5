package ksqldb

import "testing"

// A windowed aggregation of a join cannot select WINDOWSTART or WINDOWEND:
// both joined sources have the bounds, and ksqlDB's column validator
// refuses the unqualified name (query-validation-tests group-by.json
// "windowed join with window bounds"; ColumnReferenceValidator, ksql issue
// 5931).
func TestWindowBoundsOfAWindowedJoinAggregationAreRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM views (id VARCHAR, page VARCHAR) WITH (KAFKA_TOPIC='views', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	code, e := stmtErr(t, url, "CREATE TABLE perwindow AS SELECT views.id, COUNT(*), WINDOWEND AS wend FROM views JOIN users ON views.id = users.id WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY views.id;")
	if want := "Line: 1, Col: 54: SELECT column 'WINDOWEND' cannot be resolved."; code != 400 || e["message"] != want {
		t.Errorf("%d %q, want %q", code, e["message"], want)
	}
}

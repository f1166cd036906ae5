package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

// What EMIT FINAL statements are refused with, in the order ksqlDB checks:
// the aggregate analysis before the EMIT FINAL check (LogicalPlanner), and
// a WHERE typed against the source's columns, which have no window bounds
// (FilterTypeValidator; query-validation-tests suppress.json "should throw
// if no group by for aggregation", window-bounds.json "windowed group by -
// aggregate window bounds in WHERE").
func TestEmitFinalAndWindowBoundRefusalsFollowKsqlDBsOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream, nil)
	cases := map[string]string{
		"CREATE TABLE f1 AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 2 MILLISECONDS) EMIT FINAL;":                              "Non-aggregate SELECT expression(s) not part of GROUP BY: USER_ID",
		"CREATE TABLE f2 AS SELECT user_id, page, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT FINAL;":                                             "Non-aggregate SELECT expression(s) not part of GROUP BY: PAGE",
		"CREATE TABLE f3 AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT FINAL;":                                                   "EMIT FINAL is only supported for windowed aggregations.",
		"CREATE TABLE f4 AS SELECT user_id, COUNT(1) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) WHERE MIN(windowEnd) < 15000 GROUP BY user_id;": "Error in WHERE expression: Unknown column WINDOWEND.",
		"CREATE TABLE f5 AS SELECT user_id, COUNT(1) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) WHERE windowStart > 5 GROUP BY user_id;":        "Error in WHERE expression: Unknown column WINDOWSTART.",
	}
	for ksql, want := range cases {
		code, e := stmtErr(t, url, ksql)
		if code != 400 || !strings.HasPrefix(fmt.Sprint(e["message"]), want) {
			t.Errorf("%s\n got %d %v\nwant 400 %q", ksql, code, e["message"], want)
		}
	}
}

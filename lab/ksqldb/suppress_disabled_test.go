package ksqldb

import (
	"encoding/json"
	"testing"
)

// With ksql.suppress.enabled=false a query with EMIT FINAL is refused once
// its aggregation is planned and before EMIT FINAL's own checks
// (LogicalPlanner.buildPersistentLogicalPlan, KsqlConfig.KSQL_SUPPRESS_ENABLED
// at confluentinc/ksql v7.9.0).
func TestSuppressDisabledRefusesEmitFinal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream, nil)
	off := map[string]any{"ksql.suppress.enabled": false}
	const msg = "Suppression is currently disabled. You can enable it by setting ksql.suppress.enabled to true"
	for _, c := range []struct{ name, stmt, want string }{
		{"windowed aggregation", "CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id EMIT FINAL;", msg},
		{"before the windowed-aggregation check", "CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT FINAL;", msg},
		{"after the aggregate analysis", "CREATE TABLE finals AS SELECT user_id, page, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT FINAL;", "Non-aggregate SELECT expression(s) not part of GROUP BY: PAGE\nEither add the column(s) to the GROUP BY or remove them from the SELECT."},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := post(t, url, "/ksql", c.stmt, off)
			var e map[string]any
			_ = json.Unmarshal(body, &e)
			if code != 400 || e["message"] != c.want {
				t.Errorf("%d %s\nwant 400 %q", code, body, c.want)
			}
		})
	}
	t.Run("push query", func(t *testing.T) {
		q := "SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id EMIT FINAL;"
		if code, got := pullErr(t, url, q, off); code != 400 || got != msg {
			t.Errorf("%d %q\nwant 400 %q", code, got, msg)
		}
	})
	t.Run("enabled by default and when true", func(t *testing.T) {
		mustKSQL(t, url, "CREATE TABLE finals_on AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id EMIT FINAL;",
			map[string]any{"ksql.suppress.enabled": true})
	})
}

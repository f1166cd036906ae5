package ksqldb

import "testing"

// With ksql.new.query.planner.enabled=true ksqlDB plans a persistent query
// with its experimental planner, which drops an unprojected key instead of
// refusing it (query-validation-tests select.json "key missing from
// projection -- new planner"); this server has no such planner and refuses
// the query rather than plan it the other way.
func TestNewQueryPlannerIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM people (id INT KEY, name STRING) WITH (KAFKA_TOPIC='people', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	code, body := post(t, url, "/ksql", "CREATE STREAM names AS SELECT name FROM people;", map[string]any{"ksql.new.query.planner.enabled": "true"})
	if want := "the new query planner (ksql.new.query.planner.enabled=true) is not supported by this ksqlDB server"; code != 400 || !contains(string(body), want) {
		t.Errorf("%d %s", code, body)
	}
	mustKSQL(t, url, "CREATE STREAM ids AS SELECT id, name FROM people;", map[string]any{"ksql.new.query.planner.enabled": "false"})
}

package ksqldb

import "testing"

// CREATE STREAM/TABLE AS SELECT refuses LIMIT as the statement is prepared,
// naming what it creates (AstBuilder.disallowLimitClause;
// rest-query-validation-tests pull-queries-with-limit-clause.json "error on
// limit clause in persistent queries - CTAS", "... - CSAS").
func TestCreateAsSelectRefusesLimitNamingItsKind(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM rides (rider STRING KEY, km DOUBLE) WITH (kafka_topic='rides', value_format='JSON', partitions=1);", nil)
	for stmt, msg := range map[string]string{
		"CREATE STREAM long_rides AS SELECT * FROM rides WHERE km > 10 LIMIT 5;":                  "Failed to prepare statement: CREATE STREAM AS SELECT statements don't support LIMIT clause.",
		"CREATE TABLE rider_km AS SELECT rider, SUM(km) AS km FROM rides GROUP BY rider LIMIT 5;": "Failed to prepare statement: CREATE TABLE AS SELECT statements don't support LIMIT clause.",
	} {
		if code, e := stmtErr(t, url, stmt); code != 400 || e["message"] != msg {
			t.Errorf("%s: %d %v\nwant 400 %q", stmt, code, e["message"], msg)
		}
	}
}

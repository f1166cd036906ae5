package ksqldb

import "testing"

// A WHERE or HAVING expression over a join whose types do not resolve is
// reported with the join's columns named ALIAS_NAME, as ksqlDB checks the
// filter after JoinNode rewrote it over the joined schema.
// confluentinc/ksql 7.9.0 query-validation-tests comparison-expression.json
// "invalid where predicate - type mismatch join", "invalid having
// predicate - type mismatch join".
func TestJoinFilterTypeErrorsNameTheJoinsColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM sa (k INT KEY, x INT, y INT) WITH (kafka_topic='sa', PARTITIONS=1, value_format='JSON');
CREATE STREAM sb (k INT KEY, x INT, y STRING, z INT) WITH (kafka_topic='sb', PARTITIONS=1, value_format='JSON');`, nil)
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE STREAM o AS SELECT a.x, a.y, b.y FROM sa a JOIN sb b WITHIN 1 MINUTE ON a.x = b.x WHERE a.y > b.y;",
			"Error in WHERE expression: Cannot compare A_Y (INTEGER) to B_Y (STRING) with GREATER_THAN."},
		{"CREATE STREAM o AS SELECT a.x, a.y, b.y FROM sa a JOIN sb b WITHIN 1 MINUTE ON a.x = b.x WHERE z = 'q';",
			"Error in WHERE expression: Cannot compare B_Z (INTEGER) to 'q' (STRING) with EQUAL."},
		{"CREATE TABLE o AS SELECT a.x, SUM(a.y), SUM(b.z) FROM sa a JOIN sb b WITHIN 1 MINUTE ON a.x = b.x GROUP BY a.x HAVING SUM(a.y) > '7' AND SUM(b.z) > 2;",
			"Error in HAVING expression: Cannot compare SUM(A_Y) (INTEGER) to '7' (STRING) with GREATER_THAN."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || e["message"] != c.msg {
			t.Errorf("%s\n got %d %q\nwant 400 %q", c.ksql, code, e["message"], c.msg)
		}
	}
}

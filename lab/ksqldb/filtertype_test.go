package ksqldb

import "testing"

// A WHERE or HAVING expression whose types do not resolve is reported
// inside FilterTypeValidator's "Error in WHERE expression: ..." (and
// HAVING's), confluentinc/ksql v7.9.0; a column that does not exist is
// not (the Analyzer reports it first). query-validation-tests
// comparison-expression.json "invalid where predicate - type mismatch",
// "invalid where predicate - illegal expression", "invalid having
// predicate - type mismatch".
func TestFilterTypeErrorsNameTheirClause(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (ID INT KEY, VALUE BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	for _, c := range []struct{ stmt, want string }{
		{"CREATE STREAM OUTPUT AS SELECT * FROM TEST WHERE ID >= 'not an int';",
			"Error in WHERE expression: Cannot compare ID (INTEGER) to 'not an int' (STRING) with GREATER_THAN_OR_EQUAL."},
		{"CREATE STREAM OUTPUT AS SELECT * FROM TEST WHERE true + 1.5;",
			"Error in WHERE expression: Error processing expression: (true + 1.5). Unsupported arithmetic types. BOOLEAN DECIMAL(2, 1)"},
		{"CREATE TABLE OUTPUT AS SELECT ID, SUM(VALUE) FROM TEST GROUP BY ID HAVING SUM(VALUE) > '100';",
			"Error in HAVING expression: Cannot compare SUM(VALUE) (BIGINT) to '100' (STRING) with GREATER_THAN."},
		{"CREATE STREAM OUTPUT AS SELECT * FROM TEST WHERE NOPE > 1;",
			"Line: 1, Col: 50: WHERE column 'NOPE' cannot be resolved."},
	} {
		if code, e := stmtErr(t, url, c.stmt); code != 400 || e["message"] != c.want {
			t.Errorf("%s\n got %d %q\nwant 400 %q", c.stmt, code, e["message"], c.want)
		}
	}
}

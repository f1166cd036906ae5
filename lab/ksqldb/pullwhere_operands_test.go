package ksqldb

import (
	"strings"
	"testing"
)

// A pull query's BETWEEN and LIKE operands are not typed with the rest of
// its WHERE clause (ExpressionTypeManager takes both as BOOLEAN): LIKE on a
// column that is not a string is refused by QueryFilterNode's validation,
// and BETWEEN, rewritten as two comparisons, by the interpreter that
// compiles them (InterpretedExpressionFactory) (rest-query-validation-tests
// pull-queries-with-predicates.json "between operator must fail on
// non-matching literal", "like operator must fail on non-string pattern").
func TestPullWhereBetweenAndLikeOperands(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE items (id INT PRIMARY KEY, name STRING, note STRING) WITH (kafka_topic='items', partitions=1, value_format='JSON');
CREATE TABLE items_view AS SELECT id, name, note FROM items;`, earliest())
	queryWriting(t, url, "ITEMS_VIEW")
	scan := map[string]any{"ksql.query.pull.table.scan.enabled": true}
	for _, c := range []struct{ name, query, prefix string }{
		{"BETWEEN against the lower bound", "SELECT * FROM items_view WHERE name BETWEEN 10 AND 'z';",
			"Invalid expression: Cannot compare NAME (STRING) to 10 (INTEGER) with GREATER_THAN_OR_EQUAL."},
		{"BETWEEN against the upper bound", "SELECT * FROM items_view WHERE name BETWEEN 'a' AND 10;",
			"Invalid expression: Cannot compare NAME (STRING) to 10 (INTEGER) with LESS_THAN_OR_EQUAL."},
		{"LIKE on a key that is no string", "SELECT * FROM items_view WHERE id LIKE 12;",
			"The column type for Like condition must be VARCHAR. The column type is INTEGER."},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, msg := pullErr(t, url, c.query, scan)
			if code != 400 || !strings.HasPrefix(msg, c.prefix) {
				t.Errorf("%d %q\nwant 400 starting %q", code, msg, c.prefix)
			}
		})
	}
}

package ksqldb

import (
	"encoding/json"
	"testing"
)

// On /query a WHERE clause whose types do not resolve is refused with the
// clause after the message: FilterTypeValidator's KsqlStatementException
// names the expression as its statement, and the query endpoints answer
// its unlogged message, "<message>\nStatement: <expression>"
// (rest-query-validation-tests pull-queries-against-materialized-aggregates.json
// "non-windowed lookup on wrong type", "fail on null key").
func TestQueryWhereTypeErrorNamesTheClause(t *testing.T) {
	url := countsByID(t, "INT", intKey(1))
	mustKSQL(t, url, "CREATE STREAM clicks_too (id INT KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON');", nil)
	for _, c := range []struct{ query, msg string }{
		{"SELECT * FROM counts WHERE id = '1';", "Error in WHERE expression: Cannot compare ID (INTEGER) to '1' (STRING) with EQUAL.\nStatement: (ID = '1')"},
		{"SELECT * FROM counts WHERE id = NULL;", "Error in WHERE expression: Comparison with NULL not supported: INTEGER = NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.\nStatement: (ID = null)"},
		{"SELECT * FROM clicks_too WHERE n = 'x';", "Error in WHERE expression: Cannot compare N (INTEGER) to 'x' (STRING) with EQUAL.\nStatement: (N = 'x')"},
		{"SELECT * FROM clicks_too WHERE n = 'x' EMIT CHANGES;", "Error in WHERE expression: Cannot compare N (INTEGER) to 'x' (STRING) with EQUAL.\nStatement: (N = 'x')"},
	} {
		if code, msg := pullErr(t, url, c.query, nil); code != 400 || msg != c.msg {
			t.Errorf("%s: %d %q\nwant 400 %q", c.query, code, msg, c.msg)
		}
	}
	// /ksql answers the message alone (KsqlResource: getRawUnloggedDetails)
	if code, e := stmtErr(t, url, "CREATE STREAM picked AS SELECT * FROM clicks_too WHERE n = 'x';"); code != 400 || e["message"] != "Error in WHERE expression: Cannot compare N (INTEGER) to 'x' (STRING) with EQUAL." {
		t.Errorf("/ksql: %d %v", code, e["message"])
	}
}

// With ksql.endpoint.migrate.query=false a /query SELECT stays on the old
// path, where StreamedQueryResource.handleStatement answers a
// KsqlStatementException with Errors.badStatement(getRawMessage(),
// getSqlStatement()): FilterTypeValidator's raw message is only "Error in
// WHERE expression", its statement the clause; a table pull query's is
// rethrown by EngineExecutor.executeTablePullQuery with the same message
// and the query as its statement (confluentinc/ksql v7.9.0
// StreamedQueryResource.java, FilterTypeValidator.java, EngineExecutor.java).
func TestOldQueryPathWhereTypeErrorIsTheRawMessage(t *testing.T) {
	url := countsByID(t, "INT", intKey(1))
	mustKSQL(t, url, "CREATE STREAM clicks_too (id INT KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON');", nil)
	old := map[string]any{"ksql.endpoint.migrate.query": false}
	for _, c := range []struct{ query, stmt string }{
		{"SELECT * FROM clicks_too WHERE n = 'x' EMIT CHANGES;", "(N = 'x')"},
		{"SELECT * FROM clicks_too WHERE n = 'x';", "(N = 'x')"},
		{"SELECT * FROM counts WHERE id = '1';", "SELECT * FROM counts WHERE id = '1';"},
	} {
		code, body := post(t, url, "/query", c.query, old)
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 400 || e["error_code"] != float64(40001) || e["message"] != "Error in WHERE expression" || e["statementText"] != c.stmt {
			t.Errorf("%s: %d %s\nwant 400 40001 %q with statementText %q", c.query, code, body, "Error in WHERE expression", c.stmt)
		}
	}
}

package ksqldb

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// queryStreamErr posts one statement to /query-stream with the Accept type
// given and returns the status, the Content-Type values and the error body.
func queryStreamErr(t *testing.T, url, stmt, accept string, props map[string]any) (int, []string, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"sql": stmt, "properties": props})
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", string(body), map[string]string{"Accept": accept})
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	return r.code, r.ct, e
}

// ordersStack serves a stream ORDERS and a table TOTALS over it.
func ordersStack(t *testing.T) string {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);
CREATE TABLE totals AS SELECT id, SUM(amount) AS s FROM orders GROUP BY id;`, nil)
	return url
}

// /query-stream answers a KsqlStatementException with its unlogged message
// (ServerUtils.handleEndpointException). That message ends with
// "\nStatement: <statement>" only when the exception was built with
// unlogged details (KsqlStatementException.getUnloggedMessage,
// confluentinc/ksql v7.9.0): the query endpoint's own refusals
// (QueryEndpoint.createStatement: more than one statement, neither a query
// nor a print), a clause AstBuilder refuses (DefaultKsqlParser.prepare on a
// ParsingException) and FilterTypeValidator's clause. The engine rethrows
// the errors of analysis and planning without unlogged details
// (KsqlEngine.executeTransientQuery, KsqlEngine.analyzeQueryWithNoOutputTopic),
// so those are answered as their message alone; the statement is still
// named in statementText.
func TestQueryStreamAppendsTheStatementOnlyToUnloggedDetails(t *testing.T) {
	url := ordersStack(t)
	for _, c := range []struct{ stmt, msg, text string }{
		{"SELECT bogus FROM orders EMIT CHANGES;", "Line: 1, Col: 8: SELECT column 'BOGUS' cannot be resolved.", ""},
		{"SELECT bogus FROM totals;", "Line: 1, Col: 8: SELECT column 'BOGUS' cannot be resolved.", ""},
		// FilterTypeValidator names the clause as its statement
		{"SELECT * FROM orders WHERE amount = 'x' EMIT CHANGES;",
			"Error in WHERE expression: Cannot compare AMOUNT (INTEGER) to 'x' (STRING) with EQUAL.\nStatement: (AMOUNT = 'x')", "(AMOUNT = 'x')"},
		{"SELECT * FROM orders EMIT CHANGES LIMIT 1.5;",
			"Failed to prepare statement: Value must be integer for command: LIMIT\nStatement: SELECT * FROM orders EMIT CHANGES LIMIT 1.5;", ""},
		{"SELECT * FROM orders EMIT CHANGES; SELECT * FROM totals;",
			"Expected exactly one KSQL statement; found 2 instead\nStatement: SELECT * FROM orders EMIT CHANGES; SELECT * FROM totals;", ""},
		{"LIST STREAMS;", "Neither a query nor a print statement\nStatement: LIST STREAMS;", ""},
	} {
		text := c.text
		if text == "" {
			text = c.stmt
		}
		for _, accept := range []string{restapi.MediaDelimited, restapi.MediaJSON} {
			code, ct, e := queryStreamErr(t, url, c.stmt, accept, nil)
			ents, ok := e["entities"].([]any)
			if code != 400 || len(ct) != 0 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 ||
				e["message"] != c.msg || e["statementText"] != text || !ok || len(ents) != 0 {
				t.Errorf("%q (Accept %s): %d %v %v\nwant message %q, statementText %q", c.stmt, accept, code, ct, e, c.msg, text)
			}
		}
	}
}

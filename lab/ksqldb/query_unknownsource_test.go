package ksqldb

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// A query on a source that does not exist is refused as its statement is
// prepared: DataSourceExtractor (run by AstSanitizer in EngineContext.prepare)
// throws "<NAME> does not exist.<hint>", which EngineContext.prepare wraps as
// "Exception while preparing statement: ..." in a KsqlStatementException
// without unlogged details (confluentinc/ksql v7.9.0; KsqlEngineTest
// shouldShowHintWhenFailingToCreateQueryIfSelectingFromSourceNameWithQuotes,
// sql-tests/test.sql "bad engine statement should fail"). So the message has
// no "Statement:" line on any endpoint, and every endpoint answers before
// any result: /query in StreamedQueryResource.parseStatement, on the old path
// whatever ksql.endpoint.migrate.query says (Errors.badStatement of the
// request's text, application/json), /query-stream in
// QueryEndpoint.createStatement (FailureHandler: no Content-Type, the
// prepared statement's text), /ksql in its sandbox run.
func TestAQueryOnAnUnknownSourceIsRefusedAsItIsPrepared(t *testing.T) {
	url := ordersStack(t)
	const prefix = "Exception while preparing statement: "
	for _, c := range []struct{ stmt, msg string }{
		{"SELECT * FROM nope EMIT CHANGES;", prefix + "NOPE does not exist."},
		{"SELECT * FROM nope;", prefix + "NOPE does not exist."},
		{`SELECT * FROM "orders" EMIT CHANGES;`, prefix + "orders does not exist.\nDid you mean ORDERS? Hint: try removing double quotes from the source name."},
		{"SELECT * FROM orders o JOIN nope n WITHIN 1 HOUR ON o.id = n.id EMIT CHANGES;", prefix + "NOPE does not exist."},
		// before PullQueryValidator refuses the join
		{"SELECT * FROM totals t JOIN nope n ON t.id = n.id;", prefix + "NOPE does not exist."},
	} {
		for _, accept := range []string{restapi.MediaDelimited, restapi.MediaJSON} {
			code, ct, e := queryStreamErr(t, url, c.stmt, accept, nil)
			if code != 400 || len(ct) != 0 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != c.msg || e["statementText"] != c.stmt {
				t.Errorf("/query-stream %q (Accept %s): %d %v %v\nwant %q", c.stmt, accept, code, ct, e, c.msg)
			}
		}
		for _, props := range []map[string]any{nil, {"ksql.endpoint.migrate.query": false}} {
			body, _ := json.Marshal(map[string]any{"ksql": c.stmt, "streamsProperties": props})
			r := do(t, http.DefaultClient, http.MethodPost, url+"/query", string(body), map[string]string{"Accept": restapi.MediaKSQL})
			var e map[string]any
			_ = json.Unmarshal(r.body, &e)
			if r.code != 400 || len(r.ct) != 1 || r.ct[0] != restapi.MediaJSON || e["@type"] != "statement_error" || e["error_code"] != 40001.0 ||
				e["message"] != c.msg || e["statementText"] != c.stmt {
				t.Errorf("/query %q %v: %d %v %s\nwant %q", c.stmt, props, r.code, r.ct, r.body, c.msg)
			}
		}
	}
	if code, e := stmtErr(t, url, "CREATE STREAM s AS SELECT * FROM nope;"); code != 400 || e["message"] != prefix+"NOPE does not exist." {
		t.Errorf("/ksql: %d %v", code, e)
	}
}

// A statement that is not a query but reads a source that does not exist
// (CREATE ... AS SELECT, INSERT INTO ... SELECT) is refused for the source
// first on the query endpoints: EngineContext.prepare runs AstSanitizer's
// DataSourceExtractor over the whole statement before
// QueryEndpoint.createStatement refuses "Neither a query nor a print
// statement" and before StreamedQueryResource.handleStatement looks at the
// statement's kind (confluentinc/ksql v7.9.0 EngineContext.java,
// AstSanitizer.java, QueryEndpoint.java, StreamedQueryResource.parseStatement).
func TestANonQueryOnAnUnknownSourceIsRefusedForTheSourceOnTheQueryEndpoints(t *testing.T) {
	url := ordersStack(t)
	const msg = "Exception while preparing statement: NOPE does not exist."
	for _, stmt := range []string{
		"CREATE STREAM x AS SELECT * FROM nope;",
		"CREATE TABLE x AS SELECT id, COUNT(*) AS n FROM nope GROUP BY id;",
		"INSERT INTO orders SELECT * FROM nope;",
		"CREATE STREAM x AS SELECT * FROM orders o JOIN nope n WITHIN 1 HOUR ON o.id = n.id;",
	} {
		code, ct, e := queryStreamErr(t, url, stmt, restapi.MediaDelimited, nil)
		if code != 400 || len(ct) != 0 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != msg || e["statementText"] != stmt {
			t.Errorf("/query-stream %q: %d %v %v\nwant %q", stmt, code, ct, e, msg)
		}
		code, body := post(t, url, "/query", stmt, nil)
		_ = json.Unmarshal(body, &e)
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != msg || e["statementText"] != stmt {
			t.Errorf("/query %q: %d %s\nwant %q", stmt, code, body, msg)
		}
	}
}

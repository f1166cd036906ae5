package ksqldb

import (
	"encoding/json"
	"net/http"
	"testing"
)

// A query that goes on where its last optional clause could start is a
// syntax error with no expectation named: ANTLR's error strategy reports
// every token the skipped optional clauses could begin with, and
// SyntaxErrorValidator names only lists of three or fewer. /query answers a
// parse failure with ParseFailedException's unlogged message, which ends
// with "\nStatement: <line that failed>" (DefaultKsqlParser.parse,
// StreamedQueryResource.parseStatement; rest-query-validation-tests
// pull-queries-against-streams.json "error on ORDER BY").
func TestQueryEndpointParseErrorNamesTheFailedLine(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);", nil)
	for q, want := range map[string]string{
		"SELECT * FROM orders ORDER BY id DESC;":  "line 1:28: Syntax Error\n\nStatement: SELECT * FROM orders ORDER BY id DESC;",
		"SELECT *\nFROM orders ORDER BY id DESC;": "line 2:19: Syntax Error\n\nStatement: FROM orders ORDER BY id DESC;",
	} {
		if code, msg := pullErr(t, url, q, nil); code != 400 || msg != want {
			t.Errorf("%q: %d %q\nwant 400 %q", q, code, msg, want)
		}
	}
}

// /query-stream answers a parse failure with the same unlogged message
// (QueryStreamHandler parses with DefaultKsqlParser.parse).
func TestQueryStreamParseErrorNamesTheFailedLine(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);", nil)
	body, _ := json.Marshal(map[string]string{"sql": "\nSELECT *\nFROM orders ORDER BY id DESC;"})
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", string(body), nil)
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if want := "line 3:19: Syntax Error\n\nStatement: FROM orders ORDER BY id DESC;"; r.code != 400 || e["message"] != want {
		t.Errorf("%d %s\nwant 400 %q", r.code, r.body, want)
	}
}

// After EMIT the only optional clause left is LIMIT, so the expectation is
// short enough to be named. A single extra token before ';' is deleted by
// ANTLR's recovery, which expects ';' alone, or is named a reserved word
// (SyntaxErrorValidator.isKeywordError); the end of the text, or a token
// that begins a statement, is where the recovery puts the missing ';'
// (DefaultErrorStrategy.singleTokenInsertion). /ksql answers the message
// alone.
func TestQueryEndExpectationsAfterEmitAndLimit(t *testing.T) {
	refusals(t, "CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);", [][2]string{
		{"CREATE STREAM big AS SELECT * FROM orders EMIT CHANGES ORDER BY id;", "line 1:56: Syntax Error\nExpecting {';', 'LIMIT'}"},
		{"CREATE STREAM big AS SELECT * FROM orders WHERE amount > 3 nonsense here;", "line 1:60: Syntax Error\n"},
		{"CREATE STREAM big AS SELECT * FROM orders WHERE amount > 3 nonsense;", "line 1:60: Syntax Error\nExpecting ';'"},
		{"SHOW STREAMS", "line 1:13: Syntax Error\nmissing ';' at '<EOF>'"},
		{"CREATE STREAM big AS SELECT * FROM orders  ", "line 1:44: Syntax Error\nmissing ';' at '<EOF>'"},
		{"SHOW STREAMS show topics;", "line 1:14: Syntax Error\nmissing ';' at 'show'"},
		{"CREATE STREAM big AS SELECT * FROM orders EMIT CHANGES Table;", "line 1:56: Syntax Error\n\"Table\" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as 'Table' "},
	})
}

// LIMIT (and PRINT's INTERVAL) take any number in the grammar; AstBuilder
// refuses one that is not an integer as the statement is prepared, before
// CREATE ... AS SELECT's own LIMIT refusal (ParserUtil.processIntegerNumber,
// DefaultKsqlParser.prepare; rest-query-validation-tests
// pull-queries-with-limit-clause.json "error on non-integer limit").
func TestNonIntegerLimitIsRefusedAsTheStatementIsPrepared(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);", nil)
	const msg = "Failed to prepare statement: Value must be integer for command: "
	t.Run("pull query over /query ends with the statement", func(t *testing.T) {
		const q = "SELECT * FROM orders LIMIT 1.5;"
		if code, got := pullErr(t, url, q, nil); code != 400 || got != msg+"LIMIT\nStatement: "+q {
			t.Errorf("%d %q", code, got)
		}
	})
	for stmt, what := range map[string]string{
		"CREATE STREAM few AS SELECT * FROM orders LIMIT 2.0;":  "LIMIT",
		"CREATE STREAM few AS SELECT * FROM orders LIMIT 2E1;":  "LIMIT",
		"CREATE STREAM few AS SELECT * FROM orders LIMIT -0.5;": "LIMIT",
		"PRINT 'orders' FROM BEGINNING INTERVAL 1.5 LIMIT 2.5;": "INTERVAL",
		"PRINT 'orders' LIMIT 2.5;":                             "LIMIT",
	} {
		t.Run(stmt, func(t *testing.T) {
			if code, e := stmtErr(t, url, stmt); code != 400 || e["message"] != msg+what {
				t.Errorf("%d %v\nwant 400 %q", code, e["message"], msg+what)
			}
		})
	}
}

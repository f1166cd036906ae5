package ksqldb

import (
	"encoding/json"
	"testing"
)

// /query with two statements is refused before anything runs, as
// StreamedQueryResource.parseStatement refuses it: StatementParser's
// IllegalArgumentException "Expected exactly one KSQL statement; found 2
// instead" as a bad statement, 400 with error code 40001 and the request's
// text (confluentinc/ksql v7.9.0 StatementParser.java,
// StreamedQueryResource.java, Errors.badStatement).
func TestQueryWithTwoStatementsIsRefusedAsStatementParserRefusesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM rides (id INT KEY, v INT) WITH (kafka_topic='rides', partitions=1, value_format='JSON');", nil)
	text := "SELECT * FROM rides EMIT CHANGES; SELECT * FROM rides EMIT CHANGES;"
	code, body := post(t, url, "/query", text, nil)
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%d %s: %v", code, body, err)
	}
	if code != 400 || got["@type"] != "statement_error" || got["error_code"] != float64(40001) ||
		got["message"] != "Expected exactly one KSQL statement; found 2 instead" || got["statementText"] != text {
		t.Errorf("answer %d %s", code, body)
	}
}

package ksqldb

import (
	"strings"
	"testing"
)

// ksqlDB's REST API and JSON formats write with Jackson, whose standard
// escaping (CharacterEscapes.ESCAPE_STANDARD) leaves '<', '>' and '&' as
// they are: a statement's text in a /ksql answer, a row on /query and a
// JSON record carry them unescaped.
func TestJSONLeavesAngleBracketsAndAmpersandsUnescaped(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	const create = "CREATE STREAM s (v VARCHAR) WITH (kafka_topic='s', partitions=1, value_format='JSON');"
	if code, body := post(t, url, "/ksql", create+"\nCREATE STREAM big AS SELECT * FROM s WHERE LEN(v) >= 3;", nil); code != 200 || !strings.Contains(string(body), "WHERE LEN(v) >= 3;") {
		t.Errorf("/ksql: %d %s", code, body)
	}
	mustKSQL(t, url, "INSERT INTO s (v) VALUES ('<a & b>');", nil)
	if v := string(st.consumeRecords("s", 1)[0].Value); v != `{"V":"<a & b>"}` {
		t.Errorf("record %s", v)
	}
	if code, body := post(t, url, "/query", "SELECT * FROM s EMIT CHANGES LIMIT 1;", earliest()); code != 200 || !strings.Contains(string(body), `{"row":{"columns":["<a & b>"]}}`) {
		t.Errorf("/query: %d %s", code, body)
	}
}

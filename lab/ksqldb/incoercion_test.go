package ksqldb

import (
	"strings"
	"testing"
)

// String literals in an IN list are coerced to the list's type:
// query-validation-tests in.json (confluentinc/ksql v7.9.0), its cases
// "int - valid long literal", "boolean - valid" (the literal part),
// "int - invalid: non-numeric string literal" and "boolean - invalid:
// non-boolean string literal", with their inputs, outputs and messages.
func TestInListStringLiteralsAreCoercedToTheListsType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (VAL0 INT) WITH (kafka_topic='input_topic', partitions=1, format='JSON');
CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE VAL0 IN (1, '2147483648');
CREATE STREAM FLAGS (ID INT KEY, VAL BOOLEAN) WITH (kafka_topic='flags', partitions=1, format='JSON');
CREATE STREAM TRUE_FLAGS AS SELECT * FROM FLAGS WHERE VAL IN ('TrUe', 'tr', 'Y');`, earliest())
	st.produceValues("input_topic", `{"VAL0":-2147483648}`, `{"VAL0":1}`)
	if v := string(st.consumeRecords("OUTPUT", 1)[0].Value); v != `{"VAL0":1}` {
		t.Errorf("OUTPUT %s, want only VAL0 1 ('2147483648' is a BIGINT, not -2147483648)", v)
	}
	st.produce("flags", kv{[]byte("1"), []byte(`{"VAL":false}`)}, kv{[]byte("2"), []byte(`{"VAL":true}`)})
	if v := string(st.consumeRecords("TRUE_FLAGS", 1)[0].Value); v != `{"VAL":true}` {
		t.Errorf("TRUE_FLAGS %s, want the true row first", v)
	}
	for ksql, want := range map[string]string{
		"CREATE STREAM BAD_INT AS SELECT * FROM INPUT WHERE VAL0 IN (10, '10 - not a number');": `Invalid Predicate: invalid input syntax for type INTEGER: "10 - not a number".`,
		"CREATE STREAM BAD_BOOL AS SELECT * FROM FLAGS WHERE VAL IN (true, 'Not a boolean');":   `Invalid Predicate: invalid input syntax for type BOOLEAN: "Not a boolean".`,
	} {
		code, e := stmtErr(t, url, ksql)
		if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, want) {
			t.Errorf("%s\n got %d %q\nwant %q", ksql, code, msg, want)
		}
	}
}

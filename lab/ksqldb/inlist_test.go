package ksqldb

import (
	"strings"
	"testing"
)

// An IN list is one list with the value it tests, brought to a common type
// as CoercionUtil.coerceUserList does (confluentinc/ksql v7.9.0): literals
// of other primitive types match a STRING value by their text, STRUCT
// constructors widen to the union of their fields (a field missing is
// NULL), a string literal in a numeric constructor must hold a number, and
// an expression that coerces neither way fails the filter with
// CodeGenRunner's "Invalid Predicate: ". Statements, rows and messages are
// query-validation-tests in.json's "string - valid", "struct - valid",
// "bigint - invalid: non-numeric expression" and "struct - invalid:
// constructor with incompatible string element".
func TestInListsCoerceTheirElementsAsKsqlDBDoes(t *testing.T) {
	t.Run("string - valid", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, "CREATE STREAM INPUT (VAL0 STRING, VAL1 STRING) WITH (kafka_topic='input_topic', partitions=1, format='JSON');", nil)
		mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE VAL0 IN (true, 10, '10.1', 10.30, VAL1);", earliest())
		st.produceValues("input_topic", `{"VAL0": "true"}`, `{"VAL0": "10"}`, `{"VAL0": "10.1"}`, `{"VAL0": "10.3"}`, `{"VAL0": "10.30"}`,
			`{"VAL0": "hello", "VAL1": "hello"}`)
		sameLines(t, "OUTPUT", sinkValues(st, "OUTPUT", 5), []string{
			`{"VAL0":"true","VAL1":null}`, `{"VAL0":"10","VAL1":null}`, `{"VAL0":"10.1","VAL1":null}`,
			`{"VAL0":"10.30","VAL1":null}`, `{"VAL0":"hello","VAL1":"hello"}`})
	})
	t.Run("struct - valid", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, "CREATE STREAM INPUT (VAL0 STRUCT<A BIGINT, B BIGINT>, VAL1 STRUCT<A BIGINT, B BIGINT>) WITH (kafka_topic='input_topic', partitions=1, format='JSON');", nil)
		mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE VAL0 IN (STRUCT(A:=1,B:=2),STRUCT(A:=3,B:=2,C:=4),STRUCT(B:=2,A:=4),STRUCT(A:=5),STRUCT(A:=6,B:=CAST(null AS BIGINT)),STRUCT(A:='7',B:=2),VAL1);", earliest())
		st.produceValues("input_topic", `{"VAL0": {"A": 1, "B": 2}}`, `{"VAL0": {"A": 2, "B": 2}}`, `{"VAL0": {"A": 3, "B": 2}}`,
			`{"VAL0": {"A": 4, "B": 2}}`, `{"VAL0": {"A": 5}}`, `{"VAL0": {"A": 6}}`, `{"VAL0": {"A": 7, "B": 2}}`,
			`{"VAL0": {"A": 8, "B": 2}, "VAL1": {"A": 8, "B": 2}}`)
		sameLines(t, "OUTPUT", sinkValues(st, "OUTPUT", 6), []string{
			`{"VAL0":{"A":1,"B":2},"VAL1":null}`, `{"VAL0":{"A":4,"B":2},"VAL1":null}`, `{"VAL0":{"A":5,"B":null},"VAL1":null}`,
			`{"VAL0":{"A":6,"B":null},"VAL1":null}`, `{"VAL0":{"A":7,"B":2},"VAL1":null}`, `{"VAL0":{"A":8,"B":2},"VAL1":{"A":8,"B":2}}`})
	})
	t.Run("refusals", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE STREAM INPUT (ID BIGINT, VAL0 STRING) WITH (kafka_topic='input_topic', partitions=1, format='JSON');
CREATE STREAM INPUT2 (VAL0 STRUCT<F0 BIGINT>, VAL1 BOOLEAN) WITH (kafka_topic='input2', partitions=1, format='JSON');`, nil)
		for _, c := range []struct{ stmt, want string }{
			{"CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID IN (10, VAL0);",
				"Invalid Predicate: operator does not exist: BIGINT = STRING (VAL0)\nHint: You might need to add explicit type casts."},
			{"CREATE STREAM OUTPUT AS SELECT * FROM INPUT2 WHERE VAL0 IN (STRUCT(F0 := 'not 10'));",
				`Invalid Predicate: invalid input syntax for type BIGINT: "not 10".`},
		} {
			code, e := stmtErr(t, url, c.stmt)
			if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, c.want) {
				t.Errorf("%s\n got %d %q\nwant 400 starting %q", c.stmt, code, msg, c.want)
			}
		}
	})
}

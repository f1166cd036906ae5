package ksqldb

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The lambda invocation functions over arrays and maps, with the inputs
// and outputs of ksqldb-functional-tests query-validation-tests
// transform-array.json, transform-map.json, filter.json, reduce-array.json
// and reduce-map.json (a row per input; NULL where the generated Java
// fails on a NULL operand or a duplicate key).
func TestLambdaFunctionsOverArraysAndMaps(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM test (ID STRING KEY, numbers ARRAY<INTEGER>, words ARRAY<STRING>, doubles ARRAY<DOUBLE>, m MAP<STRING, INTEGER>, nested ARRAY<ARRAY<INTEGER>>) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produce("test_topic",
		kv{[]byte("a"), []byte(`{"numbers":[3,6],"words":["blah","blah","blaaah"],"doubles":[2.32,12123,3.123,4.45],"m":{"123":3,"12":7,"1234":2},"nested":[[1,2],[3]]}`)},
		kv{[]byte("b"), []byte(`{"numbers":[5,null],"words":["to be or",null],"doubles":[11,13,null],"m":{"1":1,"ttttt":null,"":3},"nested":[[]]}`)},
		kv{[]byte("c"), []byte(`{"numbers":null,"words":null,"doubles":null,"m":null,"nested":null}`)},
		kv{[]byte("d"), []byte(`{"numbers":[3,6,2,10],"words":["check",null,"null"],"doubles":[10,5,4],"m":{"ab":6,"abcd":15},"nested":[[4]]}`)},
	)
	cases := []struct{ sql, rows string }{
		{"SELECT TRANSFORM(numbers, x => x + 5) FROM test;", "[[8 11]] [<nil>] [<nil>] [[8 11 7 15]]"},
		{"SELECT TRANSFORM(words, x => UCASE(x)) FROM test;", "[[BLAH BLAH BLAAAH]] [[TO BE OR <nil>]] [<nil>] [[CHECK <nil> NULL]]"},
		{"SELECT TRANSFORM(doubles, x => CASE WHEN x > 10 THEN 'above 10' ELSE 'TOO LOW' END) FROM test;",
			"[[TOO LOW above 10 TOO LOW TOO LOW]] [[above 10 above 10 TOO LOW]] [<nil>] [[TOO LOW TOO LOW TOO LOW]]"},
		{"SELECT FILTER(numbers, x => x > 5) FROM test;", "[[6]] [[]] [<nil>] [[6 10]]"},
		{"SELECT FILTER(m, (x,y) => len(x) * 5 > 15 AND y % 5 = 0) FROM test;", "[map[]] [<nil>] [<nil>] [map[abcd:15]]"},
		{"SELECT REDUCE(numbers, 2, (s, x) => s + x) FROM test;", "[11] [<nil>] [2] [23]"},
		{"SELECT REDUCE(words, '', (state, x) => concat(state, x)) FROM test;", "[blahblahblaaah] [to be or] [] [checknull]"},
		{"SELECT REDUCE(m, 0, (s, k, v) => CASE WHEN LEN(k) > 3 THEN s + v ELSE s - v END) FROM test;", "[-8] [<nil>] [0] [9]"},
		{"SELECT TRANSFORM(m, (k, v) => CONCAT(k, '_new'), (k, v) => v * 2) FROM test;",
			"[map[1234_new:4 123_new:6 12_new:14]] [<nil>] [<nil>] [map[ab_new:12 abcd_new:30]]"},
		{"SELECT TRANSFORM(m, (k, v) => 'same', (k, v) => v) FROM test WHERE ID = 'd';", "[<nil>]"},
		{"SELECT TRANSFORM(nested, x => TRANSFORM(x, y => y * 2)) FROM test;", "[[[2 4] [6]]] [[[]]] [<nil>] [[[8]]]"},
		// a long chain compiles each operand once
		{"SELECT TRANSFORM(numbers, x => x" + strings.Repeat(" + 1", 60) + ") FROM test WHERE ID = 'a';", "[[63 66]]"},
	}
	for _, c := range cases {
		_, rows, _ := pullRows(t, url, c.sql)
		if got := strings.Join(rows, " "); got != c.rows {
			t.Errorf("%s\n got %s\nwant %s", c.sql, got, c.rows)
		}
	}
}

// The docs' example: a persistent query transforms both the keys and the
// values of a map (how-to-guides/use-lambda-functions "Apply a lambda
// invocation function").
func TestLambdaInPersistentQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM stream1 (id INT, lambda_map MAP<STRING, INTEGER>) WITH (kafka_topic='stream1', partitions=1, value_format='JSON');
CREATE STREAM output AS SELECT id, TRANSFORM(lambda_map, (k, v) => UCASE(k), (k, v) => v + 5) AS m FROM stream1 EMIT CHANGES;
INSERT INTO stream1 (id, lambda_map) VALUES (3, MAP('hello':= 15, 'goodbye':= -5));`, earliest())
	r := st.consume("OUTPUT", 1)[0]
	if string(r.value) != `{"ID":3,"M":{"GOODBYE":0,"HELLO":20}}` && string(r.value) != `{"ID":3,"M":{"HELLO":20,"GOODBYE":0}}` {
		t.Errorf("value %s", r.value)
	}
}

// Lambdas ksqlDB refuses (AstSanitizer, LambdaFunctionCall,
// FunctionArgumentsUtil, SqlBase.g4 functionCall).
func TestLambdaRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM test (ID STRING KEY, numbers ARRAY<INTEGER>, m MAP<STRING, INTEGER>, nested ARRAY<ARRAY<INTEGER>>) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	cases := []struct{ sql, msg string }{
		{"SELECT TRANSFORM(numbers, numbers => numbers + 1) FROM test;", "Lambda function argument can't be a column name: NUMBERS"},
		{"SELECT TRANSFORM(nested, x => TRANSFORM(x, x => x + 1)) FROM test;", "Reusing lambda arguments in nested lambda is not allowed"},
		{"SELECT REDUCE(numbers, 0, (s, s) => s) FROM test;", "Lambda arguments have duplicates: [S, S]"},
		{"SELECT TRANSFORM(numbers, (x, y) => x + 1) FROM test;", "Was expecting 1 arguments but found 2, [X, Y]. Check your lambda statement."},
		{"SELECT TRANSFORM(m, (k, v) => k) FROM test;", "Function 'TRANSFORM' does not accept parameters (MAP<STRING, INTEGER>, LAMBDA<2>)."},
		{"SELECT ABS(1, x => x) FROM test;", "Function 'ABS' does not accept lambda functions"},
		{"SELECT TRANSFORM(x => x, numbers) FROM test;", ""},
		{"SELECT x => x FROM test;", ""},
	}
	for _, c := range cases {
		code, body := post(t, url, "/query", c.sql, nil)
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 400 || !strings.Contains(fmtMsg(e), c.msg) {
			t.Errorf("%s: %d %v, want %q", c.sql, code, e["message"], c.msg)
		}
	}
}

func fmtMsg(e map[string]any) string {
	s, _ := e["message"].(string)
	return s
}

// Nested lambdas in a pull query on a materialized table, with
// rest-query-validation-tests/pull-queries-complex-lambda.json's "reduce an
// array of maps" rows (ksqlDB lists them in its store's key order). A NULL
// map value next to a false condition does not fail: AND stops at false.
func TestNestedLambdasInTablePullQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE TEST (ID STRING PRIMARY KEY, arraying ARRAY<MAP<STRING, INTEGER>>) WITH (kafka_topic='test_topic', PARTITIONS=1, value_format='JSON');
CREATE TABLE MAT_TABLE AS SELECT ID, arraying FROM TEST;`, earliest())
	st.produce("test_topic",
		kv{[]byte("one"), []byte(`{"arraying": [{"to be or not to be": 15}, {"hello": 25}]}`)},
		kv{[]byte("two"), []byte(`{"arraying": [{"goodmorning": 23, "gn": 12}, {"woooooow": 9}]}`)},
		kv{[]byte("three"), []byte(`{"arraying": [{"a": null, "bcdefg": 4}]}`)},
		kv{[]byte("four"), []byte(`{"arraying": null}`)},
	)
	st.consume("MAT_TABLE", 4)
	hdr, rows, _ := pullRows(t, url, "SELECT ID, reduce(arraying, 5, (s, a) => s + REDUCE(TRANSFORM(FILTER(a, (x, y) => len(x) > 5 AND y % 2 != 0), (e, f) => concat(e, 'leah'), (g, h) => h + len(g)), 0, (s2,r, b) => s2+2*b)) AS OUTPUT FROM MAT_TABLE;")
	if hdr != "`ID` STRING KEY, `OUTPUT` INTEGER" {
		t.Errorf("header %q", hdr)
	}
	slices.Sort(rows)
	if got := strings.Join(rows, " "); got != "[four 5] [one 71] [three 5] [two 107]" {
		t.Errorf("rows %s", got)
	}
}

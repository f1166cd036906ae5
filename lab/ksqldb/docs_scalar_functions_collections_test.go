package ksqldb

import (
	"strings"
	"testing"
)

// The page's Collections section. Some examples abbreviate: a bare [4, 1]
// for ARRAY[4, 1], ARRAY_MAX[...] for ARRAY_MAX(ARRAY[...]), and maps
// printed as ['apple': 10]; they run here in ksqlDB's syntax and compare
// against the JSON the REST API writes. Functions the page documents only
// by a signature are called once with values worked from their source
// (ksqldb-engine/.../function/udf/array, list, map, string/Elt, Field).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#collections
func TestDocsScalarCollectionFunctions(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`ARRAY[1, 2, 3]`, `[1,2,3]`},
		{`ARRAY_CONCAT(ARRAY[1, 2, 3, 1, 2], ARRAY[4, 1])`, `[1,2,3,1,2,4,1]`},
		{`ARRAY_CONCAT(ARRAY['apple', 'apple', NULL, 'cherry'], ARRAY['cherry'])`, `["apple","apple",null,"cherry","cherry"]`},
		{`ARRAY_CONTAINS(ARRAY[1, 2, 3], 3)`, `true`},
		{`ARRAY_CONTAINS(ARRAY[1, 2, 3], 4)`, `false`},
		{`ARRAY_DISTINCT(ARRAY[1, 1, 2, 3, 1, 2])`, `[1,2,3]`},
		{`ARRAY_DISTINCT(ARRAY['apple', 'apple', NULL, 'cherry'])`, `["apple",null,"cherry"]`},
		{`ARRAY_EXCEPT(ARRAY[1, 2, 3, 1, 2], ARRAY[2, 3])`, `[1]`},
		{`ARRAY_EXCEPT(ARRAY['apple', 'apple', NULL, 'cherry'], ARRAY['cherry'])`, `["apple",null]`},
		{`ARRAY_INTERSECT(ARRAY[1, 2, 3, 1, 2], ARRAY[2, 1])`, `[1,2]`},
		{`ARRAY_INTERSECT(ARRAY['apple', 'apple', NULL, 'cherry'], ARRAY['apple'])`, `["apple"]`},
		// arrayjoin.json: the default delimiter is a comma.
		{`ARRAY_JOIN(ARRAY[1, 2, 3])`, `"1,2,3"`},
		{`ARRAY_JOIN(ARRAY['a', 'b'], '|')`, `"a|b"`},
		{`ARRAY_LENGTH(ARRAY[1, 2, 3])`, `3`},
		{`ARRAY_MAX(ARRAY[-1, 2, NULL, 0])`, `2`},
		{`ARRAY_MAX(ARRAY[false, NULL, true])`, `true`},
		{`ARRAY_MAX(ARRAY['Foo', 'Bar', NULL, 'baz'])`, `"baz"`},
		{`ARRAY_MIN(ARRAY[-1, 2, NULL, 0])`, `-1`},
		{`ARRAY_MIN(ARRAY[false, NULL, true])`, `false`},
		{`ARRAY_MIN(ARRAY['Foo', 'Bar', NULL, 'baz'])`, `"Bar"`},
		{`ARRAY_REMOVE(ARRAY[1, 2, 3, 2, 1], 2)`, `[1,3,1]`},
		{`ARRAY_REMOVE(ARRAY[false, NULL, true, true], false)`, `[null,true,true]`},
		{`ARRAY_REMOVE(ARRAY['Foo', 'Bar', NULL, 'baz'], NULL)`, `["Foo","Bar","baz"]`},
		{`ARRAY_SORT(ARRAY[-1, 2, NULL, 0])`, `[-1,0,2,null]`},
		{`ARRAY_SORT(ARRAY[false, NULL, true])`, `[false,true,null]`},
		{`ARRAY_SORT(ARRAY['Foo', 'Bar', NULL, 'baz'])`, `["Bar","Foo","baz",null]`},
		{`ARRAY_SORT(ARRAY['foo', 'bar', 'baz'], 'DESC')`, `["foo","baz","bar"]`},
		// The page: arrays of arrays, maps or structs are not supported. The
		// generic method accepts them, and comparing two such elements
		// throws ClassCastException (ARRAY_JOIN its KsqlFunctionException),
		// so the call is NULL.
		{`ARRAY_MAX(ARRAY[ARRAY[1], ARRAY[2]])`, `null`},
		{`ARRAY_SORT(ARRAY[MAP('a' := 1), MAP('b' := 2)])`, `null`},
		{`ARRAY_MIN(ARRAY[STRUCT(A := 1), STRUCT(A := 2)])`, `null`},
		{`ARRAY_JOIN(ARRAY[MAP('a' := 1)])`, `null`},
		{`ARRAY_UNION(ARRAY[1, 2, 3, 1, 2], ARRAY[4, 1])`, `[1,2,3,4]`},
		{`ARRAY_UNION(ARRAY['apple', 'apple', NULL, 'cherry'], ARRAY['cherry'])`, `["apple",null,"cherry"]`},
		{`AS_MAP(ARRAY['a', 'b'], ARRAY[1, 2])`, `{"a":1,"b":2}`},
		// elt-field.json: ELT is 1-indexed; FIELD finds the first equal string.
		{`ELT(2, 'ignored', 'something')`, `"something"`},
		{`ELT(4, 'a', 'b', 'c')`, `null`},
		{`FIELD('hello', 'world', 'hello')`, `2`},
		{`FIELD(CAST(NULL AS STRING), 'a')`, `0`},
		{`JSON_ARRAY_CONTAINS('[1, 2, 3]', 3)`, `true`},
		// the page prints maps by sorted key; ksqlDB's are HashMaps, which
		// iterate banana (bucket 0) before apple (bucket 1), as a JDK 17
		// HashMap filled the same way does
		{`MAP('apple' := 10, 'banana' := 20)`, `{"banana":20,"apple":10}`},
		{`MAP_KEYS(MAP('apple' := 10, 'banana' := 20))`, `["banana","apple"]`},
		{`MAP_VALUES(MAP('apple' := 10, 'banana' := 20))`, `[20,10]`},
		{`MAP_UNION(MAP('apple' := 10, 'banana' := 20), MAP('cherry' := 99))`, `{"banana":20,"apple":10,"cherry":99}`},
		{`MAP_UNION(MAP('apple' := 10, 'banana' := 20), MAP('apple' := 50))`, `{"banana":20,"apple":50}`},
		// slice.json: 1-indexed, both ends included.
		{`SLICE(ARRAY['a', 'b', 'c', 'd'], 2, 3)`, `["b","c"]`},
		{`ENTRIES(MAP('b' := 2, 'a' := 1), true)`, `[{"K":"a","V":1},{"K":"b","V":2}]`},
		{`GENERATE_SERIES(1, 3)`, `[1,2,3]`},
		{`GENERATE_SERIES(10, 1, -4)`, `[10,6,2]`},
		{`GENERATE_SERIES(CAST(1 AS BIGINT), CAST(2 AS BIGINT))`, `[1,2]`},
		{`GENERATE_SERIES(CAST(1 AS BIGINT), CAST(5 AS BIGINT), 2)`, `[1,3,5]`},
		// The invocation functions, with the page's lambda shapes.
		{`FILTER(ARRAY[1, 2, 3], x => x > 1)`, `[2,3]`},
		{`FILTER(MAP('a' := 1, 'b' := 2), (k, v) => v > 1)`, `{"b":2}`},
		{`REDUCE(ARRAY[1, 2, 3], 0, (s, x) => s + x)`, `6`},
		{`REDUCE(MAP('a' := 1, 'b' := 2), 10, (s, k, v) => s + v)`, `13`},
		{`REDUCE(ARRAY[1, 2], CAST(NULL AS INT), (s, x) => s + x)`, `null`},
		{`TRANSFORM(ARRAY[1, 2], x => x * 10)`, `[10,20]`},
		{`TRANSFORM(MAP('a' := 1), (k, v) => UCASE(k), (k, v) => v + 1)`, `{"A":2}`},
	})
}

// A function given arguments none of its signatures takes is refused with
// UdfIndex's message, which names the function as its @UdfDescription
// spells it and, for the non-generic ones, lists each signature with its
// @UdfParameter names (explode.json shows the shape).
func TestDocsScalarCollectionFunctionsRefuseOtherTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, docsCallStream, nil)
	for call, prefix := range map[string]string{
		`ARRAY_DISTINCT('a')`:          "!Function 'array_distinct' does not accept parameters (STRING).",
		`MAP_KEYS(ARRAY[1])`:           "!Function 'map_keys' does not accept parameters (ARRAY<INTEGER>).",
		`ARRAY_CONTAINS(1, 1)`:         "!Function 'ARRAY_CONTAINS' does not accept parameters (INTEGER, INTEGER).",
		`SLICE(ARRAY[1], 'a', 2)`:      "!Function 'slice' does not accept parameters (ARRAY<INTEGER>, STRING, INTEGER).",
		`ENTRIES(MAP('a' := 1), 'no')`: "!Function 'ENTRIES' does not accept parameters (MAP<STRING, INTEGER>, STRING).",
		`ELT(1, 2)`:                    "!Function 'elt' does not accept parameters (INTEGER, INTEGER).\nValid alternatives are:\nelt(INTEGER n, STRING... args)",
		`JSON_KEYS(1)`:                 "!Function 'JSON_KEYS' does not accept parameters (INTEGER).\nValid alternatives are:\nJSON_KEYS(STRING jsonObj)",
	} {
		if got := docsCallResult(t, url, call); !strings.HasPrefix(got, prefix) {
			t.Errorf("%s\n got %s\nwant %s...", call, got, prefix)
		}
	}
}

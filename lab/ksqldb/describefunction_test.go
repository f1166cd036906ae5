package ksqldb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/functions"
)

// The expected entities below are written from the Java sources of
// confluentinc/ksql v7.9.0, not from this server's output: the entity's
// fields from FunctionDescriptionList, FunctionInfo and ArgumentInfo
// (ksqldb-rest-model/.../rest/entity, in the order
// ConsoleTest.shouldPrintFunctionDescription.approved.json shows, with the
// deprecated argumentTypes), the values from the function classes'
// annotations as DescribeFunctionExecutor reads them, path "internal"
// (KsqlScalarFunction.INTERNAL_PATH) and the variations in the iteration
// order of UdfIndex's HashMap keyed by their parameter types: the bucket
// of a key is its List.hashCode (1 then 31*h + each ParamType's hashCode:
// BOOLEAN 1, DECIMAL 2, DOUBLE 3, INT 4, BIGINT 5, VARCHAR 6, BYTES 10,
// ANY 11, ARRAY 31 + element, a generic 31 + its name's hash) modulo 16.

// describeJSON runs one DESCRIBE FUNCTION and returns its entity as
// JSON, failing on an error.
func describeJSON(t *testing.T, url, stmt string) string {
	t.Helper()
	res := mustKSQL(t, url, stmt, nil)
	if len(res) != 1 {
		t.Fatalf("%s: %d entities", stmt, len(res))
	}
	b, err := json.Marshal(res[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// SUBSTRING (udf/string/Substring.java) has four @Udf methods; their
// parameter lists hash to [VARCHAR, INT, INT] 35685 (bucket 5),
// [BYTES, INT, INT] 39529 (9), [BYTES, INT] 1275 (11) and [VARCHAR, INT]
// 1151 (15), the order DESCRIBE FUNCTION lists them in.
func TestDescribeFunctionOfAScalarListsEachVariation(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	const src = `{"name": "str", "type": "VARCHAR", "description": "The source string.", "isVariadic": false}`
	const bytes = `{"name": "bytes", "type": "BYTES", "description": "The source bytes.", "isVariadic": false}`
	const pos = `{"name": "pos", "type": "INT", "description": "The base-one position to start from.", "isVariadic": false}`
	const length = `{"name": "length", "type": "INT", "description": "The length to extract.", "isVariadic": false}`
	want := `{
		"@type": "describe_function",
		"statementText": "DESCRIBE FUNCTION substring;",
		"name": "SUBSTRING",
		"description": "Returns the portion of the string or bytes passed in value.",
		"author": "Confluent",
		"version": "",
		"path": "internal",
		"functions": [
			{"arguments": [` + src + `, ` + pos + `, ` + length + `], "returnType": "VARCHAR",
			 "description": "Returns the portion of str that starts at pos and is of length len",
			 "argumentTypes": ["VARCHAR", "INT", "INT"]},
			{"arguments": [` + bytes + `, ` + pos + `, ` + length + `], "returnType": "BYTES",
			 "description": "Returns the portion of the bytes value that starts at pos and is of length len",
			 "argumentTypes": ["BYTES", "INT", "INT"]},
			{"arguments": [` + bytes + `, ` + pos + `], "returnType": "BYTES",
			 "description": "Returns the portion of the bytes value from pos to the end of the bytes value",
			 "argumentTypes": ["BYTES", "INT"]},
			{"arguments": [` + src + `, ` + pos + `], "returnType": "VARCHAR",
			 "description": "Returns the portion of str from pos to the end of str",
			 "argumentTypes": ["VARCHAR", "INT"]}
		],
		"type": "SCALAR",
		"warnings": []
	}`
	if got := describeJSON(t, url, "DESCRIBE FUNCTION substring;"); !sameJSON(t, got, want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// CONCAT_WS (udf/string/ConcatWS.java) takes varargs: the variadic
// argument is named by the Java parameter (no @UdfParameter value; ksqlDB
// compiles with -parameters), typed by its element and marked isVariadic;
// the class names no author. [ARRAY<VARCHAR>] hashes to 68 (bucket 4),
// [ARRAY<BYTES>] to 72 (8).
func TestDescribeFunctionOfAVariadicScalar(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	want := `{
		"@type": "describe_function",
		"statementText": "DESCRIBE FUNCTION CONCAT_WS;",
		"name": "CONCAT_WS",
		"description": "Concatenate several strings or bytes, inserting a separator passed as the first argument between each one.",
		"author": "",
		"version": "",
		"path": "internal",
		"functions": [
			{"arguments": [{"name": "inputs", "type": "VARCHAR", "description": "Separator string and values to join", "isVariadic": true}],
			 "returnType": "VARCHAR", "description": "", "argumentTypes": ["VARCHAR"]},
			{"arguments": [{"name": "inputs", "type": "BYTES", "description": "Separator and bytes values to join", "isVariadic": true}],
			 "returnType": "BYTES", "description": "", "argumentTypes": ["BYTES"]}
		],
		"type": "SCALAR",
		"warnings": []
	}`
	if got := describeJSON(t, url, "DESCRIBE FUNCTION CONCAT_WS;"); !sameJSON(t, got, want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// Aggregates (udaf/topk/TopkKudaf.java, udaf/count/CountKudaf.java): the
// column arguments are val1, val2, ... (UdafTypes.getInputSchema), a
// VariadicArgs<Object> column is a variadic ANY, and the factory's own
// parameters follow (TOPK's int k). TOPK's [X, ARRAY<ANY>, INT] hash to
// 31097 + 961x: DOUBLE (bucket 12), INT (13), BIGINT (14), VARCHAR (15).
func TestDescribeFunctionOfAnAggregate(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	topk := func(col, desc string) string {
		return `{"arguments": [
			{"name": "val1", "type": "` + col + `", "description": "", "isVariadic": false},
			{"name": "val2", "type": "ANY", "description": "", "isVariadic": true},
			{"name": "k", "type": "INT", "description": "", "isVariadic": false}],
			"returnType": "ARRAY<S>",
			"description": "Returns the top k values for ` + desc + ` column and other values in those records.",
			"argumentTypes": ["` + col + `", "ANY", "INT"]}`
	}
	want := `{
		"@type": "describe_function",
		"statementText": "DESCRIBE FUNCTION topk;",
		"name": "TOPK",
		"description": "Returns the top k values for a column and other values in those records.",
		"author": "Confluent",
		"version": "",
		"path": "internal",
		"functions": [` + topk("DOUBLE", "a double") + `, ` + topk("INT", "an integer") + `, ` +
		topk("BIGINT", "a bigint") + `, ` + topk("VARCHAR", "a string") + `],
		"type": "AGGREGATE",
		"warnings": []
	}`
	if got := describeJSON(t, url, "DESCRIBE FUNCTION topk;"); !sameJSON(t, got, want) {
		t.Errorf("TOPK: got %s\nwant %s", got, want)
	}

	want = `{
		"@type": "describe_function",
		"statementText": "DESCRIBE FUNCTION COUNT;",
		"name": "COUNT",
		"description": "Counts records by key.",
		"author": "Confluent",
		"version": "",
		"path": "internal",
		"functions": [{"arguments": [{"name": "val1", "type": "T", "description": "", "isVariadic": false}],
			"returnType": "BIGINT", "description": "Counts records by key.", "argumentTypes": ["T"]}],
		"type": "AGGREGATE",
		"warnings": []
	}`
	if got := describeJSON(t, url, "DESCRIBE FUNCTION COUNT;"); !sameJSON(t, got, want) {
		t.Errorf("COUNT: got %s\nwant %s", got, want)
	}
}

// EXPLODE (udtf/array/Explode.java): a table function's variations return
// the List's element type (UdtfLoader); [ARRAY<DECIMAL>] hashes to 64
// (bucket 0), [ARRAY<T>] to 177 (1).
func TestDescribeFunctionOfATableFunction(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	want := `{
		"@type": "describe_function",
		"statementText": "DESCRIBE FUNCTION explode;",
		"name": "EXPLODE",
		"description": "Explodes an array. This function outputs one value for each element of the array.",
		"author": "Confluent",
		"version": "",
		"path": "internal",
		"functions": [
			{"arguments": [{"name": "input", "type": "ARRAY<DECIMAL>", "description": "", "isVariadic": false}],
			 "returnType": "DECIMAL", "description": "", "argumentTypes": ["ARRAY<DECIMAL>"]},
			{"arguments": [{"name": "list", "type": "ARRAY<T>", "description": "", "isVariadic": false}],
			 "returnType": "T", "description": "", "argumentTypes": ["ARRAY<T>"]}
		],
		"type": "TABLE",
		"warnings": []
	}`
	if got := describeJSON(t, url, "DESCRIBE FUNCTION explode;"); !sameJSON(t, got, want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// A name with no function: InternalFunctionRegistry.getUdfFactory throws
// a KsqlException naming it as written, which the validator does not
// wrap, so KsqlResource answers with Errors.badRequest: HTTP 400,
// generic_error 40000, and nothing of the request runs.
func TestDescribeFunctionOfAnUnknownName(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, body := post(t, url, "/ksql", "CREATE TYPE money AS DECIMAL(10, 2); DESCRIBE FUNCTION no_Such_fn;", nil)
	want := `{"@type": "generic_error", "error_code": 40000, "message": "Can't find any functions with the name 'no_Such_fn'"}`
	if code != 400 || !sameJSON(t, string(body), want) {
		t.Errorf("got %d %s, want 400 %s", code, body, want)
	}
	if types := mustKSQL(t, url, "SHOW TYPES;", nil)[0]["types"].(map[string]any); len(types) != 0 {
		t.Errorf("the failed request created %v", types)
	}
}

// The name is looked up upper-cased (InternalFunctionRegistry) and the
// entity names the function as its annotation does, upper-cased
// (DescribeFunctionExecutor). AstBuilder takes the identifier's text as
// written, so a quoted name keeps its quotes and names no function.
func TestDescribeFunctionNameIgnoresCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, stmt := range []string{"DESCRIBE FUNCTION abs;", "DESCRIBE FUNCTION ABS;", "describe function aBs;"} {
		res := mustKSQL(t, url, stmt, nil)[0]
		if res["@type"] != "describe_function" || res["name"] != "ABS" || res["statementText"] != stmt || res["type"] != "SCALAR" {
			t.Errorf("%s: %v", stmt, res)
		}
	}
	for stmt, msg := range map[string]string{
		"DESCRIBE FUNCTION `ABS`;":   "Can't find any functions with the name '`ABS`'",
		`DESCRIBE FUNCTION "ABS";`:   `Can't find any functions with the name '"ABS"'`,
		"DESCRIBE FUNCTION Explode;": "",
	} {
		code, body := post(t, url, "/ksql", stmt, nil)
		if msg == "" {
			if code != 200 {
				t.Errorf("%s: %d %s", stmt, code, body)
			}
			continue
		}
		want, _ := json.Marshal(map[string]any{"@type": "generic_error", "error_code": 40000, "message": msg})
		if code != 400 || !sameJSON(t, string(body), string(want)) {
			t.Errorf("%s: got %d %s, want 400 %s", stmt, code, body, want)
		}
	}
}

// Every function SHOW FUNCTIONS lists can be described, as the kind SHOW
// FUNCTIONS gives it, with at least one variation: both answer from the
// same factories in ksqlDB (ListFunctionsExecutor,
// DescribeFunctionExecutor).
func TestEveryListedFunctionCanBeDescribed(t *testing.T) {
	for _, n := range runnableFunctions() {
		d, ok := functions.DescribeFunction(n)
		kind, _, _ := functions.Describe(n)
		if !ok || d.Name != n || d.Type != kind || len(d.Functions) == 0 {
			t.Errorf("%s runs here but is not described as ksqlDB describes it: %+v", n, d)
		}
	}

	st := newStack(t)
	_, url := st.serve()
	listed := mustKSQL(t, url, "SHOW FUNCTIONS;", nil)[0]["functions"].([]any)
	var stmts []string
	for _, f := range listed {
		stmts = append(stmts, "DESCRIBE FUNCTION "+f.(map[string]any)["name"].(string)+";")
	}
	described := mustKSQL(t, url, strings.Join(stmts, " "), nil)
	if len(described) != len(listed) {
		t.Fatalf("%d functions listed, %d described", len(listed), len(described))
	}
	for i, f := range listed {
		l, d := f.(map[string]any), described[i]
		if d["@type"] != "describe_function" || d["name"] != l["name"] || d["type"] != l["type"] || len(d["functions"].([]any)) == 0 {
			t.Errorf("%v is described as %v", l, d)
		}
	}
}

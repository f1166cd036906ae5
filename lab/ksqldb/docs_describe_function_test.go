package ksqldb

import (
	"testing"
)

// The reference page "DESCRIBE FUNCTION"
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/describe-function/):
// DESCRIBE FUNCTION function_name provides a description of a function
// including its input parameters and return type, in ksqlDB's
// describe_function entity (DescribeFunctionExecutor; the function's
// annotations, here LCASE's in udf/string/LCase.java of confluentinc/ksql
// v7.9.0). The page's synopsis run as written names no function and is
// answered as ksqlDB answers it.
func TestDocsDescribeFunctionDescribesParametersAndReturnType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	want := `{
		"@type": "describe_function",
		"statementText": "DESCRIBE FUNCTION LCASE;",
		"name": "LCASE",
		"description": "Returns a lower-case version of the input string.",
		"author": "",
		"version": "",
		"path": "internal",
		"functions": [{"arguments": [{"name": "input", "type": "VARCHAR", "description": "The string to lower-case", "isVariadic": false}],
			"returnType": "VARCHAR", "description": "", "argumentTypes": ["VARCHAR"]}],
		"type": "SCALAR",
		"warnings": []
	}`
	if got := describeJSON(t, url, "DESCRIBE FUNCTION LCASE;"); !sameJSON(t, got, want) {
		t.Errorf("got %s\nwant %s", got, want)
	}

	code, body := post(t, url, "/ksql", "DESCRIBE FUNCTION function_name;", nil)
	if want := `{"@type": "generic_error", "error_code": 40000, "message": "Can't find any functions with the name 'function_name'"}`; code != 400 || !sameJSON(t, string(body), want) {
		t.Errorf("synopsis: got %d %s, want 400 %s", code, body, want)
	}
}

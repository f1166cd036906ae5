package ksqldb

import (
	"slices"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/functions"
)

// The reference page "SHOW FUNCTIONS"
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-functions/):
// SHOW | LIST FUNCTIONS lists the functions with their kind and category,
// in ksqlDB's function_names entity (ListFunctionsExecutor,
// SimpleFunctionInfo; names upper-cased; categories those of
// FunctionCategory the UDF classes of confluentinc/ksql v7.9.0 declare).
func TestDocsShowFunctionsListsEachFunctionsKindAndCategory(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, stmt := range []string{"SHOW FUNCTIONS;", "LIST FUNCTIONS;"} {
		res := mustKSQL(t, url, stmt, nil)[0]
		if res["@type"] != "function_names" || res["statementText"] != stmt {
			t.Fatalf("%s: %v", stmt, res)
		}
		got := map[string][2]string{}
		var names []string
		for _, f := range res["functions"].([]any) {
			m := f.(map[string]any)
			got[m["name"].(string)] = [2]string{m["type"].(string), m["category"].(string)}
			names = append(names, m["name"].(string))
		}
		for name, want := range map[string][2]string{
			"ABS":               {"SCALAR", "MATHEMATICAL"},
			"TIMESTAMPTOSTRING": {"SCALAR", "DATE / TIME"},
			"REGEXP_EXTRACT":    {"SCALAR", "REGULAR EXPRESSION"},
			"TRANSFORM":         {"SCALAR", "LAMBDA"},
			"IFNULL":            {"SCALAR", "CONDITIONAL"},
			"GEO_DISTANCE":      {"SCALAR", "OTHER"},
			"COUNT":             {"AGGREGATE", "AGGREGATE"},
			"EXPLODE":           {"TABLE", "TABLE"},
			"ATTR":              {"AGGREGATE", "AGGREGATE"},
		} {
			if got[name] != want {
				t.Errorf("%s %s: %v, want %v", stmt, name, got[name], want)
			}
		}
		// every function of ksqlDB 0.29 runs here, so all are listed
		if !slices.IsSorted(names) || len(names) != len(functions.Catalog()) {
			t.Errorf("%s: %d names of %d, sorted %v", stmt, len(names), len(functions.Catalog()), slices.IsSorted(names))
		}
	}
}

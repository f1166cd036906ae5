package ksqldb

import (
	"slices"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/functions"
)

// Every function this server runs is one of ksqlDB 0.29's, under the same
// name, so SHOW FUNCTIONS leaves none of them out.
func TestEveryFunctionThisServerRunsIsOneOfKsqlDBs(t *testing.T) {
	for _, n := range runnableFunctions() {
		if _, _, ok := functions.Describe(n); !ok {
			t.Errorf("%s runs here but is no ksqlDB 0.29 function", n)
		}
	}
}

// The ksqlDB functions this server does not run are these, and calling
// one is refused (aggregate_lang_test.go, functions_test.go).
func TestTheKsqlDBFunctionsNotBuiltHereAreKnown(t *testing.T) {
	var missing []string
	for _, n := range functions.Catalog() {
		if !slices.Contains(runnableFunctions(), n) {
			missing = append(missing, n)
		}
	}
	slices.Sort(missing)
	if !slices.Equal(missing, missingFunctions) {
		t.Errorf("ksqlDB functions not run here: %v, want %v", missing, missingFunctions)
	}
}

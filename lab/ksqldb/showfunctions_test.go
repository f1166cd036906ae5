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

// Every function of ksqlDB 0.29 runs here, so SHOW FUNCTIONS lists them
// all.
func TestEveryKsqlDBFunctionRunsHere(t *testing.T) {
	runnable := runnableFunctions()
	for _, n := range functions.Catalog() {
		if !slices.Contains(runnable, n) {
			t.Errorf("ksqlDB's %s does not run here", n)
		}
	}
}

package ksqldb

import (
	"maps"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/functions"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// SHOW FUNCTIONS (and LIST FUNCTIONS) as ksqlDB's ListFunctionsExecutor
// answers it: the function_names entity, each function with its kind and
// category as ksqlDB declares them (functions.Describe). It lists the
// functions this server runs, sorted by name: all of ksqlDB's, so that
// missingFunctions is empty; a function added there is not listed, and
// calling it is refused.

type functionNameList struct {
	Type          string               `json:"@type"`
	StatementText string               `json:"statementText"`
	Functions     []simpleFunctionInfo `json:"functions"`
	Warnings      []warning            `json:"warnings"`
}

type simpleFunctionInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Category string `json:"category"`
}

// runnableFunctions are the names of every function this server runs:
// the scalar library, the generic and lazily evaluated functions, those
// taking a time unit or a lambda, the aggregates and the table functions.
func runnableFunctions() []string {
	names := map[string]bool{}
	for _, m := range []map[string]bool{implementedAggregates} {
		for n := range m {
			names[n] = true
		}
	}
	for n := range functions.Scalars {
		names[n] = true
	}
	for n := range functions.Generics {
		names[n] = true
	}
	for n := range compilerUdfs {
		names[n] = true
	}
	for n := range timeUnitFuncs {
		names[n] = true
	}
	for n := range udtfs {
		names[n] = true
	}
	for _, n := range []string{"TRANSFORM", "FILTER", "REDUCE"} {
		names[n] = true
	}
	return slices.Sorted(maps.Keys(names))
}

func showFunctions(p sql.Parsed) *functionNameList {
	out := &functionNameList{Type: "function_names", StatementText: p.Text, Functions: []simpleFunctionInfo{}, Warnings: []warning{}}
	for _, n := range runnableFunctions() {
		kind, category, ok := functions.Describe(n)
		if !ok {
			continue // not one of ksqlDB's: never the case (functions_test.go)
		}
		out.Functions = append(out.Functions, simpleFunctionInfo{Name: n, Type: kind, Category: category})
	}
	return out
}

// missingFunctions are ksqlDB 0.29's functions this server does not run.
var missingFunctions []string

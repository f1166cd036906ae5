package ksqldb

import (
	"iter"
	"maps"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/functions"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// SHOW FUNCTIONS (and LIST FUNCTIONS) as ksqlDB's ListFunctionsExecutor
// answers it: the function_names entity, each function with its kind and
// category as ksqlDB declares them (functions.Describe), sorted by name.
// It lists the functions this server runs, which are all of ksqlDB's
// (showfunctions_test.go holds both to that).

// runnableFunctions are the names of every function this server runs:
// the scalar library, the generic and lazily evaluated functions, those
// taking a time unit or a lambda, the aggregates and the table functions.
func runnableFunctions() []string {
	names := map[string]bool{"TRANSFORM": true, "FILTER": true, "REDUCE": true}
	for _, keys := range []iter.Seq[string]{maps.Keys(expr.Aggregates), maps.Keys(functions.Scalars),
		maps.Keys(functions.Generics), maps.Keys(expr.CompilerUDFs), maps.Keys(expr.TimeUnitFuncs), maps.Keys(expr.UDTFs)} {
		for n := range keys {
			names[n] = true
		}
	}
	return slices.Sorted(maps.Keys(names))
}

func showFunctions(p sql.Parsed) *restapi.FunctionNameList {
	out := &restapi.FunctionNameList{Type: "function_names", StatementText: p.Text, Functions: []restapi.SimpleFunctionInfo{}, Warnings: []restapi.Warning{}}
	for _, n := range runnableFunctions() {
		if kind, category, ok := functions.Describe(n); ok {
			out.Functions = append(out.Functions, restapi.SimpleFunctionInfo{Name: n, Type: kind, Category: category})
		}
	}
	return out
}

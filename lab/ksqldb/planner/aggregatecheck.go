package planner

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/functions"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkAggregateClauses refuses what ksqlDB's AggregateAnalyzer refuses
// in an aggregate query (confluentinc/ksql v7.9.0,
// ksqldb-engine/.../analyzer/AggregateAnalyzer.java): a SELECT expression
// that is not a GROUP BY expression and, outside aggregate functions,
// reads a column the GROUP BY does not have is named whole, every such
// expression in one message; a column read outside aggregates in HAVING
// must be a GROUP BY expression, and is named alone. The window bounds of
// a windowed aggregation count as GROUP BY expressions. A column the
// query cannot resolve is left to the compiler's "cannot be resolved", as
// ksqlDB's Analyzer resolves columns first. group are the GROUP BY
// expressions as sql.Format prints them.
func checkAggregateClauses(in *expr.Scope, selects []sql.Expr, groupBy []sql.Expr, group map[string]bool, windowed bool, having sql.Expr) error {
	groupCols := map[int]bool{}
	for _, g := range groupBy {
		if ref, ok := g.(*sql.ColumnRef); ok {
			if idx, ok := in.Lookup(ref); ok {
				groupCols[idx] = true
			}
		}
	}
	isGroup := func(x sql.Expr) bool {
		if group[sql.Format(x)] {
			return true
		}
		ref, ok := x.(*sql.ColumnRef)
		if !ok {
			return false
		}
		if windowed && expr.IsWindowBound(ref.Name) {
			return true
		}
		idx, ok := in.Lookup(ref)
		return ok && groupCols[idx]
	}
	// AggregateVisitor looks each function up as it meets it, the SELECT
	// expressions first
	all := append(slices.Clone(selects), having)
	hasAggregate := false
	for _, e := range all {
		var unknown string
		expr.Walk(e, func(x sql.Expr) {
			if fc, ok := x.(*sql.FuncCall); ok && unknown == "" {
				if _, known := functions.DescribeFunction(fc.Name); !known {
					unknown = fc.Name
				}
			}
		})
		hasAggregate = hasAggregate || expr.HasAggregate(e)
		if unknown != "" {
			return stmterr.Bad("Can't find any functions with the name '%s'", unknown)
		}
	}
	if !hasAggregate { // enforceAggregateRules
		return stmterr.Bad("GROUP BY requires aggregate functions in either the SELECT or HAVING clause.")
	}
	resolved := true
	for _, e := range all {
		nonAggregateRefs(e, isGroup, func(_ bool, ref *sql.ColumnRef) {
			if _, ok := in.Lookup(ref); !ok && !(windowed && expr.IsWindowBound(ref.Name)) {
				resolved = false
			}
		})
	}
	if !resolved {
		return nil
	}
	var unmatched []string
	for _, e := range selects {
		if isGroup(e) {
			continue
		}
		covered := true
		nonAggregateRefs(e, isGroup, func(inAggregate bool, ref *sql.ColumnRef) {
			if !inAggregate && !isGroup(ref) {
				covered = false
			}
		})
		if !covered {
			unmatched = append(unmatched, sql.Format(e))
		}
	}
	if len(unmatched) > 0 {
		return stmterr.Bad("Non-aggregate SELECT expression(s) not part of GROUP BY: %s\nEither add the column(s) to the GROUP BY or remove them from the SELECT.",
			strings.Join(unmatched, ", "))
	}
	if having == nil {
		return nil
	}
	var havingOnly []string
	nonAggregateRefs(having, isGroup, func(inAggregate bool, ref *sql.ColumnRef) {
		if !inAggregate && !isGroup(ref) {
			havingOnly = append(havingOnly, sql.Format(ref))
		}
	})
	if len(havingOnly) > 0 {
		return stmterr.Bad("Non-aggregate HAVING expression not part of GROUP BY: %s\nConsider switching the HAVING clause to a WHERE clause before the GROUP BY.",
			strings.Join(havingOnly, ", "))
	}
	return nil
}

// nonAggregateRefs calls found for the column references of e that
// AggregateAnalyzer's visitor reports: those under no GROUP BY
// expression, those in an aggregate function's arguments (inAggregate),
// and, as the visitor's flag stays set once it has seen an aggregate
// function, every reference after one. Lambda variables are not columns.
func nonAggregateRefs(e sql.Expr, isGroup func(sql.Expr) bool, found func(inAggregate bool, ref *sql.ColumnRef)) {
	var (
		inGroup     sql.Expr // the outermost GROUP BY expression being walked
		seenAgg     bool
		inAggregate bool
		lambdaVars  []string
	)
	var walk func(x sql.Expr)
	walk = func(x sql.Expr) {
		if x == nil {
			return
		}
		if inGroup == nil && isGroup(x) {
			inGroup = x
			defer func() { inGroup = nil }()
		}
		switch n := x.(type) {
		case *sql.ColumnRef:
			if n.Qualifier == "" && slices.ContainsFunc(lambdaVars, func(v string) bool { return strings.EqualFold(v, n.Name) }) {
				return
			}
			if inGroup == nil || seenAgg || expr.IsWindowBound(n.Name) {
				found(inAggregate, n)
			}
			return
		case *sql.Lambda:
			lambdaVars = append(lambdaVars, n.Params...)
			defer func() { lambdaVars = lambdaVars[:len(lambdaVars)-len(n.Params)] }()
		case *sql.FuncCall:
			if expr.IsAggregate(n.Name) {
				seenAgg = true
				was := inAggregate
				inAggregate = true
				defer func() { inAggregate = was }()
			}
		}
		for _, c := range expr.Children(x) {
			walk(c)
		}
	}
	walk(e)
}

// aggregateCallsText is the aggregate function calls of exprs as ksqlDB's
// AggregateNode lists them in its refusal of a CREATE TABLE AS SELECT
// without GROUP BY: in a Java list's brackets, COUNT(*) and COUNT() with
// their default argument, ROWTIME (AggregateVisitor.visitFunctionCall).
func aggregateCallsText(exprs []sql.Expr) string {
	var calls []string
	for _, e := range exprs {
		for _, fc := range expr.AggregateCalls(e) {
			if expr.ReadsRowtime(fc) {
				calls = append(calls, fc.Name+"(ROWTIME)")
				continue
			}
			calls = append(calls, sql.Format(fc))
		}
	}
	return "[" + strings.Join(calls, ", ") + "]"
}

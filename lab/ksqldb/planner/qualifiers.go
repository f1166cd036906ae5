package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkQualifiers refuses a qualifier, of a column or of alias.*, that
// names none of the query's sources by name or alias, as ksqlDB's
// AstBuilder does while it builds the statement (throwOnUnknownNameOrAlias
// over the names its SourceAccumulator collects), before it looks any
// source up.
func checkQualifiers(q *sql.Query) error {
	known := map[string]bool{q.From: true}
	if q.FromAlias != "" {
		known[q.FromAlias] = true
	}
	for _, j := range q.Joins {
		known[j.Source], known[j.Alias] = true, true
	}
	unknown := func(name string) error {
		return stmterr.Bad("Failed to prepare statement: '%s' is not a valid stream/table name or alias.", name)
	}
	var err error
	walk := func(e sql.Expr) {
		expr.Walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok && err == nil && ref.Qualifier != "" && !known[ref.Qualifier] {
				err = unknown(ref.Qualifier)
			}
		})
	}
	for _, it := range q.Items {
		if it.Star && it.Qualifier != "" && !known[it.Qualifier] && err == nil {
			err = unknown(it.Qualifier)
		}
		walk(it.Expr)
	}
	for _, j := range q.Joins {
		walk(j.On)
	}
	walk(q.Where)
	for _, e := range q.GroupBy {
		walk(e)
	}
	for _, e := range q.PartitionBy {
		walk(e)
	}
	walk(q.Having)
	return err
}

package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkJoinWindowBounds refuses an unqualified WINDOWSTART or WINDOWEND in
// a join where more than one source has the window bounds (each windowed
// source, every source of a windowed aggregation), as the Analyzer's
// ColumnReferenceValidator does: window bounds are not yet supported there
// (github.com/confluentinc/ksql/issues/5931). The clauses are checked in
// the validator's order.
func checkJoinWindowBounds(q *sql.Query, jp *JoinPlan) error {
	if jp == nil {
		return nil
	}
	bounded := 0
	for _, l := range jp.Leaves {
		if l.Source.Window != nil || q.Window != nil {
			bounded++
		}
	}
	if bounded < 2 {
		return nil
	}
	var err error
	check := func(clause string, e sql.Expr) {
		expr.Walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok && err == nil && ref.Qualifier == "" && expr.IsWindowBound(ref.Name) {
				msg := "cannot be resolved."
				if clause == "PARTITION BY" {
					msg += " '" + ref.Name + "' must be a column in the source schema since PARTITION BY is applied on the input."
				}
				err = stmterr.Bad("Line: %d, Col: %d: %s column '%s' %s", ref.P.Line, ref.P.Col, clause, ref.Name, msg)
			}
		})
	}
	check("WHERE", q.Where)
	for _, e := range q.GroupBy {
		check("GROUP BY", e)
	}
	for _, e := range q.PartitionBy {
		check("PARTITION BY", e)
	}
	check("HAVING", q.Having)
	for _, it := range q.Items {
		if !it.Star && !it.StructAll {
			check("SELECT", it.Expr)
		}
	}
	return err
}

package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// logsSourceSteps reports a plan whose WHERE and GROUP BY log what they
// throw (see expr/failures.go): a persistent query over one stream. A
// table's filter and grouping also see its rows' old values, and a
// join's steps are others; those still make a failure NULL silently.
func logsSourceSteps(mode Mode, src *metastore.Source, jp *JoinPlan) bool {
	return mode == ModePersistent && jp == nil && !src.Table
}

// compileLogged compiles e with c's Failures where e has a failing site,
// else without them, so that an expression that cannot fail carries no
// boundary of its own.
func compileLogged(c *expr.Compiler, e sql.Expr) (expr.Compiled, error) {
	f := c.Failures
	sites := f.Sites()
	ce, err := c.Compile(e)
	if err != nil || f == nil || f.Sites() != sites {
		return ce, err
	}
	c.Failures = nil
	defer func() { c.Failures = f }()
	return c.Compile(e)
}

// stepText is an expression as ksqlDB writes it in a step of the query's
// plan and as Expression.toString gives it to the processing log: its
// columns unqualified, no name quoted (ExpressionFormatter.formatExpression).
func stepText(e sql.Expr) string {
	return sql.FormatNamed(e, func(r *sql.ColumnRef) string { return r.Name })
}

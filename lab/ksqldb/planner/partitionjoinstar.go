package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkJoinStar refuses the SELECT * of a rekeyed join this server does
// not expand: a qualified star, and any join but of two streams without
// window or header columns.
func (pp *partitionPlan) checkJoinStar(q *sql.Query, jp *JoinPlan) error {
	for _, it := range q.Items {
		if !it.Star {
			continue
		}
		if it.Qualifier != "" {
			return stmterr.Unsupported("SELECT " + it.Qualifier + ".* with PARTITION BY on a join")
		}
		if len(jp.Leaves) != 2 || slices.ContainsFunc(jp.Leaves, func(l JoinLeaf) bool {
			return l.Source.Table || l.Source.Window != nil || len(l.Source.Schema.Headers()) > 0
		}) {
			return stmterr.Unsupported("SELECT * with PARTITION BY on a join other than of two streams")
		}
	}
	return nil
}

// joinStarItems expands SELECT * over a rekeyed join as
// UserRepartitionNode.resolveSelectStar does over the repartitioned
// schema: the new key columns, then the joined schema's value columns less
// those that became keys (PlanNode.orderColumns). The joined schema's
// values are each side's values, pseudo columns and key columns, named
// ALIAS_COLUMN (PreJoinProjectNode), and a synthetic key after them
// (JoinParamsFactory.createSchema); the pseudo columns are not left out,
// as their names carry the alias.
func (pp *partitionPlan) joinStarItems(jp *JoinPlan, pos sql.Pos) (exprs []sql.Expr, names []string) {
	exprs = append(exprs, pp.exprs...)
	names = append(names, pp.names...)
	add := func(e sql.Expr, name string) {
		if !slices.Contains(pp.names, name) {
			exprs = append(exprs, e)
			names = append(names, name)
		}
	}
	for _, l := range jp.Leaves {
		cols := append(append(l.Source.Schema.Values(), expr.PseudoColumns...), l.Source.Schema.Keys()...)
		for _, c := range cols {
			add(&sql.ColumnRef{Qualifier: l.Alias, Name: c.Name, P: pos}, l.Alias+"_"+c.Name)
		}
	}
	if jp.synthetic {
		add(&sql.ColumnRef{Name: jp.syntheticName, P: pos}, jp.syntheticName)
	}
	return exprs, names
}

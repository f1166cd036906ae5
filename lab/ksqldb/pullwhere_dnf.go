package ksqldb

import (
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// The rewrites QueryFilterNode puts a pull query's WHERE clause through
// (PullQueryRewriter.rewrite, LogicRewriter.rewriteDNF): it analyses the
// rewritten predicate, and its SelectOperator evaluates and logs it, so
// the rows are filtered by it rather than by the clause as written
// (QueryFilterNode.getRewrittenPredicate).

// pullRewrite is PullQueryRewriter.rewrite: magic timestamps, BETWEEN and
// IN rewritten, NOTs pushed down, then AND distributed over OR. Like the
// rest of these rewrites it reaches the terms under AND, OR and NOT, not
// those inside other expressions.
func pullRewrite(where sql.Expr) sql.Expr {
	return toDNF(negate(rewriteInBetween(where), false))
}

// rewriteInBetween reads a string compared with ROWTIME, WINDOWSTART or
// WINDOWEND, or bounding one in BETWEEN, as its epoch milliseconds
// (StatementRewriteForMagicPseudoTimestamp), then turns x BETWEEN lo AND
// hi into (x >= lo) AND (x <= hi) and x IN (a, b, c) into (x = a) OR
// ((x = b) OR (x = c)); NOT BETWEEN and NOT IN become the negation of
// their rewrite. A string the timestamp parser refuses is left as it is:
// planning the clause refuses it.
func rewriteInBetween(e sql.Expr) sql.Expr {
	if m, err := expr.RewriteMagicTimestamps(e); err == nil {
		e = m
	}
	switch x := e.(type) {
	case *sql.Binary:
		if x.Op == "AND" || x.Op == "OR" {
			return &sql.Binary{Op: x.Op, L: rewriteInBetween(x.L), R: rewriteInBetween(x.R), P: x.P}
		}
	case *sql.Unary:
		if x.Op == "NOT" {
			return &sql.Unary{Op: "NOT", X: rewriteInBetween(x.X), P: x.P}
		}
	case *sql.Between:
		var out sql.Expr = &sql.Binary{Op: "AND",
			L: &sql.Binary{Op: ">=", L: x.X, R: x.Lo, P: x.P},
			R: &sql.Binary{Op: "<=", L: x.X, R: x.Hi, P: x.P}, P: x.P}
		if x.Not {
			out = &sql.Unary{Op: "NOT", X: out, P: x.P}
		}
		return out
	case *sql.InList:
		var out sql.Expr
		for i := len(x.List) - 1; i >= 0; i-- {
			eq := &sql.Binary{Op: "=", L: x.X, R: x.List[i], P: x.P}
			if out == nil {
				out = eq
			} else {
				out = &sql.Binary{Op: "OR", L: eq, R: out, P: x.P}
			}
		}
		if out == nil {
			return e
		}
		if x.Not {
			out = &sql.Unary{Op: "NOT", X: out, P: x.P}
		}
		return out
	}
	return e
}

// negate pushes NOTs down to the comparisons (LogicRewriter.NotPropagator):
// a negated AND is an OR of negations and the other way round; a negated
// comparison, column or boolean literal keeps its NOT. Any other negated
// term loses it, as NotPropagator returns the term itself.
func negate(e sql.Expr, neg bool) sql.Expr {
	switch x := e.(type) {
	case *sql.Binary:
		if x.Op == "AND" || x.Op == "OR" {
			op := x.Op
			if neg {
				op = map[string]string{"AND": "OR", "OR": "AND"}[op]
			}
			return &sql.Binary{Op: op, L: negate(x.L, neg), R: negate(x.R, neg), P: x.P}
		}
		if _, cmp := comparisonTypes[x.Op]; !cmp {
			return e
		}
	case *sql.Unary:
		if x.Op == "NOT" {
			return negate(x.X, !neg)
		}
		return e
	case *sql.ColumnRef:
	case *sql.Literal:
		if x.Kind != sql.BoolLit {
			return e
		}
	case *sql.Like:
		if x.Not { // NOT LIKE is NOT over LIKE, whose NOT is lost
			y := *x
			y.Not = false
			return &y
		}
		return e
	default:
		return e
	}
	if neg {
		return &sql.Unary{Op: "NOT", X: e}
	}
	return e
}

// isLogical reports an AND or OR.
func isLogical(e sql.Expr) (*sql.Binary, bool) {
	x, ok := e.(*sql.Binary)
	return x, ok && (x.Op == "AND" || x.Op == "OR")
}

// toDNF distributes AND over OR
// (LogicRewriter.DistributiveLawApplierConjunctionOverDisjunction).
func toDNF(e sql.Expr) sql.Expr {
	x, ok := isLogical(e)
	if !ok {
		return e
	}
	_, leftLogical := isLogical(x.L)
	_, rightLogical := isLogical(x.R)
	if !leftLogical && !rightLogical {
		return e
	}
	left, right := toDNF(x.L), toDNF(x.R)
	if x.Op == "AND" {
		if l, ok := isLogical(left); ok && l.Op == "OR" {
			return &sql.Binary{Op: "OR",
				L: toDNF(&sql.Binary{Op: "AND", L: l.L, R: right, P: x.P}),
				R: toDNF(&sql.Binary{Op: "AND", L: l.R, R: right, P: x.P}), P: x.P}
		}
		if r, ok := isLogical(right); ok && r.Op == "OR" {
			return &sql.Binary{Op: "OR",
				L: toDNF(&sql.Binary{Op: "AND", L: left, R: r.L, P: x.P}),
				R: toDNF(&sql.Binary{Op: "AND", L: left, R: r.R, P: x.P}), P: x.P}
		}
	}
	return &sql.Binary{Op: x.Op, L: left, R: right, P: x.P}
}

// splitOr lists the disjuncts of a DNF expression (LogicRewriter.DisjunctExtractor).
func splitOr(e sql.Expr) []sql.Expr {
	if x, ok := isLogical(e); ok && x.Op == "OR" {
		return append(splitOr(x.L), splitOr(x.R)...)
	}
	return []sql.Expr{e}
}

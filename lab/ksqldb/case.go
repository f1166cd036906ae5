package ksqldb

import (
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// compileCase compiles a searched CASE as ksqlDB types and runs it
// (ExpressionTypeManager.visitSearchedCaseExpression, SearchedCaseFunction):
// every WHEN is BOOLEAN, every non-NULL THEN and the ELSE share one type, the
// first true WHEN wins and no match without ELSE is NULL. ksqlDB 0.29 does
// not implement the simple form (CASE x WHEN v ...) and fails it with the
// visitor's "not yet implemented" message.
func (c *compiler) compileCase(x *sql.Case) (compiled, error) {
	if x.Operand != nil {
		return compiled{}, stmterr.Bad("not yet implemented: io.confluent.ksql.execution.util.ExpressionTypeManager$Visitor.visitSimpleCaseExpression")
	}
	type branch struct{ cond, result compiled }
	branches := make([]branch, 0, len(x.Whens))
	t := types.Null
	for _, w := range x.Whens {
		cond, err := c.compile(w.Cond)
		if err != nil {
			return compiled{}, err
		}
		if cond.t != types.Boolean {
			return compiled{}, stmterr.Bad("WHEN operand type should be boolean.\nType for '%s' is %s", sql.Format(w.Cond), types.NullName(cond.t))
		}
		res, err := c.compile(w.Result)
		if err != nil {
			return compiled{}, err
		}
		if res.t != types.Null {
			if t == types.Null {
				t = res.t
			} else if t != res.t {
				return compiled{}, stmterr.Bad("Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression 'WHEN %s THEN %s' has type: %s.\nPrevious THEN expression(s) type: %s.",
					sql.Format(w.Cond), sql.Format(w.Result), res.t, t)
			}
		}
		branches = append(branches, branch{cond, res})
	}
	els := compiled{t: types.Null, eval: func([]any) any { return nil }}
	if x.Else != nil {
		e, err := c.compile(x.Else)
		if err != nil {
			return compiled{}, err
		}
		els = e
	}
	switch {
	case t != types.Null && els.t != types.Null && t != els.t:
		return compiled{}, stmterr.Bad("Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\nTHEN type: %s.\nDEFAULT type: %s.", t, els.t)
	case t == types.Null && els.t == types.Null:
		return compiled{}, stmterr.Bad("Invalid Case expression. All case branches have NULL type")
	case t == types.Null:
		t = els.t
	}
	return compiled{t: t, eval: func(r []any) any {
		for _, b := range branches {
			if b.cond.eval(r) == true {
				return b.result.eval(r)
			}
		}
		return els.eval(r)
	}}, nil
}

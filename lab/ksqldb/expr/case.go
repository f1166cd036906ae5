package expr

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
func (c *Compiler) compileCase(x *sql.Case) (Compiled, error) {
	if x.Operand != nil {
		return Compiled{}, stmterr.Bad("not yet implemented: io.confluent.ksql.execution.util.ExpressionTypeManager$Visitor.visitSimpleCaseExpression")
	}
	type branch struct{ cond, result Compiled }
	branches := make([]branch, 0, len(x.Whens))
	t := types.Null
	for _, w := range x.Whens {
		// each WHEN and THEN, and the default, is a Supplier's body
		cond, _, err := c.compileIn(w.Cond)
		if err != nil {
			return Compiled{}, err
		}
		if cond.Type != types.Boolean {
			return Compiled{}, stmterr.Bad("WHEN operand type should be boolean.\nType for '%s' is %s", sql.Format(w.Cond), types.NullName(cond.Type))
		}
		res, _, err := c.compileIn(w.Result)
		if err != nil {
			return Compiled{}, err
		}
		if res.Type != types.Null {
			if t == types.Null {
				t = res.Type
			} else if t != res.Type {
				return Compiled{}, stmterr.Bad("Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression 'WHEN %s THEN %s' has type: %s.\nPrevious THEN expression(s) type: %s.",
					sql.Format(w.Cond), sql.Format(w.Result), res.Type, t)
			}
		}
		branches = append(branches, branch{cond, res})
	}
	els := Compiled{Type: types.Null, Eval: func([]any) any { return nil }}
	if x.Else != nil {
		e, _, err := c.compileIn(x.Else)
		if err != nil {
			return Compiled{}, err
		}
		els = e
	} else {
		c.counted(1) // the default's Supplier of null
	}
	switch {
	case t != types.Null && els.Type != types.Null && t != els.Type:
		return Compiled{}, stmterr.Bad("Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\nTHEN type: %s.\nDEFAULT type: %s.", t, els.Type)
	case t == types.Null && els.Type == types.Null:
		return Compiled{}, stmterr.Bad("Invalid Case expression. All case branches have NULL type")
	case t == types.Null:
		t = els.Type
	}
	// SearchedCaseFunction unboxes each WHEN it reaches: a NULL one throws
	// (whenNPE, nullarith.go)
	f, hit := c.thrower(), new(bool)
	return c.strictArithmetic(Compiled{Type: t, Eval: func(r []any) any {
		*hit = false
		for _, b := range branches {
			switch b.cond.Eval(r) {
			case true:
				return b.result.Eval(r)
			case nil:
				*hit = true
				f.throw(whenNPE)
				return nil
			}
		}
		return els.Eval(r)
	}}, hit), nil
}

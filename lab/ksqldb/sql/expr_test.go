package sql

import (
	"errors"
	"strings"
	"testing"
)

func parseWhere(t *testing.T, cond string) Expr {
	t.Helper()
	stmts, err := Parse("SELECT * FROM s WHERE " + cond + ";")
	if err != nil {
		t.Fatalf("%s: %v", cond, err)
	}
	return stmts[0].Stmt.(*QueryStatement).Query.Where
}

// SqlBase.g4 (confluentinc/ksql ksqldb-parser): predicate has
// IS NOT? DISTINCT FROM, NOT? LIKE pattern (ESCAPE STRING)?, and
// valueExpression CONCAT valueExpression, which AstBuilder.visitConcatenation
// turns into a call of CONCAT; CASE has a searched and a simple form,
// printed as ExpressionFormatter does: "(CASE WHEN c THEN r ... END)";
// primaryExpression has ARRAY[...], MAP(k := v), STRUCT(f := v), x[i], x->f.
func TestParseExpressionForms(t *testing.T) {
	cases := map[string]string{
		"a IS DISTINCT FROM b":     "(A IS DISTINCT FROM B)",
		"a IS NOT DISTINCT FROM b": "(NOT (A IS DISTINCT FROM B))",
		"a LIKE 'x!%%' ESCAPE '!'": "(A LIKE 'x!%%' ESCAPE '!')",
		"a || 'x' || b = 'y'":      "(CONCAT(CONCAT(A, 'x'), B) = 'y')",
		"CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END = 'x'": "((CASE WHEN (A > 1) THEN 'big' WHEN (A > 0) THEN 'small' ELSE 'none' END) = 'x')",
		"ARRAY[1, 2][1] = MAP('a' := 1)['a']":                                      "(ARRAY[1, 2][1] = MAP('a':=1)['a'])",
		"STRUCT(x := 1, y := 'b')->x = a->b->c":                                    "(STRUCT(X:=1, Y:='b')->X = A->B->C)",
		"CASE a WHEN 1 THEN TRUE END":                                              "(CASE A WHEN 1 THEN true END)",
	}
	for in, want := range cases {
		if got := Format(parseWhere(t, in)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", in, got, want)
		}
	}
}

// AstBuilder.visitLike refuses an escape that is not one character.
func TestParseLikeEscapeMustBeOneCharacter(t *testing.T) {
	_, err := Parse("SELECT * FROM s WHERE a LIKE 'x' ESCAPE '!!';")
	if err == nil || !strings.Contains(err.Error(), "Expected single character escape but got: !!") {
		t.Fatalf("got %v", err)
	}
}

// Nesting depth counts real nesting levels: 25 levels of parentheses and
// function calls parse; absurd depths are refused as a positioned syntax
// error instead of exhausting the stack.
func TestParseNestingDepthCountsLevels(t *testing.T) {
	deep := func(n int) string {
		return strings.Repeat("ABS(", n) + strings.Repeat("(", n) + "a + 1" + strings.Repeat(")", 2*n)
	}
	if _, err := Parse("SELECT " + deep(25) + " FROM s;"); err != nil {
		t.Fatalf("25 levels: %v", err)
	}
	_, err := Parse("SELECT " + deep(MaxNesting) + " FROM s;")
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("%d levels: got %v", 2*MaxNesting, err)
	}
}

package expr

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// exprCols is the schema expression specs evaluate against.
var exprCols = []types.Column{
	{Name: "A", Type: types.Integer}, {Name: "B", Type: types.Bigint}, {Name: "D", Type: types.Double},
	{Name: "S", Type: types.String}, {Name: "T", Type: types.String}, {Name: "F", Type: types.Boolean},
	{Name: "M", Type: types.MustDecimalType(4, 2)},
}

// evalSQL compiles expr as a SELECT item over exprCols and evaluates it on
// the row given as column name -> value (missing columns are NULL).
func evalSQL(t *testing.T, expr string, row map[string]any) (any, types.Type, error) {
	t.Helper()
	return evalSQLLogged(t, nil, expr, row)
}

// evalSQLLogged is evalSQL with the failures collected in fails (nil: none),
// the expression the select step's column X at index 0.
func evalSQLLogged(t *testing.T, fails *Failures, expr string, row map[string]any, setup ...func(*Compiler)) (any, types.Type, error) {
	t.Helper()
	stmts, err := sql.Parse("SELECT " + expr + " FROM s;")
	if err != nil {
		return nil, types.Null, err
	}
	e := stmts[0].Stmt.(*sql.QueryStatement).Query.Items[0].Expr
	c := &Compiler{In: &Scope{Cols: exprCols, Qualifiers: map[string]bool{"S": true}}, Clause: "SELECT", Failures: fails}
	for _, f := range setup {
		f(c)
	}
	ce, err := c.Compile(e)
	if err != nil {
		return nil, types.Null, err
	}
	ce = fails.Computing(sql.Format(e), "X", 0, ce)
	vals := make([]any, len(exprCols))
	for i, col := range exprCols {
		vals[i] = row[col.Name]
	}
	return ce.Eval(vals), ce.Type, nil
}

type exprCase struct {
	expr string
	row  map[string]any
	want any
}

func checkExprs(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		got, _, err := evalSQL(t, c.expr, c.row)
		if err != nil {
			t.Errorf("%s %v: %v", c.expr, c.row, err)
			continue
		}
		if fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", c.want, c.want) {
			t.Errorf("%s %v = %T %v, want %T %v", c.expr, c.row, got, got, c.want, c.want)
		}
	}
}

func checkRefused(t *testing.T, cases map[string]string) {
	t.Helper()
	for expr, want := range cases {
		_, _, err := evalSQL(t, expr, nil)
		var se *stmterr.Error
		if !errors.As(err, &se) || se.Code != stmterr.CodeBadStatement || se.Msg != want {
			t.Errorf("%s:\n got %v\nwant %q", expr, err, want)
		}
	}
}

func row(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// Searched CASE picks the first WHEN that is true, else the ELSE value, else
// NULL (SearchedCaseFunction); a comparison with a NULL operand is false, not
// NULL (SqlToJavaVisitor.nullCheckPrefix), so it falls through to ELSE.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/operators/
func TestSearchedCaseChoosesFirstTrueBranch(t *testing.T) {
	const sizes = "CASE WHEN A > 1 THEN 'big' WHEN A > 0 THEN 'small' ELSE 'none' END"
	checkExprs(t, []exprCase{
		{sizes, row("A", int32(2)), "big"},
		{sizes, row("A", int32(1)), "small"},
		{sizes, row("A", int32(0)), "none"},
		{sizes, row(), "none"},
		{"CASE WHEN A > 1 THEN 10 END", row("A", int32(0)), nil},
		{"CASE WHEN F THEN A ELSE NULL END", row("F", true, "A", int32(7)), int32(7)},
	})
}

// ExpressionTypeManager.visitSearchedCaseExpression / validateWhenClauses.
func TestCaseTypeErrorsUseKsqlDBMessages(t *testing.T) {
	checkRefused(t, map[string]string{
		"CASE WHEN A THEN 1 END":                     "WHEN operand type should be boolean.\nType for 'A' is INTEGER",
		"CASE WHEN F THEN 'x' WHEN A > 0 THEN 1 END": "Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression 'WHEN (A > 0) THEN 1' has type: INTEGER.\nPrevious THEN expression(s) type: STRING.",
		"CASE WHEN F THEN 'x' ELSE 1 END":            "Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\nTHEN type: STRING.\nDEFAULT type: INTEGER.",
		"CASE WHEN F THEN NULL ELSE NULL END":        "Invalid Case expression. All case branches have NULL type",
		"CASE A WHEN 1 THEN 'one' ELSE 'other' END":  "not yet implemented: io.confluent.ksql.execution.util.ExpressionTypeManager$Visitor.visitSimpleCaseExpression",
	})
}

// ComparisonUtil.nullSchemaException: a comparison with the NULL literal is
// refused at planning time, IS [NOT] DISTINCT FROM included.
func TestComparisonWithNullLiteralIsRefused(t *testing.T) {
	checkRefused(t, map[string]string{
		"NULL <> NULL":            "Comparison with NULL not supported: NULL <> NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
		"A = NULL":                "Comparison with NULL not supported: INTEGER = NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
		"NULL IS DISTINCT FROM S": "Comparison with NULL not supported: NULL IS DISTINCT FROM STRING\nUse 'IS NULL' or 'IS NOT NULL' instead.",
		"S > 1":                   "Cannot compare S (STRING) to 1 (INTEGER) with GREATER_THAN.",
		"F < TRUE":                "Cannot compare F (BOOLEAN) to true (BOOLEAN) with LESS_THAN.",
	})
}

// IS DISTINCT FROM is null-safe; comparisons and BETWEEN are false when an
// operand is NULL, so their NOT is true (SqlToJavaVisitor.nullCheckPrefix,
// visitBetweenPredicate; AstBuilder wraps NOT BETWEEN / NOT IN in NOT);
// IN never matches NULL (InListEvaluator.matches).
func TestNullSemanticsOfPredicates(t *testing.T) {
	checkExprs(t, []exprCase{
		{"A IS DISTINCT FROM B", row("A", int32(1)), true},
		{"A IS DISTINCT FROM B", row(), false},
		{"A IS DISTINCT FROM B", row("A", int32(1), "B", int64(1)), false},
		{"A IS DISTINCT FROM B", row("A", int32(1), "B", int64(2)), true},
		{"A IS NOT DISTINCT FROM B", row(), true},
		{"S IS NOT DISTINCT FROM T", row("S", "x", "T", "x"), true},
		{"A = B", row("A", int32(1)), false},
		{"NOT (A = B)", row("A", int32(1)), true},
		{"A BETWEEN 1 AND 10", row("A", int32(5)), true},
		{"A BETWEEN 1 AND 10", row("A", int32(11)), false},
		{"A BETWEEN 1 AND 10", row(), false},
		{"A NOT BETWEEN 1 AND 10", row(), true},
		{"S BETWEEN 'a' AND 'c'", row("S", "b"), true},
		{"D BETWEEN 1 AND 2", row("D", 1.5), true},
		{"A IN (1, 2, NULL)", row("A", int32(2)), true},
		{"A IN (1, 2)", row(), false},
		{"A NOT IN (1, 2)", row(), true},
		{"A NOT IN (1, 2)", row("A", int32(3)), true},
		{"B IN (A, 3)", row("A", int32(4), "B", int64(4)), true},
	})
}

// LikeEvaluator: % and _ are wildcards, the ESCAPE character makes the next
// one literal, and the match covers the whole value.
func TestLikeWithEscape(t *testing.T) {
	checkExprs(t, []exprCase{
		{"S LIKE 'a%'", row("S", "abc"), true},
		{"S LIKE 'a_c'", row("S", "abc"), true},
		{"S LIKE 'b%'", row("S", "abc"), false},
		{"S LIKE 'a.c'", row("S", "abc"), false},
		{"S LIKE '50!%' ESCAPE '!'", row("S", "50%"), true},
		{"S LIKE '50!%' ESCAPE '!'", row("S", "500"), false},
		{"S LIKE 'a!!b' ESCAPE '!'", row("S", "a!b"), true},
		{"S NOT LIKE 'a%'", row("S", "xyz"), true},
		{"S LIKE 'a%'", row(), nil},
	})
}

// CastEvaluator.SUPPORTED lists the casts ksqlDB allows between the scalar
// types; the rest fail with UnsupportedCastException's message. String to
// BOOLEAN is SqlBooleans.parseBoolean (a prefix of 'true' or 'yes', else
// false); numbers narrow as Java's intValue/longValue do.
func TestCastBetweenScalarTypes(t *testing.T) {
	checkExprs(t, []exprCase{
		{"CAST(S AS BOOLEAN)", row("S", " TRUE "), true},
		{"CAST(S AS BOOLEAN)", row("S", "ye"), true},
		{"CAST(S AS BOOLEAN)", row("S", "t"), true},
		{"CAST(S AS BOOLEAN)", row("S", "no"), false},
		{"CAST(S AS BOOLEAN)", row("S", "maybe"), false},
		{"CAST(S AS INT)", row("S", " 12 "), int32(12)},
		{"CAST(S AS INT)", row("S", "1.5"), nil},
		{"CAST(S AS BIGINT)", row("S", "9000000000"), int64(9000000000)},
		{"CAST(S AS DOUBLE)", row("S", "1e3"), 1000.0},
		{"CAST(S AS DOUBLE)", row("S", "NaN"), nil},
		{"CAST(S AS DOUBLE)", row("S", "Infinity"), nil},
		{"CAST(F AS STRING)", row("F", true), "true"},
		{"CAST(D AS STRING)", row("D", 1e7), "1.0E7"},
		{"CAST(D AS STRING)", row("D", 0.5), "0.5"},
		{"CAST(D AS INT)", row("D", 1e10), int32(math.MaxInt32)},
		{"CAST(D AS INT)", row("D", -2.7), int32(-2)},
		{"CAST(D AS BIGINT)", row("D", math.NaN()), int64(0)},
		{"CAST(B AS INT)", row("B", int64(3000000000)), int32(-1294967296)},
		{"CAST(A AS DOUBLE)", row("A", int32(3)), 3.0},
		{"CAST(NULL AS INT)", row(), nil},
		{"CAST(A AS INT)", row("A", int32(3)), int32(3)},
	})
	checkRefused(t, map[string]string{
		"CAST(F AS INT)":     "Invalid Select: Cast of BOOLEAN to INTEGER is not supported.",
		"CAST(A AS BOOLEAN)": "Invalid Select: Cast of INTEGER to BOOLEAN is not supported.",
		"CAST(D AS BOOLEAN)": "Invalid Select: Cast of DOUBLE to BOOLEAN is not supported.",
		"CAST(F AS DOUBLE)":  "Invalid Select: Cast of BOOLEAN to DOUBLE is not supported.",
	})
}

// Operator.resultType: INT op INT is INT, BIGINT wins over INT, DOUBLE over
// everything; STRING + STRING concatenates; NULL operands are refused.
// Integer arithmetic wraps as Java's does; division by zero is an error,
// which ksqlDB turns into NULL.
func TestArithmeticTypeRules(t *testing.T) {
	checkExprs(t, []exprCase{
		{"A + 1", row("A", int32(2)), int32(3)},
		{"A + B", row("A", int32(2), "B", int64(3)), int64(5)},
		{"A * D", row("A", int32(2), "D", 0.25), 0.5},
		{"A / 2", row("A", int32(7)), int32(3)},
		{"A % 4", row("A", int32(-7)), int32(-3)},
		{"A / 0", row("A", int32(7)), nil},
		{"A + 1", row("A", int32(math.MaxInt32)), int32(math.MinInt32)},
		{"B * 2", row("B", int64(math.MaxInt64)), int64(-2)},
		{"D / 0", row("D", 1.0), math.Inf(1)},
		{"S + T", row("S", "a", "T", "b"), "ab"},
		{"S || T || '!'", row("S", "a", "T", "b"), "ab!"},
		{"S || T", row("S", "a"), "a"},
		{"-A", row("A", int32(4)), int32(-4)},
		{"A + B", row("A", int32(1)), nil},
	})
	checkRefused(t, map[string]string{
		"A + NULL": "Error processing expression: (A + null). Arithmetic on types INTEGER and null are not supported.",
		"S + 1":    "Error processing expression: (S + 1). Unsupported arithmetic types. STRING INTEGER",
		"F * 2":    "Error processing expression: (F * 2). Unsupported arithmetic types. BOOLEAN INTEGER",
	})
}

// A 25-level nested expression compiles and evaluates.
func TestDeeplyNestedExpressionEvaluates(t *testing.T) {
	e := "A"
	for i := 0; i < 25; i++ {
		e = "ABS((" + e + ") + 1)"
	}
	checkExprs(t, []exprCase{{e, row("A", int32(0)), int32(25)}})
}

// No expression, however odd, makes planning or evaluation panic: it
// either compiles and evaluates (to a value or NULL) or is refused.
func FuzzExpressionEvaluation(f *testing.F) {
	for _, seed := range []string{
		"CASE WHEN A > 1 THEN S ELSE T END", "SUBSTRING(S, A, B)", "ARRAY[A, B][A]", "MAP(S := D)[T]",
		"STRUCT(x := A)->X + 1", "CAST(S AS INT) / A", "LPAD(S, A, T)", "INSTR(S, T, A, A)",
		"TIMESTAMPTOSTRING(B, S)", "STRINGTOTIMESTAMP(S, T, S)", "ROUND(D, A)", "MASK_LEFT(S, A, T, T, T, T)",
		"REGEXP_EXTRACT(S, T, A)", "GREATEST(A, B, D)", "S LIKE T ESCAPE '!'", "A IS DISTINCT FROM B",
	} {
		f.Add(seed, int32(3), int64(-2), 1.5, "a%b", "yyyy")
	}
	f.Fuzz(func(t *testing.T, expr string, a int32, b int64, d float64, s, tt string) {
		stmts, err := sql.Parse("SELECT " + expr + " FROM s;")
		if err != nil || len(stmts) != 1 {
			return
		}
		q, ok := stmts[0].Stmt.(*sql.QueryStatement)
		if !ok || len(q.Query.Items) == 0 || q.Query.Items[0].Expr == nil {
			return
		}
		c := &Compiler{In: &Scope{Cols: exprCols, Qualifiers: map[string]bool{"S": true}}, Clause: "SELECT"}
		ce, err := c.Compile(q.Query.Items[0].Expr)
		if err != nil {
			return
		}
		for _, r := range [][]any{{a, b, d, s, tt, true}, make([]any, len(exprCols))} {
			v := ce.Eval(r)
			_ = types.Format(v)
			_ = formats.AppendJSONValue(nil, v)
		}
	})
}

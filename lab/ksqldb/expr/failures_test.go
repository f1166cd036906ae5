package expr

import (
	"fmt"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// loggedCase is an expression over exprCols, the value it gives on row (as
// CAST(x AS STRING) writes it) and
// the processing log entries its evaluation writes, "<errorMessage>: <cause>".
type loggedCase struct {
	expr string
	row  map[string]any
	want any
	logs []string
}

func checkLogged(t *testing.T, cases []loggedCase) {
	t.Helper()
	for _, c := range cases {
		fails := &Failures{}
		got, _, err := evalSQLLogged(t, fails, c.expr, c.row)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		var logs []string
		for _, f := range fails.Take() {
			logs = append(logs, fmt.Sprintf("%s: %v", f.Message, f.Cause))
		}
		if got != nil {
			got = types.Format(got) // as CAST(x AS STRING) writes it
		}
		if fmt.Sprintf("%v", got) != fmt.Sprintf("%v", c.want) || fmt.Sprintf("%q", logs) != fmt.Sprintf("%q", c.logs) {
			t.Errorf("%s %v = %v logging %q, want %v logging %q", c.expr, c.row, got, logs, c.want, c.logs)
		}
	}
}

// A STRUCT field, a MAP key and a MAP value are each caught where they
// fail (SqlToJavaVisitor.visitStructExpression, visitCreateMapExpression:
// evaluateOrReturnNull "struct field", "map key", "map value"; confluentinc/ksql
// v7.9.0 ksqldb-execution): that one is NULL, the rest of the value kept.
func TestConstructorItemsAreCaughtWhereTheyFail(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"STRUCT(P := A / 0, Q := A)", row("A", int32(4)), "Struct{Q=4}", []string{"Error processing struct field: [/ by zero]"}},
		{"MAP('k' := A / 0)", row("A", int32(4)), "{k=null}", []string{"Error processing map value: [/ by zero]"}},
		{"MAP(A / 0 := 'v')", row("A", int32(4)), "{null=v}", []string{"Error processing map key: [/ by zero]"}},
	})
}

// Java evaluates an expression no further once it threw: a boundary after
// the failing operand is never reached, so logs nothing, and the column
// has one entry (CompiledExpression.evaluate).
func TestFailureStopsEvaluationUpToItsBoundary(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"(A / 0) + ABS(CAST(S AS INTEGER))", row("A", int32(4), "S", "x"), nil,
			[]string{"Error computing expression ((A / 0) + ABS(CAST(S AS INTEGER))) for column X with index 0: [/ by zero]"}},
	})
}

// An argument of another type than its parameter's is a CAST
// (SqlToJavaVisitor.convertArgument), which catches what the argument
// throws: FROM_UNIXTIME takes a BIGINT (FromUnixTime.fromUnixTime(Long)).
func TestConvertedArgumentCatchesAsItsCast(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"FROM_UNIXTIME(A / 0)", row("A", int32(4)), nil, []string{"Error processing BIGINT: [/ by zero]"}},
	})
}

// Parsing text as a number throws what Integer.parseInt, Long.parseLong and
// SqlDoubles.parseDouble throw (CastEvaluator; NumberFormatException, its
// text trimmed, "empty String" from Double.parseDouble for none).
func TestCastParseFailureMessages(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(S AS BIGINT)", row("S", " 1.5 "), nil, []string{`Error processing BIGINT: [For input string: "1.5"]`}},
		{"CAST(S AS DOUBLE)", row("S", "  "), nil, []string{"Error processing DOUBLE: [empty String]"}},
		{"CAST(S AS DOUBLE)", row("S", "-Infinity"), nil, []string{"Error processing DOUBLE: [Invalid double value: -Infinity]"}},
		{"CAST(S AS INTEGER)", row("S", " 12 "), "12", nil},
	})
}

// A DECIMAL cast whose value does not fit throws DecimalUtil.ensureMax's
// ArithmeticException, naming the value as toPlainString writes it after
// DecimalUtil.cast read it (an INTEGER rounded to the precision first:
// new BigDecimal(long, new MathContext(precision))); a DECIMAL division by
// zero throws BigDecimal.divide(divisor, MathContext)'s "Division by zero",
// or "Division undefined" for 0 / 0, uncaught below the column, whose
// expression writes the CAST's DECIMAL(p, s) as the historical plans'
// selectExpressions do ("CAST(FOO AS DECIMAL(2, 1)) AS VAL",
// ksqldb-functional-tests .../historical_plans/).
func TestDecimalFailureMessages(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(S AS DECIMAL(3, 1))", row("S", "123.45"), nil, []string{"Error processing DECIMAL(3, 1): [Numeric field overflow: A field with precision 3 and scale 1 must round to an absolute value less than 10^2. Got 123.45]"}},
		{"CAST(A AS DECIMAL(2, 1))", row("A", int32(123)), nil, []string{"Error processing DECIMAL(2, 1): [Numeric field overflow: A field with precision 2 and scale 1 must round to an absolute value less than 10^1. Got 120]"}},
		{"CAST(A AS DECIMAL(4, 1)) / 0", row("A", int32(3)), nil, []string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) / 0) for column X with index 0: [Division by zero]"}},
		{"CAST(A AS DECIMAL(4, 1)) / 0", row("A", int32(0)), nil, []string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) / 0) for column X with index 0: [Division undefined]"}},
		{"CAST(A AS DECIMAL(4, 1)) / 2", row("A", int32(3)), "1.500000000000", nil}, // scale max(6, 1 + 10 + 1), Operator.resultType,
	})
}

// Compiled without Failures, an expression gives the same NULLs and keeps
// nothing.
func TestFailuresAreKeptOnlyWhereAsked(t *testing.T) {
	got, _, err := evalSQL(t, "CAST(S AS INTEGER)", row("S", "abc"))
	if err != nil || got != nil {
		t.Fatalf("CAST('abc' AS INTEGER) = %v, %v; want NULL", got, err)
	}
	var none *Failures
	if none.Take() != nil {
		t.Error("a nil Failures has failures")
	}
}

// benchRow is a row whose expressions do not fail.
var benchRow = []any{int32(7), int64(3), 1.5, " 42 ", "t", true}

// The happy path of a logged expression allocates nothing more and costs
// a check per boundary: compare the two.
func BenchmarkExpressionHappyPath(b *testing.B) {
	for _, logged := range []bool{false, true} {
		b.Run(fmt.Sprintf("logged=%v", logged), func(b *testing.B) {
			var fails *Failures
			if logged {
				fails = &Failures{}
			}
			c := &Compiler{In: &Scope{Cols: exprCols}, Clause: "SELECT", Failures: fails}
			e := mustParseExpr(b, "ABS(CAST(S AS INTEGER) + A / 2) * CAST(S AS BIGINT)")
			ce, err := c.Compile(e)
			if err != nil {
				b.Fatal(err)
			}
			ce = fails.Computing("x", "X", 0, ce)
			b.ReportAllocs()
			for b.Loop() {
				if ce.Eval(benchRow) == nil {
					b.Fatal("NULL")
				}
			}
		})
	}
}

func mustParseExpr(b *testing.B, text string) sql.Expr {
	stmts, err := sql.Parse("SELECT " + text + " FROM s;")
	if err != nil {
		b.Fatal(err)
	}
	return stmts[0].Stmt.(*sql.QueryStatement).Query.Items[0].Expr
}

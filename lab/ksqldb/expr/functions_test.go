package expr

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// String functions: results hand-derived from the UDF sources in
// confluentinc/ksql ksqldb-engine/.../function/udf/string/ and the examples of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/
func TestStringFunctions(t *testing.T) {
	checkExprs(t, []exprCase{
		{"SUBSTRING('Confluent', 2, 3)", row(), "onf"},
		{"SUBSTRING('Confluent', 5)", row(), "luent"},
		{"SUBSTRING('Confluent', -3)", row(), "ent"},
		{"SUBSTRING('Confluent', -3, 2)", row(), "en"},
		{"SUBSTRING('Confluent', 20)", row(), ""},
		{"SUBSTRING('Confluent', 0, 3)", row(), "Con"},
		{"SUBSTRING(S, 1, 2)", row(), nil},
		{"CONCAT('a', S, 'c')", row(), "ac"},
		{"CONCAT(S, T)", row(), ""},
		{"CONCAT_WS(', ', 'a', S, 'c')", row(), "a, c"},
		{"CONCAT_WS(S, 'a', 'b')", row(), nil},
		{"UCASE('aBc')", row(), "ABC"},
		{"LCASE('aBc')", row(), "abc"},
		{"TRIM('  a b \t')", row(), "a b"},
		{"LEN('hello')", row(), int32(5)},
		{"LEN(S)", row(), nil},
		{"REPLACE('abcabc', 'b', 'X')", row(), "aXcaXc"},
		{"REPLACE(S, 'b', 'X')", row(), nil},
		{"INSTR('CORPORATE FLOOR', 'OR')", row(), int32(2)},
		{"INSTR('CORPORATE FLOOR', 'OR', 3)", row(), int32(5)},
		{"INSTR('CORPORATE FLOOR', 'OR', 3, 2)", row(), int32(14)},
		{"INSTR('CORPORATE FLOOR', 'OR', -3)", row(), int32(5)},
		{"INSTR('CORPORATE FLOOR', 'OR', -3, 2)", row(), int32(2)},
		{"INSTR('CORPORATE FLOOR', 'MISSING')", row(), int32(0)},
		{"INSTR(S, 'x')", row(), int32(0)},
		{"LPAD('Foo', 7, 'Bar')", row(), "BarBFoo"},
		{"LPAD('Foo', 2, 'Bar')", row(), "Fo"},
		{"LPAD('Foo', 7, '')", row(), nil},
		{"RPAD('Foo', 7, 'Bar')", row(), "FooBarB"},
		{"RPAD('Foo', -1, 'Bar')", row(), nil},
		{"RPAD('Foo', 2147483647, 'Bar')", row(), nil},
		{"INITCAP('the   quick bROWN fox')", row(), "The   Quick Brown Fox"},
		{"REGEXP_EXTRACT('.*', 'helloworld')", row(), "helloworld"},
		{"REGEXP_EXTRACT('(([AEIOU]).)', 'xxIyy', 2)", row(), "I"},
		{"REGEXP_EXTRACT('(([AEIOU]).)', 'xxIyy', 1)", row(), "Iy"},
		{"REGEXP_EXTRACT('(x)', 'abc', 1)", row(), nil},
		{"REGEXP_EXTRACT('(a)', 'abc', 2)", row(), nil},
		{"REGEXP_REPLACE('foobar', '(foo)(bar)', '$2$1')", row(), "barfoo"},
		{"REGEXP_REPLACE('a.b.c', '\\.', '-')", row(), "a-b-c"},
		{"REGEXP_REPLACE('abc', '(', 'x')", row(), nil},
		{"MASK('AbCd#$123xy Z')", row(), "XxXx--nnnxx-X"},
		{"MASK('AbCd#$123xy Z', '*', '-', '.', NULL)", row(), "*-*-#$...-- *"},
		{"MASK('AbCd', '**', NULL, NULL, NULL)", row(), nil},
		{"MASK_LEFT('AbCd#$123xy Z', 5)", row(), "XxXx-$123xy Z"},
		{"MASK_RIGHT('AbCd#$123xy Z', 5)", row(), "AbCd#$12nxx-X"},
		{"MASK_KEEP_LEFT('AbCd#$123xy Z', 5)", row(), "AbCd#-nnnxx-X"},
		{"MASK_KEEP_RIGHT('AbCd#$123xy Z', 5)", row(), "XxXx--nn3xy Z"},
		{"MASK_LEFT('AbCd', -1)", row(), nil},
		{"CHR(75)", row(), "K"},
		{"CHR('\\u004b')", row(), "K"},
		{"CHR(-1)", row(), nil},
	})
}

// Numeric functions: result types from the @Udf overloads in
// ksqldb-engine/.../function/udf/math/ (ROUND(INT) is BIGINT, SIGN is INT,
// CEIL/FLOOR keep integer types) and values from the same sources.
func TestNumericFunctions(t *testing.T) {
	checkExprs(t, []exprCase{
		{"ABS(-3)", row(), int32(3)},
		{"ABS(B)", row("B", int64(-7)), int64(7)},
		{"ABS(-2.5E0)", row(), 2.5},
		{"CEIL(A)", row("A", int32(3)), int32(3)},
		{"CEIL(1.2E0)", row(), 2.0},
		{"FLOOR(-1.2E0)", row(), -2.0},
		{"ROUND(A)", row("A", int32(3)), int64(3)},
		{"ROUND(2.5E0)", row(), int64(3)},
		{"ROUND(-2.5E0)", row(), int64(-2)},
		{"ROUND(D, 2)", row("D", 1.005), 1.01},
		{"ROUND(D, 2)", row("D", -1.005), -1.0},
		{"ROUND(D, 2)", row("D", -1.006), -1.01},
		{"ROUND(D, -1)", row("D", 15.0), 20.0},
		{"ROUND(D, 1)", row(), nil},
		{"TRUNC(D)", row("D", -2.7), int64(-2)},
		{"TRUNC(D, 1)", row("D", 2.789), 2.7},
		{"TRUNC(A)", row("A", int32(5)), int64(5)},
		{"SIGN(-5)", row(), int32(-1)},
		{"SIGN(B)", row("B", int64(9)), int32(1)},
		{"SIGN(0.0E0)", row(), int32(0)},
		{"SQRT(16)", row(), 4.0},
		{"EXP(0)", row(), 1.0},
		{"LN(1)", row(), 0.0},
		{"LOG(2, 8)", row(), 3.0},
		{"LOG(1, 8)", row(), math.NaN()},
		{"POWER(2, 10)", row(), 1024.0},
		{"POWER(D, 2)", row("D", 1.5), 2.25},
		{"GREATEST(1, 5, 3)", row(), int32(5)},
		{"GREATEST(B, CAST(A AS BIGINT))", row("A", int32(4), "B", int64(2)), int64(4)},
		{"GREATEST(A, 2)", row(), int32(2)},
		{"LEAST('b', 'a', S)", row(), "a"},
		{"LEAST(A, A)", row(), nil},
	})
	v, typ, err := evalSQL(t, "RANDOM()", row())
	if err != nil || typ != types.Double || v.(float64) < 0 || v.(float64) >= 1 {
		t.Errorf("RANDOM() = %v %v %v", v, typ, err)
	}
}

// COALESCE / IFNULL / NULLIF (udf/nulls): generic over one type T.
func TestNullFunctions(t *testing.T) {
	checkExprs(t, []exprCase{
		{"COALESCE(S, T, 'z')", row("T", "t"), "t"},
		{"COALESCE(S, NULL)", row(), nil},
		{"IFNULL(A, 0)", row(), int32(0)},
		{"IFNULL(A, 0)", row("A", int32(4)), int32(4)},
		{"NULLIF(A, 4)", row("A", int32(4)), nil},
		{"NULLIF(A, 4)", row("A", int32(5)), int32(5)},
		{"NULLIF(S, T)", row("S", "x"), "x"},
	})
}

// TIMESTAMPTOSTRING / STRINGTOTIMESTAMP use java.time patterns; the
// two-argument forms use the server's zone, UTC in Confluent's images.
func TestTimestampStringFunctions(t *testing.T) {
	checkExprs(t, []exprCase{
		{"TIMESTAMPTOSTRING(B, 'yyyy-MM-dd HH:mm:ss.SSS')", row("B", int64(1500000000123)), "2017-07-14 02:40:00.123"},
		{"TIMESTAMPTOSTRING(B, 'yyyy-MM-dd''T''HH:mm:ssXXX', 'America/Chicago')", row("B", int64(1500000000123)), "2017-07-13T21:40:00-05:00"},
		{"TIMESTAMPTOSTRING(B, 'EEE, d MMM yyyy hh:mm a')", row("B", int64(1500000000123)), "Fri, 14 Jul 2017 02:40 AM"},
		{"TIMESTAMPTOSTRING(B, 'yyyy')", row(), nil},
		{"TIMESTAMPTOSTRING(B, 'yyyy', 'Not/AZone')", row("B", int64(0)), nil},
		{"STRINGTOTIMESTAMP('2017-07-14 02:40:00.123', 'yyyy-MM-dd HH:mm:ss.SSS')", row(), int64(1500000000123)},
		{"STRINGTOTIMESTAMP('2017-07-13 21:40:00', 'yyyy-MM-dd HH:mm:ss', 'America/Chicago')", row(), int64(1500000000000)},
		{"STRINGTOTIMESTAMP('2017-07-13T21:40:00-0500', 'yyyy-MM-dd''T''HH:mm:ssZ')", row(), int64(1500000000000)},
		{"STRINGTOTIMESTAMP('20170714', 'yyyyMMdd')", row(), int64(1499990400000)},
		{"STRINGTOTIMESTAMP('14-jul-2017', 'dd-MMM-yyyy')", row(), int64(1499990400000)},
		{"STRINGTOTIMESTAMP('not a date', 'yyyy-MM-dd')", row(), nil},
	})
	v, typ, err := evalSQL(t, "UNIX_TIMESTAMP()", row())
	if err != nil || typ != types.Bigint || v.(int64) < 1500000000000 {
		t.Errorf("UNIX_TIMESTAMP() = %v %v %v", v, typ, err)
	}
}

// InternalFunctionRegistry: an unknown name; UdfIndex: arguments no
// overload accepts.
func TestFunctionResolutionErrors(t *testing.T) {
	checkRefused(t, map[string]string{
		"NOPE(1)":  "Can't find any functions with the name 'NOPE'",
		"LTRIM(S)": "Can't find any functions with the name 'LTRIM'",
	})
	for expr, prefix := range map[string]string{
		"SUBSTRING(S, 'x')": "Function 'substring' does not accept parameters (STRING, STRING).\nValid alternatives are:\n",
		"GREATEST(1, 'a')":  "Function 'greatest' does not accept parameters (INTEGER, STRING).",
		// INTEGER and BIGINT fit the BIGINT, DOUBLE and DECIMAL overloads
		// only after implicit casts, and UdfIndex cannot choose among them
		"GREATEST(A, B)": "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).\nUse CAST() to explicitly cast your parameters to one of the supported function calls.\nValid function calls are:\n",
		"LEN(1)":         "Function 'len' does not accept parameters (INTEGER).",
		"ROUND(S)":       "Function 'Round' does not accept parameters (STRING).",
		"UCASE(S, T)":    "Function 'ucase' does not accept parameters (STRING, STRING).",
	} {
		_, _, err := evalSQL(t, expr, nil)
		var se *stmterr.Error
		if !errors.As(err, &se) || !strings.HasPrefix(se.Msg, prefix) || !strings.HasSuffix(se.Msg, "For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;") {
			t.Errorf("%s: got %v, want prefix %q", expr, err, prefix)
		}
	}
	_, _, err := evalSQL(t, "TIMESTAMPTOSTRING(B, 'QQQ yyyy')", nil)
	if err == nil || !strings.Contains(err.Error(), "is not supported by this ksqlDB server") {
		t.Errorf("unimplemented pattern letter: %v", err)
	}
}

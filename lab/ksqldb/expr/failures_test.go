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
	checkLoggedWith(t, func(*Compiler) {}, cases)
}

// checkLoggedWith is checkLogged with the compiler set up by setup first.
func checkLoggedWith(t *testing.T, setup func(*Compiler), cases []loggedCase) {
	t.Helper()
	for _, c := range cases {
		fails := &Failures{}
		got, _, err := evalSQLLogged(t, fails, c.expr, c.row, setup)
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

// A cast of an ARRAY, MAP or STRUCT runs the element casts inside one
// CAST (CastEvaluator.castArray, castMap, castStruct apply the mappers
// mapperFunction generates, which no evaluateOrReturnNull wraps;
// confluentinc/ksql v7.9.0 ksqldb-execution .../codegen/helpers/CastEvaluator.java):
// an element that throws makes the whole cast NULL, caught and logged
// by visitCast as "Error processing <target type>", the type as
// SqlType.toString writes it (struct field names quoted, FormatOptions.none).
func TestComplexCastFailsWhole(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(ARRAY[S, '2'] AS ARRAY<INTEGER>)", row("S", "x"), nil, []string{`Error processing ARRAY<INTEGER>: [For input string: "x"]`}},
		{"CAST(MAP('a' := S) AS MAP<STRING, BIGINT>)", row("S", "x"), nil, []string{`Error processing MAP<STRING, BIGINT>: [For input string: "x"]`}},
		{"CAST(STRUCT(F := S, G := 1) AS STRUCT<F INTEGER, G BIGINT>)", row("S", "x"), nil, []string{"Error processing STRUCT<`F` INTEGER, `G` BIGINT>: [For input string: \"x\"]"}},
		{"CAST(ARRAY[ARRAY[S]] AS ARRAY<ARRAY<DOUBLE>>)", row("S", ""), nil, []string{"Error processing ARRAY<ARRAY<DOUBLE>>: [empty String]"}},
		{"CAST(ARRAY[S, NULL] AS ARRAY<INTEGER>)", row("S", " 3 "), "[3, null]", nil},
	})
}

// Text cast to a time type throws SqlTimeTypes' KsqlException, "Failed to
// parse <type> '<text>': " with the message of the DateTimeParseException
// it caught and a help text, the DateTimeParseException (and its
// DateTimeException for a value out of range) its causes
// (confluentinc/ksql v7.9.0 ksqldb-engine-common .../schema/ksql/SqlTimeTypes.java,
// ksqldb-common .../util/timestamp/PartialStringToTimestampParser.java:
// the text completed to yyyy-MM-dd'T'HH:mm:ss.SSS first; LocalDate.parse
// and LocalTime.parse, ISO_LOCAL_DATE and ISO_LOCAL_TIME, strict).
func TestTextCastToTimeTypeFailureMessages(t *testing.T) {
	const tsHelp = "\nRequired format is: \"yyyy-MM-dd'T'HH:mm:ss.SSS\", with an optional numeric 4-digit timezone, for example: '2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'. A trailing 'Z' instead of tz indicates the zero UTC offset. Partials are also supported, for example \"2020-05-26\""
	const dateHelp = "\nRequired format is: \"yyyy-MM-dd\", for example '2020-05-26'. Partials are also supported, for example '2020-05'"
	const timeHelp = "\nRequired format is: \"HH:mm:ss.SSS\", for example: '01:34:20.123' or '01:34:20'. Partials are also supported, for example '01:34'"
	checkLogged(t, []loggedCase{
		{"CAST(S AS TIMESTAMP)", row("S", " abc "), nil, []string{"Error processing TIMESTAMP: [Failed to parse timestamp 'abc': Text 'abc-01-01T00:00:00.000' could not be parsed at index 0" + tsHelp + " Text 'abc-01-01T00:00:00.000' could not be parsed at index 0]"}},
		{"CAST(S AS TIMESTAMP)", row("S", "2020-13-01"), nil, []string{"Error processing TIMESTAMP: [Failed to parse timestamp '2020-13-01': Text '2020-13-01T00:00:00.000' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13" + tsHelp + " Text '2020-13-01T00:00:00.000' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13 Invalid value for MonthOfYear (valid values 1 - 12): 13]"}},
		{"CAST(S AS DATE)", row("S", "abc"), nil, []string{"Error processing DATE: [Failed to parse date 'abc': Text 'abc-01-01' could not be parsed at index 0" + dateHelp + " Text 'abc-01-01' could not be parsed at index 0]"}},
		{"CAST(S AS DATE)", row("S", "2021-02-29"), nil, []string{"Error processing DATE: [Failed to parse date '2021-02-29': Text '2021-02-29' could not be parsed: Invalid date 'February 29' as '2021' is not a leap year" + dateHelp + " Text '2021-02-29' could not be parsed: Invalid date 'February 29' as '2021' is not a leap year Invalid date 'February 29' as '2021' is not a leap year]"}},
		{"CAST(S AS DATE)", row("S", "2020-1-01"), nil, []string{"Error processing DATE: [Failed to parse date '2020-1-01': Text '2020-1-01' could not be parsed at index 5" + dateHelp + " Text '2020-1-01' could not be parsed at index 5]"}},
		{"CAST(S AS TIME)", row("S", "25:61"), nil, []string{"Error processing TIME: [Failed to parse time '25:61': Text '25:61' could not be parsed: Invalid value for MinuteOfHour (valid values 0 - 59): 61" + timeHelp + " Text '25:61' could not be parsed: Invalid value for MinuteOfHour (valid values 0 - 59): 61 Invalid value for MinuteOfHour (valid values 0 - 59): 61]"}},
		{"CAST(S AS TIME)", row("S", "12:00:0"), nil, []string{"Error processing TIME: [Failed to parse time '12:00:0': Text '12:00:0' could not be parsed, unparsed text found at index 5" + timeHelp + " Text '12:00:0' could not be parsed, unparsed text found at index 5]"}},
		{"CAST(S AS TIME)", row("S", "12:00:00."), "12:00", nil},
	})
}

// LocalDate.parse and LocalTime.parse as SqlTimeTypes runs them (ISO_LOCAL_DATE: a
// year of 4 digits, more only after a sign; ISO_LOCAL_TIME: seconds and
// their fraction optional, a fraction of up to 9 digits, its point alone
// allowed; both STRICT), the messages of what they throw as
// DateTimeFormatter.parse writes them (java.time, JDK 17).
func TestDateAndTimeTextParsing(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(CAST(S AS DATE) AS STRING)", row("S", "-2020-01-01"), "-2020-01-01", nil},
		{"CAST(CAST(S AS DATE) AS STRING)", row("S", "2020-02"), "2020-02-01", nil},
		{"CAST(CAST(S AS DATE) AS STRING)", row("S", "2020-02-29"), "2020-02-29", nil},
		{"CAST(CAST(S AS TIME) AS STRING)", row("S", "23:59:59.999999999"), "23:59:59", nil},
		{"CAST(CAST(S AS TIME) AS STRING)", row("S", "01:02"), "01:02", nil},
	})
	for _, c := range []struct{ text, date, time string }{
		{"+2020-01-01", "Text '+2020-01-01' could not be parsed at index 0", ""},
		{"12345-01-01", "Text '12345-01-01' could not be parsed at index 0", ""},
		{"-abc", "Text '-abc-01' could not be parsed at index 1", ""}, // "-abc".split("-") has two parts
		{"-0000-01-01", "Text '-0000-01-01' could not be parsed at index 0", ""},
		{"2020-13-32", "Text '2020-13-32' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13", ""},
		{"2020-01-32", "Text '2020-01-32' could not be parsed: Invalid value for DayOfMonth (valid values 1 - 28/31): 32", ""},
		{"2020-06-31", "Text '2020-06-31' could not be parsed: Invalid date 'JUNE 31'", ""},
		{"1900-02-29", "Text '1900-02-29' could not be parsed: Invalid date 'February 29' as '1900' is not a leap year", ""},
		{"2020-01-01T", "Text '2020-01-01T' could not be parsed, unparsed text found at index 10", ""},
		{"2020--01-01", "Text '2020--01-01' could not be parsed at index 5", ""},
		{"+1234567890-01-01", "Text '+1234567890-01-01' could not be parsed: Invalid value for Year (valid values -999999999 - 999999999): 1234567890", ""},
		{"+12345678901-01-01", "Text '+12345678901-01-01' could not be parsed at index 11", ""},
		{"", "", "Text '' could not be parsed at index 0"},
		{"9:00", "", "Text '9:00' could not be parsed at index 0"},
		{"12:+0", "", "Text '12:+0' could not be parsed at index 3"},
		{"12", "", "Text '12' could not be parsed at index 2"},
		{"24:00", "", "Text '24:00' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): 24"},
		{"12:00:60", "", "Text '12:00:60' could not be parsed: Invalid value for SecondOfMinute (valid values 0 - 59): 60"},
		{"12:00:00.1234567891", "", "Text '12:00:00.1234567891' could not be parsed, unparsed text found at index 18"},
		{"12:00:00.12a", "", "Text '12:00:00.12a' could not be parsed, unparsed text found at index 11"},
	} {
		for _, k := range []struct{ typ, want string }{{"DATE", c.date}, {"TIME", c.time}} {
			if k.want == "" {
				continue
			}
			fails := &Failures{}
			got, _, err := evalSQLLogged(t, fails, "CAST(S AS "+k.typ+")", row("S", c.text))
			logged := fails.Take()
			if err != nil || got != nil || len(logged) != 1 || len(logged[0].Cause) < 2 || logged[0].Cause[1] != k.want {
				t.Errorf("CAST(%q AS %s) = %v, %v logging %v; want NULL, the parse failure %q", c.text, k.typ, got, err, logged, k.want)
			}
		}
	}
}

// Text cast to BYTES is Base64.getDecoder().decode of the trimmed text
// (CastEvaluator, BytesUtils.decode BASE64; confluentinc/ksql v7.9.0
// ksqldb-common .../util/BytesUtils.java): padding may be left out, and
// what it refuses throws IllegalArgumentException (java.util.Base64, JDK 17).
func TestTextCastToBytes(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"FROM_BYTES(CAST(S AS BYTES), 'base64')", row("S", " YWJj "), "YWJj", nil},
		{"FROM_BYTES(CAST(S AS BYTES), 'base64')", row("S", "YQ"), "YQ==", nil},
		{"FROM_BYTES(CAST(S AS BYTES), 'base64')", row("S", "YWI"), "YWI=", nil},
		{"CAST(S AS BYTES)", row("S", "a-b="), nil, []string{"Error processing BYTES: [Illegal base64 character 2d]"}},
		{"CAST(S AS BYTES)", row("S", "abcde"), nil, []string{"Error processing BYTES: [Last unit does not have enough valid bits]"}},
		{"CAST(S AS BYTES)", row("S", "YQ="), nil, []string{"Error processing BYTES: [Input byte array has wrong 4-byte ending unit]"}},
	})
}

// Text cast to DECIMAL is new BigDecimal(text.trim()) (DecimalUtil.cast;
// confluentinc/ksql v7.9.0 ksqldb-common .../util/DecimalUtil.java), whose
// NumberFormatException names the first character it cannot read, or has
// no message, when ErrorMessageUtil lists the exception itself and then
// the ArrayIndexOutOfBoundsException it was given as cause (java.math.BigDecimal,
// JDK 17).
func TestTextCastToDecimalFailureMessages(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1a"), nil, []string{`Error processing DECIMAL(4, 1): [Character a is neither a decimal digit number, decimal point, nor "e" notation exponential mark.]`}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "  "), nil, []string{"Error processing DECIMAL(4, 1): [java.lang.NumberFormatException Index 0 out of bounds for length 0]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1.2.3"), nil, []string{"Error processing DECIMAL(4, 1): [Character array contains more than one decimal point.]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "+"), nil, []string{"Error processing DECIMAL(4, 1): [No digits found.]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1e"), nil, []string{"Error processing DECIMAL(4, 1): [java.lang.NumberFormatException Index 2 out of bounds for length 2]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1e+5x"), nil, []string{"Error processing DECIMAL(4, 1): [Not a digit.]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "12345678901234567890x"), nil, []string{`Error processing DECIMAL(4, 1): [Character array is missing "e" notation exponential mark.]`}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1e-2147483649"), nil, []string{"Error processing DECIMAL(4, 1): [Exponent overflow.]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1e99999999999"), nil, []string{"Error processing DECIMAL(4, 1): [Too many nonzero exponent digits.]"}},
		{"CAST(S AS DECIMAL(4, 1))", row("S", "1e2"), "100.0", nil},
	})
}

// The column's entry writes the expression as Expression.toString does
// (ExpressionFormatter, FormatOptions.of(s -> false)): a CAST's target as
// SqlType.toString writes it, in full, aliases resolved and no name
// quoted (ExpressionFormatter.visitType; confluentinc/ksql v7.9.0
// ksqldb-execution; the historical plans' "CAST(F0 AS ARRAY<INTEGER>)",
// "CAST(F0 AS MAP<STRING, INTEGER>)", ksqldb-functional-tests
// .../historical_plans/).
func TestComputingEntryWritesCastTargetsInFull(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(ARRAY[A] AS array<int>)[1] / 0", row("A", int32(4)), nil,
			[]string{"Error computing expression (CAST(ARRAY[A] AS ARRAY<INTEGER>)[1] / 0) for column X with index 0: [/ by zero]"}},
		{"CAST(MAP('k' := A) AS MAP<varchar,BIGINT>)['k'] / 0", row("A", int32(4)), nil,
			[]string{"Error computing expression (CAST(MAP('k':=A) AS MAP<STRING, BIGINT>)['k'] / 0) for column X with index 0: [/ by zero]"}},
		{"CAST(STRUCT(`f` := A) AS STRUCT<`f` int,g ARRAY<decimal(4,1)>>)->`f` / 0", row("A", int32(4)), nil,
			[]string{"Error computing expression (CAST(STRUCT(f:=A) AS STRUCT<f INTEGER, G ARRAY<DECIMAL(4, 1)>>)->f / 0) for column X with index 0: [/ by zero]"}},
	})
}

// A UDF that throws is invoked through DynamicFunctionInvoker.eval, which
// wraps what Method.invoke throws in a KsqlFunctionException "Failed to
// invoke function <method>" (the InvocationTargetException around the
// UDF's own exception, or the IllegalArgumentException of a NULL for a
// primitive parameter), uncaught below the column or caught as an
// argument that is a call (confluentinc/ksql v7.9.0 ksqldb-engine
// .../function/DynamicFunctionInvoker.java, PluggableUdf.java;
// GenerateSeries.java: "GENERATE_SERIES step cannot be zero", "...
// has wrong sign", int parameters).
func TestThrowingUDFMessages(t *testing.T) {
	const intMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesInt(int,int,int)"
	const longMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesLong(long,long,int)"
	checkLogged(t, []loggedCase{
		{"GENERATE_SERIES(1, A, 0)", row("A", int32(4)), nil, []string{"Error computing expression GENERATE_SERIES(1, A, 0) for column X with index 0: [" + intMethod + " java.lang.reflect.InvocationTargetException GENERATE_SERIES step cannot be zero]"}},
		{"GENERATE_SERIES(B, 1, 2)", row("B", int64(4)), nil, []string{"Error computing expression GENERATE_SERIES(B, 1, 2) for column X with index 0: [" + longMethod + " java.lang.reflect.InvocationTargetException GENERATE_SERIES step has wrong sign]"}},
		{"GENERATE_SERIES(1, A, CAST(NULL AS INTEGER))", row("A", int32(4)), nil, []string{"Error computing expression GENERATE_SERIES(1, A, CAST(null AS INTEGER)) for column X with index 0: [" + intMethod + " java.lang.IllegalArgumentException]"}},
		{"ARRAY_LENGTH(GENERATE_SERIES(1, A, -1))", row("A", int32(4)), nil, []string{"Error processing GENERATE_SERIES: [" + intMethod + " java.lang.reflect.InvocationTargetException GENERATE_SERIES step has wrong sign]"}},
		{"GENERATE_SERIES(1, A, 2)", row("A", int32(4)), "[1, 3]", nil},
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

// SqlTimeTypes.parseDate takes any LocalDate (years -999999999 to
// +999999999) into a java.sql.Date of TimeUnit.DAYS.toMillis(epochDay)
// milliseconds, which a long holds (confluentinc/ksql v7.9.0
// ksqldb-engine-common .../schema/ksql/SqlTimeTypes.java; '+6000000-01-01'
// is epoch day 2190735472 in JDK 17, '-6000000-01-01' -2192174528). This server holds a DATE as an int32
// of days (-5877641-06-23 to +5881580-07-11, LocalDate.ofEpochDay of
// int32's bounds), so a text past it is not NULL with no entry: the cast
// logs a refusal naming this server's limit.
func TestTextCastToADatePastThisServersRangeIsRefusedInTheLog(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(S AS DATE)", row("S", "+6000000-01-01"), nil, []string{"Error processing DATE: [the date '+6000000-01-01' (epoch day 2190735472) is past what this embedded ksqlDB server holds in a DATE, an int32 of days from -5877641-06-23 to +5881580-07-11; ksqlDB holds it]"}},
		{"CAST(S AS DATE)", row("S", "-6000000-01-01"), nil, []string{"Error processing DATE: [the date '-6000000-01-01' (epoch day -2192174528) is past what this embedded ksqlDB server holds in a DATE, an int32 of days from -5877641-06-23 to +5881580-07-11; ksqlDB holds it]"}},
		{"CAST(CAST(S AS DATE) AS STRING)", row("S", "+5881580-07-11"), "+5881580-07-11", nil},
	})
}

// The other ways to a DATE ksqlDB holds and this server does not are
// refused in the log as the text cast is, the date written as
// LocalDate.toString writes it (JDK 17: epoch day 2314814814 is
// +6339717-09-13, 2147483648 +5881580-07-12, -2147483649 -5877641-06-22,
// +9999999-01-01 is 3651705107), never truncated to an int32: a TIMESTAMP
// cast to a DATE (SqlTimeTypes.timestampToDate, the instant's LocalDate in
// UTC), DATEADD and DATESUB (TimeUnit.MILLISECONDS.toDays of the date's
// milliseconds plus or minus the interval's, into a java.sql.Date;
// DateAdd.dateAdd, DateSub.dateSub) and PARSE_DATE (FastDateFormat reads
// a year of any number of digits; ParseDate.parseDate), a UDF's refusal
// as DynamicFunctionInvoker wraps what the UDF throws (confluentinc/ksql
// v7.9.4 ksqldb-engine-common .../schema/ksql/SqlTimeTypes.java,
// ksqldb-engine .../function/udf/datetime/).
func TestDatesPastThisServersRangeAreRefusedInTheLog(t *testing.T) {
	past := func(date string, day int64) string {
		return fmt.Sprintf("the date '%s' (epoch day %d) is past what this embedded ksqlDB server holds in a DATE, an int32 of days from -5877641-06-23 to +5881580-07-11; ksqlDB holds it", date, day)
	}
	udf := func(expr, method, cause string) []string {
		return []string{"Error computing expression " + expr + " for column X with index 0: [Failed to invoke function public java.sql.Date io.confluent.ksql.function.udf.datetime." +
			method + " java.lang.reflect.InvocationTargetException " + cause + "]"}
	}
	const dateAdd = "DateAdd.dateAdd(java.util.concurrent.TimeUnit,java.lang.Integer,java.sql.Date)"
	const dateSub = "DateSub.dateSub(java.util.concurrent.TimeUnit,java.lang.Integer,java.sql.Date)"
	checkLogged(t, []loggedCase{
		{"CAST(FROM_UNIXTIME(B) AS DATE)", row("B", int64(200_000_000_000_000_000)), nil, []string{"Error processing DATE: [" + past("+6339717-09-13", 2314814814) + "]"}},
		{"CAST(FROM_UNIXTIME(B) AS DATE)", row("B", int64(185_542_587_100_800_000)), "+5881580-07-11", nil},
		{"DATEADD(DAYS, 2147483647, FROM_DAYS(1))", row(), nil, udf("DATEADD(DAYS, 2147483647, FROM_DAYS(1))", dateAdd, past("+5881580-07-12", 2147483648))},
		{"DATEADD(DAYS, 2147483647, FROM_DAYS(0))", row(), "+5881580-07-11", nil},
		{"DATESUB(DAYS, 2147483647, FROM_DAYS(-2))", row(), nil, udf("DATESUB(DAYS, 2147483647, FROM_DAYS(-2))", dateSub, past("-5877641-06-22", -2147483649))},
		{"PARSE_DATE('9999999-01-01', 'yyyy-MM-dd')", row(), nil, udf("PARSE_DATE('9999999-01-01', 'yyyy-MM-dd')",
			"ParseDate.parseDate(java.lang.String,java.lang.String)", past("+9999999-01-01", 3651705107))},
	})
}

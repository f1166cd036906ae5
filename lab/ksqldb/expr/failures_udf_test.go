package expr

import (
	"strings"
	"testing"
)

// A lambda's body is generated Java inside the invocation function's call
// (LambdaUtil.toJavaCode; confluentinc/ksql v7.9.0 ksqldb-execution
// .../codegen/helpers/LambdaUtil.java): what it throws and no nested
// boundary of the body catches leaves Transform, Filter or Reduce through
// Method.invoke, so DynamicFunctionInvoker wraps it as any UDF's failure,
// "Failed to invoke function <method>" (Method.toString, type parameters
// erased; ksqldb-engine .../function/udf/lambda/{Transform,Filter,Reduce}.java)
// and the InvocationTargetException, once for each invocation it leaves.
// A boundary inside the body (a CAST, a call argument that is a call)
// catches as anywhere else (SqlToJavaVisitor.evaluateOrReturnNull), and the
// invocation goes on.
func TestLambdaBodyFailuresLeaveThroughTheInvocation(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const transformArray = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function)"
	const transformMap = "Failed to invoke function public java.util.Map io.confluent.ksql.function.udf.lambda.Transform.transformMap(java.util.Map,java.util.function.BiFunction,java.util.function.BiFunction)"
	const filterArray = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Filter.filterArray(java.util.List,java.util.function.Function)"
	const filterMap = "Failed to invoke function public java.util.Map io.confluent.ksql.function.udf.lambda.Filter.filterMap(java.util.Map,java.util.function.BiFunction)"
	const reduceArray = "Failed to invoke function public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceArray(java.util.List,java.lang.Object,java.util.function.BiFunction)"
	const reduceMap = "Failed to invoke function public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceMap(java.util.Map,java.lang.Object,io.confluent.ksql.execution.codegen.helpers.TriFunction)"
	checkLogged(t, []loggedCase{
		{"TRANSFORM(ARRAY[A, 0], X => A / X)", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(ARRAY[A, 0], (X) => (A / X)) for column X with index 0: [" + transformArray + " " + ite + " / by zero]"}},
		{"TRANSFORM(MAP('k' := A), (K, V) => K, (K, V) => V % 0)", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(MAP('k':=A), (K, V) => K, (K, V) => (V % 0)) for column X with index 0: [" + transformMap + " " + ite + " / by zero]"}},
		{"FILTER(ARRAY[A], X => X / 0 > 1)", row("A", int32(4)), nil,
			[]string{"Error computing expression FILTER(ARRAY[A], (X) => ((X / 0) > 1)) for column X with index 0: [" + filterArray + " " + ite + " / by zero]"}},
		{"FILTER(MAP('k' := A), (K, V) => V / 0 > 1)", row("A", int32(4)), nil,
			[]string{"Error computing expression FILTER(MAP('k':=A), (K, V) => ((V / 0) > 1)) for column X with index 0: [" + filterMap + " " + ite + " / by zero]"}},
		{"REDUCE(ARRAY[A], 0, (Q, X) => Q + X / 0)", row("A", int32(4)), nil,
			[]string{"Error computing expression REDUCE(ARRAY[A], 0, (Q, X) => (Q + (X / 0))) for column X with index 0: [" + reduceArray + " " + ite + " / by zero]"}},
		{"REDUCE(MAP('k' := A), 0, (Q, K, V) => Q + V / 0)", row("A", int32(4)), nil,
			[]string{"Error computing expression REDUCE(MAP('k':=A), 0, (Q, K, V) => (Q + (V / 0))) for column X with index 0: [" + reduceMap + " " + ite + " / by zero]"}},
		// each invocation the failure leaves wraps it once more
		{"TRANSFORM(ARRAY[ARRAY[A]], X => TRANSFORM(X, Y => Y / 0))", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(ARRAY[ARRAY[A]], (X) => TRANSFORM(X, (Y) => (Y / 0))) for column X with index 0: [" + transformArray + " " + ite + " " + transformArray + " " + ite + " / by zero]"}},
		// a call argument of the body that is a call catches what it throws
		{"TRANSFORM(ARRAY[A], X => ABS(ABS(X / 0)))", row("A", int32(4)), "[null]",
			[]string{"Error processing ABS: [/ by zero]"}},
		// a CAST in the body catches, and the invocation goes on
		{"FILTER(ARRAY[S, '2'], X => CAST(X AS INTEGER) > 1)", row("S", "x"), "[2]",
			[]string{`Error processing INTEGER: [For input string: "x"]`}},
		// what the collection argument throws is not the invocation's
		{"TRANSFORM(ARRAY[A / 0], X => X)", row("A", int32(4)), "[null]",
			[]string{"Error processing array item: [/ by zero]"}},
		{"TRANSFORM(ARRAY[A, 2], X => X / 2)", row("A", int32(4)), "[2, 1]", nil},
	})
}

// DECIMAL arithmetic is BigDecimal's with a MathContext of the result
// type's precision and RoundingMode.UNNECESSARY, then setScale to its
// scale (SqlToJavaVisitor.visitArithmeticBinary; confluentinc/ksql v7.9.0
// ksqldb-execution .../codegen/SqlToJavaVisitor.java; result types from
// ksqldb-common .../schema/Operator.java and SqlDecimal.divide/modulus):
// a quotient that needs more digits than the precision, or more decimals
// than the scale, throws ArithmeticException "Rounding necessary" (so
// 1.0 / 3 is NULL, confluentinc/ksql#9874); remainder(divisor, mc) throws
// BigDecimal.divideToIntegralValue's "Division by zero" and "Division
// undefined" for a zero divisor, and "Division impossible" where the
// integer quotient needs more digits than the precision (java.math.BigDecimal,
// JDK 17). Each is uncaught below the column.
func TestDecimalArithmeticFailureMessages(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(A AS DECIMAL(4, 1)) / 3", row("A", int32(1)), nil,
			[]string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) / 3) for column X with index 0: [Rounding necessary]"}},
		// 9.765625E-8 fits DECIMAL(9, 9)'s precision, not its scale
		{"CAST(S AS DECIMAL(4, 4)) / CAST(T AS DECIMAL(4, 0))", row("S", "0.0001", "T", "1024"), nil,
			[]string{"Error computing expression (CAST(S AS DECIMAL(4, 4)) / CAST(T AS DECIMAL(4, 0))) for column X with index 0: [Rounding necessary]"}},
		{"CAST(S AS DECIMAL(4, 4)) / CAST(T AS DECIMAL(4, 0))", row("S", "0.0001", "T", "1000"), "0.000000100", nil},
		{"CAST(A AS DECIMAL(4, 1)) % 0", row("A", int32(3)), nil,
			[]string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) % 0) for column X with index 0: [Division by zero]"}},
		{"CAST(A AS DECIMAL(4, 1)) % 0", row("A", int32(0)), nil,
			[]string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) % 0) for column X with index 0: [Division undefined]"}},
		// DECIMAL(3, 2): 9999 needs four digits
		{"CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))", row("S", "99.99", "T", "0.01"), nil,
			[]string{"Error computing expression (CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))) for column X with index 0: [Division impossible]"}},
		// 9900 truncates to three digits without loss
		{"CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))", row("S", "99.00", "T", "0.01"), "0.00", nil},
		{"CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))", row("S", "7.50", "T", "2.00"), "1.50", nil},
		{"CAST(A AS DECIMAL(4, 1)) / 0.5", row("A", int32(3)), "6.000000", nil}, // DECIMAL(10, 6)
	})
}

// The date-time UDFs catch what their formatter cache, ZoneId.of and the
// parse or format throw and throw KsqlFunctionException "Failed to parse
// timestamp '<text>' [at timezone '<zone>'] with formatter '<pattern>': "
// (or "Failed to format timestamp <value> ...", "Failed to format date
// ...", "Failed to parse time ...") with that message, it the cause
// (confluentinc/ksql v7.9.0 ksqldb-engine .../function/udf/datetime/
// {ParseTimestamp,StringToTimestamp,FormatTimestamp,TimestampToString,
// FormatDate,DateToString,FormatTime,ParseTime,ConvertTz}.java). A pattern
// DateTimeFormatter refuses reaches them as Guava's
// UncheckedExecutionException, whose message is its
// IllegalArgumentException's toString; DateTimeFormatter.parse refuses a
// null text with the NullPointerException "text", the cache a null pattern
// with one without message; FORMAT_TIMESTAMP writes the value as
// java.sql.Timestamp.toString does, FORMAT_DATE as java.sql.Date.toString,
// FORMAT_TIME as LocalTime.toString; CONVERT_TZ's exception has no cause;
// PARSE_TIME refuses a pattern with a date field. DynamicFunctionInvoker
// wraps each as any UDF's failure.
func TestDateTimeUDFFailureMessages(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const pkg = "io.confluent.ksql.function.udf.datetime."
	const col = "for column X with index 0: [Failed to invoke function public "
	checkLogged(t, []loggedCase{
		{"PARSE_TIMESTAMP(S, 'yyyy-MM-dd')", row("S", "x"), nil, []string{
			"Error computing expression PARSE_TIMESTAMP(S, 'yyyy-MM-dd') " + col + "java.sql.Timestamp " + pkg + "ParseTimestamp.parseTimestamp(java.lang.String,java.lang.String) " + ite +
				" Failed to parse timestamp 'x' at timezone 'GMT' with formatter 'yyyy-MM-dd': Text 'x' could not be parsed at index 0 Text 'x' could not be parsed at index 0]"}},
		{"PARSE_TIMESTAMP(S, 'yyyy', T)", row("S", "2020", "T", "Mars/Base"), nil, []string{
			"Error computing expression PARSE_TIMESTAMP(S, 'yyyy', T) " + col + "java.sql.Timestamp " + pkg + "ParseTimestamp.parseTimestamp(java.lang.String,java.lang.String,java.lang.String) " + ite +
				" Failed to parse timestamp '2020' at timezone 'Mars/Base' with formatter 'yyyy': Unknown time-zone ID: Mars/Base Unknown time-zone ID: Mars/Base]"}},
		{"PARSE_TIMESTAMP(S, 'yyyy', T)", row("S", "2020"), nil, nil},
		{"STRINGTOTIMESTAMP(S, 'yyyy-MM-dd')", row("S", "2020-01-0x"), nil, []string{
			"Error computing expression STRINGTOTIMESTAMP(S, 'yyyy-MM-dd') " + col + "long " + pkg + "StringToTimestamp.stringToTimestamp(java.lang.String,java.lang.String) " + ite +
				" Failed to parse timestamp '2020-01-0x' with formatter 'yyyy-MM-dd': Text '2020-01-0x' could not be parsed at index 8 Text '2020-01-0x' could not be parsed at index 8]"}},
		{"STRINGTOTIMESTAMP(S, 'yyyy')", row(), nil, []string{
			"Error computing expression STRINGTOTIMESTAMP(S, 'yyyy') " + col + "long " + pkg + "StringToTimestamp.stringToTimestamp(java.lang.String,java.lang.String) " + ite +
				" Failed to parse timestamp 'null' with formatter 'yyyy': text text]"}},
		{"STRINGTOTIMESTAMP('2020', S, 'UTC')", row(), nil, []string{
			"Error computing expression STRINGTOTIMESTAMP('2020', S, 'UTC') " + col + "long " + pkg + "StringToTimestamp.stringToTimestamp(java.lang.String,java.lang.String,java.lang.String) " + ite +
				" Failed to parse timestamp '2020' at timezone 'UTC' with formatter 'null': null java.lang.NullPointerException]"}},
		{"FORMAT_TIMESTAMP(FROM_UNIXTIME(B), S)", row("B", int64(1500), "S", "yyyy-ll"), nil, []string{
			"Error computing expression FORMAT_TIMESTAMP(FROM_UNIXTIME(B), S) " + col + "java.lang.String " + pkg + "FormatTimestamp.formatTimestamp(java.sql.Timestamp,java.lang.String) " + ite +
				" Failed to format timestamp 1970-01-01 00:00:01.5 at timeZone 'GMT' with formatter 'yyyy-ll': java.lang.IllegalArgumentException: Unknown pattern letter: l java.lang.IllegalArgumentException: Unknown pattern letter: l Unknown pattern letter: l]"}},
		{"FORMAT_TIMESTAMP(FROM_UNIXTIME(B), 'yyyy', S)", row("B", int64(0), "S", "Mars/Base"), nil, []string{
			"Error computing expression FORMAT_TIMESTAMP(FROM_UNIXTIME(B), 'yyyy', S) " + col + "java.lang.String " + pkg + "FormatTimestamp.formatTimestamp(java.sql.Timestamp,java.lang.String,java.lang.String) " + ite +
				" Failed to format timestamp 1970-01-01 00:00:00.0 at timeZone 'Mars/Base' with formatter 'yyyy': Unknown time-zone ID: Mars/Base Unknown time-zone ID: Mars/Base]"}},
		{"TIMESTAMPTOSTRING(B, S)", row("B", int64(0), "S", "yyyy-{"), nil, []string{
			"Error computing expression TIMESTAMPTOSTRING(B, S) " + col + "java.lang.String " + pkg + "TimestampToString.timestampToString(long,java.lang.String) " + ite +
				" Failed to format timestamp 0 with formatter 'yyyy-{': java.lang.IllegalArgumentException: Pattern includes reserved character: '{' java.lang.IllegalArgumentException: Pattern includes reserved character: '{' Pattern includes reserved character: '{']"}},
		{"TIMESTAMPTOSTRING(B, 'yyyy')", row(), nil, []string{
			"Error computing expression TIMESTAMPTOSTRING(B, 'yyyy') " + col + "java.lang.String " + pkg + "TimestampToString.timestampToString(long,java.lang.String) java.lang.IllegalArgumentException]"}},
		{"FORMAT_DATE(FROM_DAYS(A), S)", row("A", int32(3), "S", "l"), nil, []string{
			"Error computing expression FORMAT_DATE(FROM_DAYS(A), S) " + col + "java.lang.String " + pkg + "FormatDate.formatDate(java.sql.Date,java.lang.String) " + ite +
				" Failed to format date 1970-01-04 with formatter 'l': java.lang.IllegalArgumentException: Unknown pattern letter: l java.lang.IllegalArgumentException: Unknown pattern letter: l Unknown pattern letter: l]"}},
		{"DATETOSTRING(A, S)", row("A", int32(3), "S", "l"), nil, []string{
			"Error computing expression DATETOSTRING(A, S) " + col + "java.lang.String " + pkg + "DateToString.dateToString(int,java.lang.String) " + ite +
				" Failed to format date 3 with formatter 'l': java.lang.IllegalArgumentException: Unknown pattern letter: l java.lang.IllegalArgumentException: Unknown pattern letter: l Unknown pattern letter: l]"}},
		{"FORMAT_TIME(PARSE_TIME('10:00:05.120', 'HH:mm:ss.SSS'), S)", row("S", "l"), nil, []string{
			"Error computing expression FORMAT_TIME(PARSE_TIME('10:00:05.120', 'HH:mm:ss.SSS'), S) " + col + "java.lang.String " + pkg + "FormatTime.formatTime(java.sql.Time,java.lang.String) " + ite +
				" Failed to format time 10:00:05.120 with formatter 'l': java.lang.IllegalArgumentException: Unknown pattern letter: l java.lang.IllegalArgumentException: Unknown pattern letter: l Unknown pattern letter: l]"}},
		{"PARSE_TIME(S, 'HH:mm')", row("S", "x"), nil, []string{
			"Error computing expression PARSE_TIME(S, 'HH:mm') " + col + "java.sql.Time " + pkg + "ParseTime.parseTime(java.lang.String,java.lang.String) " + ite +
				" Failed to parse time 'x' with formatter 'HH:mm': Text 'x' could not be parsed at index 0 Text 'x' could not be parsed at index 0]"}},
		{"PARSE_TIME(S, 'yyyy-MM-dd HH:mm')", row("S", "2020-01-01 10:00"), nil, []string{
			"Error computing expression PARSE_TIME(S, 'yyyy-MM-dd HH:mm') " + col + "java.sql.Time " + pkg + "ParseTime.parseTime(java.lang.String,java.lang.String) " + ite +
				" Failed to parse time '2020-01-01 10:00' with formatter 'yyyy-MM-dd HH:mm': Time format contains date field. Time format contains date field.]"}},
		{"CONVERT_TZ(FROM_UNIXTIME(B), S, T)", row("B", int64(0), "S", "Mars/Base", "T", "Venus/Base"), nil, []string{
			"Error computing expression CONVERT_TZ(FROM_UNIXTIME(B), S, T) " + col + "java.sql.Timestamp " + pkg + "ConvertTz.convertTz(java.sql.Timestamp,java.lang.String,java.lang.String) " + ite +
				" Invalid time zone: Unknown time-zone ID: Venus/Base]"}},
		{"FORMAT_TIMESTAMP(PARSE_TIMESTAMP(S, 'yyyy-MM-dd'), 'dd/MM/yyyy')", row("S", "2020-03-04"), "04/03/2020", nil},
		// an argument that is a call catches what the call throws
		{"FORMAT_TIMESTAMP(PARSE_TIMESTAMP(S, 'yyyy-MM-dd'), 'dd/MM/yyyy')", row("S", "x"), nil, []string{
			"Error processing PARSE_TIMESTAMP: [Failed to invoke function public java.sql.Timestamp " + pkg + "ParseTimestamp.parseTimestamp(java.lang.String,java.lang.String) " + ite +
				" Failed to parse timestamp 'x' at timezone 'GMT' with formatter 'yyyy-MM-dd': Text 'x' could not be parsed at index 0 Text 'x' could not be parsed at index 0]"}},
	})
}

// TO_BYTES and FROM_BYTES read the encoding with BytesUtils.Encoding.from,
// whose IllegalArgumentException names it, and TO_BYTES decodes with
// DatatypeConverter.parseHexBinary ("hexBinary needs to be even-length",
// "contains illegal character for hexBinary") or Base64.getDecoder(), the
// text untrimmed (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/string/{ToBytes,FromBytes}.java, ksqldb-common .../util/BytesUtils.java),
// each wrapped by DynamicFunctionInvoker.
func TestBytesUDFFailureMessages(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const toBytes = "Failed to invoke function public java.nio.ByteBuffer io.confluent.ksql.function.udf.string.ToBytes.toBytes(java.lang.String,java.lang.String)"
	const fromBytes = "Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.FromBytes.fromBytes(java.nio.ByteBuffer,java.lang.String)"
	const unknown = "Unknown encoding type 'utf16'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'."
	checkLogged(t, []loggedCase{
		{"TO_BYTES(S, T)", row("S", "abc", "T", "utf16"), nil, []string{"Error computing expression TO_BYTES(S, T) for column X with index 0: [" + toBytes + " " + ite + " " + unknown + "]"}},
		{"TO_BYTES(S, 'hex')", row("S", "abc"), nil, []string{"Error computing expression TO_BYTES(S, 'hex') for column X with index 0: [" + toBytes + " " + ite + " hexBinary needs to be even-length: abc]"}},
		{"TO_BYTES(S, 'hex')", row("S", "0g"), nil, []string{"Error computing expression TO_BYTES(S, 'hex') for column X with index 0: [" + toBytes + " " + ite + " contains illegal character for hexBinary: 0g]"}},
		{"TO_BYTES(S, 'base64')", row("S", " YQ=="), nil, []string{"Error computing expression TO_BYTES(S, 'base64') for column X with index 0: [" + toBytes + " " + ite + " Illegal base64 character 20]"}},
		{"FROM_BYTES(TO_BYTES(S, 'utf8'), T)", row("S", "abc", "T", "utf16"), nil, []string{"Error computing expression FROM_BYTES(TO_BYTES(S, 'utf8'), T) for column X with index 0: [" + fromBytes + " " + ite + " " + unknown + "]"}},
		{"FROM_BYTES(TO_BYTES(S, 'HEX'), 'base64')", row("S", "0aFF"), "Cv8=", nil},
		{"TO_BYTES(S, 'base64')", row("S", "YQ"), "YQ==", nil},
	})
}

// GENERATE_SERIES computes in the parameters' Java types: the int form's
// difference wraps around, and the size, 1 + (int) (difference / step),
// wraps to a negative capacity for the series past Integer.MAX_VALUE
// elements, which new ArrayList<>(size) refuses with
// IllegalArgumentException "Illegal Capacity: <size>" (confluentinc/ksql
// v7.9.0 ksqldb-engine .../udf/array/GenerateSeries.java; java.util.ArrayList,
// JDK 17).
func TestGenerateSeriesSizesAsJavaComputesThem(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const intMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesInt(int,int)"
	const longMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesLong(long,long)"
	checkLogged(t, []loggedCase{
		{"GENERATE_SERIES(A, 2147483647)", row("A", int32(0)), nil,
			[]string{"Error computing expression GENERATE_SERIES(A, 2147483647) for column X with index 0: [" + intMethod + " " + ite + " Illegal Capacity: -2147483648]"}},
		{"GENERATE_SERIES(B, 3000000000)", row("B", int64(0)), nil,
			[]string{"Error computing expression GENERATE_SERIES(B, 3000000000) for column X with index 0: [" + longMethod + " " + ite + " Illegal Capacity: -1294967295]"}},
		// MAX - MIN wraps to -1: a step of -1, two elements
		{"GENERATE_SERIES(A, A - 1)", row("A", int32(-2147483648)), "[-2147483648, 2147483647]", nil},
		{"GENERATE_SERIES(A, 3)", row("A", int32(1)), "[1, 2, 3]", nil},
		{"GENERATE_SERIES(B, 1)", row("B", int64(3)), "[3, 2, 1]", nil},
	})
}

// PARSE_DATE parses with commons-lang3's FastDateFormat, whose
// ParseException is "Unparseable date: <text>", and refuses a time of day
// other than midnight with "Date format contains time field.", each in
// its KsqlFunctionException "Failed to parse date '<text>' with formatter
// '<pattern>': ..." (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/datetime/ParseDate.java; FastDateParser.parse(String)).
func TestParseDateFailureMessages(t *testing.T) {
	const head = "for column X with index 0: [Failed to invoke function public java.sql.Date io.confluent.ksql.function.udf.datetime.ParseDate.parseDate(java.lang.String,java.lang.String) java.lang.reflect.InvocationTargetException "
	checkLogged(t, []loggedCase{
		{"PARSE_DATE(S, 'yyyy-MM-dd')", row("S", "x"), nil, []string{
			"Error computing expression PARSE_DATE(S, 'yyyy-MM-dd') " + head + "Failed to parse date 'x' with formatter 'yyyy-MM-dd': Unparseable date: x Unparseable date: x]"}},
		{"PARSE_DATE(S, 'yyyy-MM-dd HH')", row("S", "2020-01-02 10"), nil, []string{
			"Error computing expression PARSE_DATE(S, 'yyyy-MM-dd HH') " + head + "Failed to parse date '2020-01-02 10' with formatter 'yyyy-MM-dd HH': Date format contains time field. Date format contains time field.]"}},
		{"CAST(PARSE_DATE(S, 'yyyy-MM-dd') AS STRING)", row("S", "2020-01-02"), "2020-01-02", nil},
	})
}

// URL_DECODE_PARAM runs URLDecoder.decode, whose IllegalArgumentException
// UrlDecodeParam does not catch (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/url/UrlDecodeParam.java; java.net.URLDecoder and
// Integer.parseInt(CharSequence, int, int, int)'s NumberFormatException,
// JDK 17): an incomplete trailing escape, illegal hex characters (the
// parse's message), or a negative value, as Integer.parseInt takes a
// sign.
func TestURLDecodeParamFailureMessages(t *testing.T) {
	const head = "Error computing expression URL_DECODE_PARAM(S) for column X with index 0: [Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.url.UrlDecodeParam.decodeParam(java.lang.String) java.lang.reflect.InvocationTargetException "
	checkLogged(t, []loggedCase{
		{"URL_DECODE_PARAM(S)", row("S", "a%2"), nil, []string{head + "URLDecoder: Incomplete trailing escape (%) pattern]"}},
		{"URL_DECODE_PARAM(S)", row("S", "a%zz"), nil, []string{head + `URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: "zz"]`}},
		{"URL_DECODE_PARAM(S)", row("S", "%4g"), nil, []string{head + `URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 1 in: "4g"]`}},
		{"URL_DECODE_PARAM(S)", row("S", "%-1"), nil, []string{head + "URLDecoder: Illegal hex characters in escape (%) pattern - negative value]"}},
		{"URL_DECODE_PARAM(S)", row("S", "a+b%20c%2B%e2%82%ac"), "a b c+€", nil},
		{"URL_DECODE_PARAM(S)", row("S", "%+9"), "\t", nil},
	})
}

// STRINGTODATE checks no NULL and wraps what LocalDate.parse and its
// formatter cache throw in "Failed to parse date '<text>' with formatter
// '<pattern>': ..." (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/datetime/StringToDate.java).
func TestStringToDateFailureMessages(t *testing.T) {
	const head = "for column X with index 0: [Failed to invoke function public int io.confluent.ksql.function.udf.datetime.StringToDate.stringToDate(java.lang.String,java.lang.String) java.lang.reflect.InvocationTargetException "
	checkLogged(t, []loggedCase{
		{"STRINGTODATE(S, 'yyyy-MM-dd')", row("S", "2020-1-02"), nil, []string{
			"Error computing expression STRINGTODATE(S, 'yyyy-MM-dd') " + head + "Failed to parse date '2020-1-02' with formatter 'yyyy-MM-dd': Text '2020-1-02' could not be parsed at index 5 Text '2020-1-02' could not be parsed at index 5]"}},
		{"STRINGTODATE(S, 'yyyy-MM-dd')", row(), nil, []string{
			"Error computing expression STRINGTODATE(S, 'yyyy-MM-dd') " + head + "Failed to parse date 'null' with formatter 'yyyy-MM-dd': text text]"}},
		{"STRINGTODATE(S, 'yyyy-MM-dd')", row("S", "1970-01-11"), "10", nil},
	})
}

// TRANSFORM and FILTER collect a MAP with Collectors.toMap, whose
// accumulator requires each value non-null (Objects.requireNonNull, a
// NullPointerException without message) and throws IllegalStateException
// "Duplicate key <k> (attempted merging values <u> and <v>)" for a key
// collected twice (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/lambda/{Transform,Filter}.java; java.util.stream.Collectors,
// JDK 17), inside the invocation, so wrapped as its failure.
func TestLambdaMapCollectorFailureMessages(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const transformMap = "Failed to invoke function public java.util.Map io.confluent.ksql.function.udf.lambda.Transform.transformMap(java.util.Map,java.util.function.BiFunction,java.util.function.BiFunction)"
	const filterMap = "Failed to invoke function public java.util.Map io.confluent.ksql.function.udf.lambda.Filter.filterMap(java.util.Map,java.util.function.BiFunction)"
	checkLogged(t, []loggedCase{
		{"TRANSFORM(MAP('a' := A), (K, V) => 'same', (K, V) => V)", row("A", int32(4)), "{same=4}", nil},
		{"TRANSFORM(MAP('a' := 1, 'b' := 2), (K, V) => 'same', (K, V) => V)", row(), nil,
			[]string{"Error computing expression TRANSFORM(MAP('a':=1, 'b':=2), (K, V) => 'same', (K, V) => V) for column X with index 0: [" + transformMap + " " + ite + " Duplicate key same (attempted merging values 1 and 2)]"}},
		{"TRANSFORM(MAP('a' := A), (K, V) => K, (K, V) => CAST(NULL AS INTEGER))", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(MAP('a':=A), (K, V) => K, (K, V) => CAST(null AS INTEGER)) for column X with index 0: [" + transformMap + " " + ite + " java.lang.NullPointerException]"}},
		{"FILTER(MAP('a' := A), (K, V) => true)", row(), nil,
			[]string{"Error computing expression FILTER(MAP('a':=A), (K, V) => true) for column X with index 0: [" + filterMap + " " + ite + " java.lang.NullPointerException]"}},
	})
}

// ENCODE throws KsqlFunctionException "Supported input and output
// encodings are: hex, utf8, ascii and base64" for a pair it has no encoder
// for (the same encoding twice among them), and, from hex, commons-codec
// Hex.decodeHex's DecoderException message, without cause; INT_FROM_BYTES,
// BIGINT_FROM_BYTES and DOUBLE_FROM_BYTES read the byte order first, even
// for a NULL value (BytesUtils.byteOrderType: "Byte order must be
// BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order '<order>'."), and
// refuse a length other than theirs (BytesUtils.checkBytesSize: "Number of
// bytes must be equal to <n>, but found <m>") (confluentinc/ksql v7.9.0
// ksqldb-engine .../udf/string/Encode.java, .../udf/conversions/,
// ksqldb-common .../util/BytesUtils.java).
func TestEncodeAndFromBytesFailureMessages(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const encode = "Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.Encode.encode(java.lang.String,java.lang.String,java.lang.String)"
	const intFrom = "Failed to invoke function public java.lang.Integer io.confluent.ksql.function.udf.conversions.IntFromBytes.intFromBytes(java.nio.ByteBuffer"
	const bigintFrom = "Failed to invoke function public java.lang.Long io.confluent.ksql.function.udf.conversions.BigIntFromBytes.bigIntFromBytes(java.nio.ByteBuffer"
	checkLogged(t, []loggedCase{
		{"ENCODE(S, 'utf8', 'utf8')", row("S", "a"), nil, []string{"Error computing expression ENCODE(S, 'utf8', 'utf8') for column X with index 0: [" + encode + " " + ite + " Supported input and output encodings are: hex, utf8, ascii and base64]"}},
		{"ENCODE(S, 'hex', 'utf8')", row("S", "abc"), nil, []string{"Error computing expression ENCODE(S, 'hex', 'utf8') for column X with index 0: [" + encode + " " + ite + " Odd number of characters.]"}},
		{"ENCODE(S, 'hex', 'ascii')", row("S", "4g"), nil, []string{"Error computing expression ENCODE(S, 'hex', 'ascii') for column X with index 0: [" + encode + " " + ite + " Illegal hexadecimal character g at index 1]"}},
		{"ENCODE(S, 'hex', 'utf8')", row("S", "X'4142'"), "AB", nil},
		{"INT_FROM_BYTES(TO_BYTES(S, 'hex'))", row("S", "010203"), nil, []string{"Error computing expression INT_FROM_BYTES(TO_BYTES(S, 'hex')) for column X with index 0: [" + intFrom + ") " + ite + " Number of bytes must be equal to 4, but found 3]"}},
		{"INT_FROM_BYTES(TO_BYTES(S, 'hex'), T)", row("T", "MIDDLE"), nil, []string{"Error computing expression INT_FROM_BYTES(TO_BYTES(S, 'hex'), T) for column X with index 0: [" + intFrom + ",java.lang.String) " + ite + " Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order 'MIDDLE'.]"}},
		{"BIGINT_FROM_BYTES(TO_BYTES(S, 'hex'), T)", row("S", "0100000000000000", "T", "little_endian"), "1", nil},
		{"BIGINT_FROM_BYTES(TO_BYTES(S, 'hex'), T)", row("S", "01"), nil, []string{"Error computing expression BIGINT_FROM_BYTES(TO_BYTES(S, 'hex'), T) for column X with index 0: [" + bigintFrom + ",java.lang.String) " + ite + " Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order 'null'.]"}},
	})
}

// GEO_DISTANCE throws KsqlFunctionException for a latitude or longitude
// out of range and for units it does not know, naming them with
// GrammaticalJoiner.or(); its coordinates are primitive doubles
// (confluentinc/ksql v7.9.0 ksqldb-engine .../udf/geo/GeoDistance.java,
// ksqldb-common .../util/GrammaticalJoiner.java).
func TestGeoDistanceFailureMessages(t *testing.T) {
	const head = "for column X with index 0: [Failed to invoke function public java.lang.Double io.confluent.ksql.function.udf.geo.GeoDistance.geoDistance(double,double,double,double"
	const ite = " java.lang.reflect.InvocationTargetException "
	checkLogged(t, []loggedCase{
		{"GEO_DISTANCE(D, 0.0, 0.0, 0.0)", row("D", 91.0), nil, []string{"Error computing expression GEO_DISTANCE(D, 0.0, 0.0, 0.0) " + head + ")" + ite + "valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees]"}},
		{"GEO_DISTANCE(0.0, D, 0.0, 0.0, 'km')", row("D", -181.0), nil, []string{"Error computing expression GEO_DISTANCE(0.0, D, 0.0, 0.0, 'km') " + head + ",java.lang.String)" + ite + "valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees]"}},
		{"GEO_DISTANCE(0.0, 0.0, 0.0, 0.0, S)", row("S", "feet"), nil, []string{"Error computing expression GEO_DISTANCE(0.0, 0.0, 0.0, 0.0, S) " + head + ",java.lang.String)" + ite + "GeoDistance function units parameter must be one of mi, mile, miles, km, kilometer, kilometers, kilometre or kilometres. Values are case-insensitive.]"}},
		{"GEO_DISTANCE(D, 0.0, 0.0, 0.0)", row(), nil, []string{"Error computing expression GEO_DISTANCE(D, 0.0, 0.0, 0.0) " + head + ") java.lang.IllegalArgumentException]"}},
		{"GEO_DISTANCE(0.0, 0.0, 0.0, 0.0, S)", row("S", " MI "), "0.0", nil},
	})
}

// The MASK functions read each mask character with
// Masker.getMaskCharacter, whose KsqlException refuses one that is not a
// single character, and MASK_LEFT, MASK_RIGHT, MASK_KEEP_LEFT and
// MASK_KEEP_RIGHT refuse a negative count (Masker.validateParams) before
// they look at the input; the count is a primitive int (confluentinc/ksql
// v7.9.0 ksqldb-engine .../udf/string/{Mask,MaskLeft,MaskKeepRight,Masker}.java).
func TestMaskFailureMessages(t *testing.T) {
	const ite = " java.lang.reflect.InvocationTargetException "
	const maskMethod = "[Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.Mask.mask(java.lang.String,java.lang.String,java.lang.String,java.lang.String,java.lang.String)"
	const leftMethod = "[Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.MaskLeft.mask(java.lang.String,int"
	const keepRightMethod = "[Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.MaskKeepRight.mask(java.lang.String,int"
	checkLogged(t, []loggedCase{
		{"MASK(S, NULL, T, NULL, NULL)", row("S", "Ab1", "T", "ab"), nil, []string{"Error computing expression MASK(S, null, T, null, null) for column X with index 0: " + maskMethod + ite + "Invalid mask character. Must be only single character, but was 'ab']"}},
		{"MASK_LEFT(S, A)", row("A", int32(-1)), nil, []string{"Error computing expression MASK_LEFT(S, A) for column X with index 0: " + leftMethod + ")" + ite + "function mask_left requires a non-negative number of characters to mask or skip]"}},
		{"MASK_KEEP_RIGHT(S, A, NULL, NULL, NULL, T)", row("S", "Ab1", "A", int32(1), "T", ""), nil, []string{"Error computing expression MASK_KEEP_RIGHT(S, A, null, null, null, T) for column X with index 0: " + keepRightMethod + ",java.lang.String,java.lang.String,java.lang.String,java.lang.String)" + ite + "Invalid mask character. Must be only single character, but was '']"}},
		{"MASK_LEFT(S, A)", row("S", "Ab1"), nil, []string{"Error computing expression MASK_LEFT(S, A) for column X with index 0: " + leftMethod + ") java.lang.IllegalArgumentException]"}},
		// a NULL mask leaves its characters as they are (NO_MASK)
		{"MASK_KEEP_RIGHT(S, A, NULL, NULL, NULL, T)", row("S", "a-b-", "A", int32(1), "T", "*"), "a*b-", nil},
	})
}

// The REGEXP_ functions compile their pattern with Pattern.compile:
// REGEXP_EXTRACT lets its PatternSyntaxException out, REGEXP_EXTRACT_ALL,
// REGEXP_REPLACE (through String.replaceAll) and REGEXP_SPLIT_TO_ARRAY
// wrap it in KsqlFunctionException "Invalid regular expression pattern:
// <pattern>" (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/string/{RegexpExtract,RegexpExtractAll,RegexpReplace,RegexpSplitToArray}.java),
// each after its NULL check. The exception's message is
// PatternSyntaxException.getMessage's (JDK 17): the description, " near
// index <i>", a line break, the pattern and a caret line under the index
// when the index is inside the pattern; descriptions and indexes are
// Pattern.java's (see javaregex). A negative group is Matcher.group's
// IndexOutOfBoundsException "No group <n>" once something matched.
func TestRegexpFailureMessages(t *testing.T) {
	const fail = "for column X with index 0: [Failed to invoke function public "
	const pkg = "io.confluent.ksql.function.udf.string."
	const ite = " java.lang.reflect.InvocationTargetException "
	const extract = "java.lang.String " + pkg + "RegexpExtract.regexpExtract(java.lang.String,java.lang.String"
	const extractAll = "java.util.List " + pkg + "RegexpExtractAll.regexpExtractAll(java.lang.String,java.lang.String"
	checkLogged(t, []loggedCase{
		{"REGEXP_EXTRACT('(abc', S)", row("S", "x"), nil, []string{
			"Error computing expression REGEXP_EXTRACT('(abc', S) " + fail + extract + ")" + ite + "Unclosed group near index 4\n(abc]"}},
		{"REGEXP_EXTRACT(T, S, 1)", row("S", "x", "T", "[a"), nil, []string{
			"Error computing expression REGEXP_EXTRACT(T, S, 1) " + fail + extract + ",java.lang.Integer)" + ite + "Unclosed character class near index 1\n[a\n ^]"}},
		{"REGEXP_EXTRACT(T, S, 1)", row("T", "[a"), nil, nil},
		{"REGEXP_EXTRACT('a', S, -1)", row("S", "a"), nil, []string{
			"Error computing expression REGEXP_EXTRACT('a', S, -1) " + fail + extract + ",java.lang.Integer)" + ite + "No group -1]"}},
		{"REGEXP_EXTRACT('a', S, -1)", row("S", "b"), nil, nil},
		{"REGEXP_EXTRACT_ALL('*', S)", row("S", "x"), nil, []string{
			"Error computing expression REGEXP_EXTRACT_ALL('*', S) " + fail + extractAll + ")" + ite + "Invalid regular expression pattern: * Dangling meta character '*' near index 0\n*\n^]"}},
		{"REGEXP_EXTRACT_ALL('a', S, -1)", row("S", "ba"), nil, []string{
			"Error computing expression REGEXP_EXTRACT_ALL('a', S, -1) " + fail + extractAll + ",java.lang.Integer)" + ite + "No group -1]"}},
		{"REGEXP_EXTRACT_ALL('a', S, -1)", row("S", "b"), "[]", nil},
		{"REGEXP_REPLACE(S, 'a{2,1}', 'x')", row("S", "x"), nil, []string{
			"Error computing expression REGEXP_REPLACE(S, 'a{2,1}', 'x') " + fail + "java.lang.String " + pkg + "RegexpReplace.regexpReplace(java.lang.String,java.lang.String,java.lang.String)" + ite +
				"Invalid regular expression pattern: a{2,1} Illegal repetition range near index 5\na{2,1}\n     ^]"}},
		{"REGEXP_SPLIT_TO_ARRAY(S, T)", row("S", "x", "T", `a\`), nil, []string{
			"Error computing expression REGEXP_SPLIT_TO_ARRAY(S, T) " + fail + "java.util.List " + pkg + "RegexpSplitToArray.regexpSplit(java.lang.String,java.lang.String)" + ite +
				"Invalid regular expression pattern: a\\ Unexpected internal error near index 2\na\\]"}},
		{"REGEXP_SPLIT_TO_ARRAY(S, T)", row("T", `a\`), nil, nil},
	})
}

// A literal pattern Pattern.compile takes and RE2 cannot run (a back
// reference, a look-behind, a possessive quantifier) is refused when the
// statement is planned, not evaluated to NULL on every row.
func TestRegexpPatternsThisServerCannotRunAreRefused(t *testing.T) {
	for expr, pattern := range map[string]string{
		`REGEXP_EXTRACT('(a)\1', S)`:         `(a)\1`,
		`REGEXP_SPLIT_TO_ARRAY(S, '(?<=a)')`: "(?<=a)",
		`REGEXP_REPLACE(S, 'a*+', 'b')`:      "a*+",
	} {
		_, _, err := evalSQL(t, expr, row("S", "aa"))
		if err == nil || !strings.HasPrefix(err.Error(), "regular expression '"+pattern+"' (") || !strings.HasSuffix(err.Error(), ") is not supported by this ksqlDB server") {
			t.Errorf("%s: got %v, want the pattern refused as not supported", expr, err)
		}
	}
	// a literal Java refuses is Java's failure, row by row
	if _, _, err := evalSQL(t, "REGEXP_EXTRACT('(a', S)", row("S", "aa")); err != nil {
		t.Errorf("a pattern Java refuses: %v", err)
	}
}

// The URL_EXTRACT_ functions parse their input with new URI(url) and wrap
// its URISyntaxException in KsqlFunctionException "URL input has invalid
// syntax: <url>" (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/url/UrlParser.java). The exception's message is
// URISyntaxException.getMessage's, "<reason> at index <i>: <input>", its
// reasons and indexes java.net.URI.Parser's (JDK 17: parse,
// parseHierarchical, parseAuthority, parseServer, parseHostname,
// scanEscape, checkChars). An authority that does not parse as a server
// but is made of registry-name characters is taken as a registry name, no
// host or port (parseAuthority), not refused.
func TestURLExtractFailureMessages(t *testing.T) {
	const url = "io.confluent.ksql.function.udf.url."
	const ite = " java.lang.reflect.InvocationTargetException URL input has invalid syntax: "
	host := func(in string) string {
		return "Error computing expression URL_EXTRACT_HOST(S) for column X with index 0: [Failed to invoke function public java.lang.String " + url + "UrlExtractHost.extractHost(java.lang.String)" + ite + in + " "
	}
	checkLogged(t, []loggedCase{
		{"URL_EXTRACT_HOST(S)", row("S", "http://bad host.com"), nil, []string{host("http://bad host.com") + "Illegal character in authority at index 7: http://bad host.com]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://x.com/a b"), nil, []string{host("http://x.com/a b") + "Illegal character in path at index 14: http://x.com/a b]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://x.com/%zz"), nil, []string{host("http://x.com/%zz") + "Malformed escape pair at index 13: http://x.com/%zz]"}},
		{"URL_EXTRACT_HOST(S)", row("S", ":foo"), nil, []string{host(":foo") + "Expected scheme name at index 0: :foo]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "1http://x"), nil, []string{host("1http://x") + "Illegal character in scheme name at index 0: 1http://x]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://"), nil, []string{host("http://") + "Expected authority at index 7: http://]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "mailto:"), nil, []string{host("mailto:") + "Expected scheme-specific part at index 7: mailto:]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://x.com?a b"), nil, []string{host("http://x.com?a b") + "Illegal character in query at index 14: http://x.com?a b]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://x.com#a b"), nil, []string{host("http://x.com#a b") + "Illegal character in fragment at index 14: http://x.com#a b]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://[::1"), nil, []string{host("http://[::1") + "Expected closing bracket for IPv6 address at index 11: http://[::1]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://[1::2::3]/"), nil, []string{host("http://[1::2::3]/") + "Expected hex digits or IPv4 address at index 13: http://[1::2::3]/]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://[1:2]/"), nil, []string{host("http://[1:2]/") + "IPv6 address too short at index 8: http://[1:2]/]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://[::1%]/"), nil, []string{host("http://[::1%]/") + "scope id expected: http://[::1%]/]"}},
		{"URL_EXTRACT_HOST(S)", row("S", "http://x-.com/"), nil, nil}, // a registry name
		{"URL_EXTRACT_HOST(S)", row("S", "http://[::1]:80/"), "[::1]", nil},
		{"URL_EXTRACT_PORT(S)", row("S", "http://x.com:8a"), nil, nil},
		{"URL_EXTRACT_PORT(S)", row("S", "http://x.com:99999999999/"), nil, nil},
		{"URL_EXTRACT_PORT(S)", row("S", "http://x y"), nil, []string{
			"Error computing expression URL_EXTRACT_PORT(S) for column X with index 0: [Failed to invoke function public java.lang.Integer " + url + "UrlExtractPort.extractPort(java.lang.String)" + ite + "http://x y Illegal character in authority at index 7: http://x y]"}},
		{"URL_EXTRACT_PARAMETER(S, 'a')", row("S", "http://x y"), nil, []string{
			"Error computing expression URL_EXTRACT_PARAMETER(S, 'a') for column X with index 0: [Failed to invoke function public java.lang.String " + url + "UrlExtractParameter.extractParam(java.lang.String,java.lang.String)" + ite + "http://x y Illegal character in authority at index 7: http://x y]"}},
		{"URL_EXTRACT_FRAGMENT(S)", row("S", "a#b#c"), nil, []string{
			"Error computing expression URL_EXTRACT_FRAGMENT(S) for column X with index 0: [Failed to invoke function public java.lang.String " + url + "UrlExtractFragment.extractFragment(java.lang.String)" + ite + "a#b#c Illegal character in fragment at index 3: a#b#c]"}},
		{"URL_EXTRACT_PATH(S)", row("S", "http://x.com/a%2Fb%e2%82%ac"), "/a/b€", nil},
		{"URL_EXTRACT_PATH(S)", row("S", "mailto:a@b"), nil, nil},
		{"URL_EXTRACT_PATH(S)", row("S", ""), "", nil},
		{"URL_EXTRACT_PROTOCOL(S)", row("S", "x y:z"), nil, []string{
			"Error computing expression URL_EXTRACT_PROTOCOL(S) for column X with index 0: [Failed to invoke function public java.lang.String " + url + "UrlExtractProtocol.extractProtocol(java.lang.String)" + ite + "x y:z Illegal character in scheme name at index 1: x y:z]"}},
		{"URL_EXTRACT_QUERY(S)", row("S", "?a%20b#c"), "a b", nil},
	})
}

// GENERATE_SERIES builds its series whatever its size (confluentinc/ksql
// v7.9.0 ksqldb-engine .../udf/array/GenerateSeries.java: new
// ArrayList<>(size), then each element boxed). The JVM ksqlDB runs in has
// the 3 GiB heap of its launcher (bin/ksql-run-class: KSQL_HEAP_OPTS
// -Xmx3g): a series whose references (4 bytes each, compressed) and boxed
// values (an Integer 16 bytes, a Long 24) exceed it throws
// OutOfMemoryError "Java heap space", and an Object[] longer than
// HotSpot's limit, Integer.MAX_VALUE - 2, "Requested array size exceeds VM
// limit"; Method.invoke wraps the Error as any other throwable.
func TestGenerateSeriesBuildsWhatTheJVMHeapHolds(t *testing.T) {
	const ite = " java.lang.reflect.InvocationTargetException "
	const intMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesInt(int,int)"
	const longMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesLong(long,long)"
	checkLogged(t, []loggedCase{
		{"ARRAY_LENGTH(GENERATE_SERIES(1, A))", row("A", int32(2000000)), "2000000", nil},
		{"GENERATE_SERIES(A, 2147483646)", row("A", int32(0)), nil,
			[]string{"Error computing expression GENERATE_SERIES(A, 2147483646) for column X with index 0: [" + intMethod + ite + "Requested array size exceeds VM limit]"}},
		{"GENERATE_SERIES(A, 2147483645)", row("A", int32(1)), nil,
			[]string{"Error computing expression GENERATE_SERIES(A, 2147483645) for column X with index 0: [" + intMethod + ite + "Java heap space]"}},
		{"GENERATE_SERIES(A, 200000000)", row("A", int32(0)), nil,
			[]string{"Error computing expression GENERATE_SERIES(A, 200000000) for column X with index 0: [" + intMethod + ite + "Java heap space]"}},
		{"GENERATE_SERIES(B, 120000000)", row("B", int64(0)), nil,
			[]string{"Error computing expression GENERATE_SERIES(B, 120000000) for column X with index 0: [" + longMethod + ite + "Java heap space]"}},
	})
}

// A series ksqlDB's JVM would hold but longer than this server builds in
// its own process (labSeriesLimit elements, about 100 MB) is refused in the
// processing log, in the shape of the function's failure, with a message
// that says so; the lab does not make a row of hundreds of millions of
// elements its memory cannot spare, nor returns NULL silently.
func TestGenerateSeriesLongerThanTheLabBuildsIsRefusedInTheLog(t *testing.T) {
	const ite = " java.lang.reflect.InvocationTargetException "
	const intMethod = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesInt(int,int)"
	checkLogged(t, []loggedCase{
		{"ARRAY_LENGTH(GENERATE_SERIES(1, A))", row("A", int32(4194304)), "4194304", nil},
		{"GENERATE_SERIES(A, 150000000)", row("A", int32(0)), nil,
			[]string{"Error computing expression GENERATE_SERIES(A, 150000000) for column X with index 0: [" + intMethod + ite +
				"a series of 150000001 elements is longer than this embedded ksqlDB server builds (4194304 elements); ksqlDB builds it within its 3 GiB heap]"}},
	})
}

// A date-time text with a field out of range fails where the formatter
// resolves the fields: DateTimeParseException "Text '<text>' could not be
// parsed: <message>" around ChronoField.checkValidValue's
// DateTimeException (java.time.format.Parsed.resolve, JDK 17), both in the
// cause list under the UDF's KsqlFunctionException (confluentinc/ksql
// v7.9.0 ksqldb-engine .../udf/datetime/ParseTimestamp.java,
// ksqldb-common .../util/timestamp/StringToTimestampParser.java).
func TestDateTimeFieldOutOfRangeFailureMessages(t *testing.T) {
	const head = "Error computing expression PARSE_TIMESTAMP(S, 'yyyy-MM-dd HH:mm') for column X with index 0: [Failed to invoke function public java.sql.Timestamp io.confluent.ksql.function.udf.datetime.ParseTimestamp.parseTimestamp(java.lang.String,java.lang.String) java.lang.reflect.InvocationTargetException "
	checkLogged(t, []loggedCase{
		{"PARSE_TIMESTAMP(S, 'yyyy-MM-dd HH:mm')", row("S", "2020-13-01 10:00"), nil, []string{head +
			"Failed to parse timestamp '2020-13-01 10:00' at timezone 'GMT' with formatter 'yyyy-MM-dd HH:mm': Text '2020-13-01 10:00' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13 " +
			"Text '2020-13-01 10:00' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13 Invalid value for MonthOfYear (valid values 1 - 12): 13]"}},
		{"PARSE_TIMESTAMP(S, 'yyyy-MM-dd HH:mm')", row("S", "2020-01-01 10:60"), nil, []string{head +
			"Failed to parse timestamp '2020-01-01 10:60' at timezone 'GMT' with formatter 'yyyy-MM-dd HH:mm': Text '2020-01-01 10:60' could not be parsed: Invalid value for MinuteOfHour (valid values 0 - 59): 60 " +
			"Text '2020-01-01 10:60' could not be parsed: Invalid value for MinuteOfHour (valid values 0 - 59): 60 Invalid value for MinuteOfHour (valid values 0 - 59): 60]"}},
		{"PARSE_TIMESTAMP(S, 'yyyy-MM-dd HH:mm')", row("S", "2020-01-01 24:00"), "2020-01-02T00:00:00.000", nil},
	})
}

// PARSE_DATE's formatter cache builds FastDateFormat.getInstance(pattern,
// GMT) (commons-lang3 3.5, ksqlDB 7.9's lang3.version): its FastDatePrinter
// refuses a run of a letter outside GyYMdhHmsSEuDFwWakKXzZ with
// IllegalArgumentException "Illegal pattern component: <run>" and more
// than three X with "invalid number of X" (FastDatePrinter.parsePattern,
// Iso8601_Rule.getRule), then its FastDateParser an open quote with
// "Unterminated quote" (StrategyParser.literal). The cache's
// UncheckedExecutionException, whose message is the
// IllegalArgumentException's toString, reaches ParseDate's catch
// (confluentinc/ksql v7.9.0 ksqldb-engine .../udf/datetime/ParseDate.java),
// for a text that is not NULL; the statement is accepted.
func TestParseDatePatternFailureMessages(t *testing.T) {
	const head = "for column X with index 0: [Failed to invoke function public java.sql.Date io.confluent.ksql.function.udf.datetime.ParseDate.parseDate(java.lang.String,java.lang.String) java.lang.reflect.InvocationTargetException "
	refused := func(pattern, msg string) string {
		outer := "java.lang.IllegalArgumentException: " + msg
		return "Error computing expression PARSE_DATE(S, '" + strings.ReplaceAll(pattern, "'", "''") + "') " + head +
			"Failed to parse date '2020' with formatter '" + pattern + "': " + outer + " " + outer + " " + msg + "]"
	}
	checkLogged(t, []loggedCase{
		{"PARSE_DATE(S, 'yyyy-qq')", row("S", "2020"), nil, []string{refused("yyyy-qq", "Illegal pattern component: qq")}},
		{"PARSE_DATE(S, 'yyyy-LL')", row("S", "2020"), nil, []string{refused("yyyy-LL", "Illegal pattern component: LL")}},
		{"PARSE_DATE(S, 'yyyyXXXX')", row("S", "2020"), nil, []string{refused("yyyyXXXX", "invalid number of X")}},
		{"PARSE_DATE(S, 'yyyy''T')", row("S", "2020"), nil, []string{refused("yyyy'T", "Unterminated quote")}},
		// a quoted letter is text
		{"CAST(PARSE_DATE(S, 'yyyy''q''') AS STRING)", row("S", "2020q"), "2020-01-01", nil},
		{"PARSE_DATE(S, 'yyyy-qq')", row(), nil, nil},
	})
}

// A literal PARSE_DATE pattern that FastDateFormat takes and this server
// does not read (a week of year) is refused when the statement is
// planned; one FastDateFormat refuses is not (see above).
func TestParseDatePatternsThisServerCannotReadAreRefused(t *testing.T) {
	if _, _, err := evalSQL(t, "PARSE_DATE(S, 'yyyy-ww')", row("S", "2020-01")); err == nil || !strings.HasSuffix(err.Error(), "is not supported by this ksqlDB server") {
		t.Errorf("a week-of-year pattern: %v, want it refused as not supported", err)
	}
	if _, _, err := evalSQL(t, "PARSE_DATE(S, 'yyyy-qq')", row("S", "2020")); err != nil {
		t.Errorf("a pattern FastDateFormat refuses: %v, want the statement accepted", err)
	}
}

// REGEXP_REPLACE's String.replaceAll expands its replacement for each
// match as Matcher.appendExpandedReplacement does (JDK 17): \ escapes the
// next character, $n takes the longest group number the pattern has, ${name}
// a named group; what it refuses is an IllegalArgumentException, a group
// past the pattern's Matcher.start's IndexOutOfBoundsException "No group
// <n>", neither caught by RegexpReplace, and only once something matched
// (confluentinc/ksql v7.9.0 ksqldb-engine .../udf/string/RegexpReplace.java).
func TestRegexpReplaceReplacementFailureMessages(t *testing.T) {
	const head = "Error computing expression REGEXP_REPLACE(S, '(a)(?<n>b)', T) for column X with index 0: [Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.RegexpReplace.regexpReplace(java.lang.String,java.lang.String,java.lang.String) java.lang.reflect.InvocationTargetException "
	replace := "REGEXP_REPLACE(S, '(a)(?<n>b)', T)"
	checkLogged(t, []loggedCase{
		{replace, row("S", "xab", "T", `\`), nil, []string{head + "character to be escaped is missing]"}},
		{replace, row("S", "xab", "T", "$"), nil, []string{head + "Illegal group reference: group index is missing]"}},
		{replace, row("S", "xab", "T", "$x"), nil, []string{head + "Illegal group reference]"}},
		{replace, row("S", "xab", "T", "$3"), nil, []string{head + "No group 3]"}},
		{replace, row("S", "xab", "T", "${}"), nil, []string{head + "named capturing group has 0 length name]"}},
		{replace, row("S", "xab", "T", "${n"), nil, []string{head + "named capturing group is missing trailing '}']"}},
		{replace, row("S", "xab", "T", "${1n}"), nil, []string{head + "capturing group name {1n} starts with digit character]"}},
		{replace, row("S", "xab", "T", "${m}"), nil, []string{head + "No group with name {m}]"}},
		// nothing matched: the replacement is not read
		{replace, row("S", "xyz", "T", "$"), "xyz", nil},
		// $10 is group 1 and a 0; \$ a dollar
		{replace, row("S", "xab", "T", `$10${n}\$`), "xa0b$", nil},
	})
}

// The JSON functions read their text with UdfJsonMapper.parseJson, which
// wraps what ObjectReader.readTree throws in KsqlFunctionException
// "Invalid JSON format:<text>" (no space; confluentinc/ksql v7.9.0
// ksqldb-engine .../function/udf/json/UdfJsonMapper.java), and JSON_ITEMS
// with readAsJsonArray, which wraps what readValue into a List<JsonNode>
// throws alike. JSON_ARRAY_LENGTH, JSON_CONCAT, EXTRACTJSONFIELD,
// JSON_KEYS, JSON_RECORDS and JSON_ITEMS let it escape (JsonArrayLength,
// JsonConcat, JsonExtractString, JsonKeys, JsonRecords, JsonItems), so
// DynamicFunctionInvoker logs it; IS_JSON_STRING catches it (false) and
// JSON_ARRAY_CONTAINS catches the parser's IOException (false). The
// cause is Jackson 2.16.0's message (confluentinc/common v7.9.0 pom.xml
// jackson.version; the messages below are those jackson-core and
// jackson-databind 2.16.0, built from their jackson-*-2.16.0 tags, throw
// for these texts with UdfJsonMapper's ObjectMapper): the
// ReaderBasedJsonParser's refusal and where it stood, the source
// redacted. A text with no value is a MissingNode: NULL, nothing thrown,
// except that EXTRACTJSONFIELD of '$' writes MissingNode.toString(), "".
// JSON_ITEMS refuses what is not an array (CollectionDeserializer),
// wraps a refusal inside an element in a JsonMappingException naming it,
// and reads JSON null as a null List, on which JsonItems' forEach throws
// HotSpot's helpful NullPointerException. JSON_CONCAT of one text writes
// its node (result = nodes.get(0), no array made).
func TestJSONFunctionsLogWhatJacksonRefuses(t *testing.T) {
	const json = "io.confluent.ksql.function.udf.json."
	const ite = " java.lang.reflect.InvocationTargetException Invalid JSON format:"
	const at = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1"
	const valid = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
	entry := func(expr, method string) string {
		return "Error computing expression " + expr + " for column X with index 0: [Failed to invoke function " + method + ite
	}
	length := entry("JSON_ARRAY_LENGTH(S)", "public java.lang.Integer "+json+"JsonArrayLength.length(java.lang.String)")
	items := entry("JSON_ITEMS(S)", "public java.util.List "+json+"JsonItems.items(java.lang.String)")
	checkLogged(t, []loggedCase{
		{"JSON_ARRAY_LENGTH(S)", row("S", "x"), nil, []string{length + "x Unrecognized token 'x': was expecting " + valid + at + ", column: 2]]"}},
		{"JSON_ARRAY_LENGTH(S)", row("S", "[1,]"), nil, []string{length + "[1,] Unexpected character (']' (code 93)): expected a valid value " + valid + at + ", column: 5]]"}},
		{"JSON_ARRAY_LENGTH(S)", row("S", ""), nil, nil},
		{"JSON_ARRAY_LENGTH(S)", row("S", "[1] x"), "1", nil},
		{"JSON_KEYS(S)", row("S", `{"a" 1}`), nil, []string{entry("JSON_KEYS(S)", "public java.util.List "+json+"JsonKeys.keys(java.lang.String)") +
			`{"a" 1} Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value` + at + ", column: 7]]"}},
		{"JSON_RECORDS(S)", row("S", `{"a":1`), nil, []string{entry("JSON_RECORDS(S)", "public java.util.Map "+json+"JsonRecords.records(java.lang.String)") +
			`{"a":1 Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1, column: 1])` + at + ", column: 7]]"}},
		{"EXTRACTJSONFIELD(S, '$.a')", row("S", "1x"), nil, []string{entry("EXTRACTJSONFIELD(S, '$.a')", "public java.lang.String "+json+"JsonExtractString.extract(java.lang.String,java.lang.String)") +
			"1x Unexpected character ('x' (code 120)): Expected space separating root-level values" + at + ", column: 3]]"}},
		{"EXTRACTJSONFIELD(S, '$')", row("S", ""), "", nil},
		{"JSON_CONCAT(S, '[1]')", row("S", "tru"), nil, []string{entry("JSON_CONCAT(S, '[1]')", "public java.lang.String "+json+"JsonConcat.concat(java.lang.String[])") +
			"tru Unrecognized token 'tru': was expecting " + valid + at + ", column: 4]]"}},
		{"JSON_ITEMS(S)", row("S", `{"a":1}`), nil, []string{items + "{\"a\":1} Cannot deserialize value of type `java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>` from Object value (token `JsonToken.START_OBJECT`)" + at + ", column: 1]]"}},
		{"JSON_ITEMS(S)", row("S", `[{"a":1},{"b":x}]`), nil, []string{items + `[{"a":1},{"b":x}] Unrecognized token 'x': was expecting ` + valid + at + ", column: 16] (through reference chain: java.util.ArrayList[1]) Unrecognized token 'x': was expecting " + valid + at + ", column: 16]]"}},
		{"JSON_ITEMS(S)", row("S", ""), nil, []string{items + " No content to map due to end-of-input" + at + "]]"}},
		{"JSON_ITEMS(S)", row("S", "null"), nil, []string{"Error computing expression JSON_ITEMS(S) for column X with index 0: [Failed to invoke function public java.util.List " + json +
			`JsonItems.items(java.lang.String) java.lang.reflect.InvocationTargetException Cannot invoke "java.util.List.forEach(java.util.function.Consumer)" because "objectList" is null]`}},
		{"IS_JSON_STRING(S)", row("S", "x"), "false", nil},
		// the refusal before any match (TestJSONArrayContainsStopsAtItsFirstMatch)
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", "[2,]"), "false", nil},
		// one argument is written as it is: no loop wraps it
		{"JSON_CONCAT(S)", row("S", "1"), "1", nil},
	})
}

// EXTRACTJSONFIELD tokenizes its path with JsonPathTokenizer on each call
// whose path differs from the last one it read, before it parses the
// text, and the tokenizer throws KsqlException "Invalid JSON path:
// '<path>'" for a path that is empty or does not start with '$', a step
// that is not '.' or '[', an empty step, a '.' step's character other than
// a letter, a digit, '_', ':' or '@' (Character.isLetterOrDigit), a '['
// step's other than a letter, a digit or '_' unless it is quoted with '"'
// (a ' is no quote), an escape other than \" or \\, and a missing ']' or
// closing '"' (confluentinc/ksql v7.9.4 ksqldb-engine
// .../util/json/JsonPathTokenizer.java, .../function/udf/json/JsonExtractString.java):
// the call fails for each record, whatever its text (a NULL text or path
// is NULL first), as DynamicFunctionInvoker logs it.
func TestExtractJSONFieldLogsThePathsJsonPathTokenizerRefuses(t *testing.T) {
	entry := func(expr, path string) []string {
		return []string{"Error computing expression " + expr + " for column X with index 0: [Failed to invoke function " +
			"public java.lang.String io.confluent.ksql.function.udf.json.JsonExtractString.extract(java.lang.String,java.lang.String) " +
			"java.lang.reflect.InvocationTargetException Invalid JSON path: '" + path + "']"}
	}
	doc := row("S", `{"a":{"b-c":1,"d e":2,"f":[7,8]},"a-b":3}`)
	checkLogged(t, []loggedCase{
		{"EXTRACTJSONFIELD(S, '')", doc, nil, entry("EXTRACTJSONFIELD(S, '')", "")},
		{"EXTRACTJSONFIELD(S, 'a')", doc, nil, entry("EXTRACTJSONFIELD(S, 'a')", "a")},
		{"EXTRACTJSONFIELD(S, '$.a-b')", doc, nil, entry("EXTRACTJSONFIELD(S, '$.a-b')", "$.a-b")},
		{"EXTRACTJSONFIELD(S, '$.')", doc, nil, entry("EXTRACTJSONFIELD(S, '$.')", "$.")},
		{"EXTRACTJSONFIELD(S, '$..a')", doc, nil, entry("EXTRACTJSONFIELD(S, '$..a')", "$..a")},
		{"EXTRACTJSONFIELD(S, '$[''a'']')", doc, nil, entry("EXTRACTJSONFIELD(S, '$[''a'']')", "$['a']")},
		{"EXTRACTJSONFIELD(S, '$[\"a\"')", doc, nil, entry("EXTRACTJSONFIELD(S, '$[\"a\"')", `$["a"`)},
		{"EXTRACTJSONFIELD(S, '$[\"a')", doc, nil, entry("EXTRACTJSONFIELD(S, '$[\"a')", `$["a`)},
		{"EXTRACTJSONFIELD(S, '$[\"a\\b\"]')", doc, nil, entry("EXTRACTJSONFIELD(S, '$[\"a\\b\"]')", `$["a\b"]`)},
		{"EXTRACTJSONFIELD(S, '$.a b')", doc, nil, entry("EXTRACTJSONFIELD(S, '$.a b')", "$.a b")},
		// the path is read before the text
		{"EXTRACTJSONFIELD(S, '$.a-b')", row("S", "x"), nil, entry("EXTRACTJSONFIELD(S, '$.a-b')", "$.a-b")},
		{"EXTRACTJSONFIELD(S, '$.a-b')", row(), nil, nil},
		// what the tokenizer takes
		{"EXTRACTJSONFIELD(S, '$.a[\"b-c\"]')", doc, "1", nil},
		{"EXTRACTJSONFIELD(S, '$[\"a\"][\"d e\"]')", doc, "2", nil},
		{"EXTRACTJSONFIELD(S, '$[a].f[1]')", doc, "8", nil},
		{"EXTRACTJSONFIELD(S, '$')", doc, `{"a":{"b-c":1,"d e":2,"f":[7,8]},"a-b":3}`, nil},
	})
}

// JSON_ARRAY_CONTAINS reads its text token by token with its own
// JsonParser and stops at the first element equal to its value: what
// follows the match is never read, so a text Jackson would refuse after
// it is true, and one it refuses before it (a nested value read through
// by skipChildren included) false, as the IOException is caught. An
// element of the value's kind is read with readValueAs: an integer token
// out of range of an INT (Integer) or BIGINT (Long) value throws
// InputCoercionException, an IOException, so the call is false; a
// DOUBLE compares with Double.equals, -0.0 not 0.0 (confluentinc/ksql
// v7.9.4 ksqldb-engine .../function/udf/json/JsonArrayContains.java;
// jackson-core 2.16.0 ReaderBasedJsonParser, ParserBase.convertNumberToInt).
func TestJSONArrayContainsStopsAtItsFirstMatch(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", "[1, x]"), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", "[1"), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", "[x, 1]"), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", "[2"), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", `[{"a":x}, 1]`), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", `[[1, 2], 1] x`), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, 'c')", row("S", `["a\x", "c"]`), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, 'c')", row("S", `["a\u0063", "c"]`), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, 'ac')", row("S", `["a\u0063", x]`), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", "[12345678901, 1]"), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, B)", row("S", "[12345678901, 1]", "B", int64(1)), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, B)", row("S", "[99999999999999999999, 1]", "B", int64(1)), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, D)", row("S", "[-0.0]", "D", 0.0), "false", nil},
		{"JSON_ARRAY_CONTAINS(S, D)", row("S", "[0.0, x]", "D", 0.0), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, F)", row("S", "[false, true]", "F", true), "true", nil},
		{"JSON_ARRAY_CONTAINS(S, 1)", row("S", `"[1]"`), "false", nil},
	})
}

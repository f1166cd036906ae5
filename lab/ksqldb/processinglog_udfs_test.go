package ksqldb

import "testing"

// A persistent query's date-time parse, DECIMAL division and lambda body
// that throw make their columns NULL, each with the processing log entry
// of the Project step ksqlDB writes (confluentinc/ksql v7.9.0):
//   - PARSE_TIMESTAMP's KsqlFunctionException "Failed to parse timestamp
//     '<text>' at timezone 'GMT' with formatter '<pattern>': " and the
//     DateTimeParseException's message, its cause, inside
//     DynamicFunctionInvoker's "Failed to invoke function <method>" and the
//     InvocationTargetException (ksqldb-engine .../udf/datetime/ParseTimestamp.java,
//     .../function/DynamicFunctionInvoker.java);
//   - DECIMAL division runs BigDecimal.divide with a MathContext of the
//     result's precision and RoundingMode.UNNECESSARY
//     (SqlToJavaVisitor.visitArithmeticBinary): 1.00 / 3.00 needs
//     rounding, ArithmeticException "Rounding necessary"
//     (confluentinc/ksql#9874 reports the NULL);
//   - a lambda body's "/ by zero" leaves TRANSFORM through Method.invoke
//     (LambdaUtil.toJavaCode, .../udf/lambda/Transform.java);
//
// each uncaught below its column: "Error computing expression <text> for
// column <name> with index <i>" (SelectValueMapper.processColumn).
func TestProcessingLogHoldsWhatUDFsDecimalsAndLambdasThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM fin (id INT KEY, s STRING, a DECIMAL(3, 2), b DECIMAL(3, 2), n INT) WITH (KAFKA_TOPIC='fin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM fout AS SELECT id, PARSE_TIMESTAMP(s, 'yyyy-MM-dd') AS ts, a / b AS q, TRANSFORM(ARRAY[1, 2], x => x / n) AS arr FROM fin EMIT CHANGES;`, earliest())
	st.produce("fin", kv{intKey(1), []byte(`{"S":"2020-01-02","A":1.5,"B":0.5,"N":1}`)}, kv{intKey(2), []byte(`{"S":"02/01/2020","A":1.00,"B":3.00,"N":0}`)})

	out := st.consume("FOUT", 2)
	t.Run("a row whose expressions do not throw is computed", func(t *testing.T) {
		if got := string(out[0].value); got != `{"TS":1577923200000,"Q":3.000000,"ARR":[1,2]}` {
			t.Errorf("first result %s", got)
		}
	})
	t.Run("each failing column is NULL", func(t *testing.T) {
		if got := string(out[1].value); got != `{"TS":null,"Q":null,"ARR":null}` {
			t.Errorf("second result %s", got)
		}
	})
	want := []string{
		`["Error computing expression PARSE_TIMESTAMP(S, 'yyyy-MM-dd') for column TS with index 0",["Failed to invoke function public java.sql.Timestamp io.confluent.ksql.function.udf.datetime.ParseTimestamp.parseTimestamp(java.lang.String,java.lang.String)","java.lang.reflect.InvocationTargetException","Failed to parse timestamp '02/01/2020' at timezone 'GMT' with formatter 'yyyy-MM-dd': Text '02/01/2020' could not be parsed at index 0","Text '02/01/2020' could not be parsed at index 0"]]`,
		`["Error computing expression (A / B) for column Q with index 1",["Rounding necessary"]]`,
		`["Error computing expression TRANSFORM(ARRAY[1, 2], (X) => (X / N)) for column ARR with index 2",["Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function)","java.lang.reflect.InvocationTargetException","/ by zero"]]`,
	}
	for i, got := range processingLogCauses(t, st, url, len(want)) {
		if got != want[i] {
			t.Errorf("entry %d %s\nwant %s", i, got, want[i])
		}
	}
}

// Arithmetic on a NULL throws a NullPointerException in the code ksqlDB
// compiles for a persistent query, logged with HotSpot's helpful message
// (a column is arguments.get's value, unboxed with intValue();
// expr/nullarith.go), and String + String writes a NULL as "null"
// (confluentinc/ksql#9136); a REGEXP_ function's pattern that
// Pattern.compile refuses logs PatternSyntaxException's multi-line
// message (JDK 17). A pull query's interpreter takes both operators on a
// NULL to NULL and logs nothing (ksqldb-execution
// .../interpreter/terms/ArithmeticBinaryTerm.java).
func TestProcessingLogHoldsNullArithmeticAndRegexpFailuresButPullQueriesDoNot(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE SOURCE TABLE nt (id INT PRIMARY KEY, a INT, s STRING) WITH (KAFKA_TOPIC='nt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM nin (id INT KEY, a INT, s STRING) WITH (KAFKA_TOPIC='nin', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produce("nt", kv{intKey(1), []byte(`{"A":null,"S":null}`)})
	var rows []string
	waitFor(t, func() bool {
		_, rows, _ = pullRows(t, url, "SELECT id, a + 1 AS p, s + 'x' AS c FROM nt WHERE id = 1;")
		return len(rows) == 1
	}, "nt to hold id 1")
	t.Run("a pull query's arithmetic and concatenation on a NULL are NULL", func(t *testing.T) {
		if rows[0] != "[1 <nil> <nil>]" {
			t.Errorf("row %s", rows[0])
		}
	})
	mustKSQL(t, url, `CREATE STREAM nout AS SELECT id, a + 1 AS p, s + 'x' AS c, REGEXP_EXTRACT('(a', s) AS r FROM nin EMIT CHANGES;`, earliest())
	st.produce("nin", kv{intKey(1), []byte(`{"A":null,"S":"a"}`)})
	out := st.consume("NOUT", 1)
	t.Run("a persistent query's failing columns are NULL, its concatenation writes null", func(t *testing.T) {
		if got := string(out[0].value); got != `{"P":null,"C":"ax","R":null}` {
			t.Errorf("result %s", got)
		}
	})
	st.produce("nin", kv{intKey(2), []byte(`{"A":1}`)})
	out = st.consume("NOUT", 2)
	t.Run("a NULL is null in a persistent query's concatenation", func(t *testing.T) {
		if got := string(out[1].value); got != `{"P":2,"C":"nullx","R":null}` {
			t.Errorf("result %s", got)
		}
	})
	checkEntries(t, processingLogEntries(t, st, url, 2), "CSAS_NOUT_", []logEntry{
		{"Project", "Error computing expression (A + 1) for column P with index 0", []string{`Cannot invoke "java.lang.Integer.intValue()" because the return value of "java.util.Map.get(Object)" is null`}},
		{"Project", "Error computing expression REGEXP_EXTRACT('(a', S) for column R with index 2", []string{
			"Failed to invoke function public java.lang.String io.confluent.ksql.function.udf.string.RegexpExtract.regexpExtract(java.lang.String,java.lang.String)",
			"java.lang.reflect.InvocationTargetException", "Unclosed group near index 2\n(a"}},
	})
}

// A persistent query's JSON functions on a text Jackson refuses: the
// functions that let UdfJsonMapper.parseJson's KsqlFunctionException
// "Invalid JSON format:<text>" escape make their columns NULL and log it
// under the Project step, Jackson 2.16.0's JsonParseException its cause
// (the ReaderBasedJsonParser's message with its redacted location, as
// jackson-core 2.16.0 throws it for this text); IS_JSON_STRING catches it
// and is false (confluentinc/ksql v7.9.0 ksqldb-engine
// .../function/udf/json/UdfJsonMapper.java, JsonArrayLength.java,
// JsonExtractString.java, JsonItems.java, IsJsonString.java). A text
// with no value is NULL with no entry (a MissingNode;
// query-validation-tests json_array_length.json "filter rows where the
// ARRAY column is not empty" reads "" so).
func TestProcessingLogHoldsWhatJSONFunctionsThrowOnTextJacksonRefuses(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM jin (id INT KEY, s STRING) WITH (KAFKA_TOPIC='jin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM jout AS SELECT id, JSON_ARRAY_LENGTH(s) AS l, EXTRACTJSONFIELD(s, '$.a') AS e, JSON_ITEMS(s) AS i, IS_JSON_STRING(s) AS j FROM jin EMIT CHANGES;`, earliest())
	st.produce("jin", kv{intKey(1), []byte(`{"S":""}`)}, kv{intKey(2), []byte(`{"S":"[1, x"}`)})
	out := st.consume("JOUT", 2)
	t.Run("a text with no value is NULL", func(t *testing.T) {
		if got := string(out[0].value); got != `{"L":null,"E":null,"I":null,"J":false}` {
			t.Errorf("first result %s", got)
		}
	})
	t.Run("a text Jackson refuses is NULL, and not a JSON string", func(t *testing.T) {
		if got := string(out[1].value); got != `{"L":null,"E":null,"I":null,"J":false}` {
			t.Errorf("second result %s", got)
		}
	})
	const json = "io.confluent.ksql.function.udf.json."
	const ite = "java.lang.reflect.InvocationTargetException"
	const refused = "Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 6]"
	checkEntries(t, processingLogEntries(t, st, url, 4), "CSAS_JOUT_", []logEntry{
		{"Project", "Error computing expression JSON_ITEMS(S) for column I with index 2", []string{
			"Failed to invoke function public java.util.List " + json + "JsonItems.items(java.lang.String)", ite,
			"Invalid JSON format:", "No content to map due to end-of-input\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1]"}},
		{"Project", "Error computing expression JSON_ARRAY_LENGTH(S) for column L with index 0", []string{
			"Failed to invoke function public java.lang.Integer " + json + "JsonArrayLength.length(java.lang.String)", ite, "Invalid JSON format:[1, x", refused}},
		{"Project", "Error computing expression EXTRACTJSONFIELD(S, '$.a') for column E with index 1", []string{
			"Failed to invoke function public java.lang.String " + json + "JsonExtractString.extract(java.lang.String,java.lang.String)", ite, "Invalid JSON format:[1, x", refused}},
		{"Project", "Error computing expression JSON_ITEMS(S) for column I with index 2", []string{
			"Failed to invoke function public java.util.List " + json + "JsonItems.items(java.lang.String)", ite, "Invalid JSON format:[1, x", refused}},
	})
}

// A persistent query's DECIMAL arithmetic on a NULL throws what the
// BigDecimal call ksqlDB compiles throws (SqlToJavaVisitor
// .visitArithmeticBinary: left.add(right, new MathContext(...))): a null
// left operand is the receiver HotSpot names (an INT one the null
// DecimalUtil.cast returned), a null right one fails inside
// BigDecimal.add (JDK 17: augend.signum()); the column is NULL.
func TestProcessingLogHoldsDecimalArithmeticOnANull(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM din (id INT KEY, d DECIMAL(4, 2), n INT) WITH (KAFKA_TOPIC='din', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM dout AS SELECT id, d + n AS s, n + d AS r FROM din EMIT CHANGES;`, earliest())
	st.produce("din", kv{intKey(1), []byte(`{"D":1.50,"N":null}`)})
	out := st.consume("DOUT", 1)
	t.Run("each column is NULL", func(t *testing.T) {
		if got := string(out[0].value); got != `{"S":null,"R":null}` {
			t.Errorf("result %s", got)
		}
	})
	checkEntries(t, processingLogEntries(t, st, url, 2), "CSAS_DOUT_", []logEntry{
		{"Project", "Error computing expression (D + N) for column S with index 0", []string{`Cannot invoke "java.math.BigDecimal.signum()" because "augend" is null`}},
		{"Project", "Error computing expression (N + D) for column R with index 1", []string{
			`Cannot invoke "java.math.BigDecimal.add(java.math.BigDecimal, java.math.MathContext)" because the return value of "io.confluent.ksql.util.DecimalUtil.cast(java.lang.Integer, int, int)" is null`}},
	})
}

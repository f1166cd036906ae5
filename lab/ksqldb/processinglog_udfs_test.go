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

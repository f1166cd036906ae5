package ksqldb

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// What a projection's expressions throw goes to the processing log, one
// RecordProcessingError (type 1) per failure, and the failing value is
// NULL (confluentinc/ksql v7.9.0 ksqldb-execution):
//   - a CAST catches what it and its operand throw, "Error processing
//     <type>" (SqlToJavaVisitor.visitCast and evaluateOrReturnNull, as
//     ksql.nested.error.set.null is true for new queries, KsqlConfig);
//     Integer.parseInt and Double.parseDouble of the trimmed text throw
//     NumberFormatException "For input string: "<text>""
//     (codegen/helpers/CastEvaluator.java, SqlDoubles.java);
//   - an argument of a function call that is itself a call is caught as
//     "Error processing <name>" (visitFunctionCall), an ARRAY item as
//     "Error processing array item" (visitCreateArrayExpression), and
//     evaluation goes on with it NULL;
//   - what no nested catch takes, Java's "/ by zero" of an integer
//     division, reaches CompiledExpression.evaluate: "Error computing
//     expression (A / B) for column Q with index 1", the index counting
//     the Project step's select expressions (SelectValueMapper.processColumn);
//   - the cause lists the exception's message (RecordProcessingError,
//     ErrorMessageUtil.getErrorMessages), the record is not logged
//     (ksql.logging.processing.rows.include is false), and the logger is
//     the step's, processing.<query id>.Project
//     (RuntimeBuildContext.getProcessingLogger, QueryLoggerUtil).
func TestProcessingLogHoldsWhatProjectionExpressionsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM xin (id INT KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='xin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM xout AS SELECT id, CAST(s AS INT) AS i, a / b AS q, ABS(ABS(a % b)) AS nested, ARRAY[a / b, a] AS arr, CAST(s AS DOUBLE) AS d, s AS plain FROM xin EMIT CHANGES;`, earliest())
	st.produce("xin", kv{intKey(1), []byte(`{"S":"5","A":7,"B":2}`)}, kv{intKey(2), []byte(`{"S":" abc ","A":7,"B":0}`)})

	out := st.consume("XOUT", 2)
	t.Run("a row whose expressions do not throw is computed", func(t *testing.T) {
		if got := string(out[0].value); got != `{"I":5,"Q":3,"NESTED":1,"ARR":[3,7],"D":5.0,"PLAIN":"5"}` {
			t.Errorf("first result %s", got)
		}
	})
	t.Run("each failing value is NULL at its own level", func(t *testing.T) {
		if got := string(out[1].value); got != `{"I":null,"Q":null,"NESTED":null,"ARR":[null,7],"D":null,"PLAIN":" abc "}` {
			t.Errorf("second result %s", got)
		}
	})

	st.records("default_ksql_processing_log", 5) // the entries are written before they are read back
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT LOGGER, LEVEL, MESSAGE->TYPE, MESSAGE->RECORDPROCESSINGERROR->ERRORMESSAGE, MESSAGE->RECORDPROCESSINGERROR->CAUSE, MESSAGE->RECORDPROCESSINGERROR->RECORD FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT 5;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if r.code != 200 || len(lines) != 6 {
		t.Fatalf("a push query on KSQL_PROCESSING_LOG: %d %s, want five entries", r.code, r.body)
	}
	want := []struct{ name, message, cause string }{
		{"a CAST catches the parse failure", "Error processing INTEGER", `For input string: \"abc\"`},
		{"an uncaught failure is the column's", "Error computing expression (A / B) for column Q with index 1", "/ by zero"},
		{"a call argument that is a call catches", "Error processing ABS", "/ by zero"},
		{"an array item catches", "Error processing array item", "/ by zero"},
		{"a CAST to DOUBLE catches its parse failure", "Error processing DOUBLE", `For input string: \"abc\"`},
	}
	for i, w := range want {
		t.Run(w.name, func(t *testing.T) {
			var row []any
			if err := json.Unmarshal([]byte(lines[i+1]), &row); err != nil || len(row) != 6 {
				t.Fatalf("entry %s: %v", lines[i+1], err)
			}
			logger, _ := row[0].(string)
			if !strings.HasPrefix(logger, "processing.CSAS_XOUT_") || !strings.HasSuffix(logger, ".Project") || row[1] != "ERROR" || row[2] != 1.0 {
				t.Errorf("entry %s: want logger processing.CSAS_XOUT_<n>.Project, level ERROR, type 1", lines[i+1])
			}
			wantTail := `"` + w.message + `",["` + w.cause + `"],null]`
			if !strings.HasSuffix(lines[i+1], wantTail) {
				t.Errorf("entry %s: want it to end %s", lines[i+1], wantTail)
			}
		})
	}
}

// A table's row that WHERE filters out reaches the select step as a null
// value, which SelectValueMapper does not evaluate (KTableFilter forwards
// a null for it; confluentinc/ksql v7.9.0 ksqldb-execution
// .../transform/select/SelectValueMapper.java): what its expressions
// would throw is not logged.
func TestProcessingLogSkipsTableRowsFilteredOut(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE tin (id INT PRIMARY KEY, s STRING, keep BOOLEAN) WITH (KAFKA_TOPIC='tin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE tout AS SELECT id, CAST(s AS INT) AS i FROM tin WHERE keep EMIT CHANGES;`, earliest())
	st.produce("tin", kv{intKey(1), []byte(`{"S":"dropped","KEEP":false}`)}, kv{intKey(2), []byte(`{"S":"kept","KEEP":true}`)})
	st.consume("TOUT", 1)
	st.records("default_ksql_processing_log", 1)
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT MESSAGE->RECORDPROCESSINGERROR->ERRORMESSAGE, MESSAGE->RECORDPROCESSINGERROR->CAUSE FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT 1;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if want := `["Error processing INTEGER",["For input string: \"kept\""]]`; r.code != 200 || len(lines) != 2 || lines[1] != want {
		t.Errorf("the first processing log entry: %d %s, want %s", r.code, r.body, want)
	}
}

// A row whose GROUP BY expression is NULL is excluded from the
// aggregation and logged by the GroupBy step: "Group-by column with index
// 0 resolved to null. The source row will be excluded from the table.",
// with no exception, so no cause (confluentinc/ksql v7.9.0 ksqldb-streams
// .../GroupByParamsFactory.java processColumn, RecordProcessingError), the
// logger processing.<query id>.Aggregate.GroupBy (the step's query
// context, historical_plans' "Aggregate/GroupBy").
func TestProcessingLogHoldsNullGroupByKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM gin (id INT KEY, g STRING) WITH (KAFKA_TOPIC='gin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE gout AS SELECT g, COUNT(*) AS c FROM gin GROUP BY g EMIT CHANGES;`, earliest())
	st.produce("gin", kv{intKey(1), []byte(`{"G":null}`)}, kv{intKey(2), []byte(`{"G":"a"}`)})
	st.consume("GOUT", 1)
	st.records("default_ksql_processing_log", 1)
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT LOGGER, MESSAGE->TYPE, MESSAGE->RECORDPROCESSINGERROR->ERRORMESSAGE, MESSAGE->RECORDPROCESSINGERROR->CAUSE FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT 1;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	var row []any
	if r.code != 200 || len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &row) != nil || len(row) != 4 {
		t.Fatalf("a push query on KSQL_PROCESSING_LOG: %d %s, want one entry", r.code, r.body)
	}
	logger, _ := row[0].(string)
	if !strings.HasPrefix(logger, "processing.CTAS_GOUT_") || !strings.HasSuffix(logger, ".Aggregate.GroupBy") {
		t.Errorf("logger %q, want processing.CTAS_GOUT_<n>.Aggregate.GroupBy", logger)
	}
	if want := `1,"Group-by column with index 0 resolved to null. The source row will be excluded from the table.",[]]`; !strings.HasSuffix(lines[1], want) {
		t.Errorf("entry %s, want it to end %s", lines[1], want)
	}
}

// processingLogCauses reads the first n entries of KSQL_PROCESSING_LOG
// (once the topic holds them) as the push query's rows of their
// RecordProcessingError's errorMessage and cause, each as JSON.
func processingLogCauses(t *testing.T, st *stack, url string, n int) []string {
	t.Helper()
	st.records("default_ksql_processing_log", n) // the entries are written before they are read back
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT MESSAGE->RECORDPROCESSINGERROR->ERRORMESSAGE, MESSAGE->RECORDPROCESSINGERROR->CAUSE FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT `+strconv.Itoa(n)+`;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if r.code != 200 || len(lines) != n+1 {
		t.Fatalf("a push query on KSQL_PROCESSING_LOG: %d %s, want %d entries", r.code, r.body, n)
	}
	return lines[1:]
}

// A CAST of text to a time type, BYTES or DECIMAL, and of an ARRAY whose
// element does not cast, is NULL with the processing log entry of what it
// throws (confluentinc/ksql v7.9.0: SqlToJavaVisitor.visitCast catches,
// "Error processing <type>"; CastEvaluator's castArray applies the element
// cast inside it; SqlTimeTypes.parseDate's KsqlException and its
// DateTimeParseException cause; java.util.Base64's decoder;
// BigDecimal(String)'s NumberFormatException).
func TestProcessingLogHoldsWhatTextCastsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM cin (id INT KEY, s STRING) WITH (KAFKA_TOPIC='cin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM cout AS SELECT id, CAST(s AS DATE) AS d, CAST(ARRAY[s, '1'] AS ARRAY<INT>) AS arr, CAST(s AS BYTES) AS b, CAST(s AS DECIMAL(4, 1)) AS dec FROM cin EMIT CHANGES;`, earliest())
	st.produce("cin", kv{intKey(1), []byte(`{"S":"2a."}`)})
	out := st.consume("COUT", 1)
	if got := string(out[0].value); got != `{"D":null,"ARR":null,"B":null,"DEC":null}` {
		t.Errorf("result %s, want every cast NULL", got)
	}
	want := []string{
		`["Error processing DATE",["Failed to parse date '2a.': Text '2a.-01-01' could not be parsed at index 0\nRequired format is: \"yyyy-MM-dd\", for example '2020-05-26'. Partials are also supported, for example '2020-05'","Text '2a.-01-01' could not be parsed at index 0"]]`,
		`["Error processing ARRAY<INTEGER>",["For input string: \"2a.\""]]`,
		`["Error processing BYTES",["Illegal base64 character 2e"]]`,
		`["Error processing DECIMAL(4, 1)",["Character a is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark."]]`,
	}
	for i, got := range processingLogCauses(t, st, url, len(want)) {
		if got != want[i] {
			t.Errorf("entry %d %s, want %s", i, got, want[i])
		}
	}
}

// A UDF that throws makes its column NULL with the entry of what its
// invocation throws: DynamicFunctionInvoker's "Failed to invoke function
// <method>", the InvocationTargetException, then the UDF's exception
// (confluentinc/ksql v7.9.0 ksqldb-engine .../function/DynamicFunctionInvoker.java,
// .../udf/array/GenerateSeries.java), uncaught below the column
// (SelectValueMapper.processColumn).
func TestProcessingLogHoldsWhatAThrowingUDFThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM uin (id INT KEY, step INT) WITH (KAFKA_TOPIC='uin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM uout AS SELECT id, GENERATE_SERIES(1, 3, step) AS s FROM uin EMIT CHANGES;`, earliest())
	st.produce("uin", kv{intKey(1), []byte(`{"STEP":0}`)}, kv{intKey(2), []byte(`{"STEP":2}`)})
	out := st.consume("UOUT", 2)
	if got := string(out[0].value) + " " + string(out[1].value); got != `{"S":null} {"S":[1,3]}` {
		t.Errorf("results %s, want the failing series NULL", got)
	}
	want := `["Error computing expression GENERATE_SERIES(1, 3, STEP) for column S with index 0",["Failed to invoke function public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries.generateSeriesInt(int,int,int)","java.lang.reflect.InvocationTargetException","GENERATE_SERIES step cannot be zero"]]`
	if got := processingLogCauses(t, st, url, 1)[0]; got != want {
		t.Errorf("entry %s, want %s", got, want)
	}
}

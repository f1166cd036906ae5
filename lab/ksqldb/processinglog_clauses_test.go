package ksqldb

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// logEntry is one processing log entry as a push query on
// KSQL_PROCESSING_LOG reads it: its logger, and the errorMessage and cause
// of its RecordProcessingError.
type logEntry struct {
	logger, message string
	cause           []string
}

// processingLogEntries reads the first n entries of the processing log
// (once the topic holds them), failing the test unless each is a
// RecordProcessingError (type 1) at level ERROR.
func processingLogEntries(t *testing.T, st *stack, url string, n int) []logEntry {
	t.Helper()
	st.records("default_ksql_processing_log", n) // the entries are written before they are read back
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT LOGGER, LEVEL, MESSAGE->TYPE, MESSAGE->RECORDPROCESSINGERROR->ERRORMESSAGE, MESSAGE->RECORDPROCESSINGERROR->CAUSE FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT `+
			itoa(int64(n))+`;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if r.code != 200 || len(lines) != n+1 {
		t.Fatalf("a push query on KSQL_PROCESSING_LOG: %d %s, want %d entries", r.code, r.body, n)
	}
	out := make([]logEntry, n)
	for i, line := range lines[1:] {
		var row struct {
			Logger, Level string
			Type          float64
			Message       string
			Cause         []string
		}
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(line), &raw); err != nil || len(raw) != 5 {
			t.Fatalf("entry %s: %v", line, err)
		}
		for j, dst := range []any{&row.Logger, &row.Level, &row.Type, &row.Message, &row.Cause} {
			if err := json.Unmarshal(raw[j], dst); err != nil {
				t.Fatalf("entry %s: column %d: %v", line, j, err)
			}
		}
		if row.Level != "ERROR" || row.Type != 1 {
			t.Errorf("entry %s: want level ERROR, type 1 (RecordProcessingError)", line)
		}
		out[i] = logEntry{logger: row.Logger, message: row.Message, cause: row.Cause}
	}
	return out
}

// checkEntries compares entries with want, each logger given as the
// query id's prefix and the step's query context ("CSAS_OUT_", "WhereFilter").
func checkEntries(t *testing.T, got []logEntry, idPrefix string, want []logEntry) {
	t.Helper()
	for i, w := range want {
		g := got[i]
		if !strings.HasPrefix(g.logger, "processing."+idPrefix) || !strings.HasSuffix(g.logger, "."+w.logger) {
			t.Errorf("entry %d: logger %q, want processing.%s<n>.%s", i, g.logger, idPrefix, w.logger)
		}
		if g.message != w.message || strings.Join(g.cause, "|") != strings.Join(w.cause, "|") {
			t.Errorf("entry %d: %q %q, want %q %q", i, g.message, g.cause, w.message, w.cause)
		}
	}
}

// A GROUP BY expression that throws is caught by the GroupBy step, which
// logs "Error calculating group-by column with index <i>. The source row
// will be excluded from the table." with the exception as its cause and
// excludes the row without evaluating the columns after it; one whose
// nested CAST caught the failure is NULL, so the row is excluded as
// "resolved to null" after the CAST's own entry, all under the step's
// logger processing.<query id>.Aggregate.GroupBy (confluentinc/ksql
// v7.9.0 ksqldb-streams .../GroupByParamsFactory.java processColumn and
// ExpressionGrouper.apply, ksqldb-execution .../CompiledExpression.java
// evaluate).
func TestProcessingLogHoldsWhatGroupByExpressionsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM gbin (id INT KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='gbin', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE gbout AS SELECT a / b AS q, CAST(s AS INT) AS i, COUNT(*) AS c FROM gbin GROUP BY a / b, CAST(s AS INT) EMIT CHANGES;`, earliest())
	st.produce("gbin",
		kv{[]byte("1"), []byte(`{"S":"5","A":4,"B":2}`)},
		kv{[]byte("2"), []byte(`{"S":"5","A":4,"B":0}`)},
		kv{[]byte("3"), []byte(`{"S":"x","A":4,"B":2}`)},
		kv{[]byte("4"), []byte(`{"S":"5","A":5,"B":2}`)})

	out := st.consume("GBOUT", 2)
	t.Run("the rows whose grouping fails are excluded", func(t *testing.T) {
		if got := string(out[1].key) + " " + string(out[1].value); got != `{"Q":2,"I":5} {"C":2}` {
			t.Errorf("second result %s, want the fourth row counted with the first", got)
		}
	})
	got := processingLogEntries(t, st, url, 3)
	t.Run("a grouping expression that throws is logged for its index", func(t *testing.T) {
		checkEntries(t, got[:1], "CTAS_GBOUT_", []logEntry{{"Aggregate.GroupBy",
			"Error calculating group-by column with index 0. The source row will be excluded from the table.", []string{"/ by zero"}}})
	})
	t.Run("a nested catch's NULL is logged, then the exclusion", func(t *testing.T) {
		checkEntries(t, got[1:], "CTAS_GBOUT_", []logEntry{
			{"Aggregate.GroupBy", "Error processing INTEGER", []string{`For input string: "x"`}},
			{"Aggregate.GroupBy", "Group-by column with index 1 resolved to null. The source row will be excluded from the table.", nil},
		})
	})
}

// A WHERE expression that throws is caught by the Filter step: "Error
// evaluating predicate <expression>" with the exception as its cause, and
// the predicate is false, so the row is dropped; a nested catch logs under
// the same logger, processing.<query id>.WhereFilter (confluentinc/ksql
// v7.9.0 ksqldb-execution .../transform/sqlpredicate/SqlPredicate.java,
// ksqldb-streams .../StreamFilterBuilder.java; the step's query context
// "WhereFilter" in historical_plans, e.g. bytes_-_filter).
func TestProcessingLogHoldsWhatWhereExpressionsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM win (id INT KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='win', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM wout AS SELECT id, s FROM win WHERE CAST(s AS INT) IS NULL OR a / b > 0 EMIT CHANGES;`, earliest())
	st.produce("win",
		kv{intKey(1), []byte(`{"S":"5","A":4,"B":2}`)},
		kv{intKey(2), []byte(`{"S":"5","A":4,"B":0}`)},
		kv{intKey(3), []byte(`{"S":"x","A":4,"B":0}`)})

	out := st.consume("WOUT", 2)
	t.Run("the row whose predicate throws is dropped", func(t *testing.T) {
		if got := string(out[0].value) + " " + string(out[1].value); got != `{"S":"5"} {"S":"x"}` {
			t.Errorf("results %s, want the first and third rows", got)
		}
	})
	got := processingLogEntries(t, st, url, 2)
	t.Run("a predicate that throws is logged with its expression", func(t *testing.T) {
		checkEntries(t, got[:1], "CSAS_WOUT_", []logEntry{{"WhereFilter",
			"Error evaluating predicate ((CAST(S AS INTEGER) IS NULL) OR ((A / B) > 0))", []string{"/ by zero"}}})
	})
	t.Run("a nested catch in the predicate is the step's", func(t *testing.T) {
		checkEntries(t, got[1:], "CSAS_WOUT_", []logEntry{{"WhereFilter", "Error processing INTEGER", []string{`For input string: "x"`}}})
	})
}

// AND, OR and NOT are Java's &&, || and ! over boxed Booleans in the code
// ksqlDB compiles (confluentinc/ksql v7.9.4 ksqldb-execution
// .../codegen/SqlToJavaVisitor.java visitLogicalBinaryExpression,
// visitNotExpression): a NULL operand the evaluation reaches throws
// HotSpot's NullPointerException, so a WHERE over one drops the row
// with "Error evaluating predicate", and a projection's column is NULL
// with "Error computing expression"; an operand after the one that
// decides is not evaluated (JDK 17.0.15's message for code of that shape
// compiled by javac, a throwaway program in /tmp).
func TestProcessingLogHoldsWhatLogicOnANullThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM lin (id INT KEY, b BOOLEAN, c BOOLEAN) WITH (KAFKA_TOPIC='lin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM lout AS SELECT id, NOT b AS nb FROM lin WHERE c OR b EMIT CHANGES;`, earliest())
	st.produce("lin",
		kv{intKey(1), []byte(`{"B":true,"C":false}`)},
		kv{intKey(2), []byte(`{"B":true}`)},
		kv{intKey(3), []byte(`{"C":true}`)})

	out := st.consume("LOUT", 2)
	t.Run("the row whose predicate meets a NULL is dropped, a NULL after the deciding operand is not read", func(t *testing.T) {
		if got := string(out[0].value) + " " + string(out[1].value); got != `{"NB":false} {"NB":null}` {
			t.Errorf("results %s, want the first and third rows", got)
		}
	})
	const npe = `Cannot invoke "java.lang.Boolean.booleanValue()" because the return value of "java.util.Map.get(Object)" is null`
	got := processingLogEntries(t, st, url, 2)
	t.Run("the predicate's NullPointerException is logged with its expression", func(t *testing.T) {
		checkEntries(t, got[:1], "CSAS_LOUT_", []logEntry{{"WhereFilter", "Error evaluating predicate (C OR B)", []string{npe}}})
	})
	t.Run("the projection's NullPointerException is its column's", func(t *testing.T) {
		checkEntries(t, got[1:], "CSAS_LOUT_", []logEntry{{"Project", "Error computing expression (NOT B) for column NB with index 0", []string{npe}}})
	})
}

// A PARTITION BY expression that throws is caught by the PartitionBy
// step: "Error computing new key from expression <expression>" with the
// exception as its cause, under processing.<query id>.PartitionBy, and
// the key is NULL; the record goes on to the projection, whose failures
// follow under its own logger (confluentinc/ksql v7.9.0 ksqldb-streams
// .../PartitionByParamsFactory.java buildExpressionEvaluator; the step's
// query context "PartitionBy" and keyExpression "ABS(ID)" in
// historical_plans/partition-by_-_expression_-_select_explicit).
func TestProcessingLogHoldsWhatPartitionByExpressionsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM pbin (id INT KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='pbin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM pbout AS SELECT a / b AS k, CAST(s AS INT) AS i FROM pbin PARTITION BY a / b EMIT CHANGES;`, earliest())
	st.produce("pbin", kv{intKey(1), []byte(`{"S":"5","A":4,"B":2}`)}, kv{intKey(2), []byte(`{"S":"x","A":4,"B":0}`)})

	out := st.consume("PBOUT", 2)
	t.Run("the record whose key throws has a NULL key", func(t *testing.T) {
		if string(out[0].key) != string(intKey(2)) || out[1].key != nil || string(out[1].value) != `{"I":null}` {
			t.Errorf("results %x %s, %x %s; want the second with no key", out[0].key, out[0].value, out[1].key, out[1].value)
		}
	})
	got := processingLogEntries(t, st, url, 2)
	t.Run("a key expression that throws is logged by the PartitionBy step", func(t *testing.T) {
		checkEntries(t, got[:1], "CSAS_PBOUT_", []logEntry{{"PartitionBy", "Error computing new key from expression (A / B)", []string{"/ by zero"}}})
	})
	t.Run("the projection's failures follow under its logger", func(t *testing.T) {
		checkEntries(t, got[1:], "CSAS_PBOUT_", []logEntry{{"Project", "Error processing INTEGER", []string{`For input string: "x"`}}})
	})
}

// The projection of a join is its Project step's, as one source's is: an
// uncaught failure is logged as "Error computing expression <expression>
// for column <name> with index <i>", the expression over the join's
// columns named <alias>_<column> as the step's selectExpressions write them
// (historical_plans' "(S1_ID + S2_ID) AS DATA"), the index counting the
// step's value columns, under processing.<query id>.Project
// (confluentinc/ksql v7.9.0 ksqldb-execution .../SelectValueMapper.java).
func TestProcessingLogHoldsWhatJoinProjectionsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE jt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='jt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM js (id INT KEY, a INT) WITH (KAFKA_TOPIC='js', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM jout AS SELECT s.id, s.a / t.b AS q, CAST(s.a AS STRING) AS c FROM js s JOIN jt t ON s.id = t.id EMIT CHANGES;`, earliest())
	st.produceJoin(joinRec{"jt", 0, intKey(1), []byte(`{"B":0}`)}, joinRec{"js", 100, intKey(1), []byte(`{"A":4}`)})

	out := st.consume("JOUT", 1)
	t.Run("the failing column is NULL", func(t *testing.T) {
		if got := string(out[0].value); got != `{"Q":null,"C":"4"}` {
			t.Errorf("result %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 1)
	t.Run("the failure is the Project step's, over the join's column names", func(t *testing.T) {
		checkEntries(t, got, "CSAS_JOUT_", []logEntry{{"Project", "Error computing expression (S_A / T_B) for column Q with index 0", []string{"/ by zero"}}})
	})
}

// A table function's parameters are evaluated by the FlatMap step, whose
// logger, processing.<query id>.FlatMap, has what they throw (an item of
// an ARRAY constructor caught as "Error processing array item"); the
// Project step then evaluates the projection once per row the record
// became, each failure logged every time (confluentinc/ksql v7.9.0
// ksqldb-execution .../function/udtf/TableFunctionApplier.java evalParam,
// ksqldb-streams .../StreamFlatMapBuilder.java; the step's query context
// "FlatMap" in historical_plans).
func TestProcessingLogHoldsWhatTableFunctionParametersThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM tfin (id INT KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='tfin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM tfout AS SELECT id, EXPLODE(ARRAY[a / b, a]) AS v, CAST(s AS INT) AS i FROM tfin EMIT CHANGES;`, earliest())
	st.produce("tfin", kv{intKey(1), []byte(`{"S":"x","A":4,"B":0}`)})

	out := st.consume("TFOUT", 2)
	t.Run("the failing item is NULL in its row", func(t *testing.T) {
		if got := string(out[0].value) + " " + string(out[1].value); got != `{"V":null,"I":null} {"V":4,"I":null}` {
			t.Errorf("results %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 3)
	t.Run("the parameter's failure is the FlatMap step's", func(t *testing.T) {
		checkEntries(t, got[:1], "CSAS_TFOUT_", []logEntry{{"FlatMap", "Error processing array item", []string{"/ by zero"}}})
	})
	t.Run("the projection's failures follow once per row", func(t *testing.T) {
		cast := logEntry{"Project", "Error processing INTEGER", []string{`For input string: "x"`}}
		checkEntries(t, got[1:], "CSAS_TFOUT_", []logEntry{cast, cast})
	})
}

// A table function of a join is the FlatMap step after the Join step
// (LogicalPlanner.buildFlatMapNode, new PlanNodeId("FlatMap"), after the
// join's node; confluentinc/ksql v7.9.4 ksqldb-streams
// .../StreamFlatMapBuilder.java logs under its step's query context), its
// parameters over the join's <alias>_<column> names, and the Project
// step after it evaluates the projection once per row the joined row
// became, over the same names, the synthesised column of the call
// counting as a value column (historical_plans
// table-functions_-_table_function_as_first_select: FlatMap, then
// Project's "KSQL_SYNTH_0 AS VAL"; SelectValueMapper).
func TestProcessingLogHoldsWhatATableFunctionOfAJoinThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE tjt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='tjt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM tjs (id INT KEY, a INT) WITH (KAFKA_TOPIC='tjs', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM tjout AS SELECT s.id AS id, EXPLODE(ARRAY[s.a / t.b, s.a]) AS v, s.a / t.b AS q FROM tjs s JOIN tjt t ON s.id = t.id EMIT CHANGES;
CREATE STREAM tjr AS SELECT s.id AS id, 10 / EXPLODE(ARRAY[s.a, t.b]) AS r FROM tjs s JOIN tjt t ON s.id = t.id EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"tjt", 0, intKey(1), []byte(`{"B":0}`)},
		joinRec{"tjs", 100, intKey(1), []byte(`{"A":4}`)})

	out := st.consume("TJOUT", 2)
	t.Run("the failing item and column are NULL in each row", func(t *testing.T) {
		if got := string(out[0].value) + " " + string(out[1].value); got != `{"V":null,"Q":null} {"V":4,"Q":null}` {
			t.Errorf("results %s", got)
		}
	})
	if got := strings.Join(values(st.consume("TJR", 2)), " "); got != `{"R":2} {"R":null}` {
		t.Errorf("TJR results %s", got)
	}
	got := processingLogEntries(t, st, url, 4)
	tjout := entriesOf(got, "CSAS_TJOUT_")
	t.Run("the parameter's failure is the FlatMap step's", func(t *testing.T) {
		checkEntries(t, tjout[:1], "CSAS_TJOUT_", []logEntry{{"FlatMap", "Error processing array item", []string{"/ by zero"}}})
	})
	t.Run("the projection's failures follow once per row, over the join's names", func(t *testing.T) {
		q := logEntry{"Project", "Error computing expression (S_A / T_B) for column Q with index 1", []string{"/ by zero"}}
		checkEntries(t, tjout[1:], "CSAS_TJOUT_", []logEntry{q, q})
	})
	t.Run("the projection reads the call's value as its synthesised column", func(t *testing.T) {
		checkEntries(t, entriesOf(got, "CSAS_TJR_"), "CSAS_TJR_", []logEntry{{"Project",
			"Error computing expression (10 / KSQL_SYNTH_0) for column R with index 0", []string{"/ by zero"}}})
	})
}

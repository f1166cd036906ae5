package ksqldb

import (
	"net/http"
	"strings"
	"testing"
)

// A push query's steps log what their expressions throw as a persistent
// query's do: ksqlDB builds a transient query with the same step builders
// and the processing logger of each step is named after the query's id,
// transient_<source>_<n>, and the step's query context
// (confluentinc/ksql v7.9.0 ksqldb-streams .../RuntimeBuildContext.java
// getProcessingLogger, ksqldb-execution .../context/QueryLoggerUtil.java
// queryLoggerName(QueryId, QueryContext)). The client gets the row with
// the failing column NULL (SelectValueMapper.processColumn), and not the
// row whose WHERE throws (SqlPredicate). A transient query's projection
// keeps its key columns among its select expressions, so they count in
// the index (FinalProjectNode.build).
func TestProcessingLogHoldsWhatAPushQueryThrows(t *testing.T) {
	st, url := startThrowingStream(t, "pin")
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT id, a / b AS q FROM pin WHERE 10 / a > 0 EMIT CHANGES LIMIT 2;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if r.code != 200 || len(lines) != 3 {
		t.Fatalf("push query: %d %s, want a header and two rows", r.code, r.body)
	}
	t.Run("the row whose projection throws has the column NULL, the row whose WHERE throws is dropped", func(t *testing.T) {
		if got := lines[1] + " " + lines[2]; got != `[1,null] [3,2]` {
			t.Errorf("rows %s", got)
		}
	})
	t.Run("each step logs under the transient query's logger", func(t *testing.T) {
		checkEntries(t, processingLogEntries(t, st, url, 2), "transient_PIN_", throwingStreamEntries)
	})
}

// startThrowingStream serves a stack with the processing log and a
// stream name (id INT KEY, a INT, b INT) of three rows, on which
// SELECT id, a / b AS q ... WHERE 10 / a > 0 logs throwingStreamEntries
// and answers [1,null] and [3,2].
func startThrowingStream(t *testing.T, name string) (*stack, string) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM `+name+` (id INT KEY, a INT, b INT) WITH (KAFKA_TOPIC='`+name+`', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produce(name,
		kv{intKey(1), []byte(`{"A":4,"B":0}`)},
		kv{intKey(2), []byte(`{"A":0,"B":1}`)},
		kv{intKey(3), []byte(`{"A":2,"B":1}`)})
	return st, url
}

// throwingStreamEntries are what a transient query's steps log over
// startThrowingStream's rows.
var throwingStreamEntries = []logEntry{
	{"Project", "Error computing expression (A / B) for column Q with index 1", []string{"/ by zero"}},
	{"WhereFilter", "Error evaluating predicate ((10 / A) > 0)", []string{"/ by zero"}},
}

// A pull query's projection logs what it throws under the loggers pull
// queries share, named by query type rather than by id:
// processing.pull_query.PROJECT (confluentinc/ksql v7.9.0 ksqldb-engine
// .../execution/pull/PullPhysicalPlanBuilder.java translateProjectNode,
// QueryLoggerUtil.queryLoggerName(QueryType, QueryContext)); the
// ProjectOperator maps the row with SelectValueMapper, so the failing
// column is NULL and the row is sent, its index counting the key
// columns the projection keeps (.../common/operators/ProjectOperator.java).
// Its WHERE is the SelectOperator's SqlPredicate over the rewritten
// predicate, logged under processing.pull_query.SELECT, the row not sent
// (translateFilterNode, QueryFilterNode: PullQueryRewriter leaves a
// comparison as written), here in a table scan, which evaluates it for
// every row.
func TestProcessingLogHoldsWhatAPullQueryThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE SOURCE TABLE qt (id INT PRIMARY KEY, a INT, b INT) WITH (KAFKA_TOPIC='qt', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produce("qt", kv{intKey(1), []byte(`{"A":4,"B":0}`)})
	var rows []string
	waitFor(t, func() bool {
		_, rows, _ = pullRows(t, url, "SELECT id, a / b AS q FROM qt WHERE id = 1;")
		return len(rows) == 1
	}, "qt to hold id 1")
	t.Run("the failing column is NULL", func(t *testing.T) {
		if rows[0] != "[1 <nil>]" {
			t.Errorf("row %s", rows[0])
		}
	})
	_, filtered, _ := pullRows(t, url, "SELECT id FROM qt WHERE 10 / b > 0;")
	t.Run("the row whose WHERE throws is not sent", func(t *testing.T) {
		if len(filtered) != 0 {
			t.Errorf("rows %v, want none", filtered)
		}
	})
	t.Run("the projection and WHERE log under processing.pull_query.<step>", func(t *testing.T) {
		got := processingLogEntries(t, st, url, 2)
		if got[0].logger != "processing.pull_query.PROJECT" || got[1].logger != "processing.pull_query.SELECT" {
			t.Errorf("loggers %q %q", got[0].logger, got[1].logger)
		}
		checkEntries(t, got, "pull_query", []logEntry{
			{"PROJECT", "Error computing expression (A / B) for column Q with index 1", []string{"/ by zero"}},
			{"SELECT", "Error evaluating predicate ((10 / B) > 0)", []string{"/ by zero"}},
		})
	})
}

// A push query with table functions builds the persistent query's FlatMap
// and Project steps (StreamFlatMapBuilder, then StreamSelectBuilder;
// historical_plans table-functions_-_table_function_as_first_select:
// FlatMap, Project "KSQL_SYNTH_0 AS VAL"), their loggers named after the
// transient query's id (RuntimeBuildContext.getProcessingLogger): what a
// parameter throws is the FlatMap step's, and what the projection throws
// the Project step's once per row the record became, its index counting
// the key column the transient query keeps (FinalProjectNode).
func TestProcessingLogHoldsWhatAPushQuerysTableFunctionsThrow(t *testing.T) {
	st, url := startThrowingStream(t, "ptf")
	_, rows := pushRows(t, url, "SELECT id, EXPLODE(ARRAY[a / b, a]) AS v, 10 / EXPLODE(ARRAY[b, a]) AS r FROM ptf EMIT CHANGES LIMIT 2;", 2)
	t.Run("the failing item and column are NULL in each row", func(t *testing.T) {
		if got := rows[0] + " " + rows[1]; got != `[1,null,null] [1,4,2]` {
			t.Errorf("rows %s", got)
		}
	})
	t.Run("the parameter's failure is the FlatMap step's, the projection's the Project step's", func(t *testing.T) {
		checkEntries(t, processingLogEntries(t, st, url, 2), "transient_PTF_", []logEntry{
			{"FlatMap", "Error processing array item", []string{"/ by zero"}},
			{"Project", "Error computing expression (10 / KSQL_SYNTH_1) for column R with index 2", []string{"/ by zero"}},
		})
	})
}

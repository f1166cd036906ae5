package ksqldb

import (
	"strings"
	"testing"
)

// aggregationFailureEntries are the entries of one of the queries of
// TestProcessingLogHoldsWhatAnAggregationsStepsThrow, in order.
func aggregationFailureEntries() []logEntry {
	return []logEntry{
		{"Aggregate.Prepare", "Error computing expression (A / B) for column KSQL_INTERNAL_COL_3 with index 3", []string{"/ by zero"}},
		{"Aggregate.HavingFilter", "Error evaluating predicate ((100 / KSQL_AGG_VARIABLE_4) > 0)", []string{"/ by zero"}},
		{"Aggregate.Project", "Error computing expression (10 / (KSQL_AGG_VARIABLE_3 - 1)) for column R with index 3", []string{"/ by zero"}},
	}
}

// entriesOf are the entries of the query whose id starts with prefix.
func entriesOf(got []logEntry, prefix string) []logEntry {
	var out []logEntry
	for _, e := range got {
		if strings.HasPrefix(e.logger, "processing."+prefix) {
			out = append(out, e)
		}
	}
	return out
}

// An aggregation's steps log what their expressions throw under their own
// loggers (confluentinc/ksql v7.9.0 ksqldb-engine .../planner/plan/AggregateNode.java:
// the query contexts Aggregate/Prepare, Aggregate/HavingFilter and
// Aggregate/Project; historical_plans group-by_-_complex_UDAF_params_matching_HAVING
// and having_-_calculate_average_in_having show their expressions):
//   - an aggregate's argument that is not a column is a select expression
//     of the Prepare step, KSQL_INTERNAL_COL_<its index> after the columns
//     the aggregation reads; what it throws is "Error computing expression
//     (A / B) for column KSQL_INTERNAL_COL_3 with index 3" and the
//     aggregate sees NULL, which SUM and MAX skip (SelectValueMapper.processColumn);
//     an argument several calls share is one column, computed once
//     (InternalSchema.collectAggregateArgExpressions);
//   - HAVING is the HavingFilter step's predicate over the aggregated row,
//     each aggregate call written KSQL_AGG_VARIABLE_<n>, numbered over the
//     calls of the SELECT then HAVING clauses (AggregateExpressionRewriter):
//     "Error evaluating predicate ((100 / KSQL_AGG_VARIABLE_4) > 0)", and
//     the predicate is false (SqlPredicate, TableFilterBuilder);
//   - the projection after it is the Project step's, its index counting
//     the value columns (the grouping columns are the key), and it never
//     sees a row HAVING filtered out.
func TestProcessingLogHoldsWhatAnAggregationsStepsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	// GROUP BY g repartitions the stream; GROUP BY id groups it by its key
	mustKSQL(t, url, `CREATE STREAM ain (id INT KEY, g STRING, a INT, b INT) WITH (KAFKA_TOPIC='ain', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE aout AS SELECT g, SUM(a / b) AS s, MAX(a / b) AS m, COUNT(a) AS c, 10 / (COUNT(a) - 1) AS r FROM ain GROUP BY g HAVING 100 / SUM(b) > 0 EMIT CHANGES;
CREATE TABLE kout AS SELECT id, SUM(a / b) AS s, MAX(a / b) AS m, COUNT(a) AS c, 10 / (COUNT(a) - 1) AS r FROM ain GROUP BY id HAVING 100 / SUM(b) > 0 EMIT CHANGES;`, earliest())
	st.produce("ain",
		kv{intKey(1), []byte(`{"G":"x","A":6,"B":0}`)},
		kv{intKey(1), []byte(`{"G":"x","A":6,"B":2}`)},
		kv{intKey(2), []byte(`{"G":"y","A":4,"B":1}`)})

	for _, sink := range []string{"AOUT", "KOUT"} {
		out := st.consume(sink, 2)
		t.Run(sink+": a failing argument is skipped and HAVING's failure filters the row out", func(t *testing.T) {
			if got := string(out[0].value); got != `{"S":3,"M":3,"C":2,"R":10}` {
				t.Errorf("first result %s, want the second row's group, the first row's argument NULL", got)
			}
		})
		t.Run(sink+": a failing projection is NULL", func(t *testing.T) {
			if got := string(out[1].value); got != `{"S":4,"M":4,"C":1,"R":null}` {
				t.Errorf("second result %s", got)
			}
		})
	}
	got := processingLogEntries(t, st, url, 6)
	for _, q := range []string{"CTAS_AOUT_", "CTAS_KOUT_"} {
		t.Run(q+": each step logs under its own logger, in processing order", func(t *testing.T) {
			mine := entriesOf(got, q)
			want := aggregationFailureEntries()
			if len(mine) != len(want) {
				t.Fatalf("entries %v, want %d", mine, len(want))
			}
			checkEntries(t, mine, q, want)
		})
	}
}

// An aggregation of a table logs what its HAVING and projection throw as
// one of a stream does: the steps after the aggregate are the same
// (AggregateNode.buildStream; TableFilterBuilder's SqlPredicate and
// TableSelectBuilder's SelectValueMapper). An update whose group no longer
// passes HAVING, here for its failure, deletes the group's row without
// computing its projection.
func TestProcessingLogHoldsWhatATableAggregationsStepsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE tain (id INT PRIMARY KEY, g STRING, a INT) WITH (KAFKA_TOPIC='tain', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE taout AS SELECT g, SUM(a) AS s, 10 / (SUM(a) - 1) AS r FROM tain GROUP BY g HAVING 100 / COUNT(a) > 0 EMIT CHANGES;`, earliest())
	st.produce("tain", kv{intKey(1), []byte(`{"G":"x","A":1}`)}, kv{intKey(1), []byte(`{"G":"x","A":null}`)})

	out := st.consume("TAOUT", 2)
	t.Run("a failing projection is NULL", func(t *testing.T) {
		if got := string(out[0].value); got != `{"S":1,"R":null}` {
			t.Errorf("first result %s", got)
		}
	})
	t.Run("HAVING's failure deletes the group's row", func(t *testing.T) {
		if out[1].value != nil {
			t.Errorf("second result %s, want a tombstone", out[1].value)
		}
	})
	checkEntries(t, processingLogEntries(t, st, url, 2), "CTAS_TAOUT_", []logEntry{
		{"Aggregate.Project", "Error computing expression (10 / (KSQL_AGG_VARIABLE_1 - 1)) for column R with index 1", []string{"/ by zero"}},
		{"Aggregate.HavingFilter", "Error evaluating predicate ((100 / KSQL_AGG_VARIABLE_2) > 0)", []string{"/ by zero"}},
	})
}

package ksqldb

import (
	"strings"
	"testing"
)

// A WHERE over a stream-table join is the WhereFilter step that follows
// the Join step, a StreamFilter whose SqlPredicate logs "Error evaluating
// predicate <expression>" under processing.<query id>.WhereFilter, the
// expression over the join's columns named <alias>_<column>, and drops
// the row (historical_plans joins_-_with_where: the topology's
// "Join-merge --> WhereFilter --> Project", filterExpression
// "(I_URL = C_URL)"; confluentinc/ksql v7.9.0 ksqldb-streams
// .../StreamFilterBuilder.java, ksqldb-execution
// .../transform/sqlpredicate/SqlPredicate.java); a nested catch logs
// under the same logger.
func TestProcessingLogHoldsWhatAStreamTableJoinsWhereThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE wjt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='wjt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM wjs (id INT KEY, s STRING, a INT) WITH (KAFKA_TOPIC='wjs', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM wjout AS SELECT s.id AS id, s.a AS a FROM wjs s JOIN wjt t ON s.id = t.id WHERE CAST(s.s AS INT) IS NULL OR s.a / t.b > 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"wjt", 0, intKey(1), []byte(`{"B":0}`)},
		joinRec{"wjt", 0, intKey(2), []byte(`{"B":2}`)},
		joinRec{"wjs", 100, intKey(1), []byte(`{"S":"5","A":4}`)}, // the predicate throws
		joinRec{"wjs", 100, intKey(2), []byte(`{"S":"x","A":6}`)}, // the CAST's NULL passes
		joinRec{"wjs", 100, intKey(2), []byte(`{"S":"5","A":8}`)}) // passes

	out := st.consume("WJOUT", 2)
	t.Run("the joined row whose predicate throws is dropped", func(t *testing.T) {
		if got := string(out[0].value) + " " + string(out[1].value); got != `{"A":6} {"A":8}` {
			t.Errorf("results %s, want the second and third stream rows", got)
		}
	})
	got := processingLogEntries(t, st, url, 2)
	t.Run("a predicate that throws is logged over the join's column names", func(t *testing.T) {
		checkEntries(t, got[:1], "CSAS_WJOUT_", []logEntry{{"WhereFilter",
			"Error evaluating predicate ((CAST(S_S AS INTEGER) IS NULL) OR ((S_A / T_B) > 0))", []string{"/ by zero"}}})
	})
	t.Run("a nested catch in the predicate is the step's", func(t *testing.T) {
		checkEntries(t, got[1:], "CSAS_WJOUT_", []logEntry{{"WhereFilter", "Error processing INTEGER", []string{`For input string: "x"`}}})
	})
}

// A stream-stream join forwards each result of a record to the steps after
// it before the next (Kafka Streams processes depth first; apache/kafka 3.9
// KStreamKStreamJoin fetches the other side's window store in time order
// and forwards each joined value in turn), so the WhereFilter and Project
// entries of a record's results interleave: the first result's projection
// is logged before the second result's predicate.
func TestProcessingLogInterleavesTheStepsOfAStreamStreamJoinsResults(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM ssl (id INT KEY, s STRING, a INT) WITH (KAFKA_TOPIC='ssl', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM ssr (id INT KEY, b INT) WITH (KAFKA_TOPIC='ssr', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM ssout AS SELECT l.id AS id, CAST(l.s AS INT) AS i FROM ssl l JOIN ssr r WITHIN 1 MINUTE ON l.id = r.id WHERE l.a / r.b > 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"ssr", 100, intKey(1), []byte(`{"B":2}`)},
		joinRec{"ssr", 200, intKey(1), []byte(`{"B":0}`)},
		joinRec{"ssl", 300, intKey(1), []byte(`{"S":"x","A":4}`)}, // joins both: the first's CAST, the second's predicate
		joinRec{"ssl", 400, intKey(2), []byte(`{"S":"5","A":4}`)}) // joins nothing

	out := st.consume("SSOUT", 1)
	t.Run("the result whose predicate passes is projected", func(t *testing.T) {
		if got := string(out[0].value); got != `{"I":null}` {
			t.Errorf("result %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 2)
	t.Run("each result's steps log before the next result's", func(t *testing.T) {
		checkEntries(t, got, "CSAS_SSOUT_", []logEntry{
			{"Project", "Error processing INTEGER", []string{`For input string: "x"`}},
			{"WhereFilter", "Error evaluating predicate ((L_A / R_B) > 0)", []string{"/ by zero"}},
		})
	})
}

// A WHERE over a table-table join is the TableFilter step that follows the
// join (historical_plans joins_-_table_table_join_with_where_clause:
// "KTABLE-MERGE --> WhereFilter-ApplyPredicate", filterExpression
// "((T_VALUE > 10) AND (TT_F2 > 5))"). The join's merger sends old values
// (apache/kafka 3.9 KTableKTableJoinMerger.enableSendingOldValues; each
// join processor joins the changed side's old value with the other side's,
// KTableKTableInnerJoin.process), and the filter asks for them
// (KTableFilter's constructor), so ApplyPredicate evaluates the predicate
// on the new result and then on the old one (KTableTransformValues.process,
// confluentinc/ksql v7.9.0 ksqldb-streams .../TableFilterBuilder.java),
// logging under processing.<query id>.WhereFilter; a null result is not
// evaluated (SqlPredicate's Transformer).
func TestProcessingLogHoldsWhatATableTableJoinsWhereThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE wta (id INT PRIMARY KEY, x INT) WITH (KAFKA_TOPIC='wta', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE wtb (id INT PRIMARY KEY, y INT, s STRING) WITH (KAFKA_TOPIC='wtb', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE wtout AS SELECT a.id, a.x AS x FROM wta a JOIN wtb b ON a.id = b.id WHERE CAST(b.s AS INT) IS NULL OR a.x / b.y > 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"wta", 100, intKey(1), []byte(`{"X":4}`)},         // no result
		joinRec{"wtb", 200, intKey(1), []byte(`{"Y":0,"S":"5"}`)}, // new: the predicate's entry, filtered out
		joinRec{"wtb", 300, intKey(1), []byte(`{"Y":2,"S":"x"}`)}, // new: the CAST's entry, passes; old: the predicate's
		joinRec{"wtb", 400, intKey(1), []byte(`{"Y":2,"S":"5"}`)}, // new passes; old: the CAST's entry
		joinRec{"wta", 500, intKey(1), nil})                       // no new result; old passes

	out := st.consume("WTOUT", 3)
	t.Run("a result whose predicate throws is filtered out", func(t *testing.T) {
		var got []string
		for _, r := range out {
			got = append(got, string(r.value))
		}
		if want := `{"X":4} {"X":4} `; strings.Join(got, " ") != want {
			t.Errorf("results %q, want %q", strings.Join(got, " "), want)
		}
	})
	got := processingLogEntries(t, st, url, 4)
	pred := logEntry{"WhereFilter", "Error evaluating predicate ((CAST(B_S AS INTEGER) IS NULL) OR ((A_X / B_Y) > 0))", []string{"/ by zero"}}
	cast := logEntry{"WhereFilter", "Error processing INTEGER", []string{`For input string: "x"`}}
	t.Run("each change logs what its new result throws, then its old result", func(t *testing.T) {
		checkEntries(t, got, "CTAS_WTOUT_", []logEntry{pred, cast, pred, cast})
	})
}

// A join's aggregation ends with the same steps as one source's
// (AggregateNode): its HAVING is the Aggregate.HavingFilter step's and its
// projection the Aggregate.Project step's, each aggregate call
// KSQL_AGG_VARIABLE_<n> and each grouping column named as the join names
// it, <alias>_<column> (historical_plans group-by_-_on_join:
// tableFilterV1 Aggregate/HavingFilter "(KSQL_AGG_VARIABLE_1 > 0)",
// tableSelectV1 Aggregate/Project "KSQL_AGG_VARIABLE_0 AS SUM", and
// groupByExpressions "T1_ID"); the index counts the step's value columns
// (confluentinc/ksql v7.9.0 ksqldb-execution .../SelectValueMapper.java).
func TestProcessingLogHoldsWhatAJoinsAggregationStepsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE hjt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='hjt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM hjs (id INT KEY, a INT) WITH (KAFKA_TOPIC='hjs', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE hjout AS SELECT s.id, s.id / SUM(s.a) AS q, COUNT(*) AS c FROM hjs s JOIN hjt t ON s.id = t.id GROUP BY s.id HAVING 10 / SUM(t.b) >= 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"hjt", 0, intKey(1), []byte(`{"B":0}`)},
		joinRec{"hjt", 0, intKey(2), []byte(`{"B":1}`)},
		joinRec{"hjs", 100, intKey(1), []byte(`{"A":1}`)}, // HAVING throws: filtered out
		joinRec{"hjs", 100, intKey(2), []byte(`{"A":0}`)}) // HAVING passes; Q throws

	out := st.consume("HJOUT", 1)
	t.Run("the group whose HAVING throws is filtered out, the failing column NULL", func(t *testing.T) {
		if got := string(out[0].value); got != `{"Q":null,"C":1}` {
			t.Errorf("result %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 2)
	t.Run("HAVING and the projection log under their steps, over the join's names", func(t *testing.T) {
		checkEntries(t, got, "CTAS_HJOUT_", []logEntry{
			{"Aggregate.HavingFilter", "Error evaluating predicate ((10 / KSQL_AGG_VARIABLE_2) >= 0)", []string{"/ by zero"}},
			{"Aggregate.Project", "Error computing expression (S_ID / KSQL_AGG_VARIABLE_0) for column Q with index 0", []string{"/ by zero"}},
		})
	})
}

// A join's aggregation filters and groups each joined row before its
// repartition topic, in the sub-topology of the join (historical_plans
// group-by_-_on_join: Join, then Aggregate/GroupBy): its WHERE is the
// WhereFilter step's and its GROUP BY the Aggregate.GroupBy step's
// ("Error calculating group-by column with index <i>. The source row will
// be excluded from the table.", confluentinc/ksql v7.9.0 ksqldb-streams
// .../GroupByParamsFactory.java), over the join's <alias>_<column> names;
// the aggregate and the steps after it run after the repartition, so a
// row's WhereFilter and GroupBy entries come before its Aggregate.Project
// entries.
func TestProcessingLogHoldsWhatAJoinsAggregationThrowsBeforeItsRepartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE gjt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='gjt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM gjs (id INT KEY, a INT, s STRING) WITH (KAFKA_TOPIC='gjs', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE gjout AS SELECT s.a / t.b AS g, COUNT(*) AS c, 10 / (COUNT(*) - 1) AS r FROM gjs s JOIN gjt t ON s.id = t.id WHERE CAST(s.s AS INT) IS NULL OR s.a > 0 GROUP BY s.a / t.b EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"gjt", 0, intKey(1), []byte(`{"B":0}`)},
		joinRec{"gjt", 0, intKey(2), []byte(`{"B":2}`)},
		joinRec{"gjs", 100, intKey(1), []byte(`{"A":4,"S":"5"}`)}, // the grouping throws: excluded
		joinRec{"gjs", 100, intKey(2), []byte(`{"A":4,"S":"x"}`)}) // WHERE's CAST, then R throws

	out := st.consume("GJOUT", 1)
	t.Run("the row whose grouping throws is excluded", func(t *testing.T) {
		if got := string(out[0].value); got != `{"C":1,"R":null}` {
			t.Errorf("result %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 3)
	t.Run("a grouping that throws is logged for its index", func(t *testing.T) {
		checkEntries(t, got[:1], "CTAS_GJOUT_", []logEntry{{"Aggregate.GroupBy",
			"Error calculating group-by column with index 0. The source row will be excluded from the table.", []string{"/ by zero"}}})
	})
	t.Run("WHERE logs before the steps after the repartition", func(t *testing.T) {
		checkEntries(t, got[1:], "CTAS_GJOUT_", []logEntry{
			{"WhereFilter", "Error processing INTEGER", []string{`For input string: "x"`}},
			{"Aggregate.Project", "Error computing expression (10 / (KSQL_AGG_VARIABLE_1 - 1)) for column R with index 1", []string{"/ by zero"}},
		})
	})
}

// An aggregate argument of a join's aggregation is a select expression of
// its Aggregate.Prepare step, computed before the repartition, after the
// columns the aggregation reads (historical_plans
// sum_-_sum_int_left_join_of_table: "T1_ID AS T1_ID", "T1_TOTAL AS
// T1_TOTAL", "T2_TOTAL AS T2_TOTAL", "(T1_TOTAL + ...) AS
// KSQL_INTERNAL_COL_3"): what it throws is "Error computing expression
// <argument> for column KSQL_INTERNAL_COL_<n> with index <n>" over the
// join's names, and the aggregate's input is NULL
// (confluentinc/ksql v7.9.0 ksqldb-execution .../SelectValueMapper.java).
func TestProcessingLogHoldsWhatAJoinsAggregateArgumentsThrow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE pjt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='pjt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM pjs (id INT KEY, g STRING, a INT) WITH (KAFKA_TOPIC='pjs', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE pjout AS SELECT s.g, SUM(s.a / t.b) AS total, COUNT(s.a / t.b) AS c FROM pjs s JOIN pjt t ON s.id = t.id GROUP BY s.g EMIT CHANGES;
CREATE TABLE pjkout AS SELECT s.id, SUM(s.a / t.b) AS total, COUNT(s.a / t.b) AS c FROM pjs s JOIN pjt t ON s.id = t.id GROUP BY s.id EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"pjt", 0, intKey(1), []byte(`{"B":0}`)},
		joinRec{"pjs", 100, intKey(1), []byte(`{"G":"x","A":4}`)})

	for _, sink := range []string{"PJOUT", "PJKOUT"} {
		out := st.consume(sink, 1)
		t.Run(sink+": the aggregates' input is NULL, which they skip", func(t *testing.T) {
			if got := string(out[0].value); got != `{"TOTAL":0,"C":0}` {
				t.Errorf("result %s", got)
			}
		})
	}
	got := processingLogEntries(t, st, url, 2)
	for _, q := range []string{"CTAS_PJOUT_", "CTAS_PJKOUT_"} {
		t.Run(q+": an argument shared by two calls is computed once, by the Prepare step", func(t *testing.T) {
			checkEntries(t, entriesOf(got, q), q, []logEntry{{"Aggregate.Prepare",
				"Error computing expression (S_A / T_B) for column KSQL_INTERNAL_COL_3 with index 3", []string{"/ by zero"}}})
		})
	}
}

// A push query over a join logs as a persistent one does, under loggers
// named after the transient query's id, transient_<alias of the leftmost
// source>_<n> (confluentinc/ksql v7.9.0 ksqldb-engine .../QueryIdUtil.java:
// getLeftmostSourceNode().getAlias()), its WHERE and projection over the
// join's <alias>_<column> names, the projection's index counting the key
// columns it keeps (FinalProjectNode).
func TestProcessingLogHoldsWhatAPushQueryOverAJoinThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE pqt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='pqt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM pqs (id INT KEY, a INT) WITH (KAFKA_TOPIC='pqs', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produceJoin(
		joinRec{"pqt", 0, intKey(1), []byte(`{"B":0}`)},
		joinRec{"pqt", 0, intKey(2), []byte(`{"B":1}`)},
		joinRec{"pqs", 100, intKey(1), []byte(`{"A":4}`)}, // Q throws
		joinRec{"pqs", 100, intKey(2), []byte(`{"A":0}`)}, // WHERE throws
		joinRec{"pqs", 100, intKey(2), []byte(`{"A":3}`)})
	_, rows := pushRows(t, url, "SELECT s.id, s.a / t.b AS q FROM pqs s JOIN pqt t ON s.id = t.id WHERE 10 / s.a > 0 EMIT CHANGES LIMIT 2;", 2)
	t.Run("the row whose projection throws has the column NULL, the row whose WHERE throws is dropped", func(t *testing.T) {
		if got := rows[0] + " " + rows[1]; got != `[1,null] [2,3]` {
			t.Errorf("rows %s", got)
		}
	})
	t.Run("each step logs under the transient query's logger", func(t *testing.T) {
		checkEntries(t, processingLogEntries(t, st, url, 2), "transient_S_", []logEntry{
			{"Project", "Error computing expression (S_A / T_B) for column Q with index 1", []string{"/ by zero"}},
			{"WhereFilter", "Error evaluating predicate ((10 / S_A) > 0)", []string{"/ by zero"}},
		})
	})
}

// A push query over a table filters and projects it as a persistent one
// does: its source is materialized as a persistent query's
// (confluentinc/ksql v7.9.0 ksqldb-streams .../SourceBuilderBase.java
// buildTableMaterialized), so its WhereFilter evaluates each change's new
// row and then the key's old row (TableFilterBuilder, apache/kafka 3.9
// KTableFilter, KTableTransformValues.process), under loggers named after
// the transient query's id.
func TestProcessingLogHoldsWhatAPushQueryOverATableThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE ptq (id INT PRIMARY KEY, a INT, b INT) WITH (KAFKA_TOPIC='ptq', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produce("ptq",
		kv{intKey(1), []byte(`{"A":4,"B":0}`)}, // new: the predicate's entry, filtered out
		kv{intKey(1), []byte(`{"A":4,"B":2}`)}, // new passes; old: the predicate's entry
		kv{intKey(2), []byte(`{"A":1,"B":1}`)}) // passes; Q throws
	_, rows := pushRows(t, url, "SELECT id, a / (b - 1) AS q FROM ptq WHERE a / b > 0 EMIT CHANGES LIMIT 2;", 2)
	t.Run("the row whose projection throws has the column NULL", func(t *testing.T) {
		if got := rows[0] + " " + rows[1]; got != `[1,4] [2,null]` {
			t.Errorf("rows %s", got)
		}
	})
	t.Run("WHERE logs on new and old rows, then the projection", func(t *testing.T) {
		pred := logEntry{"WhereFilter", "Error evaluating predicate ((A / B) > 0)", []string{"/ by zero"}}
		checkEntries(t, processingLogEntries(t, st, url, 3), "transient_PTQ_", []logEntry{pred, pred,
			{"Project", "Error computing expression (A / (B - 1)) for column Q with index 1", []string{"/ by zero"}}})
	})
}

// A WHERE over a foreign-key join is the TableFilter step that follows
// the join, "WhereFilter" as after any join (confluentinc/ksql v7.9.0
// ksqldb-engine .../planner/LogicalPlanner.java, new
// PlanNodeId("WhereFilter")): its ApplyPredicate logs "Error evaluating
// predicate <expression>" over the join's <alias>_<column> names under
// processing.<query id>.WhereFilter (ksqldb-streams
// .../TableFilterBuilder.java, SqlPredicate). Unlike a primary-key join's,
// the foreign-key join's result is not materialized
// (ForeignKeyTableTableJoinBuilder passes a Materialized without a store
// name; apache/kafka 3.9.0-rc3 KTableImpl.doJoinOnForeignKey's
// KTableSource has no queryable name), so the filter's
// enableSendingOldValues(false) finds no old values
// (KTableImpl.enableSendingOldValues, KTableFilter's constructor):
// ApplyPredicate evaluates each result's new row alone
// (KTableTransformValues.process), and a result filtered out goes on as
// Change(null, null) (KTableFilter.process forwards it without old
// values), which the Project step's Project-Last store writes as a
// tombstone (TableSelectBuilder, forceMaterialize), whether or not the key
// had a result.
func TestProcessingLogHoldsWhatAForeignKeyJoinsWhereThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE wfl (id INT PRIMARY KEY, fk INT, s STRING, a INT) WITH (KAFKA_TOPIC='wfl', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE wfr (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='wfr', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE wfout AS SELECT l.id, l.a AS a FROM wfl l JOIN wfr r ON l.fk = r.id WHERE CAST(l.s AS INT) IS NULL OR l.a / r.b > 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"wfr", 100, intKey(1), []byte(`{"B":0}`)},
		joinRec{"wfl", 200, intKey(1), []byte(`{"FK":1,"S":"5","A":4}`)}, // the predicate throws: filtered out
		joinRec{"wfl", 300, intKey(1), []byte(`{"FK":1,"S":"x","A":4}`)}, // the CAST's entry, passes; no old result evaluated
		joinRec{"wfr", 400, intKey(1), []byte(`{"B":2}`)},                // rejoined: the CAST's entry, passes
		joinRec{"wfl", 500, intKey(1), []byte(`{"FK":1,"S":"5","A":4}`)}, // passes, nothing logged
		joinRec{"wfl", 600, intKey(1), nil})                              // deleted: nothing evaluated

	out := st.consume("WFOUT", 5)
	t.Run("a result whose predicate throws is filtered out as a tombstone", func(t *testing.T) {
		got := strings.Join(values(out), " ")
		if want := `<tombstone> {"A":4} {"A":4} {"A":4} <tombstone>`; got != want {
			t.Errorf("results %s, want %s", got, want)
		}
	})
	got := processingLogEntries(t, st, url, 3)
	cast := logEntry{"WhereFilter", "Error processing INTEGER", []string{`For input string: "x"`}}
	t.Run("each result's new row is evaluated once, over the join's column names", func(t *testing.T) {
		checkEntries(t, got, "CTAS_WFOUT_", []logEntry{{"WhereFilter",
			"Error evaluating predicate ((CAST(L_S AS INTEGER) IS NULL) OR ((L_A / R_B) > 0))", []string{"/ by zero"}}, cast, cast})
	})
}

// An aggregation of primary-key table-table joins filters, prepares and
// groups each Change the join's merger sends (historical_plans
// group-by_-_on_join: Join, WhereFilter, Aggregate/Prepare,
// Aggregate/GroupBy), each step taking the new value and then the old
// one before the next (apache/kafka 3.9 KTableTransformValues.process,
// KTableRepartitionMap.process): WHERE is evaluated on the new result and
// then on the join's old result, whether or not that passed
// (KTableKTableJoinMerger sends old values; TableFilterBuilder); the
// Prepare step, materialized in Aggregate-Prepare-Last because the join's
// result is not (TableSelectBuilder's forceMaterialize), evaluates the new
// row alone and reads the old one from its store; GROUP BY maps the new
// prepared row and then the stored old one (TableGroupByBuilderBase,
// GroupByParamsFactory). The argument is KSQL_INTERNAL_COL_4 after the
// columns A_G, A_A, B_B and A_W the SELECT, WHERE and GROUP BY clauses
// read (confluentinc/ksql v7.9.0 ksqldb-execution
// .../SelectValueMapper.java).
func TestProcessingLogHoldsWhatATableTableJoinsAggregationThrowsStepByStep(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE jwa (id INT PRIMARY KEY, w STRING, g STRING, a INT) WITH (KAFKA_TOPIC='jwa', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE jwb (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='jwb', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE jwout AS SELECT CAST(a.g AS INT) AS k, SUM(a.a / b.b) AS t, COUNT(a.a) AS c FROM jwa a JOIN jwb b ON a.id = b.id WHERE CAST(a.w AS INT) > 0 OR a.a > 5 GROUP BY CAST(a.g AS INT) EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"jwb", 100, intKey(1), []byte(`{"B":0}`)},
		joinRec{"jwa", 200, intKey(1), []byte(`{"W":"w1","G":"1","A":6}`)},  // new: WHERE's CAST, the argument
		joinRec{"jwa", 300, intKey(1), []byte(`{"W":"w2","G":"g2","A":7}`)}, // WHERE new and old, the argument, the new grouping NULL
		joinRec{"jwa", 400, intKey(1), []byte(`{"W":"w4","G":"1","A":1}`)},  // WHERE new (filtered out) and old, the old grouping NULL
		joinRec{"jwa", 500, intKey(1), []byte(`{"W":"1","G":"1","A":1}`)})   // WHERE on the old result filtered out, the argument

	out := st.consume("JWOUT", 3)
	t.Run("each change takes the old result out of its group and puts the new one in", func(t *testing.T) {
		got := strings.Join(values(out), " ")
		if want := `{"T":0,"C":1} {"T":0,"C":0} {"T":0,"C":1}`; got != want {
			t.Errorf("results %s, want %s", got, want)
		}
	})
	got := processingLogEntries(t, st, url, 13)
	where := func(s string) logEntry {
		return logEntry{"WhereFilter", "Error processing INTEGER", []string{`For input string: "` + s + `"`}}
	}
	arg := logEntry{"Aggregate.Prepare", "Error computing expression (A_A / B_B) for column KSQL_INTERNAL_COL_4 with index 4", []string{"/ by zero"}}
	group := logEntry{"Aggregate.GroupBy", "Error processing INTEGER", []string{`For input string: "g2"`}}
	null := logEntry{"Aggregate.GroupBy", "Group-by column with index 0 resolved to null. The source row will be excluded from the table.", nil}
	t.Run("a first result is filtered, prepared and grouped", func(t *testing.T) {
		checkEntries(t, got[:2], "CTAS_JWOUT_", []logEntry{where("w1"), arg})
	})
	t.Run("WHERE takes the new and old results, Prepare the new one, GROUP BY the new and the stored old one", func(t *testing.T) {
		checkEntries(t, got[2:7], "CTAS_JWOUT_", []logEntry{where("w2"), where("w1"), arg, group, null})
	})
	t.Run("a result filtered out is not prepared or grouped, the old one is grouped", func(t *testing.T) {
		checkEntries(t, got[7:11], "CTAS_JWOUT_", []logEntry{where("w4"), where("w2"), group, null})
	})
	t.Run("WHERE takes an old result it filtered out", func(t *testing.T) {
		checkEntries(t, got[11:], "CTAS_JWOUT_", []logEntry{where("w4"), arg})
	})
}

// A push query over primary-key table-table joins builds the persistent
// query's steps (TableFilterBuilder after the join's merger, which sends
// old values, then TableSelectBuilder), so its WHERE logs what it throws
// on each change's new result and then on its old one, and its
// projection what it throws on each result it passes, under loggers
// named after the transient query's id, transient_<leftmost source's
// alias>_<n> (confluentinc/ksql v7.9.0 ksqldb-engine .../QueryIdUtil.java,
// RuntimeBuildContext.getProcessingLogger), the projection's index
// counting the key column the transient query keeps.
func TestProcessingLogHoldsWhatAPushQueryOverTableTableJoinsThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE pja (id INT PRIMARY KEY, x INT) WITH (KAFKA_TOPIC='pja', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE pjb (id INT PRIMARY KEY, y INT) WITH (KAFKA_TOPIC='pjb', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produceJoin(
		joinRec{"pja", 100, intKey(1), []byte(`{"X":4}`)},
		joinRec{"pjb", 200, intKey(1), []byte(`{"Y":0}`)}, // new: WHERE throws, filtered out
		joinRec{"pjb", 300, intKey(1), []byte(`{"Y":2}`)}, // new passes; old: WHERE throws; Q throws
		joinRec{"pja", 400, intKey(2), []byte(`{"X":1}`)},
		joinRec{"pjb", 500, intKey(2), []byte(`{"Y":1}`)})
	_, rows := pushRows(t, url, "SELECT a.id, a.x / (b.y - 2) AS q FROM pja a JOIN pjb b ON a.id = b.id WHERE a.x / b.y > 0 EMIT CHANGES LIMIT 2;", 2)
	t.Run("the result whose projection throws has the column NULL", func(t *testing.T) {
		if got := rows[0] + " " + rows[1]; got != `[1,null] [2,-1]` {
			t.Errorf("rows %s", got)
		}
	})
	t.Run("WHERE logs on new and old results, then the projection", func(t *testing.T) {
		pred := logEntry{"WhereFilter", "Error evaluating predicate ((A_X / B_Y) > 0)", []string{"/ by zero"}}
		checkEntries(t, processingLogEntries(t, st, url, 3), "transient_A_", []logEntry{pred, pred,
			{"Project", "Error computing expression (A_X / (B_Y - 2)) for column Q with index 1", []string{"/ by zero"}}})
	})
}

// A WHERE over an N-way join starting with a foreign-key join is the
// TableFilter step after the last join, "WhereFilter" (confluentinc/ksql
// v7.9.4 ksqldb-engine .../planner/LogicalPlanner.java, new
// PlanNodeId("WhereFilter"); historical_plans
// fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join: the
// fkTableTableJoinV1 L_Join under the tableTableJoinV1 Join). The
// primary-key join after the foreign-key one asks its parents for old
// values with forced materialization (apache/kafka 3.9.0-rc3
// KTableKTableAbstractJoin.enableSendingOldValues: "Table-table joins
// require upstream materialization"), so the foreign-key join's result
// store sends each answer's old result, the row the store held
// (KTableSource.process), and each join step joins a change's old value
// with the other side's current row (KTableKTableInnerJoin.process): the
// filter's ApplyPredicate evaluates the chain's new result and then its
// old one (TableFilterBuilder, KTableTransformValues.process), logging
// under processing.<query id>.WhereFilter over the join's
// <alias>_<column> names.
func TestProcessingLogHoldsWhatAChainStartingWithAForeignKeyJoinsWhereThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE fca (id INT PRIMARY KEY, fk INT, s STRING, a INT) WITH (KAFKA_TOPIC='fca', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fcb (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='fcb', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fcc (id INT PRIMARY KEY, c INT) WITH (KAFKA_TOPIC='fcc', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fcout AS SELECT a.id, a.a AS a FROM fca a JOIN fcb b ON a.fk = b.id JOIN fcc c ON a.id = c.id WHERE CAST(a.s AS INT) IS NULL OR a.a / (c.c - b.b) > 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"fcb", 100, intKey(1), []byte(`{"B":1}`)},
		joinRec{"fcc", 200, intKey(1), []byte(`{"C":1}`)},
		joinRec{"fca", 300, intKey(1), []byte(`{"FK":1,"S":"5","A":4}`)}, // new throws: filtered out; no old result
		joinRec{"fcc", 400, intKey(1), []byte(`{"C":3}`)},                // new passes; old (C 1) throws
		joinRec{"fcb", 500, intKey(1), []byte(`{"B":3}`)},                // new throws; old, the stored answer's B 1, passes
		joinRec{"fca", 600, intKey(1), []byte(`{"FK":1,"S":"x","A":4}`)}, // new: the CAST's entry; old (B 3) throws
		joinRec{"fca", 700, intKey(1), []byte(`{"FK":1,"S":"5","A":4}`)}) // new throws; old: the CAST's entry

	out := st.consume("FCOUT", 4)
	t.Run("a result whose predicate throws is filtered out", func(t *testing.T) {
		got := strings.Join(values(out), " ")
		if want := `{"A":4} <tombstone> {"A":4} <tombstone>`; got != want {
			t.Errorf("results %s, want %s", got, want)
		}
	})
	got := processingLogEntries(t, st, url, 7)
	pred := logEntry{"WhereFilter", "Error evaluating predicate ((CAST(A_S AS INTEGER) IS NULL) OR ((A_A / (C_C - B_B)) > 0))", []string{"/ by zero"}}
	cast := logEntry{"WhereFilter", "Error processing INTEGER", []string{`For input string: "x"`}}
	t.Run("each change logs what its new result throws, then its old result, the foreign-key join's stored answer", func(t *testing.T) {
		checkEntries(t, got, "CTAS_FCOUT_", []logEntry{pred, pred, pred, cast, pred, pred, cast})
	})
}

// A foreign-key join computes each left row's foreign key with
// KsqlKeyExtractor, whose evaluator logs what the left join expression
// throws under the join step's logger, "Error calculating left join
// expression: `<expression>`." over the left table's aliased names, the
// foreign key NULL (confluentinc/ksql v7.9.4 ksqldb-streams
// .../ForeignKeyTableTableJoinBuilder.java, KsqlKeyExtractor.java;
// historical_plans
// fk-join_-_Should_support_non-column_reference_in_left_join_expression:
// the fkTableTableJoinV1's queryContext "Join", leftJoinExpression
// "(LEFT_TABLE_FOREIGN_KEY + 1)"). The left table sends each update's old
// row, and the subscription's sender extracts the old row's foreign key
// and then the new row's (confluentinc/kafka v7.9.4
// SubscriptionSendProcessorSupplier defaultJoinInstructions), so an
// update logs what the old row throws and then what the new one does.
// The foreign-key join starting a chain is its step L_Join
// (historical_plans fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join).
func TestProcessingLogHoldsWhatAForeignKeyJoinsLeftExpressionThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE fxl (id INT PRIMARY KEY, a INT, b INT, s STRING) WITH (KAFKA_TOPIC='fxl', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fxr (id INT PRIMARY KEY, c INT) WITH (KAFKA_TOPIC='fxr', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fxc (id INT PRIMARY KEY, d INT) WITH (KAFKA_TOPIC='fxc', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fxout AS SELECT l.id, r.c AS c, CAST(l.s AS INT) AS i FROM fxl l JOIN fxr r ON l.a / l.b = r.id EMIT CHANGES;
CREATE TABLE fxchain AS SELECT l.id, r.c AS c, CAST(l.s AS INT) AS i FROM fxl l JOIN fxr r ON l.a / l.b = r.id JOIN fxc x ON l.id = x.id EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"fxc", 0, intKey(1), []byte(`{"D":1}`)},
		joinRec{"fxc", 0, intKey(3), []byte(`{"D":3}`)},
		joinRec{"fxr", 100, intKey(2), []byte(`{"C":7}`)},
		joinRec{"fxl", 200, intKey(1), []byte(`{"A":4,"B":0}`)},         // the new row throws: a null foreign key, no result
		joinRec{"fxl", 300, intKey(1), []byte(`{"A":4,"B":2}`)},         // the old row throws; the new one joins
		joinRec{"fxl", 400, intKey(1), []byte(`{"A":4,"B":0}`)},         // the new row throws: the result deleted
		joinRec{"fxl", 500, intKey(1), nil},                             // the old row throws
		joinRec{"fxl", 600, intKey(3), []byte(`{"A":2,"B":1,"S":"x"}`)}) // joins; the projection's CAST logs last

	out := st.consume("FXOUT", 3)
	t.Run("a row whose foreign key throws joins nothing", func(t *testing.T) {
		if got := strings.Join(values(out), " "); got != `{"C":7,"I":null} <tombstone> {"C":7,"I":null}` {
			t.Errorf("results %s", got)
		}
	})
	if got := strings.Join(values(st.consume("FXCHAIN", 3)), " "); got != `{"C":7,"I":null} <tombstone> {"C":7,"I":null}` {
		t.Errorf("FXCHAIN results %s", got)
	}
	got := processingLogEntries(t, st, url, 10)
	cast := logEntry{"Project", "Error processing INTEGER", []string{`For input string: "x"`}}
	t.Run("each update logs its old row's failure, then its new row's, once, under the join step", func(t *testing.T) {
		e := logEntry{"Join", "Error calculating left join expression: `(L_A / L_B)`.", []string{"/ by zero"}}
		checkEntries(t, entriesOf(got, "CTAS_FXOUT_"), "CTAS_FXOUT_", []logEntry{e, e, e, e, cast})
	})
	t.Run("a chain's foreign-key join is its L_Join step", func(t *testing.T) {
		e := logEntry{"L_Join", "Error calculating left join expression: `(L_A / L_B)`.", []string{"/ by zero"}}
		checkEntries(t, entriesOf(got, "CTAS_FXCHAIN_"), "CTAS_FXCHAIN_", []logEntry{e, e, e, e, cast})
	})
}

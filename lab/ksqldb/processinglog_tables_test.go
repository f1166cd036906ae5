package ksqldb

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// A WHERE over a table is the TableFilter step's, whose query context is
// "WhereFilter" as a stream's (historical_plans
// joins_-_table_table_join_with_where_clause, tableFilterV1): SqlPredicate
// logs "Error evaluating predicate <expression>" under
// processing.<query id>.WhereFilter and the row is filtered out. The
// predicate runs in a transformValues before the filter
// (confluentinc/ksql v7.9.0 ksqldb-streams .../TableFilterBuilder.java);
// the filter asks its parent for old values (apache/kafka 3.9
// KTableFilter's constructor, "to avoid sending unnecessary tombstones"),
// which the materialized source grants, so the transformValues evaluates
// the predicate on the new value and then on the old one
// (KTableTransformValues.process): an update of a key that had a row logs
// what each of them throws, and a deletion what the old row throws; a
// null value is not evaluated (SqlPredicate's Transformer).
func TestProcessingLogHoldsWhatATablesWhereThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE twin (id INT PRIMARY KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='twin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE twout AS SELECT id, s FROM twin WHERE CAST(s AS INT) IS NULL OR a / b > 0 EMIT CHANGES;`, earliest())
	st.produce("twin",
		kv{intKey(1), []byte(`{"S":"x","A":4,"B":2}`)}, // new: the CAST's entry; passes
		kv{intKey(1), []byte(`{"S":"5","A":4,"B":0}`)}, // new: the predicate's entry; old: the CAST's
		kv{intKey(1), []byte(`{"S":"5","A":4,"B":2}`)}, // new passes; old: the predicate's entry
		kv{intKey(1), nil}, // old passes, nothing new to evaluate
		kv{intKey(2), []byte(`{"S":"y","A":1,"B":1}`)}) // new: the CAST's entry; passes

	out := st.consume("TWOUT", 5)
	t.Run("a row whose predicate throws is filtered out, deleting the key's result", func(t *testing.T) {
		var got []string
		for _, r := range out {
			v := "null"
			if r.value != nil {
				v = string(r.value)
			}
			got = append(got, v)
		}
		if want := `{"S":"x"} null {"S":"5"} null {"S":"y"}`; strings.Join(got, " ") != want {
			t.Errorf("results %s, want %s", strings.Join(got, " "), want)
		}
	})
	got := processingLogEntries(t, st, url, 5)
	cast := func(s string) logEntry {
		return logEntry{"WhereFilter", "Error processing INTEGER", []string{`For input string: "` + s + `"`}}
	}
	pred := logEntry{"WhereFilter", "Error evaluating predicate ((CAST(S AS INTEGER) IS NULL) OR ((A / B) > 0))", []string{"/ by zero"}}
	t.Run("a predicate that throws on a new row is logged under WhereFilter", func(t *testing.T) {
		checkEntries(t, got[:2], "CTAS_TWOUT_", []logEntry{cast("x"), pred})
	})
	t.Run("an update logs what its new row throws, then its old row", func(t *testing.T) {
		checkEntries(t, got[1:4], "CTAS_TWOUT_", []logEntry{pred, cast("x"), pred})
	})
	t.Run("a deletion evaluates no new row and an old row that passes logs nothing", func(t *testing.T) {
		checkEntries(t, got[4:], "CTAS_TWOUT_", []logEntry{cast("y")})
	})
}

// The old row a table's WHERE evaluates is the one in the source's store
// (KTableTransformValues reads it from the materialized source's store),
// which a restart restores from its changelog: the first update of a key
// after a restart logs what its old row throws.
func TestProcessingLogHoldsWhatATablesWhereThrowsOnAnOldRowAfterARestart(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url1 := st.serve(WithProcessingLog())
	mustKSQL(t, url1, `CREATE TABLE twr (id INT PRIMARY KEY, a INT, b INT) WITH (KAFKA_TOPIC='twr', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE twrout AS SELECT id, a FROM twr WHERE a / b > 0 EMIT CHANGES;`, earliest())
	st.produce("twr", kv{intKey(1), []byte(`{"A":4,"B":0}`)}, kv{intKey(2), []byte(`{"A":1,"B":1}`)})
	st.consume("TWROUT", 1)
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}

	_, url2 := st.serve(WithProcessingLog())
	st.produce("twr", kv{intKey(1), []byte(`{"A":4,"B":2}`)})
	st.consume("TWROUT", 2)
	got := processingLogEntries(t, st, url2, 2)
	pred := logEntry{"WhereFilter", "Error evaluating predicate ((A / B) > 0)", []string{"/ by zero"}}
	checkEntries(t, got, "CTAS_TWROUT_", []logEntry{pred, pred})
}

// A GROUP BY over a table is the TableGroupBy step's, which logs through
// the same GroupByParamsFactory as a stream's ("Error calculating group-by
// column with index <i>. The source row will be excluded from the
// table.", then "Group-by column with index <i> resolved to null. ..."
// for a NULL) under its query context, processing.<query id>.
// Aggregate.GroupBy (confluentinc/ksql v7.9.0 ksqldb-streams
// .../TableGroupByBuilderBase.java; historical_plans
// count_-_should_support_removing_zero_counts_from_table's
// "Aggregate/GroupBy"). KTable.groupBy maps each change's new row and then
// its old row (apache/kafka 3.9 KTableRepartitionMap.process), so an
// update logs what the grouping of each throws, the new row's first.
func TestProcessingLogHoldsWhatATablesGroupByThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE gtin (id INT PRIMARY KEY, s STRING, a INT, b INT) WITH (KAFKA_TOPIC='gtin', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE gtout AS SELECT a / b AS q, CAST(s AS INT) AS i, COUNT(*) AS c FROM gtin GROUP BY a / b, CAST(s AS INT) EMIT CHANGES;`, earliest())
	st.produce("gtin",
		kv{[]byte("1"), []byte(`{"S":"5","A":4,"B":0}`)}, // new: index 0 throws
		kv{[]byte("1"), []byte(`{"S":"x","A":4,"B":2}`)}, // new: index 1 is NULL; old: index 0 throws
		kv{[]byte("1"), []byte(`{"S":"5","A":4,"B":2}`)}, // new counted; old: index 1 is NULL
		kv{[]byte("2"), []byte(`{"S":"5","A":6,"B":3}`)}) // counted with it

	out := st.consume("GTOUT", 2)
	t.Run("the rows whose grouping fails are in no group", func(t *testing.T) {
		var got []string
		for _, r := range out {
			got = append(got, string(r.key)+" "+string(r.value))
		}
		if want := `{"Q":2,"I":5} {"C":1}|{"Q":2,"I":5} {"C":2}`; strings.Join(got, "|") != want {
			t.Errorf("results %s, want %s", strings.Join(got, "|"), want)
		}
	})
	got := processingLogEntries(t, st, url, 6)
	threw := logEntry{"Aggregate.GroupBy", "Error calculating group-by column with index 0. The source row will be excluded from the table.", []string{"/ by zero"}}
	cast := logEntry{"Aggregate.GroupBy", "Error processing INTEGER", []string{`For input string: "x"`}}
	null := logEntry{"Aggregate.GroupBy", "Group-by column with index 1 resolved to null. The source row will be excluded from the table.", nil}
	t.Run("a grouping expression that throws on a new row is logged for its index", func(t *testing.T) {
		checkEntries(t, got[:1], "CTAS_GTOUT_", []logEntry{threw})
	})
	t.Run("an update logs its new row's grouping, then its old row's", func(t *testing.T) {
		checkEntries(t, got[1:], "CTAS_GTOUT_", []logEntry{cast, null, threw, cast, null})
	})
}

// PARTITION BY over a join is the PartitionBy step that follows the join,
// over the join's columns named <alias>_<column> (historical_plans
// partition-by_-_partition_by_Key_in_join_on_Key_ALIASED: keyExpression
// "L_A" after the Join step): a key expression that throws is logged as
// "Error computing new key from expression <expression>" under
// processing.<query id>.PartitionBy and the key is NULL, and the Project
// step that follows logs what the projection throws (confluentinc/ksql
// v7.9.0 ksqldb-streams .../PartitionByParamsFactory.java,
// ksqldb-execution .../SelectValueMapper.java).
func TestProcessingLogHoldsWhatPartitionByOverAJoinThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE pjt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='pjt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM pjs (id INT KEY, a INT, s STRING) WITH (KAFKA_TOPIC='pjs', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM pjout AS SELECT s.a / t.b AS k, CAST(s.s AS INT) AS i FROM pjs s JOIN pjt t ON s.id = t.id PARTITION BY s.a / t.b EMIT CHANGES;`, earliest())
	st.produceJoin(joinRec{"pjt", 0, intKey(1), []byte(`{"B":0}`)}, joinRec{"pjt", 0, intKey(2), []byte(`{"B":2}`)},
		joinRec{"pjs", 100, intKey(1), []byte(`{"A":4,"S":"x"}`)}, joinRec{"pjs", 200, intKey(2), []byte(`{"A":4,"S":"5"}`)})

	out := st.consume("PJOUT", 2)
	t.Run("the record whose key throws has a NULL key", func(t *testing.T) {
		if out[0].key != nil || string(out[0].value) != `{"I":null}` || string(out[1].key) != string(intKey(2)) || string(out[1].value) != `{"I":5}` {
			t.Errorf("results %x %s, %x %s; want the first with no key", out[0].key, out[0].value, out[1].key, out[1].value)
		}
	})
	got := processingLogEntries(t, st, url, 2)
	t.Run("a key expression that throws is logged by the PartitionBy step over the join's names", func(t *testing.T) {
		checkEntries(t, got[:1], "CSAS_PJOUT_", []logEntry{{"PartitionBy", "Error computing new key from expression (S_A / T_B)", []string{"/ by zero"}}})
	})
	t.Run("the projection's failures follow under its logger", func(t *testing.T) {
		checkEntries(t, got[1:], "CSAS_PJOUT_", []logEntry{{"Project", "Error processing INTEGER", []string{`For input string: "x"`}}})
	})
}

// The projection of a table-table join is its Project step's, as a
// stream's join's: "Error computing expression <expression> for column
// <name> with index <i>" over the join's <alias>_<column> names, or a
// nested catch's entry, under processing.<query id>.Project
// (confluentinc/ksql v7.9.0 ksqldb-execution .../SelectValueMapper.java).
// The step is a transformValues over the join's results that keeps its
// own store (Project-Last, historical_plans
// joins_-_table_table_join_with_where_clause's Project step), so the old
// result it forwards is the store's, not evaluated again
// (apache/kafka 3.9 KTableTransformValues.process), and a deleted result
// is a null value it does not evaluate: each joined row is evaluated once.
func TestProcessingLogHoldsWhatATableTableJoinsProjectionThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE tja (id INT PRIMARY KEY, x INT) WITH (KAFKA_TOPIC='tja', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE tjb (id INT PRIMARY KEY, y INT, s STRING) WITH (KAFKA_TOPIC='tjb', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE tjout AS SELECT a.id, a.x / b.y AS q, CAST(b.s AS INT) AS i FROM tja a JOIN tjb b ON a.id = b.id EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"tja", 100, intKey(1), []byte(`{"X":4}`)},
		joinRec{"tjb", 200, intKey(1), []byte(`{"Y":0,"S":"5"}`)}, // Q throws
		joinRec{"tjb", 300, intKey(1), []byte(`{"Y":2,"S":"x"}`)}, // I's CAST throws
		joinRec{"tja", 400, intKey(1), nil},                       // the result deleted: nothing evaluated
		joinRec{"tja", 500, intKey(2), []byte(`{"X":1}`)},         // no result
		joinRec{"tjb", 600, intKey(2), []byte(`{"Y":0,"S":"6"}`)}) // Q throws

	out := st.consume("TJOUT", 1)
	t.Run("the failing column is NULL", func(t *testing.T) {
		if got := string(out[0].value); got != `{"Q":null,"I":5}` {
			t.Errorf("result %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 3)
	q := logEntry{"Project", "Error computing expression (A_X / B_Y) for column Q with index 0", []string{"/ by zero"}}
	t.Run("each joined row's failures are the Project step's, over the join's column names", func(t *testing.T) {
		checkEntries(t, got, "CTAS_TJOUT_", []logEntry{q, {"Project", "Error processing INTEGER", []string{`For input string: "x"`}}, q})
	})
}

// A table-table join's result that WHERE filtered out reaches the Project
// step as a null value, and so does its deletion: neither is evaluated
// (SelectValueMapper), so neither logs what the projection would throw.
func TestProcessingLogSkipsTableTableJoinResultsFilteredOutAndDeleted(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE tfa (id INT PRIMARY KEY, x INT) WITH (KAFKA_TOPIC='tfa', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE tfb (id INT PRIMARY KEY, y INT, s STRING) WITH (KAFKA_TOPIC='tfb', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE tfout AS SELECT a.id, CAST(b.s AS INT) AS i FROM tfa a JOIN tfb b ON a.id = b.id WHERE b.y > 0 EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"tfa", 100, intKey(1), []byte(`{"X":1}`)},
		joinRec{"tfb", 200, intKey(1), []byte(`{"Y":0,"S":"x"}`)}, // filtered out
		joinRec{"tfa", 300, intKey(1), nil},                       // deleted
		joinRec{"tfa", 400, intKey(2), []byte(`{"X":1}`)},
		joinRec{"tfb", 500, intKey(2), []byte(`{"Y":1,"S":"y"}`)}) // joined: the CAST throws

	st.consume("TFOUT", 1)
	got := processingLogEntries(t, st, url, 1)
	checkEntries(t, got, "CTAS_TFOUT_", []logEntry{{"Project", "Error processing INTEGER", []string{`For input string: "y"`}}})
}

// The projection of a foreign-key join is the Project step's too, each
// joined row evaluated once, when the left row joins and again when the
// right row it references changes (confluentinc/ksql v7.9.0
// ksqldb-streams .../ForeignKeyTableTableJoinBuilder.java, then
// SelectValueMapper).
func TestProcessingLogHoldsWhatAForeignKeyJoinsProjectionThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE fkl (id INT PRIMARY KEY, fk INT, s STRING) WITH (KAFKA_TOPIC='fkl', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fkr (id INT PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='fkr', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE fkout AS SELECT l.id, CAST(l.s AS INT) AS i, l.id / r.v AS q FROM fkl l JOIN fkr r ON l.fk = r.id EMIT CHANGES;`, earliest())
	st.produceJoin(
		joinRec{"fkr", 100, intKey(1), []byte(`{"V":0}`)},
		joinRec{"fkl", 200, intKey(1), []byte(`{"FK":1,"S":"5"}`)}, // Q throws
		joinRec{"fkr", 300, intKey(1), []byte(`{"V":0}`)},          // rejoined: Q throws
		joinRec{"fkl", 400, intKey(1), nil},                        // deleted: nothing evaluated
		joinRec{"fkl", 500, intKey(2), []byte(`{"FK":1,"S":"x"}`)}) // I's CAST throws, then Q

	st.consume("FKOUT", 1)
	got := processingLogEntries(t, st, url, 4)
	q := logEntry{"Project", "Error computing expression (L_ID / R_V) for column Q with index 1", []string{"/ by zero"}}
	checkEntries(t, got, "CTAS_FKOUT_", []logEntry{q, q, {"Project", "Error processing INTEGER", []string{`For input string: "x"`}}, q})
}

// An aggregation of a table filters, prepares and groups each change of
// its source, a Change of the key's new row and its old row, the steps
// one after the other, each evaluating the new row and then the old one
// before the next step runs (historical_plans
// count_-_should_support_removing_zero_counts_from_table: KTABLE-SOURCE
// --> ... --> Aggregate-Prepare --> KTABLE-FILTER --> Aggregate-GroupBy;
// apache/kafka 3.9 KTableTransformValues.process transforms the new value
// and then the old one, KTableRepartitionMap.process maps the new value
// and then the old one, and KTableImpl.groupBy asks its parents for old
// values): WHERE is the WhereFilter step's (TableFilterBuilder),
// an aggregate argument the Aggregate.Prepare step's ("Error computing
// expression (A / B) for column KSQL_INTERNAL_COL_5 with index 5" after
// the columns the SELECT, WHERE and GROUP BY clauses read, COUNT(*)
// reading ROWTIME: G, A, B, ROWTIME, W, as historical_plans
// suppress_-_should_suppress_after_a_filter_WHERE_clause prepares "ID AS
// ID", "ROWTIME AS ROWTIME", "COL1 AS COL1"; confluentinc/ksql v7.9.0
// ksqldb-execution .../SelectValueMapper.java), and GROUP BY the Aggregate.GroupBy step's
// (TableGroupByBuilderBase, GroupByParamsFactory), so an update logs
// WHERE's entries for both rows before either row's Prepare entries.
func TestProcessingLogHoldsWhatATablesAggregationThrowsStepByStep(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE TABLE awin (id INT PRIMARY KEY, w STRING, g STRING, a INT, b INT) WITH (KAFKA_TOPIC='awin', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE awout AS SELECT CAST(g AS INT) AS k, SUM(a / b) AS t, COUNT(*) AS c FROM awin WHERE CAST(w AS INT) IS NULL OR a > 0 GROUP BY CAST(g AS INT) EMIT CHANGES;`, earliest())
	st.produce("awin",
		kv{[]byte("1"), []byte(`{"W":"w1","G":"1","A":4,"B":0}`)},  // new: WHERE's CAST, the argument's entry; grouped
		kv{[]byte("1"), []byte(`{"W":"w2","G":"g2","A":6,"B":0}`)}) // new and old: WHERE's, the argument's, the grouping's

	out := st.consume("AWOUT", 2)
	t.Run("the old row leaves its group and the new row, whose grouping is NULL, joins none", func(t *testing.T) {
		if got := string(out[0].value) + " " + string(out[1].value); got != `{"T":0,"C":1} {"T":0,"C":0}` {
			t.Errorf("results %s", got)
		}
	})
	got := processingLogEntries(t, st, url, 8)
	cast := func(step, s string) logEntry {
		return logEntry{step, "Error processing INTEGER", []string{`For input string: "` + s + `"`}}
	}
	arg := logEntry{"Aggregate.Prepare", "Error computing expression (A / B) for column KSQL_INTERNAL_COL_5 with index 5", []string{"/ by zero"}}
	t.Run("a new row logs each step in turn", func(t *testing.T) {
		checkEntries(t, got[:2], "CTAS_AWOUT_", []logEntry{cast("WhereFilter", "w1"), arg})
	})
	t.Run("an update logs each step for its new row and then its old row before the next step", func(t *testing.T) {
		checkEntries(t, got[2:], "CTAS_AWOUT_", []logEntry{
			cast("WhereFilter", "w2"), cast("WhereFilter", "w1"), arg, arg, cast("Aggregate.GroupBy", "g2"),
			{"Aggregate.GroupBy", "Group-by column with index 0 resolved to null. The source row will be excluded from the table.", nil},
		})
	})
}

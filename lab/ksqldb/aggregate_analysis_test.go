package ksqldb

import (
	"strings"
	"testing"
)

// What ksqlDB's AggregateAnalyzer refuses (confluentinc/ksql v7.9.0): a
// SELECT expression outside aggregate functions that is not a GROUP BY
// expression and reads a column the GROUP BY does not have is named
// whole, all of them in one message with its hint; a HAVING reads only
// GROUP BY columns outside aggregates, and is told so by column. The
// statements and messages are query-validation-tests group-by.json's
// ("function with select field that is a subset of group by",
// "arithmetic binary expression with projection out-of-order &
// non-commutative group by", "string concat with separate fields in
// projection", "with aggregate arithmetic involving source field not in
// group by", "map used in non-aggregate function in select when group by
// uses subscript", "function with having field that is a subset of group
// by", "without group-by", "create table as select COUNT(*) with no group
// by").
func TestAggregateQueriesAreRefusedAsTheAggregateAnalyzerRefusesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (ID INT KEY, SOURCE STRING, F0 INT, F1 INT, F2 INT, D1 STRING, D2 STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE STREAM INPUT (ID INT KEY, col1 MAP<STRING, STRING>) WITH (kafka_topic='input_topic', partitions=1, value_format='JSON');`, nil)
	const hint = "\nEither add the column(s) to the GROUP BY or remove them from the SELECT."
	for _, c := range []struct{ stmt, want string }{
		{"CREATE TABLE OUTPUT AS SELECT SUBSTRING(source, 0, 1) AS Thing, COUNT(*) FROM TEST GROUP BY SUBSTRING(source, 0, 2);",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: SUBSTRING(SOURCE, 0, 1)" + hint},
		{"CREATE TABLE OUTPUT AS SELECT f1 - f2, COUNT(*) FROM TEST GROUP BY f2 - f1;",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: (F1 - F2)" + hint},
		{"CREATE TABLE OUTPUT AS SELECT f1, f2, COUNT(*) FROM TEST GROUP BY f2 + f1;",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: F1, F2" + hint},
		{"CREATE TABLE OUTPUT AS SELECT f1 * SUM(f2) FROM TEST GROUP BY f0;",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: (F1 * SUM(F2))" + hint},
		{"CREATE TABLE OUTPUT AS SELECT col1['foo'], AS_VALUE(col1) AS foo, COUNT(*) FROM input GROUP BY col1['foo'];",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: AS_VALUE(COL1)" + hint},
		{"CREATE TABLE OUTPUT AS SELECT SUBSTRING(source, 0, 2) AS Thing, COUNT(*) FROM TEST GROUP BY SUBSTRING(source, 0, 2) HAVING LEN(source) < 2;",
			"Non-aggregate HAVING expression not part of GROUP BY: SOURCE\nConsider switching the HAVING clause to a WHERE clause before the GROUP BY."},
		{"CREATE TABLE OUTPUT AS SELECT d1, COUNT() FROM TEST;",
			"Non-aggregate SELECT expression(s) not part of GROUP BY: D1" + hint},
		{"CREATE TABLE OUTPUT AS SELECT COUNT(*) FROM TEST;",
			"CREATE TABLE AS SELECT statement does not support aggregate function [COUNT(ROWTIME)] without a GROUP BY clause."},
		// "unknown function": functions are looked up before the GROUP BY
		// is checked (AggregateVisitor.visitFunctionCall)
		{"CREATE TABLE OUTPUT AS SELECT ID, WONT_FIND_ME(ID), COUNT(*) FROM TEST GROUP BY F0;",
			"Can't find any functions with the name 'WONT_FIND_ME'"},
		// "without aggregate functions": enforceAggregateRules' first rule
		{"CREATE TABLE OUTPUT AS SELECT SUBSTRING(D1, 1, 2) FROM TEST GROUP BY D1;",
			"GROUP BY requires aggregate functions in either the SELECT or HAVING clause."},
		// "aggregate function nested in arithmetic": the function's name
		{"CREATE TABLE OUTPUT AS SELECT D1, COUNT(*) FROM TEST GROUP BY 1 + SUM(F2);",
			"GROUP BY does not support aggregate functions: SUM is an aggregate function."},
	} {
		code, e := stmtErr(t, url, c.stmt)
		if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.want {
			t.Errorf("%s\n got %d %v\nwant 400 40001 %q", c.stmt, code, e["message"], c.want)
		}
	}
}

// An aggregation without GROUP BY is one group (the Analyzer groups by a
// constant, addDummyGroupbyForUdafs): a push query counts every row of the
// stream. ksqlDB's documentation has learners count a whole stream this
// way ("SELECT COUNT(*) FROM ... EMIT CHANGES").
func TestAnAggregationWithoutGroupByCountsTheWholeStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM pageviews (userid VARCHAR, bytes INT) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');", nil)
	st.produceValues("pageviews", `{"USERID":"a","BYTES":10}`, `{"USERID":"b","BYTES":5}`, `{"USERID":"a","BYTES":1}`)
	schema, rows := pushRows(t, url, "SELECT COUNT(*) AS n, SUM(bytes) AS total FROM pageviews EMIT CHANGES LIMIT 3;", 3)
	if schema != "`N` BIGINT, `TOTAL` INTEGER" {
		t.Errorf("schema %s", schema)
	}
	if got := strings.Join(rows, " "); got != "[1,10] [2,15] [3,16]" {
		t.Errorf("rows %s, want [1,10] [2,15] [3,16]", got)
	}
}

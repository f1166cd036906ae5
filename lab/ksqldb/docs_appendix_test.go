package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "ksqlDB SQL keywords and operators". Its keyword
// table does not say which keywords are reserved; ksqlDB's grammar does
// (SqlBase.g4 at v7.9.0): an identifier is an IDENTIFIER, a quoted or
// backquoted one, or a keyword of the nonReserved rule. The lists below
// are that rule and the grammar's other keyword tokens; each is tried as
// a column name. The operator table's entries that no other page shows
// run through a pull query on a one-row stream.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/appendix/

// nonReservedKeywords is SqlBase.g4's nonReserved rule.
var nonReservedKeywords = strings.Fields(`SHOW TABLES COLUMNS COLUMN PARTITIONS FUNCTIONS FUNCTION SESSION
  STRUCT MAP ARRAY PARTITION INTEGER DATE TIME TIMESTAMP INTERVAL ZONE STRING YEAR MONTH DAY HOUR
  MINUTE SECOND EXPLAIN ANALYZE TYPE TYPES SET RESET IF SOURCE SINK PRIMARY KEY EMIT CHANGES FINAL
  ESCAPE REPLACE ASSERT ALTER ADD HEADER HEADERS GRACE PERIOD DEFINE UNDEFINE VARIABLES PLUGINS
  SYSTEM TIMEOUT SCHEMA SUBJECT ID`)

// reservedKeywords are SqlBase.g4's keyword tokens outside nonReserved.
var reservedKeywords = strings.Fields(`SELECT FROM AS ALL DISTINCT WHERE WITHIN WINDOW GROUP BY HAVING
  LIMIT AT OR AND IN NOT EXISTS BETWEEN LIKE IS NULL TRUE FALSE MILLISECOND YEARS MONTHS DAYS HOURS
  MINUTES SECONDS MILLISECONDS TUMBLING HOPPING SIZE ADVANCE RETENTION CASE WHEN THEN ELSE END JOIN
  FULL OUTER INNER LEFT RIGHT ON WITH VALUES CREATE TABLE TOPIC STREAM STREAMS INSERT DELETE INTO
  DESCRIBE EXTENDED PRINT CAST LIST TOPICS QUERY QUERIES TERMINATE PAUSE RESUME LOAD DROP TO RENAME
  SAMPLE EXPORT CATALOG PROPERTIES BEGINNING UNSET RUN SCRIPT DECIMAL CONNECTOR CONNECTORS NAMESPACE
  MATERIALIZED VIEW`)

func keywordColumnStream(name, column string) string {
	return "CREATE STREAM " + name + " (" + column + " INT) WITH (kafka_topic='kw', partitions=1, value_format='JSON');"
}

// A non-reserved keyword, and the page's BYTES (a type name, not a
// keyword token), names a column unquoted, in any case.
func TestDocsAppendixNonReservedKeywordsAreIdentifiers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for i, kw := range append(nonReservedKeywords, "BYTES") {
		code, body := post(t, url, "/ksql", keywordColumnStream("NR"+itoa(int64(i)), strings.ToLower(kw)), nil)
		if code != 200 {
			t.Errorf("%s as a column: %d %s", kw, code, body)
		}
	}
}

// A reserved keyword is a syntax error where an identifier stands, and
// names a column once backquoted.
func TestDocsAppendixReservedKeywordsNeedBackquotes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for i, kw := range reservedKeywords {
		code, body := post(t, url, "/ksql", keywordColumnStream("R"+itoa(int64(i)), kw), nil)
		if code != 400 || !strings.Contains(string(body), `"message":"line 1:`) || !strings.Contains(string(body), "Syntax Error") {
			t.Errorf("%s as a column: %d %s, want a syntax error", kw, code, body)
		}
		if code, body := post(t, url, "/ksql", keywordColumnStream("Q"+itoa(int64(i)), "`"+kw+"`"), nil); code != 200 {
			t.Errorf("`%s` as a column: %d %s", kw, code, body)
		}
	}
}

// The operator table's ||, != and <>, the exponent E or e, => and the
// directive comment --@ (a comment to the server).
func TestDocsAppendixOperators(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, lexicalOneRow, nil)
	for _, c := range []struct{ expr, value string }{
		{"'ab' || 'cd'", `"abcd"`},
		{"'ab' + 'cd'", `"abcd"`},
		{"1 != 2", "true"},
		{"1 <> 1", "false"},
		{"2E2", "200.0"},
		{"2e-1", "0.2"},
		{"TRANSFORM(ARRAY[1, 2], x => x * 10)", "[10,20]"},
		{"V BETWEEN 0 AND 2", "true"},
		{"'abc' LIKE 'a%'", "true"},
		{"V IN (3, 1)", "true"},
	} {
		row := streamRows(t, url, "--@ a directive comment\nSELECT "+c.expr+" AS X FROM ONE EMIT CHANGES;", 1)[0]
		if row != "["+c.value+"]" {
			t.Errorf("%s: %s, want [%s]", c.expr, row, c.value)
		}
	}
}

// A struct field name is an identifier too: a reserved keyword there is a
// syntax error, and backquoted it names the field.
func TestDocsAppendixReservedKeywordsAsStructFieldsNeedBackquotes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, body := post(t, url, "/ksql", "CREATE STREAM S (TRAIN STRUCT<ID INT, RUN INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');", nil)
	if code != 400 || !strings.Contains(string(body), `"message":"line 1:39: Syntax Error`) {
		t.Errorf("STRUCT<ID INT, RUN INT>: %d %s", code, body)
	}
	mustKSQL(t, url, "CREATE STREAM S (TRAIN STRUCT<ID INT, `RUN` INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');", nil)
	code, body = post(t, url, "/query", "SELECT TRAIN->RUN FROM S;", nil)
	if code != 400 || !strings.Contains(string(body), `"message":"line 1:15: Syntax Error`) {
		t.Errorf("TRAIN->RUN: %d %s", code, body)
	}
}

package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Lexical structure", its examples run over the REST
// API. Literals and operators are read back through a pull query on a
// one-row stream, whose header names each expression's type. Literal types
// follow ksqlDB's parser: an integer is INTEGER, a number with a point and
// no exponent is a DECIMAL whose precision counts a leading zero
// (DecimalUtil.fromValue: 0.0087 is DECIMAL(5,4)), one with an exponent
// is a DOUBLE (query-validation-tests/literals.json).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/syntax/lexical-structure/

const lexicalOneRow = `CREATE STREAM ONE (K VARCHAR KEY, V INT) WITH (kafka_topic='one', partitions=1, value_format='JSON');
INSERT INTO ONE (K, V) VALUES ('k', 1);`

// The three statements the page calls syntactically valid run in order:
// the INSERT's row reaches s2 through the CREATE STREAM AS SELECT, and the
// push query on t1 finds its row by key.
func TestDocsLexicalStructureSyntaxExampleStatementsRun(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (a VARCHAR KEY, b VARCHAR) WITH (kafka_topic='s1', partitions=1, value_format='JSON');
CREATE TABLE t1 (k1 VARCHAR PRIMARY KEY, v VARCHAR) WITH (kafka_topic='t1', partitions=1, value_format='JSON');
INSERT INTO t1 (k1, v) VALUES ('bar', 'no');
INSERT INTO t1 (k1, v) VALUES ('foo', 'yes');`, nil)
	mustKSQL(t, url, `INSERT INTO s1 (a, b) VALUES ('k1', 'v1');

CREATE STREAM s2 AS
    SELECT a, b
    FROM s1
    EMIT CHANGES;`, earliest())
	if got := streamRows(t, url, "SELECT * FROM s2 EMIT CHANGES;", 1)[0]; got != `["k1","v1"]` {
		t.Errorf("s2 row %s, want [\"k1\",\"v1\"]", got)
	}
	if got := streamRows(t, url, "SELECT * FROM t1 WHERE k1='foo' EMIT CHANGES;", 1)[0]; got != `["foo","yes"]` {
		t.Errorf("t1 row %s, want [\"foo\",\"yes\"]", got)
	}
}

// A backticked identifier keeps its case and any character: the stream
// `s1` and its column `@MY-identifier-stream-column!` are selected as
// declared, and the unquoted s1 names another source, S1, which does not
// exist.
func TestDocsLexicalStructureBacktickedIdentifiersKeepCaseAndCharacters(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM `s1` (\n    k VARCHAR KEY,\n    `@MY-identifier-stream-column!` INT\n) WITH (\n    kafka_topic = 's1',\n    partitions = 3,\n    value_format = 'json'\n);\nINSERT INTO `s1` (k, `@MY-identifier-stream-column!`) VALUES ('a', 7);", nil)
	if got := streamRows(t, url, "SELECT `@MY-identifier-stream-column!` FROM `s1` EMIT CHANGES;", 1)[0]; got != "[7]" {
		t.Errorf("backticked select: %s, want [7]", got)
	}
	code, body := post(t, url, "/query", "SELECT * FROM s1;", nil)
	if code != 400 || !strings.Contains(string(body), "S1 does not exist") {
		t.Errorf("unquoted s1: %d %s, want S1 does not exist", code, body)
	}
}

// Each constant on the page, read back with its type: strings with a
// doubled quote, the nine numeric forms and the booleans in any case.
func TestDocsLexicalStructureConstantsHaveTheirDocumentedValues(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, lexicalOneRow, nil)
	for _, c := range []struct{ expr, typ, value string }{
		{"'Hello world'", "STRING", "Hello world"},
		{"'You can call me ''Stuart'', or Stu.'", "STRING", "You can call me 'Stuart', or Stu."},
		{"5", "INTEGER", "5"},
		{"7.2", "DECIMAL(2, 1)", "7.2"},
		{"0.0087", "DECIMAL(5, 4)", "0.0087"},
		{"1.", "DECIMAL(1, 0)", "1"},
		{".5", "DECIMAL(2, 1)", "0.5"},
		{"1e-3", "DOUBLE", "0.001"},
		{"1.332434e+2", "DOUBLE", "133.2434"},
		{"+100", "INTEGER", "100"},
		{"-250", "INTEGER", "-250"},
		{"true", "BOOLEAN", "true"},
		{"TRUE", "BOOLEAN", "true"},
		{"False", "BOOLEAN", "false"},
	} {
		hdr, rows, _ := pullRows(t, url, "SELECT "+c.expr+" AS X FROM ONE;")
		if hdr != "`X` "+c.typ || len(rows) != 1 || rows[0] != "["+c.value+"]" {
			t.Errorf("%s: header %s rows %v, want `X` %s [%s]", c.expr, hdr, rows, c.typ, c.value)
		}
	}
}

// Line comments and C-style block comments are skipped wherever they
// stand in a request, including around and inside a statement.
func TestDocsLexicalStructureCommentsAreIgnored(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "-- Here is a comment.\n"+lexicalOneRow+"\n/* Here is\n   another comment.\n */", nil)
	_, rows, _ := pullRows(t, url, "SELECT V /* Here is\n   another comment.\n */ + 1 AS X -- Here is a comment.\nFROM ONE;")
	if len(rows) != 1 || rows[0] != "[2]" {
		t.Errorf("commented query rows %v, want [2]", rows)
	}
}

// The precedence list: * / % before + -, comparisons before NOT, NOT
// before AND, AND before OR; equal levels group left to right, and
// parentheses override.
func TestDocsLexicalStructureOperatorsFollowThePrecedenceList(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, lexicalOneRow, nil)
	for _, c := range []struct{ expr, value string }{
		{"1 + 2 * 3", "7"},
		{"(5 + 2) * 3", "21"},
		{"10 - 4 - 3", "3"},
		{"7 - 6 % 4", "5"},
		{"12 / 3 * 2", "8"},
		{"NOT 1 = 2", "true"},
		{"NOT FALSE AND FALSE", "false"},
		{"TRUE OR TRUE AND FALSE", "true"},
		{"(TRUE OR TRUE) AND FALSE", "false"},
		{"1 + 1 <> 2 OR 1 < 2", "true"},
	} {
		_, rows, _ := pullRows(t, url, "SELECT "+c.expr+" AS X FROM ONE;")
		if len(rows) != 1 || rows[0] != "["+c.value+"]" {
			t.Errorf("%s: rows %v, want [%s]", c.expr, rows, c.value)
		}
	}
}

package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Type Coercion and Casting", its examples run with
// the WITH clause they elide filled in.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/type-coercion/

const fooStream = `CREATE STREAM FOO (
    A INT,
    B BIGINT
 ) WITH (kafka_topic='foo', partitions=1, value_format='JSON');`

// WHERE A > B compares the INT A, widened to BIGINT, with B: a B beyond
// INT's range still compares as a number.
func TestDocsTypeCoercionWidensAnIntToCompareItWithABigint(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fooStream, nil)
	st.produceValues("foo", `{"A":5,"B":3}`, `{"A":5,"B":4294967296}`, `{"A":-1,"B":-4294967296}`)
	hdr, rows, _ := pullRows(t, url, "SELECT * FROM FOO WHERE A > B; ")
	if hdr != "`A` INTEGER, `B` BIGINT" || strings.Join(rows, " ") != "[5 3] [-1 -4.294967296e+09]" {
		t.Errorf("A > B: %s %v", hdr, rows)
	}
}

// The page writes the IN list in brackets, which ksqlDB's grammar does not
// take (SqlBase.g4: IN '(' expression (',' expression)* ')'); it is refused
// at the '['.
func TestDocsTypeCoercionInListInBracketsIsASyntaxError(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fooStream, nil)
	code, body := post(t, url, "/query", "SELECT * FROM FOO WHERE A IN [B, 10, '100', '3e2']; ", nil)
	if code != 400 || !strings.Contains(string(body), `"message":"line 1:30: Syntax Error`) {
		t.Errorf("IN [...]: %d %s", code, body)
	}
}

// The IN example with the parentheses the grammar takes: A, an INT, sets a
// numeric list, so '100' is the number 100 and '3e2' the DOUBLE 300; A
// matches B, 10, 100 or 300.
func TestDocsTypeCoercionInListCoercesStringLiteralsToNumbers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fooStream, nil)
	st.produceValues("foo", `{"A":100,"B":1}`, `{"A":300,"B":2}`, `{"A":7,"B":7}`, `{"A":10,"B":0}`, `{"A":5,"B":6}`)
	_, rows, _ := pullRows(t, url, "SELECT * FROM FOO WHERE A IN (B, 10, '100', '3e2');")
	if got := strings.Join(rows, " "); got != "[100 1] [300 2] [7 7] [10 0]" {
		t.Errorf("A IN (B, 10, '100', '3e2'): %s", got)
	}
}

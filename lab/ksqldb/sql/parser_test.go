package sql

import (
	"errors"
	"strings"
	"testing"
)

func TestParseProjectStatements(t *testing.T) {
	text := `CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR)
  WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');
CREATE TABLE turnstile_summary WITH (KAFKA_TOPIC='TURNSTILE_SUMMARY', VALUE_FORMAT='JSON') AS
  SELECT station_id, COUNT(*) AS count FROM turnstile GROUP BY station_id EMIT CHANGES;`
	stmts, err := Parse(text)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(stmts) != 2 {
		t.Fatalf("got %d statements, want 2", len(stmts))
	}
	cs := stmts[0].Stmt.(*CreateSource)
	if cs.Table || cs.Name != "TURNSTILE" || len(cs.Columns) != 3 || cs.Columns[0].Name != "STATION_ID" || cs.Columns[0].Type.Name != "INTEGER" || cs.Columns[1].Type.Name != "STRING" {
		t.Fatalf("bad stream: %+v", cs)
	}
	if cs.Props[0].Name != "KAFKA_TOPIC" || cs.Props[0].Value.(*Literal).Text != "org.chicago.cta.station.turnstile.v1" {
		t.Fatalf("bad props: %+v", cs.Props)
	}
	if !strings.HasPrefix(stmts[1].Text, "CREATE TABLE turnstile_summary") || !strings.HasSuffix(stmts[1].Text, "EMIT CHANGES;") {
		t.Fatalf("bad text %q", stmts[1].Text)
	}
	ct := stmts[1].Stmt.(*CreateSource)
	q := ct.Query
	if !ct.Table || ct.Name != "TURNSTILE_SUMMARY" || q == nil || q.From != "TURNSTILE" || !q.EmitChanges || len(q.GroupBy) != 1 {
		t.Fatalf("bad ctas: %+v %+v", ct, q)
	}
	if q.Items[1].Alias != "COUNT" || !q.Items[1].Expr.(*FuncCall).Star {
		t.Fatalf("bad count item: %+v", q.Items[1])
	}
}

func TestParseQuotedIdentifiersKeepCase(t *testing.T) {
	stmts, err := Parse("CREATE STREAM `MixedCase` (`id` INT KEY, v STRING) WITH (KAFKA_TOPIC='t', FORMAT='JSON');")
	if err != nil {
		t.Fatal(err)
	}
	cs := stmts[0].Stmt.(*CreateSource)
	if cs.Name != "MixedCase" || cs.Columns[0].Name != "id" || !cs.Columns[0].Key || cs.Columns[1].Name != "V" {
		t.Fatalf("bad: %+v", cs)
	}
}

func TestParseSyntaxErrorHasPosition(t *testing.T) {
	cases := map[string]string{
		"SELLECT * FROM x;": "line 1:1: Syntax Error\nUnknown statement 'SELLECT'\nDid you mean 'SELECT'?",
		"CREATE STREAM s (a INT\n  b INT) WITH (KAFKA_TOPIC='t');": "line 2:3:",
		"SHOW TABLES":    "line 1:12:",
		"SELECT a FROM;": "line 1:14:",
		// SqlBase.g4: createStreamAs takes no SOURCE
		"CREATE SOURCE STREAM s AS SELECT * FROM t;": "line 1:24:",
	}
	for in, want := range cases {
		_, err := Parse(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%q: want syntax error, got %v", in, err)
		}
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %q, want prefix %q", in, err.Error(), want)
		}
	}
}

func TestParseUnsupportedIsNamed(t *testing.T) {
	cases := map[string]string{
		"CREATE CONNECTOR c WITH ('connector.class'='x');": "CREATE CONNECTOR",
		"EXPLAIN SELECT * FROM s EMIT CHANGES;":            "EXPLAIN <statement>",
	}
	for in, want := range cases {
		_, err := Parse(in)
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Construct != want {
			t.Errorf("%q: got %v, want unsupported %q", in, err, want)
		}
	}
}

func TestParseExpressions(t *testing.T) {
	stmts, err := Parse("SELECT a + b * 2 AS x, CAST(c AS BIGINT), UCASE(d) FROM s WHERE NOT a > 1 AND b IS NOT NULL OR c BETWEEN 1 AND 3 EMIT CHANGES LIMIT 5;")
	if err != nil {
		t.Fatal(err)
	}
	q := stmts[0].Stmt.(*QueryStatement).Query
	if got := Format(q.Items[0].Expr); got != "(A + (B * 2))" {
		t.Errorf("got %s", got)
	}
	if got := Format(q.Where); got != "(((NOT (A > 1)) AND (B IS NOT NULL)) OR (C BETWEEN 1 AND 3))" {
		t.Errorf("got %s", got)
	}
	if q.Limit == nil || *q.Limit != 5 {
		t.Errorf("limit %v", q.Limit)
	}
}

func TestParseOtherStatements(t *testing.T) {
	stmts, err := Parse(`SHOW STREAMS; LIST TABLES; SHOW QUERIES; SHOW TOPICS; SHOW PROPERTIES;
DESCRIBE EXTENDED foo; DESCRIBE bar; DROP TABLE IF EXISTS t DELETE TOPIC; TERMINATE CTAS_T_1;
SET 'auto.offset.reset'='earliest'; UNSET 'auto.offset.reset'; TERMINATE ALL;`)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 12 {
		t.Fatalf("got %d", len(stmts))
	}
	if d := stmts[7].Stmt.(*Drop); !d.Table || !d.IfExists || !d.DeleteTopic || d.Name != "T" {
		t.Errorf("drop %+v", d)
	}
	if s := stmts[9].Stmt.(*SetProperty); s.Name != "auto.offset.reset" || s.Value != "earliest" {
		t.Errorf("set %+v", s)
	}
}

// INSERT INTO target [(columns)] VALUES (expressions), as ksqlDB's grammar
// (SqlBase.g4 insertValues) has it; unquoted names are upper-cased.
func TestParseInsertValuesKeepsColumnsAndValuesInOrder(t *testing.T) {
	stmts, err := Parse("INSERT INTO trains (id, `line`) VALUES (1 + 2, 'red');")
	if err != nil {
		t.Fatal(err)
	}
	iv, ok := stmts[0].Stmt.(*InsertValues)
	if !ok {
		t.Fatalf("got %T", stmts[0].Stmt)
	}
	if iv.Target != "TRAINS" || len(iv.Columns) != 2 || iv.Columns[0] != "ID" || iv.Columns[1] != "line" || len(iv.Values) != 2 {
		t.Errorf("parsed %+v", iv)
	}
	if _, err := Parse("INSERT INTO trains (id) VALUES (1;"); err == nil {
		t.Error("unclosed VALUES list parsed")
	}
}

// A digit followed by letters, digits, '_' or '@' is an identifier
// (SqlBase.g4's DIGIT_IDENTIFIER) when it is longer than the number that
// starts it, as ANTLR's lexer takes the longest token and gives a tie to
// INTEGER_VALUE, DECIMAL_VALUE and FLOATING_POINT_VALUE, defined before it.
// query-validation-tests math.json "round" names columns 1R and 2R.
func TestLexDigitIdentifiers(t *testing.T) {
	for text, want := range map[string][]string{
		"ROUND(v, -1) as 1R": {"ROUND", "(", "v", ",", "-", "1", ")", "as", "1R"},
		"1e5 1e 1e5x 12 1.5": {"1e5", "1e", "1e5x", "12", "1.5"},
		"2_a@b 3":            {"2_a@b", "3"},
	} {
		toks, err := lex(text)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		var got []string
		for _, tk := range toks[:len(toks)-1] {
			got = append(got, tk.Text)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: tokens %q, want %q", text, got, want)
		}
	}
	kinds := map[string]Kind{}
	toks, _ := lex("1e5 1R 7")
	for _, tk := range toks {
		kinds[tk.Text] = tk.Kind
	}
	if kinds["1e5"] != Double || kinds["1R"] != Ident || kinds["7"] != Integer {
		t.Errorf("kinds %v", kinds)
	}
}

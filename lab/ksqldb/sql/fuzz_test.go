package sql

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that the parser never panics, that every failure is a
// positioned syntax error or a named unsupported construct, and that every
// statement's text is a slice of the input ending in ';'.
func FuzzParse(f *testing.F) {
	f.Add("CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');")
	f.Add("CREATE TABLE turnstile_summary WITH (KAFKA_TOPIC='TURNSTILE_SUMMARY', VALUE_FORMAT='JSON') AS SELECT station_id, COUNT(*) AS count FROM turnstile GROUP BY station_id EMIT CHANGES;")
	f.Add("SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;")
	f.Add("DROP TABLE IF EXISTS t DELETE TOPIC; TERMINATE CTAS_T_1;")
	f.Add("SET 'auto.offset.reset'='earliest';")
	f.Add("SELECT a, CAST(b AS BIGINT) FROM s WHERE a IN (1, 2) AND b LIKE 'x%' EMIT CHANGES LIMIT 3;")
	f.Add("SELECT CASE WHEN a IS DISTINCT FROM b THEN ARRAY[1, 2][1] ELSE MAP('k' := 1)['k'] END, s->f || 'x' FROM t WHERE c LIKE 'a!%' ESCAPE '!';")
	f.Add("SELECT STRUCT(a := 1)->A, CAST(x AS ARRAY<STRUCT<a INT>>) FROM t;")
	f.Add("SELECT k, COUNT(*) FROM s WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, RETENTION 2 DAYS, GRACE PERIOD 0 SECONDS) GROUP BY k EMIT FINAL;")
	f.Add("SELECT k, COUNT(*) FROM s WINDOW w SESSION (30 SECOND) GROUP BY k EMIT CHANGES;")
	f.Add("SELECT * FROM a x LEFT OUTER JOIN b y WITHIN (1 SECOND, 2 MINUTES) GRACE PERIOD 3 MILLISECONDS ON x.id = y.id FULL JOIN c ON c.id = x.id EMIT CHANGES;")
	f.Add("SELECT TRANSFORM(m, (k, v) => UCASE(k), (k, v) => REDUCE(v, 0, (s, x) => s + x)), FILTER(a, x => x > 1) FROM s PARTITION BY (a, b);")
	f.Add("CREATE STREAM o AS SELECT * FROM s PARTITION BY NULL;")
	f.Add("DEFINE x = 'a'; UNDEFINE y; SHOW VARIABLES; INSERT INTO ${s} (${c}) VALUES (${v}, '$${x}');")
	f.Fuzz(func(t *testing.T, text string) {
		stmts, err := Parse(text)
		if err != nil {
			var se *SyntaxError
			var ue *UnsupportedError
			if !errors.As(err, &se) && !errors.As(err, &ue) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if se != nil && (se.Pos.Line < 1 || se.Pos.Col < 1) {
				t.Fatalf("bad position %+v", se.Pos)
			}
			if !strings.HasPrefix(err.Error(), "line ") && ue == nil {
				t.Fatalf("syntax error without position: %q", err.Error())
			}
		}
		for _, s := range stmts {
			if !strings.HasSuffix(s.Text, ";") || !strings.Contains(text, s.Text) {
				t.Fatalf("statement text %q not a ';'-terminated slice of input", s.Text)
			}
			if s.Stmt == nil {
				t.Fatal("nil statement")
			}
		}
	})
}

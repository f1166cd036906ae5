package sql

import (
	"errors"
	"testing"
)

// Join syntax as ksqlDB's grammar (SqlBase.g4 joinedSource, joinType,
// withinExpression) and the join examples of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// write it.
func TestParseJoinTypesAliasesAndCriteria(t *testing.T) {
	stmts, err := Parse(`CREATE STREAM pageviews_enriched AS
  SELECT users.userid AS userid, pageid, regionid, gender
  FROM pageviews
    LEFT JOIN users ON pageviews.userid = users.userid
  EMIT CHANGES;
SELECT * FROM a x INNER JOIN b AS y ON x.id = y.id RIGHT OUTER JOIN c ON c.id = x.id FULL JOIN d ON x.id = d.id JOIN e ON e.id = x.id EMIT CHANGES;`)
	if err != nil {
		t.Fatal(err)
	}
	q := stmts[0].Stmt.(*CreateSource).Query
	if q.From != "PAGEVIEWS" || len(q.Joins) != 1 {
		t.Fatalf("bad query: %+v", q)
	}
	j := q.Joins[0]
	if j.Type != LeftJoin || j.Source != "USERS" || j.Alias != "USERS" || j.Within != nil || Format(j.On) != "(PAGEVIEWS.USERID = USERS.USERID)" {
		t.Fatalf("bad join: %+v %s", j, Format(j.On))
	}
	q = stmts[1].Stmt.(*QueryStatement).Query
	want := []struct {
		typ          JoinType
		source, alia string
	}{{InnerJoin, "B", "Y"}, {RightJoin, "C", "C"}, {OuterJoin, "D", "D"}, {InnerJoin, "E", "E"}}
	if q.FromAlias != "X" || len(q.Joins) != len(want) {
		t.Fatalf("bad query: %+v", q)
	}
	for i, w := range want {
		if g := q.Joins[i]; g.Type != w.typ || g.Source != w.source || g.Alias != w.alia {
			t.Errorf("join %d: got %v %s %s, want %v %s %s", i, g.Type, g.Source, g.Alias, w.typ, w.source, w.alia)
		}
	}
	if !q.EmitChanges {
		t.Error("EMIT CHANGES lost after the joins")
	}
}

func TestParseJoinWindows(t *testing.T) {
	cases := []struct {
		within        string
		before, after int64
		grace         int64 // -1: none
	}{
		{"WITHIN 1 HOURS", 3_600_000, 3_600_000, -1},
		{"WITHIN 10 SECONDS GRACE PERIOD 2 SECONDS", 10_000, 10_000, 2000},
		{"WITHIN (10 seconds, 20 seconds)", 10_000, 20_000, -1},
		{"WITHIN (1 MINUTE, 5 MILLISECONDS) GRACE PERIOD 1 DAY", 60_000, 5, 86_400_000},
	}
	for _, c := range cases {
		stmts, err := Parse("SELECT * FROM o JOIN p " + c.within + " ON p.id = o.id EMIT CHANGES;")
		if err != nil {
			t.Fatalf("%s: %v", c.within, err)
		}
		w := stmts[0].Stmt.(*QueryStatement).Query.Joins[0].Within
		if w == nil || w.Before != c.before || w.After != c.after || (c.grace < 0) != (w.Grace == nil) || w.Grace != nil && *w.Grace != c.grace {
			t.Errorf("%s: got %+v", c.within, w)
		}
	}
}

func TestParseJoinSyntaxErrors(t *testing.T) {
	for _, in := range []string{
		"SELECT * FROM a JOIN b EMIT CHANGES;",               // no ON
		"SELECT * FROM a JOIN b WITHIN 1 ON a.x = b.x;",      // no unit
		"SELECT * FROM a JOIN b WITHIN 1 WEEK ON a.x = b.x;", // not a window unit
		"SELECT * FROM a LEFT b ON a.x = b.x;",               // LEFT without JOIN
	} {
		_, err := Parse(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: want a syntax error, got %v", in, err)
		}
	}
}

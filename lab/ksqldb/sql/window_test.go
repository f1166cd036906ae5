package sql

import (
	"errors"
	"testing"
)

// The WINDOW clause grammar is ksqldb-parser's SqlBase.g4 (windowExpression,
// tumblingWindowExpression, hoppingWindowExpression, sessionWindowExpression,
// windowUnit); units normalise to Java TimeUnit names as
// WindowExpression.getWindowUnit does.
func TestParseWindowClauses(t *testing.T) {
	hour := WindowTime{1, "HOURS"}
	cases := []struct {
		in   string
		want Window
	}{
		{"SELECT x, COUNT(*) FROM s WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY x EMIT CHANGES;",
			Window{Kind: Tumbling, Size: WindowTime{30, "SECONDS"}}},
		{"SELECT x, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) GROUP BY x EMIT CHANGES;",
			Window{Kind: Tumbling, Size: hour, Grace: &WindowTime{2, "HOURS"}}},
		{"SELECT x, COUNT(*) FROM s WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, RETENTION 7 DAYS, GRACE PERIOD 0 MILLISECONDS) GROUP BY x EMIT CHANGES;",
			Window{Kind: Hopping, Size: hour, Advance: WindowTime{15, "MINUTES"}, Retention: &WindowTime{7, "DAYS"}, Grace: &WindowTime{0, "MILLISECONDS"}}},
		{"SELECT x, COUNT(*) FROM s WINDOW SESSION (5 MINUTE) GROUP BY x EMIT CHANGES;",
			Window{Kind: Session, Size: WindowTime{5, "MINUTES"}}},
		{"SELECT x, COUNT(*) FROM s WINDOW w1 tumbling (size 1 day, retention 2 days) GROUP BY x EMIT FINAL;",
			Window{Kind: Tumbling, Size: WindowTime{1, "DAYS"}, Retention: &WindowTime{2, "DAYS"}}},
	}
	for _, c := range cases {
		stmts, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		got := stmts[0].Stmt.(*QueryStatement).Query.Window
		if got == nil {
			t.Errorf("%s: no window", c.in)
			continue
		}
		if got.Kind != c.want.Kind || got.Size != c.want.Size || got.Advance != c.want.Advance ||
			!sameTime(got.Retention, c.want.Retention) || !sameTime(got.Grace, c.want.Grace) {
			t.Errorf("%s: got %+v, want %+v", c.in, got, c.want)
		}
	}
}

func sameTime(a, b *WindowTime) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestWindowTimeMillis(t *testing.T) {
	for in, want := range map[WindowTime]int64{
		{1, "HOURS"}: 3600000, {15, "MINUTES"}: 900000, {30, "SECONDS"}: 30000, {2, "MILLISECONDS"}: 2, {1, "DAYS"}: 86400000,
	} {
		if got := in.Millis(); got != want {
			t.Errorf("%v: got %d, want %d", in, got, want)
		}
	}
}

func TestParseEmitFinal(t *testing.T) {
	stmts, err := Parse("SELECT x, COUNT(*) FROM s WINDOW TUMBLING (SIZE 2 MILLISECONDS) GROUP BY x EMIT FINAL;")
	if err != nil {
		t.Fatal(err)
	}
	if q := stmts[0].Stmt.(*QueryStatement).Query; !q.EmitFinal || q.EmitChanges {
		t.Fatalf("got %+v", q)
	}
}

// What the grammar has no rule for is a syntax error: SESSION takes no SIZE
// or ADVANCE BY, HOPPING needs ADVANCE BY, units stop at DAYS.
func TestParseWindowSyntaxErrors(t *testing.T) {
	for _, in := range []string{
		"SELECT x, COUNT(*) FROM s WINDOW SESSION (1 MINUTE, ADVANCE BY 1 SECOND) GROUP BY x EMIT CHANGES;",
		"SELECT x, COUNT(*) FROM s WINDOW SESSION (SIZE 1 MINUTE) GROUP BY x EMIT CHANGES;",
		"SELECT x, COUNT(*) FROM s WINDOW HOPPING (SIZE 1 MINUTE) GROUP BY x EMIT CHANGES;",
		"SELECT x, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 WEEK) GROUP BY x EMIT CHANGES;",
		"SELECT x, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1.5 SECONDS) GROUP BY x EMIT CHANGES;",
		"SELECT x, COUNT(*) FROM s WINDOW SLIDING (SIZE 1 SECOND) GROUP BY x EMIT CHANGES;",
		"SELECT x, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 SECOND, GRACE 1 SECOND) GROUP BY x EMIT CHANGES;",
	} {
		_, err := Parse(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: want a syntax error, got %v", in, err)
		}
	}
}

package operators_test

import (
	"slices"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// planned plans a persistent query over a stream S (K STRING KEY, V INT).
func planned(t *testing.T, query string) *planner.Plan {
	t.Helper()
	ms := metastore.NewStore()
	ms.Sources["S"] = &metastore.Source{Name: "S", Topic: "s", KeyFormat: "KAFKA", ValueFormat: "JSON",
		Schema: types.Schema{Cols: []types.Column{{Name: "K", Type: types.String, Key: true}, {Name: "V", Type: types.Integer}}}}
	stmts, err := sql.Parse(query)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.PlanQuery(ms, stmts[0].Stmt.(*sql.CreateSource).Query, planner.ModePersistent, "T")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// in is a record of S at ts, laid out as the input scope: the columns,
// then ROWTIME, ROWPARTITION and ROWOFFSET.
func in(k string, v int32, ts int64) operators.InRow {
	return operators.InRow{Vals: []any{k, v, ts, int32(0), int64(0)}, TS: ts}
}

type windowCount struct {
	start, end, n int64
}

// A HOPPING window of 4 s advancing by 2 s counts a record in every window
// [start, start+4000) whose start is a multiple of 2000 and at most the
// record's time (Kafka Streams' TimeWindows.windowsFor): a record at 5 s
// in [2 s, 6 s) and [4 s, 8 s), one at 7 s in [4 s, 8 s) and [6 s, 10 s).
// Each update carries its window's bounds and the new count.
func TestAHoppingWindowCountsARecordInEveryWindowThatHoldsItsTime(t *testing.T) {
	p := planned(t, "CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW HOPPING (SIZE 4 SECONDS, ADVANCE BY 2 SECONDS) GROUP BY K;")
	n := slices.IndexFunc(p.Out.Cols, func(c types.Column) bool { return c.Name == "N" })
	if n < 0 {
		t.Fatalf("no N in %v", p.Out.Cols)
	}
	proc := operators.NewProcessor(p)
	var got []windowCount
	for _, r := range []operators.InRow{in("a", 1, 5000), in("a", 2, 7000)} {
		outs, _ := proc.Process(r, false)
		for _, o := range outs {
			if !o.Windowed {
				t.Fatalf("an update without its window: %+v", o)
			}
			got = append(got, windowCount{o.WindowStart, o.WindowEnd, o.Vals[n].(int64)})
		}
	}
	want := []windowCount{{2000, 6000, 1}, {4000, 8000, 1}, {4000, 8000, 2}, {6000, 10000, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("updates %v, want %v", got, want)
	}
}

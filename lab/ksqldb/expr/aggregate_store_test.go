package expr

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// storeCols are the columns the aggregate-state specs aggregate.
func storeCols(t *testing.T) []types.Column {
	dec, err := types.DecimalType(6, 2)
	if err != nil {
		t.Fatal(err)
	}
	return []types.Column{
		{Name: "I", Type: types.Integer}, {Name: "L", Type: types.Bigint}, {Name: "D", Type: types.Double},
		{Name: "S", Type: types.String}, {Name: "N", Type: dec}, {Name: "IL", Type: types.ArrayOf(types.Integer)},
		{Name: "DL", Type: types.ArrayOf(types.Double)}, {Name: "T", Type: types.Timestamp}, {Name: "X", Type: types.String},
	}
}

// storeCall compiles one aggregate call, as a SELECT item over storeCols.
func storeCall(t *testing.T, call string) *AggCall {
	t.Helper()
	stmts, err := sql.Parse("SELECT " + call + " FROM s GROUP BY X;")
	if err != nil {
		t.Fatal(err)
	}
	e := stmts[0].Stmt.(*sql.QueryStatement).Query.Items[0].Expr
	plan := &AggPlan{}
	c := &Compiler{In: &Scope{Cols: storeCols(t)}, Clause: "SELECT", Agg: plan}
	if _, err := c.Compile(e); err != nil {
		t.Fatalf("%s: %v", call, err)
	}
	return plan.Calls[0]
}

// storeRow is a row over storeCols from column name -> value.
func storeRow(t *testing.T, vals map[string]any) []any {
	cols := storeCols(t)
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = vals[c.Name]
	}
	return row
}

// storeSerdes are the serdes of the state column in each format that
// can hold the call's intermediate type.
func storeSerdes(t *testing.T, c *AggCall) map[string]*formats.Serde {
	fake := srfake.New()
	t.Cleanup(fake.Close)
	reg, err := formats.NewRegistry(fake.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	it := c.IntermediateType()
	// a store row holds the aggregation's non-aggregate columns before its
	// states (AggregateParamsFactory), here one; the KAFKA format holds a
	// single column, the state alone. A DELIMITED row of one null column
	// is empty bytes, which KsqlDelimitedDeserializer refuses ("No fields
	// in record"), so a one-column DELIMITED store could not hold a null
	// state in ksqlDB either.
	state := types.Column{Name: "KSQL_AGG_VARIABLE_0", Type: it}
	cols := []types.Column{{Name: "KSQL_INTERNAL_COL_0", Type: types.String}, state}
	names := []string{formats.JSON, formats.Avro}
	switch it.Kind() {
	case types.KindArray, types.KindMap, types.KindStruct:
	default:
		names = append(names, formats.Delimited)
		if it == types.Integer || it == types.Bigint || it == types.Double || it == types.String {
			names = append(names, formats.Kafka)
		}
	}
	out := map[string]*formats.Serde{}
	for _, f := range names {
		cols := cols
		if f == formats.Kafka {
			cols = []types.Column{state}
		}
		s := formats.NewSerde(f, cols, false, "agg-state-"+strings.ToLower(f), reg)
		if err := s.PrepareSink(context.Background()); err != nil {
			t.Fatalf("%s serde of %s: %v", f, it, err)
		}
		out[f] = s
	}
	return out
}

// observed is a call's result as a JSON sink writes it. A MAP's entries
// are sorted: their order is that of the HashMap the store's deserializer
// builds, which the format decides, not the aggregate. A DECIMAL SUM that
// has taken no value is BigDecimal.ZERO (DecimalSumKudaf.initialize),
// whose scale the store's schema then sets: written as the number.
func observed(t *testing.T, c *AggCall, s AggState) string {
	t.Helper()
	v := c.Value(s)
	if m, ok := v.(*types.KeyedMap); ok {
		entries := make([]string, m.Len())
		for i, k := range m.Keys {
			entries[i] = javaToString(k) + "=" + javaToString(m.Vals[i])
		}
		slices.Sort(entries)
		return strings.Join(entries, ", ")
	}
	if d, ok := v.(types.Decimal); ok && d.Sign() == 0 {
		return "0"
	}
	out := formats.NewSerde(formats.JSON, []types.Column{{Name: "R", Type: c.Result}}, false, "agg-result", nil)
	b, err := out.Encode([]any{v})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// throughStore takes s to its intermediate value, through serde, and back.
func throughStore(t *testing.T, c *AggCall, serde *formats.Serde, s AggState) AggState {
	t.Helper()
	row := []any{c.Intermediate(s)}
	if len(serde.Cols) == 2 {
		row = []any{"k", row[0]}
	}
	b, err := serde.Encode(row)
	if err != nil {
		t.Fatalf("encode %v: %v", row, err)
	}
	vals, err := serde.Decode(context.Background(), b)
	if err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	var back AggState
	if vals == nil { // a null record: the state was null
		back, err = c.FromIntermediate(nil)
	} else {
		back, err = c.FromIntermediate(vals[len(vals)-1])
	}
	if err != nil {
		t.Fatal(err)
	}
	return back
}

type storeStep struct {
	row  map[string]any
	sign int64
}

// An aggregation's state taken through the aggregate store and back gives
// the same result, and goes on to give the same results after further
// rows, their undo and a merge, in every format that can hold it.
func TestAggregateStatesRoundTripThroughTheStore(t *testing.T) {
	r := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	n := func(s string) types.Decimal {
		d, err := types.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	rows := []map[string]any{
		r("I", int32(3), "L", int64(30), "D", 1.25, "S", "a", "N", n("1.50"), "IL", []any{int32(1), nil, int32(2)}, "DL", []any{0.5}, "T", types.TimestampVal(1000), "X", "p"),
		r("I", int32(2147483000), "L", int64(-7), "D", -0.1, "S", "b", "N", n("-2.25"), "IL", []any{int32(4)}, "DL", []any{1.5, nil}, "T", types.TimestampVal(500), "X", "q"),
		r("I", nil, "L", nil, "D", nil, "S", nil, "N", nil, "IL", nil, "DL", nil, "T", nil, "X", nil),
		r("I", int32(9), "L", int64(9), "D", 9.75, "S", "a", "N", n("0.01"), "IL", []any{}, "DL", []any{2.0}, "T", types.TimestampVal(9000), "X", "r"),
	}
	more := []map[string]any{
		r("I", int32(1000), "L", int64(5), "D", 3.5, "S", "c", "N", n("10.00"), "IL", []any{int32(7)}, "DL", []any{7.5}, "T", types.TimestampVal(7), "X", "s"),
		r("I", int32(-4), "L", int64(-40), "D", 0.3, "S", "a", "N", n("3.33"), "IL", []any{int32(-1)}, "DL", []any{-1.0}, "T", types.TimestampVal(12), "X", "t"),
	}
	for _, call := range []string{
		"COUNT(*)", "COUNT(S)", "SUM(I)", "SUM(L)", "SUM(D)", "SUM(N)", "AVG(I)", "AVG(L)", "AVG(D)",
		"MIN(I)", "MAX(S)", "MIN(N)", "MAX(T)", "STDDEV_SAMPLE(I)", "STDDEV_SAMP(D)", "STDDEV_SAMPLE(L)",
		"CORRELATION(D, D)", "CORRELATION(I, I)", "SUM_LIST(IL)", "SUM_LIST(DL)", "ATTR(S)", "ATTR(N)",
		"LATEST_BY_OFFSET(S)", "LATEST_BY_OFFSET(S, false)", "EARLIEST_BY_OFFSET(I)", "EARLIEST_BY_OFFSET(I, false)",
		"LATEST_BY_OFFSET(D, 2)", "LATEST_BY_OFFSET(S, 3, false)", "EARLIEST_BY_OFFSET(N, 2)", "EARLIEST_BY_OFFSET(S, 2, false)",
		"COLLECT_LIST(S)", "COLLECT_SET(I)", "HISTOGRAM(S)", "TOPK(D, 2)", "TOPK(I, S, X, 2)", "TOPKDISTINCT(S, 2)",
		"TOPKDISTINCT(N, 3)", "COUNT_DISTINCT(S)", "COUNT_DISTINCT(N)",
	} {
		t.Run(call, func(t *testing.T) {
			c := storeCall(t, call)
			undo := Undoable[c.Name]
			apply := func(s *AggState, steps []storeStep) {
				for _, st := range steps {
					if st.sign < 0 && !undo {
						continue
					}
					if err := c.Add(s, storeRow(t, st.row), st.sign); err != nil {
						t.Fatal(err)
					}
				}
			}
			var built, other AggState
			apply(&built, []storeStep{{rows[0], 1}, {rows[1], 1}, {rows[2], 1}, {rows[1], -1}, {rows[1], 1}})
			apply(&other, []storeStep{{rows[3], 1}, {rows[0], 1}})
			merged := built
			c.Merge(&merged, other)
			later := []storeStep{{more[0], 1}, {more[1], 1}, {more[0], -1}, {rows[0], -1}}
			for f, serde := range storeSerdes(t, c) {
				for name, s := range map[string]AggState{"new": c.Init(), "built": built, "merged": merged} {
					back := throughStore(t, c, serde, s)
					if got, want := observed(t, c, back), observed(t, c, s); got != want {
						t.Errorf("%s %s state: result %s after the store, %s before", f, name, got, want)
					}
					a, b := s, back
					apply(&a, later)
					apply(&b, later)
					if got, want := observed(t, c, b), observed(t, c, a); got != want {
						t.Errorf("%s %s state: result %s after the store and more rows, %s without the store", f, name, got, want)
					}
					a2, b2 := s, back
					c.Merge(&a2, other)
					c.Merge(&b2, throughStore(t, c, serde, other))
					if got, want := observed(t, c, b2), observed(t, c, a2); got != want {
						t.Errorf("%s %s state: merged result %s after the store, %s without", f, name, got, want)
					}
				}
			}
		})
	}
}

// Each intermediate value is the one the UDAF holds (its source at
// confluentinc/ksql v7.9.0, ksqldb-engine/.../function/udaf/...).
func TestAggregateIntermediateValuesAreTheUDAFs(t *testing.T) {
	text := func(v any) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprintf("%T %s", v, javaToString(v))
	}
	for _, c := range []struct {
		call string
		rows []map[string]any
		want string
	}{
		{"COUNT(S)", []map[string]any{{"S": "a"}, {"S": nil}}, "int64 1"},                                        // CountKudaf
		{"SUM(I)", []map[string]any{{"I": int32(2147483647)}, {"I": int32(2)}}, "int32 -2147483647"},             // IntegerSumKudaf
		{"AVG(I)", []map[string]any{{"I": int32(3)}, {"I": int32(4)}}, "*types.StructVal Struct{SUM=7,COUNT=2}"}, // AverageUdaf
		{"AVG(D)", nil, "*types.StructVal Struct{SUM=0.0,COUNT=0}"},                                              // AverageUdaf.initialize
		{"STDDEV_SAMPLE(L)", []map[string]any{{"L": int64(1)}, {"L": int64(3)}}, "*types.StructVal Struct{SUM=4,COUNT=2,M2=2.0}"},
		{"CORRELATION(D, D)", []map[string]any{{"D": 2.0}}, "*types.StructVal Struct{X_SUM=2.0,Y_SUM=2.0,X_SQUARED_SUM=4.0,Y_SQUARED_SUM=4.0,XY_SUM=4.0,COUNT=1}"},
		{"ATTR(S)", []map[string]any{{"S": "a"}, {"S": nil}, {"S": "a"}}, "[]interface {} [Struct{VALUE=a,COUNT=2}, Struct{COUNT=1}]"}, // Attr
		{"EARLIEST_BY_OFFSET(S)", nil, "null"},                                      // EarliestByOffset.initialize: null
		{"EARLIEST_BY_OFFSET(S)", []map[string]any{{"S": nil}}, "null"},             // a NULL ignored leaves it null
		{"COLLECT_LIST(S)", nil, "[]interface {} []"},                               // CollectListUdaf.initialize
		{"HISTOGRAM(S)", []map[string]any{{"S": "a"}}, "*types.KeyedMap {a=1}"},     // HistogramUdaf
		{"SUM_LIST(IL)", []map[string]any{{"IL": []any{int32(1), nil}}}, "int32 1"}, // ListSumUdaf
		{"MIN(I)", nil, "null"},                                                     // MinKudaf.initialize: null
	} {
		t.Run(c.call, func(t *testing.T) {
			call := storeCall(t, c.call)
			s := call.Init()
			for _, row := range c.rows {
				if err := call.Add(&s, storeRow(t, row), 1); err != nil {
					t.Fatal(err)
				}
			}
			if got := text(call.Intermediate(s)); got != c.want {
				t.Errorf("intermediate %s, want %s", got, c.want)
			}
		})
	}
	t.Run("COUNT_DISTINCT keeps RegisterSet's 2731 ints", func(t *testing.T) { // CountDistinct.initialize
		call := storeCall(t, "COUNT_DISTINCT(S)")
		v, _ := call.Intermediate(AggState{}).([]any)
		if len(v) != 2731 || v[0] != int32(0) {
			t.Errorf("intermediate of %d values, the first %v; want 2731 int32 zeros", len(v), v[0])
		}
	})
	t.Run("BY_OFFSET structs hold the sequence from 0 and the value", func(t *testing.T) { // KudafByOffsetUtils.createStruct
		call := storeCall(t, "EARLIEST_BY_OFFSET(S, 2)")
		var s AggState
		for _, v := range []string{"a", "b", "c"} {
			if err := call.Add(&s, storeRow(t, map[string]any{"S": v}), 1); err != nil {
				t.Fatal(err)
			}
		}
		list, _ := call.Intermediate(s).([]any)
		if len(list) != 2 {
			t.Fatalf("intermediate %v, want two structs", list)
		}
		first, second := list[0].(*types.StructVal), list[1].(*types.StructVal)
		if first.Vals[1] != "a" || second.Vals[1] != "b" || second.Vals[0].(int64) != first.Vals[0].(int64)+1 || first.Vals[0].(int64) != s.Q[0]-1 {
			t.Errorf("intermediate %s, want a and b at consecutive sequences", javaToString(list))
		}
	})
	t.Run("LATEST_BY_OFFSET's initial struct takes a sequence and holds no value", func(t *testing.T) { // LatestByOffset.latestT initialize
		call := storeCall(t, "LATEST_BY_OFFSET(S)")
		a, b := call.Intermediate(call.Init()).(*types.StructVal), call.Intermediate(call.Init()).(*types.StructVal)
		if a.Vals[1] != nil || b.Vals[0].(int64) != a.Vals[0].(int64)+1 {
			t.Errorf("initial structs %s, %s; want NULL values at consecutive sequences", javaToString(a), javaToString(b))
		}
	})
}

// A value of another shape than the call's intermediate type is a
// corrupt store, an error.
func TestAggregateIntermediateOfAnotherShapeIsAnError(t *testing.T) {
	for call, v := range map[string]any{
		"COUNT(S)": "x", "AVG(I)": int64(1), "COUNT_DISTINCT(S)": []any{int32(1)}, "ATTR(S)": []any{"a"},
		"EARLIEST_BY_OFFSET(S)": "a", "LATEST_BY_OFFSET(S, 2)": []any{int64(1)}, "HISTOGRAM(S)": []any{}, "SUM(N)": 1.5,
	} {
		if s, err := storeCall(t, call).FromIntermediate(v); err == nil {
			t.Errorf("%s from %v = %+v, want an error", call, v, s)
		}
	}
}

// AVG of INTEGER values sums them as a Java int, which wraps
// (AverageUdaf.averageInt: sum.getInt32(SUM) + newValue), and divides
// that sum by the count.
func TestAverageOfIntegersSumsAsJavaInt(t *testing.T) {
	c := storeCall(t, "AVG(I)")
	var s AggState
	for _, v := range []int32{2147483647, 1} {
		if err := c.Add(&s, storeRow(t, map[string]any{"I": v}), 1); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Value(s); got != -1073741824.0 {
		t.Errorf("AVG = %v, want -1.073741824E9", got)
	}
}

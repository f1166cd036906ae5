package functions

import (
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Overload resolution as ksqlDB's UdfIndex does it (confluentinc/ksql
// v7.9.0, ksqldb-common/.../function/UdfIndex.java, and SqlBaseType's
// canImplicitlyCast: INTEGER -> BIGINT -> DECIMAL -> DOUBLE): an exact fit
// first, else the overload needing the fewest implicit casts; a narrowing
// is no fit.
func TestResolvePicksTheOverloadNeedingTheFewestImplicitCasts(t *testing.T) {
	f := &UDF{name: "f", overloads: []Overload{
		{Params: []Param{p(types.Double, "x")}, Ret: types.Double},
		{Params: []Param{p(types.Bigint, "x")}, Ret: types.Bigint},
	}}
	for arg, want := range map[types.Type]types.Type{
		types.Integer:               types.Bigint, // one step, not three
		types.Bigint:                types.Bigint, // exact
		types.MustDecimalType(4, 2): types.Double, // DECIMAL widens to DOUBLE only
		types.Double:                types.Double,
		types.Null:                  types.Double, // a NULL literal fits the first
	} {
		o, err := f.Resolve([]types.Type{arg})
		if err != nil || o.Ret != want {
			t.Errorf("f(%s): %v %v, want the %s overload", arg, o.Ret, err, want)
		}
	}
}

func TestResolveRefusesANarrowingWithUdfIndexsMessage(t *testing.T) {
	_, err := Scalars["SUBSTRING"].Resolve([]types.Type{types.String, types.Bigint})
	want := "Function 'substring' does not accept parameters (STRING, BIGINT).\nValid alternatives are:\nsubstring(STRING str, INTEGER pos)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("substring(STRING, BIGINT): %v, want prefix %q", err, want)
	}
}

// Abs has an Integer, a Long and a Double overload (Abs.java); each keeps
// its argument's type.
func TestAbsKeepsItsArgumentsType(t *testing.T) {
	for _, typ := range []types.Type{types.Integer, types.Bigint, types.Double} {
		o, err := Scalars["ABS"].Resolve([]types.Type{typ})
		if err != nil || o.Ret != typ {
			t.Errorf("ABS(%s): %v %v", typ, o.Ret, err)
		}
	}
	o, _ := Scalars["ABS"].Resolve([]types.Type{types.Integer})
	if got := o.Fn([]any{int32(-3)}); got != int32(3) {
		t.Errorf("ABS(-3) = %v", got)
	}
}

// A generic function types its result from its arguments' element type
// (ArrayMax.java: <T extends Comparable> T arrayMax(List<T>)).
func TestGenericFunctionsTypeTheirResultFromTheElementType(t *testing.T) {
	ret, fn, err := Generics["ARRAY_MAX"]("ARRAY_MAX", []types.Type{types.ArrayOf(types.Bigint)})
	if err != nil || ret != types.Bigint {
		t.Fatalf("ARRAY_MAX(ARRAY<BIGINT>): %v %v", ret, err)
	}
	if got := fn([]any{[]any{int64(3), nil, int64(9), int64(-1)}}); got != int64(9) {
		t.Errorf("ARRAY_MAX([3, NULL, 9, -1]) = %v", got)
	}
	if _, _, err := Generics["ARRAY_CONCAT"]("ARRAY_CONCAT", []types.Type{types.ArrayOf(types.Integer), types.ArrayOf(types.Bigint)}); err == nil {
		t.Error("ARRAY_CONCAT of ARRAY<INTEGER> and ARRAY<BIGINT> was accepted; the element types must agree")
	}
}

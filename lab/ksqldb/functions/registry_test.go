package functions

import (
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Overload resolution as ksqlDB's UdfIndex does it (confluentinc/ksql
// v7.9.0, ksqldb-common/.../function/UdfIndex.java, and SqlBaseType's
// canImplicitlyCast: INTEGER -> BIGINT -> DECIMAL -> DOUBLE, STRING to the
// time types and BYTES): an exact fit first, else the overloads the
// arguments fit after implicit casts; of several, the node comparator's
// best (a fixed arity before varargs), and ambiguity when two rank alike,
// however many casts each needs; a narrowing is no fit.
func TestResolveAsUdfIndex(t *testing.T) {
	f := &UDF{name: "f", overloads: []Overload{
		{Params: []Param{p(types.Double, "x")}, Ret: types.Double},
		{Params: []Param{p(types.Bigint, "x")}, Ret: types.Bigint},
		{Params: []Param{p(types.Date, "x")}, Ret: types.Date},
		{Params: []Param{p(types.String, "x"), p(types.String, "xs")}, variadic: true, Ret: types.String},
	}}
	for arg, want := range map[types.Type]types.Type{
		types.Bigint:                types.Bigint, // exact
		types.MustDecimalType(4, 2): types.Double, // DECIMAL widens to DOUBLE only
		types.Double:                types.Double,
		types.String:                types.String, // exact, though it casts to DATE
	} {
		o, err := f.Resolve([]types.Type{arg})
		if err != nil || o.Ret != want {
			t.Errorf("f(%s): %v %v, want the %s overload", arg, o.Ret, err, want)
		}
	}
	for _, arg := range []types.Type{
		types.Time,    // no fit
		types.Integer, // BIGINT and DOUBLE after casts: ambiguous
		types.Null,    // fits every overload: ambiguous
	} {
		if o, err := f.Resolve([]types.Type{arg}); err == nil {
			t.Errorf("f(%s): the %s overload, want a refusal", arg, o.Ret)
		}
	}
	_, err := f.Resolve([]types.Type{types.Integer})
	if want := "Function 'f' cannot be resolved due to ambiguous method parameters (INTEGER).\nUse CAST() to explicitly cast your parameters to one of the supported function calls.\nValid function calls are:\nf(DOUBLE x)\nf(BIGINT x)\nf(DATE x)\nf(STRING x, STRING... xs)\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;"; err == nil || err.Error() != want {
		t.Errorf("f(INTEGER): %v\nwant %s", err, want)
	}
	// a fixed arity ranks above varargs: g(NULL) is not ambiguous
	g := &UDF{name: "g", overloads: []Overload{
		{Params: []Param{p(types.Integer, "x"), p(types.Integer, "xs")}, variadic: true, Ret: types.Bigint},
		{Params: []Param{p(types.Integer, "x")}, Ret: types.Integer},
	}}
	if o, err := g.Resolve([]types.Type{types.Null}); err != nil || o.Ret != types.Integer {
		t.Errorf("g(NULL): %v %v, want the fixed-arity overload", o.Ret, err)
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

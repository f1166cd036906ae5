package functions

import (
	"math"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Trigonometric functions and their kin, as confluentinc/ksql
// ksqldb-engine/.../function/udf/math/{Acos,Asin,Atan,Atan2,Cbrt,Cos,Cosh,
// Cot,Degrees,Pi,Radians,Sin,Sinh,Tan,Tanh}.java declare them: INT, BIGINT
// and DOUBLE overloads, each a DOUBLE through java.lang.Math, NULL for NULL.

// Math.toDegrees and Math.toRadians multiply by these constants.
const (
	javaRadiansToDegrees = 57.29577951308232
	javaDegreesToRadians = 0.017453292519943295
)

// double1 is a one-argument DOUBLE function over INT, BIGINT and DOUBLE.
func double1(name string, f func(float64) float64) *UDF {
	return num1(name, "value", types.Double, types.Double, types.Double, toDouble(f), toDouble(f), toDouble(f))
}

func init() {
	register(double1("acos", math.Acos))
	register(double1("asin", javaAsin))
	register(double1("atan", math.Atan))
	register(double1("cbrt", math.Cbrt))
	register(double1("cos", javaCos))
	register(double1("cosh", math.Cosh))
	register(double1("cot", func(x float64) float64 { return 1.0 / math.Tan(x) }))
	register(double1("degrees", func(x float64) float64 { return x * javaRadiansToDegrees }))
	register(double1("radians", func(x float64) float64 { return x * javaDegreesToRadians }))
	register(double1("sin", javaSin))
	register(double1("sinh", math.Sinh))
	register(double1("tan", math.Tan))
	register(double1("tanh", math.Tanh))
	register(&UDF{name: "pi", overloads: []Overload{{Ret: types.Double, Fn: func([]any) any { return math.Pi }}}})

	atan2 := func(a []any) any {
		if a[0] == nil || a[1] == nil {
			return nil
		}
		return math.Atan2(types.ToFloat(a[0]), types.ToFloat(a[1]))
	}
	var os []Overload
	for _, t := range []types.Type{types.Integer, types.Bigint, types.Double} {
		os = append(os, Overload{Params: []Param{p(t, "y"), p(t, "x")}, Ret: types.Double, Fn: atan2})
	}
	register(&UDF{name: "atan2", overloads: os})
}

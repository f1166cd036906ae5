package functions

import (
	"math"
	"math/big"
	"math/rand/v2"

	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Numeric functions, as confluentinc/ksql ksqldb-engine
// src/main/java/io/confluent/ksql/function/udf/math/*.java declare them
// (overloads and result types) and the scalar-functions reference documents
// them: https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/

// num1 builds overloads of a one-argument numeric function over INT, BIGINT and DOUBLE.
func num1(name, pname string, ri, rb, rd types.Type, fi, fb, fd func(any) any) *UDF {
	wrap := func(f func(any) any) func([]any) any {
		return func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return f(a[0])
		}
	}
	return &UDF{name: name, overloads: []Overload{
		{Params: []Param{p(types.Integer, pname)}, Ret: ri, Fn: wrap(fi)},
		{Params: []Param{p(types.Bigint, pname)}, Ret: rb, Fn: wrap(fb)},
		{Params: []Param{p(types.Double, pname)}, Ret: rd, Fn: wrap(fd)},
	}}
}

func same(v any) any { return v }

func toDouble(f func(float64) float64) func(any) any {
	return func(v any) any { return f(types.ToFloat(v)) }
}

// javaRound is Math.round(double): the closest long, ties towards positive
// infinity; NaN is 0 and out-of-range values saturate.
func javaRound(f float64) int64 {
	if math.IsNaN(f) {
		return 0
	}
	r := math.Floor(f)
	if f-r >= 0.5 {
		r++
	}
	return javanum.JavaLong(r, math.MinInt64, math.MaxInt64)
}

// decimalScale rounds or truncates the decimal value Java's
// BigDecimal.valueOf(d) gives (the digits of Double.toString) to places
// decimal places. Rounding is ksqlDB's Round: HALF_UP above zero, HALF_DOWN
// below (ties go towards positive infinity); truncation is RoundingMode.DOWN.
func decimalScale(d float64, places int32, truncate bool) any {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return nil // BigDecimal.valueOf throws NumberFormatException
	}
	r, ok := new(big.Rat).SetString(javanum.FormatDouble(d))
	if !ok {
		return nil
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(int(places)))), nil))
	if places < 0 {
		scale.Inv(scale)
	}
	x := new(big.Rat).Mul(r, scale)
	q, rem := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if !truncate {
		twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
		c := twice.Cmp(x.Denom())
		switch {
		case rem.Sign() > 0 && c >= 0:
			q.Add(q, big.NewInt(1))
		case rem.Sign() < 0 && c > 0:
			q.Sub(q, big.NewInt(1))
		}
	}
	f, _ := new(big.Rat).Quo(new(big.Rat).SetInt(q), scale).Float64()
	return f
}

func signum(v any) any {
	switch x := v.(type) {
	case int32:
		return int32(types.Compare(x, int32(0)))
	case int64:
		return int32(types.Compare(x, int64(0)))
	case float64:
		switch {
		case x > 0:
			return int32(1)
		case x < 0:
			return int32(-1)
		}
		return int32(0) // (int) Math.signum: zero and NaN give 0
	}
	return nil
}

func absValue(v any) any {
	switch x := v.(type) {
	case int32:
		if x < 0 {
			return -x
		}
		return x
	case int64:
		if x < 0 {
			return -x
		}
		return x
	case float64:
		return math.Abs(x)
	}
	return nil
}

// extreme is GREATEST / LEAST: the largest (smallest) non-NULL argument.
func extreme(sign int) func([]any) any {
	return func(a []any) any {
		var best any
		for _, v := range a {
			if v != nil && (best == nil || types.Compare(v, best)*sign > 0) {
				best = v
			}
		}
		return best
	}
}

func init() {
	register(num1("Abs", "val", types.Integer, types.Bigint, types.Double, absValue, absValue, absValue))
	register(num1("Ceil", "val", types.Integer, types.Bigint, types.Double, same, same, toDouble(math.Ceil)))
	register(num1("Floor", "val", types.Integer, types.Bigint, types.Double, same, same, toDouble(math.Floor)))
	register(num1("sign", "value", types.Integer, types.Integer, types.Integer, signum, signum, signum))
	register(num1("sqrt", "value", types.Double, types.Double, types.Double, toDouble(math.Sqrt), toDouble(math.Sqrt), toDouble(math.Sqrt)))
	register(num1("exp", "exponent", types.Double, types.Double, types.Double, toDouble(math.Exp), toDouble(math.Exp), toDouble(math.Exp)))
	register(num1("ln", "value", types.Double, types.Double, types.Double, toDouble(javaLog), toDouble(javaLog), toDouble(javaLog)))

	toLong := func(v any) any { return types.ToInt(v) }
	register(&UDF{name: "Round", overloads: []Overload{
		{Params: []Param{p(types.Bigint, "val")}, Ret: types.Bigint, Fn: func(a []any) any { return a[0] }},
		{Params: []Param{p(types.Integer, "val")}, Ret: types.Bigint, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return toLong(a[0])
		}},
		{Params: []Param{p(types.Double, "val")}, Ret: types.Bigint, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return javaRound(a[0].(float64))
		}},
		{Params: []Param{p(types.Double, "val"), p(types.Integer, "decimalPlaces")}, Ret: types.Double, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			return decimalScale(a[0].(float64), a[1].(int32), false)
		}},
	}})
	register(&UDF{name: "trunc", overloads: []Overload{
		{Params: []Param{p(types.Bigint, "val")}, Ret: types.Bigint, Fn: func(a []any) any { return a[0] }},
		{Params: []Param{p(types.Integer, "val")}, Ret: types.Bigint, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return toLong(a[0])
		}},
		{Params: []Param{p(types.Double, "val")}, Ret: types.Bigint, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return javanum.JavaLong(a[0].(float64), math.MinInt64, math.MaxInt64)
		}},
		{Params: []Param{p(types.Double, "val"), p(types.Integer, "decimalPlaces")}, Ret: types.Double, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			return decimalScale(a[0].(float64), a[1].(int32), true)
		}},
	}})

	logOf := func(a []any) any {
		if a[0] == nil {
			return nil
		}
		return javaLog(types.ToFloat(a[0]))
	}
	logBase := func(a []any) any {
		if a[0] == nil || a[1] == nil {
			return nil
		}
		base, v := types.ToFloat(a[0]), types.ToFloat(a[1])
		if base <= 0 || base == 1 {
			return math.NaN()
		}
		return javaLog(v) / javaLog(base)
	}
	register(&UDF{name: "log", overloads: []Overload{
		{Params: []Param{p(types.Integer, "value")}, Ret: types.Double, Fn: logOf},
		{Params: []Param{p(types.Bigint, "value")}, Ret: types.Double, Fn: logOf},
		{Params: []Param{p(types.Double, "value")}, Ret: types.Double, Fn: logOf},
		{Params: []Param{p(types.Integer, "base"), p(types.Integer, "value")}, Ret: types.Double, Fn: logBase},
		{Params: []Param{p(types.Bigint, "base"), p(types.Bigint, "value")}, Ret: types.Double, Fn: logBase},
		{Params: []Param{p(types.Double, "base"), p(types.Double, "value")}, Ret: types.Double, Fn: logBase},
	}})
	pow := func(a []any) any {
		if a[0] == nil || a[1] == nil {
			return nil
		}
		return math.Pow(types.ToFloat(a[0]), types.ToFloat(a[1]))
	}
	register(&UDF{name: "power", overloads: []Overload{
		{Params: []Param{p(types.Integer, "base"), p(types.Integer, "exponent")}, Ret: types.Double, Fn: pow},
		{Params: []Param{p(types.Bigint, "base"), p(types.Bigint, "exponent")}, Ret: types.Double, Fn: pow},
		{Params: []Param{p(types.Double, "base"), p(types.Double, "exponent")}, Ret: types.Double, Fn: pow},
	}})
	register(&UDF{name: "random", overloads: []Overload{{Ret: types.Double, Fn: func([]any) any { return rand.Float64() }}}})

	for _, v := range []struct {
		name string
		sign int
	}{{"greatest", 1}, {"least", -1}} {
		var os []Overload
		// Greatest.java and Least.java's overloads, in their order; a
		// DECIMAL call is run by the compiler, whose result type widens
		// over the arguments' (greatestDecimalProvider)
		for _, t := range []types.Type{types.Integer, types.Bigint, types.Double, types.String, types.Bytes, types.Date, types.Time, types.Timestamp, types.AnyDecimal} {
			os = append(os, Overload{Params: []Param{p(t, "val"), p(t, "vals")}, variadic: true, Ret: t, Fn: extreme(v.sign)})
		}
		register(&UDF{name: v.name, overloads: os})
	}
}

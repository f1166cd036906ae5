package ksqldb

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
func num1(name, pname string, ri, rb, rd types.Type, fi, fb, fd func(any) any) *udf {
	wrap := func(f func(any) any) func([]any) any {
		return func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return f(a[0])
		}
	}
	return &udf{name: name, overloads: []overload{
		{params: []param{p(types.Integer, pname)}, ret: ri, fn: wrap(fi)},
		{params: []param{p(types.Bigint, pname)}, ret: rb, fn: wrap(fb)},
		{params: []param{p(types.Double, pname)}, ret: rd, fn: wrap(fd)},
	}}
}

func same(v any) any { return v }

func toDouble(f func(float64) float64) func(any) any {
	return func(v any) any { return f(toFloat(v)) }
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
	return javaLong(r, math.MinInt64, math.MaxInt64)
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
		return int32(compareValues(x, int32(0)))
	case int64:
		return int32(compareValues(x, int64(0)))
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
			if v != nil && (best == nil || compareValues(v, best)*sign > 0) {
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
	register(num1("ln", "value", types.Double, types.Double, types.Double, toDouble(math.Log), toDouble(math.Log), toDouble(math.Log)))

	toLong := func(v any) any { return toInt(v) }
	register(&udf{name: "Round", overloads: []overload{
		{params: []param{p(types.Bigint, "val")}, ret: types.Bigint, fn: func(a []any) any { return a[0] }},
		{params: []param{p(types.Integer, "val")}, ret: types.Bigint, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return toLong(a[0])
		}},
		{params: []param{p(types.Double, "val")}, ret: types.Bigint, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return javaRound(a[0].(float64))
		}},
		{params: []param{p(types.Double, "val"), p(types.Integer, "decimalPlaces")}, ret: types.Double, fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			return decimalScale(a[0].(float64), a[1].(int32), false)
		}},
	}})
	register(&udf{name: "trunc", overloads: []overload{
		{params: []param{p(types.Bigint, "val")}, ret: types.Bigint, fn: func(a []any) any { return a[0] }},
		{params: []param{p(types.Integer, "val")}, ret: types.Bigint, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return toLong(a[0])
		}},
		{params: []param{p(types.Double, "val")}, ret: types.Bigint, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return javaLong(a[0].(float64), math.MinInt64, math.MaxInt64)
		}},
		{params: []param{p(types.Double, "val"), p(types.Integer, "decimalPlaces")}, ret: types.Double, fn: func(a []any) any {
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
		return math.Log(toFloat(a[0]))
	}
	logBase := func(a []any) any {
		if a[0] == nil || a[1] == nil {
			return nil
		}
		base, v := toFloat(a[0]), toFloat(a[1])
		if base <= 0 || base == 1 {
			return math.NaN()
		}
		return math.Log(v) / math.Log(base)
	}
	register(&udf{name: "log", overloads: []overload{
		{params: []param{p(types.Integer, "value")}, ret: types.Double, fn: logOf},
		{params: []param{p(types.Bigint, "value")}, ret: types.Double, fn: logOf},
		{params: []param{p(types.Double, "value")}, ret: types.Double, fn: logOf},
		{params: []param{p(types.Integer, "base"), p(types.Integer, "value")}, ret: types.Double, fn: logBase},
		{params: []param{p(types.Bigint, "base"), p(types.Bigint, "value")}, ret: types.Double, fn: logBase},
		{params: []param{p(types.Double, "base"), p(types.Double, "value")}, ret: types.Double, fn: logBase},
	}})
	pow := func(a []any) any {
		if a[0] == nil || a[1] == nil {
			return nil
		}
		return math.Pow(toFloat(a[0]), toFloat(a[1]))
	}
	register(&udf{name: "power", overloads: []overload{
		{params: []param{p(types.Integer, "base"), p(types.Integer, "exponent")}, ret: types.Double, fn: pow},
		{params: []param{p(types.Bigint, "base"), p(types.Bigint, "exponent")}, ret: types.Double, fn: pow},
		{params: []param{p(types.Double, "base"), p(types.Double, "exponent")}, ret: types.Double, fn: pow},
	}})
	register(&udf{name: "random", overloads: []overload{{ret: types.Double, fn: func([]any) any { return rand.Float64() }}}})

	for _, v := range []struct {
		name string
		sign int
	}{{"greatest", 1}, {"least", -1}} {
		var os []overload
		for _, t := range []types.Type{types.Integer, types.Bigint, types.Double, types.String} {
			os = append(os, overload{params: []param{p(t, "val"), p(t, "vals")}, variadic: true, ret: t, fn: extreme(v.sign)})
		}
		register(&udf{name: v.name, overloads: os})
	}
}

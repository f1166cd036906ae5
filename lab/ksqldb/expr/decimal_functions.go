package expr

import (
	"math/big"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// decimalCall runs the math functions that have a BigDecimal overload in
// ksqlDB 7.9 (ksqldb-engine/.../function/udf/math: Abs, Ceil, Floor,
// Round, Trunc) when their first argument is a DECIMAL; ok is false for
// other calls. GREATEST and LEAST take the BigDecimal overload when their
// arguments are DECIMALs and NULLs (with other numbers, the DECIMAL and
// DOUBLE overloads both need implicit casts, and UdfIndex cannot choose).
func decimalCall(name string, args []Compiled) (Compiled, bool, error) {
	if name == "GREATEST" || name == "LEAST" {
		return decimalExtreme(name, args)
	}
	if len(args) == 0 || args[0].Type.Kind() != types.KindDecimal {
		return Compiled{}, false, nil
	}
	t := args[0].Type
	one := func(f func(d types.Decimal) (types.Decimal, error)) evalFn {
		a := args[0]
		return func(r []any) any {
			d, ok := a.Eval(r).(types.Decimal)
			if !ok {
				return nil
			}
			out, err := f(d)
			if err != nil {
				return nil
			}
			return out
		}
	}
	switch name {
	case "ABS":
		if len(args) != 1 {
			return Compiled{}, false, nil
		}
		return Compiled{Type: t, Eval: one(func(d types.Decimal) (types.Decimal, error) {
			return types.Decimal{Unscaled: new(big.Int).Abs(d.Unscaled), Scale: d.Scale}, nil
		})}, true, nil
	case "CEIL", "FLOOR":
		if len(args) != 1 {
			return Compiled{}, false, nil
		}
		mode := types.RoundCeiling
		if name == "FLOOR" {
			mode = types.RoundFloor
		}
		// setScale(0, CEILING or FLOOR).setScale(val.scale(), UNNECESSARY)
		return Compiled{Type: t, Eval: one(func(d types.Decimal) (types.Decimal, error) {
			i, _ := d.SetScale(0, mode)
			return i.SetScale(d.Scale, types.RoundUnnecessary)
		})}, true, nil
	case "ROUND", "TRUNC":
		// Round.roundBigDecimal: HALF_UP above zero, HALF_DOWN otherwise;
		// Trunc: DOWN. One argument: DECIMAL(p - s, 0); with decimal
		// places the value keeps its scale and type (ksql issue 6235).
		mode := func(d types.Decimal) types.RoundMode {
			if name == "TRUNC" {
				return types.RoundDown
			}
			if d.Sign() > 0 {
				return types.RoundHalfUp
			}
			return types.RoundHalfDown
		}
		switch len(args) {
		case 1:
			rt, err := types.DecimalType(t.Precision-t.Scale, 0)
			if err != nil {
				return Compiled{}, true, err
			}
			return Compiled{Type: rt, Eval: one(func(d types.Decimal) (types.Decimal, error) {
				return d.SetScale(0, mode(d))
			})}, true, nil
		case 2:
			if args[1].Type != types.Integer {
				return Compiled{}, false, nil
			}
			a, places := args[0], args[1]
			return Compiled{Type: t, Eval: func(r []any) any {
				d, ok := a.Eval(r).(types.Decimal)
				p, ok2 := places.Eval(r).(int32)
				if !ok || !ok2 {
					return nil
				}
				if p >= d.Scale {
					return d // setScale up and back down: the value itself
				}
				if int64(d.Precision())-int64(d.Scale) <= -int64(p)-1 {
					// |d| is below a tenth of the rounding unit 10^-p: zero
					return types.Decimal{Unscaled: new(big.Int), Scale: d.Scale}
				}
				out, err := d.SetScale(p, mode(d))
				if err != nil {
					return nil
				}
				if out, err = out.SetScale(d.Scale, types.RoundUnnecessary); err != nil {
					return nil
				}
				return out
			}}, true, nil
		}
	}
	return Compiled{}, false, nil
}

// decimalExtreme is Greatest.greatest / Least.least over BigDecimal: the
// type is DecimalUtil.widen of the argument types (greatestDecimalProvider),
// the value the largest (smallest) non-NULL argument as it is, NULL when
// all are NULL.
func decimalExtreme(name string, args []Compiled) (Compiled, bool, error) {
	hasDecimal := false
	for _, a := range args {
		switch {
		case a.Type.Kind() == types.KindDecimal:
			hasDecimal = true
		case a.Type == types.Null:
		default:
			return Compiled{}, false, nil
		}
	}
	if !hasDecimal {
		return Compiled{}, false, nil
	}
	t := types.Null
	for _, a := range args {
		if a.Type == types.Null {
			continue
		}
		if t == types.Null {
			t = types.ToDecimalType(a.Type)
			continue
		}
		t = types.DecimalWiden(t, a.Type)
	}
	sign := 1
	if name == "LEAST" {
		sign = -1
	}
	return Compiled{Type: t, Eval: func(r []any) any {
		var best any
		for _, a := range args {
			d, ok := types.ToDecimal(a.Eval(r))
			if !ok {
				continue
			}
			if best == nil || sign*d.Cmp(best.(types.Decimal)) > 0 {
				best = d
			}
		}
		return best
	}}, true, nil
}

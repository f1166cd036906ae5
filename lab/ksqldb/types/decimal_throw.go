package types

import "math/big"

// DecimalArithThrown is DecimalArith with the message of the
// ArithmeticException java.math.BigDecimal (JDK 17) throws where that
// gives NULL, "" where it does not throw:
//   - x / 0 is "Division by zero", 0 / 0 "Division undefined"
//     (divide(divisor, MathContext)), as is x % 0 (remainder(divisor,
//     MathContext) divides through divideToIntegralValue);
//   - a quotient that needs more than the precision's digits (a
//     non-terminating one among them), or more decimals than the scale
//     (setScale with no rounding), is "Rounding necessary";
//   - a remainder whose integer quotient needs more than the precision's
//     digits is "Division impossible" (divideToIntegralValue(divisor, mc)).
//
// A NULL operand is NULL without a message.
func DecimalArithThrown(op string, t Type, a, b any) (any, string) {
	if a == nil || b == nil || (op != "/" && op != "%") {
		return DecimalArith(op, t, a, b), ""
	}
	x, ok1 := ToDecimal(a)
	y, ok2 := ToDecimal(b)
	if !ok1 || !ok2 {
		return nil, ""
	}
	if y.Sign() == 0 {
		if x.Sign() == 0 {
			return nil, "Division undefined"
		}
		return nil, "Division by zero"
	}
	if op == "%" && integerQuotientDigits(x, y) > t.Precision {
		return nil, "Division impossible"
	}
	v := DecimalArith(op, t, a, b)
	if v == nil {
		return nil, "Rounding necessary"
	}
	return v, ""
}

// integerQuotientDigits is the number of significant digits of the integer
// part of |x / y|, trailing zeros left out: what a division rounded down to
// that many digits keeps whole (0 where |x| < |y|).
func integerQuotientDigits(x, y Decimal) int {
	s := max(x.Scale, y.Scale)
	xa, _ := x.SetScale(s, RoundUnnecessary)
	ya, _ := y.SetScale(s, RoundUnnecessary)
	q := new(big.Int).Quo(new(big.Int).Abs(xa.Unscaled), new(big.Int).Abs(ya.Unscaled))
	if q.Sign() == 0 {
		return 0
	}
	ten, r := big.NewInt(10), new(big.Int)
	for {
		d, m := new(big.Int).QuoRem(q, ten, r)
		if m.Sign() != 0 {
			break
		}
		q = d
	}
	return len(q.String())
}

package ksqldb

// DECIMAL(p, s) values as ksqlDB 7.9 keeps them: java.math.BigDecimal, an
// unscaled integer and a scale. The type rules are SqlDecimal's
// (confluentinc/ksql v7.9.0 ksqldb-udf/.../schema/ksql/types/SqlDecimal.java:
// add, multiply, divide, modulus) and DecimalUtil's (ksqldb-common/.../util/
// DecimalUtil.java: fromValue for literals, ensureFit for deserialised
// values, cast with HALF_UP rounding and the "Numeric field overflow"
// check); arithmetic runs as SqlToJavaVisitor.visitArithmeticBinary
// generates it: BigDecimal.add/subtract/multiply/divide/remainder with
// MathContext(precision, UNNECESSARY) and then setScale(scale), so an
// inexact result (1/3) or a division by zero throws and yields NULL.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/javanum"
)

// jsonDecimal is a DECIMAL value on its way into a JSON format, which
// writes BigDecimal.toString where the REST API writes toPlainString.
type jsonDecimal sqlDecimal

func (d jsonDecimal) String() string { return sqlDecimal(d).String() }

// sqlDecimal is a DECIMAL value: u × 10^-scale. u is never mutated.
type sqlDecimal struct {
	u     *big.Int
	scale int32
}

var bigTen = big.NewInt(10)

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// errRounding is BigDecimal's ArithmeticException("Rounding necessary").
var errRounding = errors.New("rounding necessary")

// maxDecimalPrecision bounds the DECIMAL types this server builds, and
// maxDecimalExponent the exponent of a decimal it reads: ksqlDB has no
// such bounds, but a value of 10^(2^31) digits would stop the server.
const (
	maxDecimalPrecision = 1000
	maxDecimalExponent  = 10000
)

// decimalType is DECIMAL(precision, scale), validated as SqlDecimal.validateParameters does.
func decimalType(precision, scale int) (sqlType, error) {
	if precision > maxDecimalPrecision {
		return tNull, unsupported(fmt.Sprintf("DECIMAL precision above %d: DECIMAL(%d,%d)", maxDecimalPrecision, precision, scale))
	}
	switch {
	case precision < 1:
		return tNull, badStatement("DECIMAL precision must be >= 1: DECIMAL(%d,%d)", precision, scale)
	case scale < 0:
		return tNull, badStatement("DECIMAL scale must be >= 0: DECIMAL(%d,%d)", precision, scale)
	case precision < scale:
		return tNull, badStatement("DECIMAL precision must be >= scale: DECIMAL(%d,%d)", precision, scale)
	}
	return intern(&typeInfo{base: kDecimal, prec: precision, scale: scale,
		text: fmt.Sprintf("DECIMAL(%d, %d)", precision, scale)}), nil
}

func mustDecimalType(precision, scale int) sqlType {
	t, err := decimalType(precision, scale)
	if err != nil {
		panic(err)
	}
	return t
}

// toDecimalType is DecimalUtil.toSqlDecimal: INTEGER is DECIMAL(10, 0),
// BIGINT DECIMAL(19, 0).
func toDecimalType(t sqlType) sqlType {
	switch t {
	case tInteger:
		return mustDecimalType(10, 0)
	case tBigint:
		return mustDecimalType(19, 0)
	}
	return t
}

// decimalResultType is Operator.resultType for two operands of which one
// is a DECIMAL and neither a DOUBLE.
func decimalResultType(op string, l, r sqlType) (sqlType, error) {
	l, r = toDecimalType(l), toDecimalType(r)
	p1, s1, p2, s2 := l.prec, l.scale, r.prec, r.scale
	switch op {
	case "+", "-":
		return decimalType(max(s1, s2)+max(p1-s1, p2-s2)+1, max(s1, s2))
	case "*":
		return decimalType(p1+p2+1, s1+s2)
	case "/":
		s := max(6, s1+p2+1)
		return decimalType(p1-s1+s2+s, s)
	}
	return decimalType(min(p1-s1, p2-s2)+max(s1, s2), max(s1, s2)) // %
}

// decimalWiden is DecimalUtil.widen: a DECIMAL wide enough for either
// of two INTEGER, BIGINT or DECIMAL types.
func decimalWiden(a, b sqlType) sqlType {
	a, b = toDecimalType(a), toDecimalType(b)
	whole := max(a.prec-a.scale, b.prec-b.scale)
	scale := max(a.scale, b.scale)
	return mustDecimalType(whole+scale, scale)
}

// parseDecimal reads text as new BigDecimal(String) does: a sign, digits
// with an optional point, an optional exponent.
func parseDecimal(text string) (sqlDecimal, error) {
	s := text
	exp := int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(strings.TrimPrefix(s[i+1:], "+"), 10, 32)
		if err != nil || strings.HasPrefix(s[i+1:], "+-") {
			return sqlDecimal{}, fmt.Errorf("Character array is missing \"exponent\" mark 'e' or 'E'. %q", text)
		}
		exp, s = e, s[:i]
	}
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	if digits == "" {
		return sqlDecimal{}, fmt.Errorf("Character %s is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark.", text)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return sqlDecimal{}, fmt.Errorf("Character %c is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark.", c)
		}
	}
	u, _ := new(big.Int).SetString(digits, 10)
	if neg {
		u.Neg(u)
	}
	scale := int64(len(frac)) - exp
	if exp > maxDecimalExponent || exp < -maxDecimalExponent || scale > math.MaxInt32 || scale < math.MinInt32 {
		return sqlDecimal{}, fmt.Errorf("decimal exponent out of range: %s", text)
	}
	return sqlDecimal{u: u, scale: int32(scale)}, nil
}

func mustDecimal(text string) sqlDecimal {
	d, err := parseDecimal(text)
	if err != nil {
		panic(err)
	}
	return d
}

// decimalFromInt is new BigDecimal(long).
func decimalFromInt(n int64) sqlDecimal { return sqlDecimal{u: big.NewInt(n)} }

// decimalFromDouble is BigDecimal.valueOf(double): the decimal of
// Double.toString, the shortest text that reads back as f.
func decimalFromDouble(f float64) (sqlDecimal, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return sqlDecimal{}, false
	}
	d, err := parseDecimal(javanum.FormatDouble(f))
	return d, err == nil
}

// decimalExactDouble is new BigDecimal(double): the double's exact binary value.
func decimalExactDouble(f float64) (sqlDecimal, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return sqlDecimal{}, false
	}
	mant, exp := math.Frexp(f) // f = mant × 2^exp, 0.5 <= |mant| < 1
	m := int64(mant * (1 << 53))
	exp -= 53
	u := big.NewInt(m)
	if exp >= 0 {
		return sqlDecimal{u: u.Lsh(u, uint(exp))}, true
	}
	// m × 2^exp = m × 5^-exp × 10^exp
	u.Mul(u, new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(-exp)), nil))
	return sqlDecimal{u: u, scale: int32(-exp)}.stripTo(0), true
}

// stripTo drops trailing zero digits while the scale stays at or above min.
func (d sqlDecimal) stripTo(minScale int32) sqlDecimal {
	u, s := new(big.Int).Set(d.u), d.scale
	q, r := new(big.Int), new(big.Int)
	for s > minScale && u.Sign() != 0 {
		q.QuoRem(u, bigTen, r)
		if r.Sign() != 0 {
			break
		}
		u.Set(q)
		s--
	}
	return sqlDecimal{u: u, scale: s}
}

// precision is BigDecimal.precision: the digits of the unscaled value (1 for zero).
func (d sqlDecimal) precision() int {
	if d.u.Sign() == 0 {
		return 1
	}
	return len(new(big.Int).Abs(d.u).String())
}

func (d sqlDecimal) sign() int { return d.u.Sign() }

// roundMode is the java.math.RoundingMode used by setScale.
type roundMode int

const (
	roundUnnecessary roundMode = iota
	roundHalfUp
	roundHalfDown
	roundHalfEven
	roundDown    // toward zero
	roundFloor   // toward negative infinity
	roundCeiling // toward positive infinity
)

// setScale is BigDecimal.setScale(scale, mode).
func (d sqlDecimal) setScale(scale int32, mode roundMode) (sqlDecimal, error) {
	if scale >= d.scale {
		return sqlDecimal{u: new(big.Int).Mul(d.u, pow10(scale-d.scale)), scale: scale}, nil
	}
	div := pow10(d.scale - scale)
	q, r := new(big.Int).QuoRem(d.u, div, new(big.Int)) // truncated toward zero
	if r.Sign() == 0 {
		return sqlDecimal{u: q, scale: scale}, nil
	}
	up := false // away from zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	half := twice.Cmp(div) // compares |r| with div/2
	switch mode {
	case roundUnnecessary:
		return sqlDecimal{}, errRounding
	case roundHalfUp:
		up = half >= 0
	case roundHalfDown:
		up = half > 0
	case roundHalfEven:
		up = half > 0 || (half == 0 && q.Bit(0) == 1)
	case roundDown:
	case roundFloor:
		up = d.u.Sign() < 0
	case roundCeiling:
		up = d.u.Sign() > 0
	}
	if up {
		if d.u.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return sqlDecimal{u: q, scale: scale}, nil
}

// roundTo is BigDecimal.round(new MathContext(precision, mode)).
func (d sqlDecimal) roundTo(precision int, mode roundMode) (sqlDecimal, error) {
	for p := d.precision(); p > precision; p = d.precision() {
		r, err := d.setScale(d.scale-int32(p-precision), mode)
		if err != nil {
			return sqlDecimal{}, err
		}
		d = r
	}
	return d, nil
}

// cmp is BigDecimal.compareTo: the values, whatever their scales.
func (d sqlDecimal) cmp(o sqlDecimal) int {
	s := max(d.scale, o.scale)
	a, _ := d.setScale(s, roundUnnecessary)
	b, _ := o.setScale(s, roundUnnecessary)
	return a.u.Cmp(b.u)
}

// String is BigDecimal.toString: scientific notation when the scale is
// negative or the adjusted exponent is below -6.
func (d sqlDecimal) String() string {
	digits := new(big.Int).Abs(d.u).String()
	neg := d.u.Sign() < 0
	adjusted := -int64(d.scale) + int64(len(digits)-1)
	if d.scale >= 0 && adjusted >= -6 {
		return d.plain()
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteByte(digits[0])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.FormatInt(adjusted, 10))
	return b.String()
}

// plain is BigDecimal.toPlainString.
func (d sqlDecimal) plain() string {
	digits := new(big.Int).Abs(d.u).String()
	sign := ""
	if d.u.Sign() < 0 {
		sign = "-"
	}
	switch {
	case d.scale <= 0:
		if d.u.Sign() == 0 {
			return "0"
		}
		return sign + digits + strings.Repeat("0", int(-d.scale))
	case len(digits) > int(d.scale):
		return sign + digits[:len(digits)-int(d.scale)] + "." + digits[len(digits)-int(d.scale):]
	}
	return sign + "0." + strings.Repeat("0", int(d.scale)-len(digits)) + digits
}

// float is BigDecimal.doubleValue: the nearest double.
func (d sqlDecimal) float() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// integer is BigDecimal.longValue: the integer part's low 64 bits.
func (d sqlDecimal) integer() int64 {
	t, _ := d.setScale(0, roundDown)
	if t.u.IsInt64() {
		return t.u.Int64()
	}
	m := new(big.Int).And(t.u, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

// fitsDigits is DecimalUtil.ensureMax: |d| < 10^(precision - scale). With
// P digits in the unscaled value, 10^(P-1-d.scale) <= |d| < 10^(P-d.scale),
// so |d| < 10^k exactly when P - d.scale <= k.
func (d sqlDecimal) fitsDigits(precision, scale int) error {
	if d.u.Sign() != 0 && int64(d.precision())-int64(d.scale) > int64(precision-scale) {
		return fmt.Errorf("Numeric field overflow: A field with precision %d and scale %d must round to an absolute value less than 10^%d. Got %s",
			precision, scale, precision-scale, d.plain())
	}
	return nil
}

// ensureFit is DecimalUtil.ensureFit: the value at the type's scale, without rounding.
func ensureFit(d sqlDecimal, t sqlType) (sqlDecimal, error) {
	if err := d.fitsDigits(t.prec, t.scale); err != nil {
		return sqlDecimal{}, err
	}
	out, err := d.setScale(int32(t.scale), roundUnnecessary)
	if err != nil {
		return sqlDecimal{}, fmt.Errorf("Cannot fit decimal '%s' into DECIMAL(%d, %d) without rounding. (Requires %d,%d)",
			d.plain(), t.prec, t.scale, d.precision(), d.scale)
	}
	return out, nil
}

// castDecimal is DecimalUtil.cast(BigDecimal, precision, scale): HALF_UP
// to the scale after the overflow check.
func castDecimal(d sqlDecimal, t sqlType) (sqlDecimal, error) {
	if d.precision() == t.prec && int(d.scale) == t.scale {
		return d, nil
	}
	if err := d.fitsDigits(t.prec, t.scale); err != nil {
		return sqlDecimal{}, err
	}
	return d.setScale(int32(t.scale), roundHalfUp)
}

// decimalLiteralType is DecimalUtil.fromValue.
func decimalLiteralType(d sqlDecimal) (sqlType, error) {
	if d.scale < 0 {
		d, _ = d.setScale(0, roundUnnecessary)
	}
	one := sqlDecimal{u: big.NewInt(1)}
	abs := sqlDecimal{u: new(big.Int).Abs(d.u), scale: d.scale}
	if abs.cmp(one) < 0 {
		return decimalType(int(d.scale)+1, int(d.scale))
	}
	return decimalType(d.precision(), int(d.scale))
}

// toDecimal converts a numeric operand as the generated code does:
// BigDecimal.valueOf for a DOUBLE, new BigDecimal for INTEGER and BIGINT.
func toDecimal(v any) (sqlDecimal, bool) {
	switch x := v.(type) {
	case sqlDecimal:
		return x, true
	case int32:
		return decimalFromInt(int64(x)), true
	case int64:
		return decimalFromInt(x), true
	case float64:
		return decimalFromDouble(x)
	}
	return sqlDecimal{}, false
}

// decimalArith runs one operator with MathContext(t.prec, UNNECESSARY)
// and then setScale(t.scale); an exception is NULL.
func decimalArith(op string, t sqlType, a, b any) any {
	if a == nil || b == nil {
		return nil
	}
	x, ok1 := toDecimal(a)
	y, ok2 := toDecimal(b)
	if !ok1 || !ok2 {
		return nil
	}
	var r sqlDecimal
	switch op {
	case "+", "-":
		s := max(x.scale, y.scale)
		xa, _ := x.setScale(s, roundUnnecessary)
		ya, _ := y.setScale(s, roundUnnecessary)
		u := new(big.Int)
		if op == "+" {
			u.Add(xa.u, ya.u)
		} else {
			u.Sub(xa.u, ya.u)
		}
		r = sqlDecimal{u: u, scale: s}
	case "*":
		r = sqlDecimal{u: new(big.Int).Mul(x.u, y.u), scale: x.scale + y.scale}
	case "/":
		q, ok := exactQuotient(x, y)
		if !ok {
			return nil
		}
		r = q
	case "%":
		if y.sign() == 0 {
			return nil
		}
		s := max(x.scale, y.scale)
		xa, _ := x.setScale(s, roundUnnecessary)
		ya, _ := y.setScale(s, roundUnnecessary)
		r = sqlDecimal{u: new(big.Int).Rem(xa.u, ya.u), scale: s}
	default:
		return nil
	}
	r, err := r.roundTo(t.prec, roundUnnecessary)
	if err != nil {
		return nil
	}
	out, err := r.setScale(int32(t.scale), roundUnnecessary)
	if err != nil {
		return nil
	}
	return out
}

// exactQuotient is x / y when it has a finite decimal expansion; ok is
// false for a zero divisor or a non-terminating quotient (BigDecimal.divide
// throws for both).
func exactQuotient(x, y sqlDecimal) (sqlDecimal, bool) {
	if y.sign() == 0 {
		return sqlDecimal{}, false
	}
	// x/y = (xu × 10^ys) / (yu × 10^xs)
	num := new(big.Int).Set(x.u)
	den := new(big.Int).Set(y.u)
	if d := y.scale - x.scale; d > 0 {
		num.Mul(num, pow10(d))
	} else if d < 0 {
		den.Mul(den, pow10(-d))
	}
	g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(num), new(big.Int).Abs(den))
	num.Quo(num, g)
	den.Quo(den, g)
	if den.Sign() < 0 {
		num.Neg(num)
		den.Neg(den)
	}
	// den must be 2^a × 5^b; then num/den = num × 2^(k-a) × 5^(k-b) / 10^k, k = max(a, b)
	var a, b int32
	two, five := big.NewInt(2), big.NewInt(5)
	r := new(big.Int)
	for {
		q, m := new(big.Int).QuoRem(den, two, r)
		if m.Sign() != 0 {
			break
		}
		den, a = q, a+1
	}
	for {
		q, m := new(big.Int).QuoRem(den, five, r)
		if m.Sign() != 0 {
			break
		}
		den, b = q, b+1
	}
	if den.Cmp(big.NewInt(1)) != 0 {
		return sqlDecimal{}, false
	}
	k := max(a, b)
	num.Mul(num, new(big.Int).Exp(two, big.NewInt(int64(k-a)), nil))
	num.Mul(num, new(big.Int).Exp(five, big.NewInt(int64(k-b)), nil))
	return sqlDecimal{u: num, scale: k}, true
}

// rat is the value as goavro's decimal logical type takes it.
func (d sqlDecimal) rat() *big.Rat {
	return new(big.Rat).SetFrac(d.u, pow10(d.scale))
}

// decimalSum is DecimalSumKudaf's aggregate (sign 1) and undo (sign -1):
// the running sum and the value added or subtracted with
// MathContext(precision); a sum that overflows the type (the "Numeric
// field overflow" KsqlFunctionException) leaves the sum unchanged.
func decimalSum(t sqlType, sum, v any, sign int64) any {
	cur, ok := sum.(sqlDecimal)
	if !ok {
		cur = decimalFromInt(0)
	}
	d, ok := v.(sqlDecimal)
	if !ok {
		return sum
	}
	if sign < 0 {
		d = negateDecimal(d)
	}
	s := max(cur.scale, d.scale)
	a, _ := cur.setScale(s, roundUnnecessary)
	b, _ := d.setScale(s, roundUnnecessary)
	r, err := sqlDecimal{u: new(big.Int).Add(a.u, b.u), scale: s}.roundTo(t.prec, roundHalfUp)
	if err != nil || r.fitsDigits(t.prec, t.scale) != nil {
		return sum
	}
	return r
}

// negateDecimal is BigDecimal.negate.
func negateDecimal(d sqlDecimal) sqlDecimal {
	return sqlDecimal{u: new(big.Int).Neg(d.u), scale: d.scale}
}

// castToDecimal is CastEvaluator's castToDecimal over DecimalUtil.cast;
// a failing cast (overflow, unparsable text) is NULL.
func castToDecimal(v any, t sqlType) any {
	var d sqlDecimal
	switch x := v.(type) {
	case sqlDecimal:
		d = x
	case int32, int64:
		// new BigDecimal(long, new MathContext(precision)), then ensureMax and setScale(UNNECESSARY)
		n, _ := toDecimal(x)
		r, err := n.roundTo(t.prec, roundHalfUp)
		if err != nil || r.fitsDigits(t.prec, t.scale) != nil {
			return nil
		}
		out, err := r.setScale(int32(t.scale), roundUnnecessary)
		if err != nil {
			return nil
		}
		return out
	case float64:
		// new BigDecimal(double, new MathContext(precision)): the exact binary value, HALF_UP
		e, ok := decimalExactDouble(x)
		if !ok {
			return nil
		}
		r, err := e.roundTo(t.prec, roundHalfUp)
		if err != nil || r.fitsDigits(t.prec, t.scale) != nil {
			return nil
		}
		out, _ := r.setScale(int32(t.scale), roundHalfUp)
		return out
	case string:
		p, err := parseDecimal(strings.TrimSpace(x))
		if err != nil || p.fitsDigits(t.prec, t.scale) != nil {
			return nil
		}
		out, _ := p.setScale(int32(t.scale), roundHalfUp)
		return out
	default:
		return nil
	}
	out, err := castDecimal(d, t)
	if err != nil {
		return nil
	}
	return out
}

// decimalOf reads a deserialised value (a JSON or Avro number or text)
// into a column of DECIMAL type t, as ensureFit does.
func decimalOf(text string, t sqlType) (sqlDecimal, error) {
	d, err := parseDecimal(strings.TrimSpace(text))
	if err != nil {
		return sqlDecimal{}, err
	}
	return ensureFit(d, t)
}

// decimalCall runs the math functions that have a BigDecimal overload in
// ksqlDB 7.9 (ksqldb-engine/.../function/udf/math: Abs, Ceil, Floor,
// Round, Trunc) when their first argument is a DECIMAL; ok is false for
// other calls. GREATEST and LEAST take the BigDecimal overload when a
// DECIMAL is among INTEGER, BIGINT and DECIMAL arguments.
func decimalCall(name string, args []compiled) (compiled, bool, error) {
	if name == "GREATEST" || name == "LEAST" {
		return decimalExtreme(name, args)
	}
	if len(args) == 0 || args[0].t.kind() != kDecimal {
		return compiled{}, false, nil
	}
	t := args[0].t
	one := func(f func(d sqlDecimal) (sqlDecimal, error)) evalFn {
		a := args[0]
		return func(r []any) any {
			d, ok := a.eval(r).(sqlDecimal)
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
			return compiled{}, false, nil
		}
		return compiled{t: t, eval: one(func(d sqlDecimal) (sqlDecimal, error) {
			return sqlDecimal{u: new(big.Int).Abs(d.u), scale: d.scale}, nil
		})}, true, nil
	case "CEIL", "FLOOR":
		if len(args) != 1 {
			return compiled{}, false, nil
		}
		mode := roundCeiling
		if name == "FLOOR" {
			mode = roundFloor
		}
		// setScale(0, CEILING or FLOOR).setScale(val.scale(), UNNECESSARY)
		return compiled{t: t, eval: one(func(d sqlDecimal) (sqlDecimal, error) {
			i, _ := d.setScale(0, mode)
			return i.setScale(d.scale, roundUnnecessary)
		})}, true, nil
	case "ROUND", "TRUNC":
		// Round.roundBigDecimal: HALF_UP above zero, HALF_DOWN otherwise;
		// Trunc: DOWN. One argument: DECIMAL(p - s, 0); with decimal
		// places the value keeps its scale and type (ksql issue 6235).
		mode := func(d sqlDecimal) roundMode {
			if name == "TRUNC" {
				return roundDown
			}
			if d.sign() > 0 {
				return roundHalfUp
			}
			return roundHalfDown
		}
		switch len(args) {
		case 1:
			rt, err := decimalType(t.prec-t.scale, 0)
			if err != nil {
				return compiled{}, true, err
			}
			return compiled{t: rt, eval: one(func(d sqlDecimal) (sqlDecimal, error) {
				return d.setScale(0, mode(d))
			})}, true, nil
		case 2:
			if args[1].t != tInteger {
				return compiled{}, false, nil
			}
			a, places := args[0], args[1]
			return compiled{t: t, eval: func(r []any) any {
				d, ok := a.eval(r).(sqlDecimal)
				p, ok2 := places.eval(r).(int32)
				if !ok || !ok2 {
					return nil
				}
				if p >= d.scale {
					return d // setScale up and back down: the value itself
				}
				if int64(d.precision())-int64(d.scale) <= -int64(p)-1 {
					// |d| is below a tenth of the rounding unit 10^-p: zero
					return sqlDecimal{u: new(big.Int), scale: d.scale}
				}
				out, err := d.setScale(p, mode(d))
				if err != nil {
					return nil
				}
				if out, err = out.setScale(d.scale, roundUnnecessary); err != nil {
					return nil
				}
				return out
			}}, true, nil
		}
	}
	return compiled{}, false, nil
}

// decimalExtreme is Greatest.greatest / Least.least over BigDecimal: the
// type is DecimalUtil.widen of the argument types (greatestDecimalProvider),
// the value the largest (smallest) non-NULL argument as it is, NULL when
// all are NULL.
func decimalExtreme(name string, args []compiled) (compiled, bool, error) {
	hasDecimal := false
	for _, a := range args {
		switch {
		case a.t.kind() == kDecimal:
			hasDecimal = true
		case a.t == tInteger, a.t == tBigint, a.t == tNull:
		default:
			return compiled{}, false, nil
		}
	}
	if !hasDecimal {
		return compiled{}, false, nil
	}
	t := tNull
	for _, a := range args {
		if a.t == tNull {
			continue
		}
		if t == tNull {
			t = toDecimalType(a.t)
			continue
		}
		t = decimalWiden(t, a.t)
	}
	sign := 1
	if name == "LEAST" {
		sign = -1
	}
	return compiled{t: t, eval: func(r []any) any {
		var best any
		for _, a := range args {
			d, ok := toDecimal(a.eval(r))
			if !ok {
				continue
			}
			if best == nil || sign*d.cmp(best.(sqlDecimal)) > 0 {
				best = d
			}
		}
		return best
	}}, true, nil
}

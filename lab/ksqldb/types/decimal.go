package types

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
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// JSONDecimal is a DECIMAL value on its way into a JSON format, which
// writes BigDecimal.toString where the REST API writes toPlainString.
type JSONDecimal Decimal

func (d JSONDecimal) String() string { return Decimal(d).String() }

// Decimal is a DECIMAL value: u × 10^-scale. u is never mutated.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

var bigTen = big.NewInt(10)

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// errRounding is BigDecimal's ArithmeticException("Rounding necessary").
var errRounding = errors.New("rounding necessary")

// MaxDecimalPrecision bounds the DECIMAL types this server builds, and
// maxDecimalExponent the exponent of a decimal it reads: ksqlDB has no
// such bounds, but a value of 10^(2^31) digits would stop the server.
const (
	MaxDecimalPrecision = 1000
	maxDecimalExponent  = 10000
)

// DecimalType is DECIMAL(precision, scale), validated as SqlDecimal.validateParameters does.
func DecimalType(precision, scale int) (Type, error) {
	if precision > MaxDecimalPrecision {
		return Null, stmterr.Unsupported(fmt.Sprintf("DECIMAL precision above %d: DECIMAL(%d,%d)", MaxDecimalPrecision, precision, scale))
	}
	switch {
	case precision < 1:
		return Null, stmterr.Bad("DECIMAL precision must be >= 1: DECIMAL(%d,%d)", precision, scale)
	case scale < 0:
		return Null, stmterr.Bad("DECIMAL scale must be >= 0: DECIMAL(%d,%d)", precision, scale)
	case precision < scale:
		return Null, stmterr.Bad("DECIMAL precision must be >= scale: DECIMAL(%d,%d)", precision, scale)
	}
	return Intern(&Info{Base: KindDecimal, Precision: precision, Scale: scale,
		Text: fmt.Sprintf("DECIMAL(%d, %d)", precision, scale)}), nil
}

func MustDecimalType(precision, scale int) Type {
	t, err := DecimalType(precision, scale)
	if err != nil {
		panic(err)
	}
	return t
}

// ToDecimalType is DecimalUtil.toSqlDecimal: INTEGER is DECIMAL(10, 0),
// BIGINT DECIMAL(19, 0).
func ToDecimalType(t Type) Type {
	switch t {
	case Integer:
		return MustDecimalType(10, 0)
	case Bigint:
		return MustDecimalType(19, 0)
	}
	return t
}

// DecimalResultType is Operator.resultType for two operands of which one
// is a DECIMAL and neither a DOUBLE.
func DecimalResultType(op string, l, r Type) (Type, error) {
	l, r = ToDecimalType(l), ToDecimalType(r)
	p1, s1, p2, s2 := l.Precision, l.Scale, r.Precision, r.Scale
	switch op {
	case "+", "-":
		return DecimalType(max(s1, s2)+max(p1-s1, p2-s2)+1, max(s1, s2))
	case "*":
		return DecimalType(p1+p2+1, s1+s2)
	case "/":
		s := max(6, s1+p2+1)
		return DecimalType(p1-s1+s2+s, s)
	}
	return DecimalType(min(p1-s1, p2-s2)+max(s1, s2), max(s1, s2)) // %
}

// DecimalWiden is DecimalUtil.widen: a DECIMAL wide enough for either
// of two INTEGER, BIGINT or DECIMAL types.
func DecimalWiden(a, b Type) Type {
	a, b = ToDecimalType(a), ToDecimalType(b)
	whole := max(a.Precision-a.Scale, b.Precision-b.Scale)
	scale := max(a.Scale, b.Scale)
	return MustDecimalType(whole+scale, scale)
}

// ParseDecimal reads text as new BigDecimal(String) does: a sign, digits
// with an optional point, an optional exponent.
func ParseDecimal(text string) (Decimal, error) {
	s := text
	exp := int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(strings.TrimPrefix(s[i+1:], "+"), 10, 32)
		if err != nil || strings.HasPrefix(s[i+1:], "+-") {
			return Decimal{}, fmt.Errorf("Character array is missing \"exponent\" mark 'e' or 'E'. %q", text)
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
		return Decimal{}, fmt.Errorf("Character %s is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark.", text)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Decimal{}, fmt.Errorf("Character %c is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark.", c)
		}
	}
	u, _ := new(big.Int).SetString(digits, 10)
	if neg {
		u.Neg(u)
	}
	scale := int64(len(frac)) - exp
	if exp > maxDecimalExponent || exp < -maxDecimalExponent || scale > math.MaxInt32 || scale < math.MinInt32 {
		return Decimal{}, fmt.Errorf("decimal exponent out of range: %s", text)
	}
	return Decimal{Unscaled: u, Scale: int32(scale)}, nil
}

func MustDecimal(text string) Decimal {
	d, err := ParseDecimal(text)
	if err != nil {
		panic(err)
	}
	return d
}

// DecimalFromInt is new BigDecimal(long).
func DecimalFromInt(n int64) Decimal { return Decimal{Unscaled: big.NewInt(n)} }

// DecimalFromDouble is BigDecimal.valueOf(double): the decimal of
// Double.toString, the shortest text that reads back as f.
func DecimalFromDouble(f float64) (Decimal, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, false
	}
	d, err := ParseDecimal(javanum.FormatDouble(f))
	return d, err == nil
}

// decimalExactDouble is new BigDecimal(double): the double's exact binary value.
func decimalExactDouble(f float64) (Decimal, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, false
	}
	mant, exp := math.Frexp(f) // f = mant × 2^exp, 0.5 <= |mant| < 1
	m := int64(mant * (1 << 53))
	exp -= 53
	u := big.NewInt(m)
	if exp >= 0 {
		return Decimal{Unscaled: u.Lsh(u, uint(exp))}, true
	}
	// m × 2^exp = m × 5^-exp × 10^exp
	u.Mul(u, new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(-exp)), nil))
	return Decimal{Unscaled: u, Scale: int32(-exp)}.stripTo(0), true
}

// stripTo drops trailing zero digits while the scale stays at or above min.
func (d Decimal) stripTo(minScale int32) Decimal {
	u, s := new(big.Int).Set(d.Unscaled), d.Scale
	q, r := new(big.Int), new(big.Int)
	for s > minScale && u.Sign() != 0 {
		q.QuoRem(u, bigTen, r)
		if r.Sign() != 0 {
			break
		}
		u.Set(q)
		s--
	}
	return Decimal{Unscaled: u, Scale: s}
}

// Precision is BigDecimal.Precision: the digits of the unscaled value (1 for zero).
func (d Decimal) Precision() int {
	if d.Unscaled.Sign() == 0 {
		return 1
	}
	return len(new(big.Int).Abs(d.Unscaled).String())
}

func (d Decimal) Sign() int { return d.Unscaled.Sign() }

// RoundMode is the java.math.RoundingMode used by setScale.
type RoundMode int

const (
	RoundUnnecessary RoundMode = iota
	RoundHalfUp
	RoundHalfDown
	roundHalfEven
	RoundDown    // toward zero
	RoundFloor   // toward negative infinity
	RoundCeiling // toward positive infinity
)

// SetScale is BigDecimal.SetScale(scale, mode).
func (d Decimal) SetScale(scale int32, mode RoundMode) (Decimal, error) {
	if scale >= d.Scale {
		return Decimal{Unscaled: new(big.Int).Mul(d.Unscaled, pow10(scale-d.Scale)), Scale: scale}, nil
	}
	div := pow10(d.Scale - scale)
	q, r := new(big.Int).QuoRem(d.Unscaled, div, new(big.Int)) // truncated toward zero
	if r.Sign() == 0 {
		return Decimal{Unscaled: q, Scale: scale}, nil
	}
	up := false // away from zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	half := twice.Cmp(div) // compares |r| with div/2
	switch mode {
	case RoundUnnecessary:
		return Decimal{}, errRounding
	case RoundHalfUp:
		up = half >= 0
	case RoundHalfDown:
		up = half > 0
	case roundHalfEven:
		up = half > 0 || (half == 0 && q.Bit(0) == 1)
	case RoundDown:
	case RoundFloor:
		up = d.Unscaled.Sign() < 0
	case RoundCeiling:
		up = d.Unscaled.Sign() > 0
	}
	if up {
		if d.Unscaled.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Decimal{Unscaled: q, Scale: scale}, nil
}

// roundTo is BigDecimal.round(new MathContext(precision, mode)).
func (d Decimal) roundTo(precision int, mode RoundMode) (Decimal, error) {
	for p := d.Precision(); p > precision; p = d.Precision() {
		r, err := d.SetScale(d.Scale-int32(p-precision), mode)
		if err != nil {
			return Decimal{}, err
		}
		d = r
	}
	return d, nil
}

// Cmp is BigDecimal.compareTo: the values, whatever their scales.
func (d Decimal) Cmp(o Decimal) int {
	s := max(d.Scale, o.Scale)
	a, _ := d.SetScale(s, RoundUnnecessary)
	b, _ := o.SetScale(s, RoundUnnecessary)
	return a.Unscaled.Cmp(b.Unscaled)
}

// String is BigDecimal.toString: scientific notation when the scale is
// negative or the adjusted exponent is below -6.
func (d Decimal) String() string {
	digits := new(big.Int).Abs(d.Unscaled).String()
	neg := d.Unscaled.Sign() < 0
	adjusted := -int64(d.Scale) + int64(len(digits)-1)
	if d.Scale >= 0 && adjusted >= -6 {
		return d.Plain()
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

// Plain is BigDecimal.toPlainString.
func (d Decimal) Plain() string {
	digits := new(big.Int).Abs(d.Unscaled).String()
	sign := ""
	if d.Unscaled.Sign() < 0 {
		sign = "-"
	}
	switch {
	case d.Scale <= 0:
		if d.Unscaled.Sign() == 0 {
			return "0"
		}
		return sign + digits + strings.Repeat("0", int(-d.Scale))
	case len(digits) > int(d.Scale):
		return sign + digits[:len(digits)-int(d.Scale)] + "." + digits[len(digits)-int(d.Scale):]
	}
	return sign + "0." + strings.Repeat("0", int(d.Scale)-len(digits)) + digits
}

// Float is BigDecimal.doubleValue: the nearest double.
func (d Decimal) Float() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// Integer is BigDecimal.longValue: the Integer part's low 64 bits.
func (d Decimal) Integer() int64 {
	t, _ := d.SetScale(0, RoundDown)
	if t.Unscaled.IsInt64() {
		return t.Unscaled.Int64()
	}
	m := new(big.Int).And(t.Unscaled, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

// FitsDigits is DecimalUtil.ensureMax: |d| < 10^(precision - scale). With
// P digits in the unscaled value, 10^(P-1-d.scale) <= |d| < 10^(P-d.scale),
// so |d| < 10^k exactly when P - d.scale <= k.
func (d Decimal) FitsDigits(precision, scale int) error {
	if d.Unscaled.Sign() != 0 && int64(d.Precision())-int64(d.Scale) > int64(precision-scale) {
		return fmt.Errorf("Numeric field overflow: A field with precision %d and scale %d must round to an absolute value less than 10^%d. Got %s",
			precision, scale, precision-scale, d.Plain())
	}
	return nil
}

// EnsureFit is DecimalUtil.EnsureFit: the value at the type's scale, without rounding.
func EnsureFit(d Decimal, t Type) (Decimal, error) {
	if err := d.FitsDigits(t.Precision, t.Scale); err != nil {
		return Decimal{}, err
	}
	out, err := d.SetScale(int32(t.Scale), RoundUnnecessary)
	if err != nil {
		return Decimal{}, fmt.Errorf("Cannot fit decimal '%s' into DECIMAL(%d, %d) without rounding. (Requires %d,%d)",
			d.Plain(), t.Precision, t.Scale, d.Precision(), d.Scale)
	}
	return out, nil
}

// castDecimal is DecimalUtil.cast(BigDecimal, precision, scale): HALF_UP
// to the scale after the overflow check.
func castDecimal(d Decimal, t Type) (Decimal, error) {
	if d.Precision() == t.Precision && int(d.Scale) == t.Scale {
		return d, nil
	}
	if err := d.FitsDigits(t.Precision, t.Scale); err != nil {
		return Decimal{}, err
	}
	return d.SetScale(int32(t.Scale), RoundHalfUp)
}

// DecimalLiteralType is DecimalUtil.fromValue.
func DecimalLiteralType(d Decimal) (Type, error) {
	if d.Scale < 0 {
		d, _ = d.SetScale(0, RoundUnnecessary)
	}
	one := Decimal{Unscaled: big.NewInt(1)}
	abs := Decimal{Unscaled: new(big.Int).Abs(d.Unscaled), Scale: d.Scale}
	if abs.Cmp(one) < 0 {
		return DecimalType(int(d.Scale)+1, int(d.Scale))
	}
	return DecimalType(d.Precision(), int(d.Scale))
}

// ToDecimal converts a numeric operand as the generated code does:
// BigDecimal.valueOf for a DOUBLE, new BigDecimal for INTEGER and BIGINT.
func ToDecimal(v any) (Decimal, bool) {
	switch x := v.(type) {
	case Decimal:
		return x, true
	case int32:
		return DecimalFromInt(int64(x)), true
	case int64:
		return DecimalFromInt(x), true
	case float64:
		return DecimalFromDouble(x)
	}
	return Decimal{}, false
}

// DecimalArith runs one operator with MathContext(t.prec, UNNECESSARY)
// and then setScale(t.scale); an exception is NULL.
func DecimalArith(op string, t Type, a, b any) any {
	if a == nil || b == nil {
		return nil
	}
	x, ok1 := ToDecimal(a)
	y, ok2 := ToDecimal(b)
	if !ok1 || !ok2 {
		return nil
	}
	var r Decimal
	switch op {
	case "+", "-":
		s := max(x.Scale, y.Scale)
		xa, _ := x.SetScale(s, RoundUnnecessary)
		ya, _ := y.SetScale(s, RoundUnnecessary)
		u := new(big.Int)
		if op == "+" {
			u.Add(xa.Unscaled, ya.Unscaled)
		} else {
			u.Sub(xa.Unscaled, ya.Unscaled)
		}
		r = Decimal{Unscaled: u, Scale: s}
	case "*":
		r = Decimal{Unscaled: new(big.Int).Mul(x.Unscaled, y.Unscaled), Scale: x.Scale + y.Scale}
	case "/":
		q, ok := ExactQuotient(x, y)
		if !ok {
			return nil
		}
		r = q
	case "%":
		if y.Sign() == 0 {
			return nil
		}
		s := max(x.Scale, y.Scale)
		xa, _ := x.SetScale(s, RoundUnnecessary)
		ya, _ := y.SetScale(s, RoundUnnecessary)
		r = Decimal{Unscaled: new(big.Int).Rem(xa.Unscaled, ya.Unscaled), Scale: s}
	default:
		return nil
	}
	r, err := r.roundTo(t.Precision, RoundUnnecessary)
	if err != nil {
		return nil
	}
	out, err := r.SetScale(int32(t.Scale), RoundUnnecessary)
	if err != nil {
		return nil
	}
	return out
}

// ExactQuotient is x / y when it has a finite decimal expansion; ok is
// false for a zero divisor or a non-terminating quotient (BigDecimal.divide
// throws for both).
func ExactQuotient(x, y Decimal) (Decimal, bool) {
	if y.Sign() == 0 {
		return Decimal{}, false
	}
	// x/y = (xu × 10^ys) / (yu × 10^xs)
	num := new(big.Int).Set(x.Unscaled)
	den := new(big.Int).Set(y.Unscaled)
	if d := y.Scale - x.Scale; d > 0 {
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
		return Decimal{}, false
	}
	k := max(a, b)
	num.Mul(num, new(big.Int).Exp(two, big.NewInt(int64(k-a)), nil))
	num.Mul(num, new(big.Int).Exp(five, big.NewInt(int64(k-b)), nil))
	return Decimal{Unscaled: num, Scale: k}, true
}

// Rat is the value as goavro's decimal logical type takes it.
func (d Decimal) Rat() *big.Rat {
	return new(big.Rat).SetFrac(d.Unscaled, pow10(d.Scale))
}

// DecimalAdd is DecimalSumKudaf's undo (sign -1) and merge (sign 1): the
// running sum and the value subtracted or added with MathContext(precision),
// unchecked. A value that is not a DECIMAL leaves the sum unchanged.
func DecimalAdd(t Type, sum, v any, sign int64) any {
	cur, ok := sum.(Decimal)
	if !ok {
		cur = DecimalFromInt(0)
	}
	d, ok := v.(Decimal)
	if !ok {
		return sum
	}
	if sign < 0 {
		d = NegateDecimal(d)
	}
	s := max(cur.Scale, d.Scale)
	a, _ := cur.SetScale(s, RoundUnnecessary)
	b, _ := d.SetScale(s, RoundUnnecessary)
	r, err := Decimal{Unscaled: new(big.Int).Add(a.Unscaled, b.Unscaled), Scale: s}.roundTo(t.Precision, RoundHalfUp)
	if err != nil {
		return sum
	}
	return r
}

// DecimalSum is DecimalSumKudaf's aggregate: DecimalAdd, then a total
// whose absolute value reaches 10^(precision-scale) is the "Numeric field
// overflow" KsqlFunctionException, the sum unchanged.
func DecimalSum(t Type, sum, v any) (any, error) {
	r := DecimalAdd(t, sum, v, 1)
	if d, ok := r.(Decimal); ok {
		if err := d.FitsDigits(t.Precision, t.Scale); err != nil {
			return sum, err
		}
	}
	return r, nil
}

// NegateDecimal is BigDecimal.negate.
func NegateDecimal(d Decimal) Decimal {
	return Decimal{Unscaled: new(big.Int).Neg(d.Unscaled), Scale: d.Scale}
}

// CastToDecimal is CastEvaluator's CastToDecimal over DecimalUtil.cast;
// a failing cast (overflow, unparsable text) is NULL.
func CastToDecimal(v any, t Type) any {
	out, _ := CastToDecimalChecked(v, t)
	return out
}

// CastToDecimalChecked is CastToDecimal that also returns, when the value
// does not fit, the ArithmeticException DecimalUtil.ensureMax throws
// ("Numeric field overflow: ..."), and for text that is no number what new
// BigDecimal(text) throws (a Thrown); other failures yield NULL without one.
func CastToDecimalChecked(v any, t Type) (any, error) {
	var d Decimal
	switch x := v.(type) {
	case Decimal:
		d = x
	case int32, int64:
		// new BigDecimal(long, new MathContext(precision)), then ensureMax and setScale(UNNECESSARY)
		n, _ := ToDecimal(x)
		r, err := n.roundTo(t.Precision, RoundHalfUp)
		if err != nil {
			return nil, nil
		}
		if err := r.FitsDigits(t.Precision, t.Scale); err != nil {
			return nil, err
		}
		out, err := r.SetScale(int32(t.Scale), RoundUnnecessary)
		if err != nil {
			return nil, nil
		}
		return out, nil
	case float64:
		// new BigDecimal(double, new MathContext(precision)): the exact binary value, HALF_UP
		e, ok := decimalExactDouble(x)
		if !ok {
			return nil, nil
		}
		r, err := e.roundTo(t.Precision, RoundHalfUp)
		if err != nil {
			return nil, nil
		}
		if err := r.FitsDigits(t.Precision, t.Scale); err != nil {
			return nil, err
		}
		out, _ := r.SetScale(int32(t.Scale), RoundHalfUp)
		return out, nil
	case string:
		text := strings.TrimSpace(x)
		p, err := ParseDecimal(text)
		if err != nil {
			// new BigDecimal(value.trim()) (DecimalUtil.cast)
			if msgs, refused := BigDecimalTextFailure(text); refused {
				return nil, Thrown(msgs)
			}
			return nil, nil
		}
		if err := p.FitsDigits(t.Precision, t.Scale); err != nil {
			return nil, err
		}
		out, _ := p.SetScale(int32(t.Scale), RoundHalfUp)
		return out, nil
	default:
		return nil, nil
	}
	out, err := castDecimal(d, t)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecimalOf reads a deserialised value (a JSON or Avro number or text)
// into a column of DECIMAL type t, as ensureFit does.
func DecimalOf(text string, t Type) (Decimal, error) {
	d, err := ParseDecimal(strings.TrimSpace(text))
	if err != nil {
		return Decimal{}, err
	}
	return EnsureFit(d, t)
}

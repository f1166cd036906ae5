package functions

import (
	"math"
	"math/big"
)

// javaLog is java.lang.Math.log as HotSpot runs it on x86-64: an intrinsic
// (the x87 FYL2X in extended precision, or Intel's LIBM stub in later JDKs)
// whose result is the correctly rounded natural logarithm, where Go's
// math.Log, like fdlibm's StrictMath.log, is off by an ulp for some inputs
// (ln 3 is 1.0986122886681098, not ...096). The logarithm is first summed
// in double-double arithmetic; where that cannot tell the rounding apart, in
// 160-bit precision.
func javaLog(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	case x == 1:
		return 0
	}
	m, e := math.Frexp(x) // x = m·2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	if y, ok := logDoubleDouble(m, e); ok {
		return y
	}
	return logBig(m, e)
}

// fdlibm's split of ln 2: ln2Hi has its low 32 bits clear, so k·ln2Hi is
// exact for any exponent k.
const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
)

// logDoubleDouble is ln(m·2^e) for m in [√½, √2), summed as e·ln 2 + 2s +
// tail with s = (m-1)/(m+1) carried in double-double and the atanh tail
// 2s³/3 + 2s⁵/5 + ... in double. ok is false when the error bound straddles
// a rounding boundary.
func logDoubleDouble(m float64, e int) (y float64, ok bool) {
	f := m - 1 // exact (Sterbenz)
	dHi, dLo := twoSum(m, 1)
	sHi := f / dHi
	sLo := (math.FMA(-sHi, dHi, f) - sHi*dLo) / dHi
	z := sHi * sHi
	var poly float64 // 2/3 + 2z/5 + 2z²/7 + ... by Horner, z ≤ 0.0295
	for n := 35.0; n >= 3; n -= 2 {
		poly = poly*z + 2/n
	}
	tail := sHi * z * poly
	k := float64(e)
	hi, lo := twoSum(k*ln2Hi, 2*sHi)
	lo += k*ln2Lo + 2*sLo + tail
	hi, lo = twoSum(hi, lo)
	eps := math.Abs(tail)*0x1p-49 + math.Abs(k*ln2Lo)*0x1p-50 + math.Abs(hi)*0x1p-100
	if hi+(lo+eps) != hi || hi+(lo-eps) != hi {
		return 0, false
	}
	return hi, true
}

// twoSum is a+b as a double and its rounding error.
func twoSum(a, b float64) (s, err float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

// logBig is ln(m·2^e) for m in [√½, √2) in 160-bit precision, rounded once.
func logBig(m float64, e int) float64 {
	const prec = 160
	// ln m = 2·atanh(s), s = (m-1)/(m+1), |s| < 0.172: the series
	// s + s³/3 + s⁵/5 + ... gains over five bits a term
	one := big.NewFloat(1).SetPrec(prec)
	num := new(big.Float).SetPrec(prec).SetFloat64(m)
	den := new(big.Float).SetPrec(prec).Add(num, one)
	num.Sub(num, one)
	s := new(big.Float).SetPrec(prec).Quo(num, den)
	s2 := new(big.Float).SetPrec(prec).Mul(s, s)
	sum := new(big.Float).SetPrec(prec).Set(s)
	pow := new(big.Float).SetPrec(prec).Set(s)
	term := new(big.Float).SetPrec(prec)
	for n := int64(3); n < 80; n += 2 {
		pow.Mul(pow, s2)
		if pow.Sign() == 0 || pow.MantExp(nil)-sum.MantExp(nil) < -prec {
			break
		}
		term.Quo(pow, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	sum.Add(sum, sum)
	if e != 0 {
		k := new(big.Float).SetPrec(prec).SetInt64(int64(e))
		sum.Add(sum, k.Mul(k, ln2Big))
	}
	f, _ := sum.Float64()
	return f
}

// ln2Big is ln 2 to 50 significant digits.
var ln2Big, _, _ = big.ParseFloat("0.69314718055994530941723212145817656807550013436026", 10, 160, big.ToNearestEven)

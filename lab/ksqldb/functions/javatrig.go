package functions

import (
	"math"
	"math/big"
)

// Math.sin and Math.cos are HotSpot intrinsics on x86-64 whose results are
// the correctly rounded sine and cosine but in rare cases, where Go's
// math.Sin and math.Cos (Cephes) are an ulp off more often. javaSin and
// javaCos give the correctly rounded value: the reduced argument and the
// series are summed in double-double arithmetic, and where that cannot
// tell the rounding apart, in big.Float. Arguments beyond 2^20 keep
// math.Sin and math.Cos.

// pio2Big is π/2 to 120 decimals (about 400 bits); pio2Hi + pio2Mid +
// pio2Lo split it into doubles.
var (
	pio2Big, _, _           = big.ParseFloat("1.570796326794896619231321691639751442098584699687552910487472296153908203143104499314017412671058533991074043256641153323", 10, 400, big.ToNearestEven)
	pio2Hi, pio2Mid, pio2Lo = splitBig3(pio2Big)
)

// splitBig3 splits x into three doubles whose sum is x to about 160 bits.
func splitBig3(x *big.Float) (a, b, c float64) {
	r := new(big.Float).SetPrec(x.Prec()).Set(x)
	a, _ = r.Float64()
	r.Sub(r, big.NewFloat(a))
	b, _ = r.Float64()
	r.Sub(r, big.NewFloat(b))
	c, _ = r.Float64()
	return a, b, c
}

func javaSin(x float64) float64 { return javaSinCos(x, false) }
func javaCos(x float64) float64 { return javaSinCos(x, true) }

// javaSinCos is sin x, or cos x when cos is set, correctly rounded.
func javaSinCos(x float64, cos bool) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return math.NaN()
	case math.Abs(x) > 0x1p20:
		if cos {
			return math.Cos(x)
		}
		return math.Sin(x)
	case x == 0 && !cos:
		return x // keeps the sign of zero
	}
	k := math.RoundToEven(x / (math.Pi / 2))
	q := int(int64(k) & 3)
	if cos {
		q = (q + 1) & 3 // cos x = sin(x + π/2)
	}
	rh, rl := reduce(x, k)
	redErr := math.Abs(k) * 0x1p-150 // of π/2 split in three doubles
	var y float64
	var ok bool
	if q&1 == 0 {
		y, ok = sinDD(rh, rl, redErr)
	} else {
		y, ok = cosDD(rh, rl, redErr)
	}
	if !ok {
		y = sinCosBig(x, k, q&1 == 1)
	}
	if q >= 2 {
		y = -y
	}
	return y
}

// reduce is x - k·π/2 in double-double, for |k| ≤ 2^20.
func reduce(x, k float64) (hi, lo float64) {
	if k == 0 {
		return x, 0
	}
	// the conversions keep the compiler from fusing the products into the
	// subtractions below, which would break p + e = k·pio2 exactly
	p1 := float64(k * pio2Hi)
	e1 := math.FMA(k, pio2Hi, -p1) // k·pio2Hi = p1 + e1 exactly
	p2 := float64(k * pio2Mid)
	e2 := math.FMA(k, pio2Mid, -p2)
	hi = x - p1 // exact: x and p1 are close (Sterbenz)
	hi, lo = twoSum(hi, -e1)
	var t float64
	hi, t = twoSum(hi, -p2)
	lo += t - e2 - k*pio2Lo
	return twoSum(hi, lo)
}

// twoProd is a·b as a double and its rounding error.
func twoProd(a, b float64) (p, err float64) {
	p = a * b
	return p, math.FMA(a, b, -p)
}

// sinDD is sin(rh+rl) for |rh| ≤ π/4 + ε: r - r³/6 in double-double, the
// rest of the series in double; rl enters to first order. ok is false
// when the error bound, with the reduction's redErr, straddles a rounding
// boundary.
func sinDD(rh, rl, redErr float64) (float64, bool) {
	z := rh * rh
	var tail float64 // r⁵/5! - r⁷/7! + ..., Horner over z
	for n := 27; n >= 5; n -= 2 {
		tail = tail*z + sign(n)/factorial(n)
	}
	tail *= z * z * rh
	// r³/6 in double-double: (rh² as p+e)·rh / 6
	p, e := twoProd(rh, rh)
	c3, c3e := twoProd(p, rh)
	c3e += e * rh
	q := c3 / 6
	qe := (math.FMA(-q, 6, c3) + c3e) / 6
	hi, lo := twoSum(rh, -q)
	lo += rl - qe - z*rl/2 + z*z*rl/24 + tail
	hi, lo = twoSum(hi, lo)
	eps := math.Abs(tail)*0x1p-49 + math.Abs(z*rl)*0x1p-50 + math.Abs(hi)*0x1p-100 + redErr
	if hi+(lo+eps) != hi || hi+(lo-eps) != hi {
		return 0, false
	}
	return hi, true
}

// cosDD is cos(rh+rl) for |rh| ≤ π/4 + ε: 1 - r²/2 in double-double, the
// rest of the series in double; rl enters to first order.
func cosDD(rh, rl, redErr float64) (float64, bool) {
	z := rh * rh
	var tail float64 // r⁴/4! - r⁶/6! + ..., Horner over z
	for n := 26; n >= 4; n -= 2 {
		tail = tail*z + sign(n+1)/factorial(n)
	}
	tail *= z * z
	p, e := twoProd(rh, rh)
	e += 2 * rh * rl
	hi, lo := twoSum(1, -p/2)
	lo += -e/2 + z*rh*rl/6 + tail
	hi, lo = twoSum(hi, lo)
	eps := math.Abs(tail)*0x1p-49 + math.Abs(rh*rl)*0x1p-50 + 0x1p-100 + redErr
	if hi+(lo+eps) != hi || hi+(lo-eps) != hi {
		return 0, false
	}
	return hi, true
}

// sign is the sign of the series term of x^n: + for n ≡ 1 (mod 4), -
// for n ≡ 3, as sin's terms alternate.
func sign(n int) float64 {
	if n%4 == 1 {
		return 1
	}
	return -1
}

func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}

// sinCosBig is sin(x - k·π/2), or its cosine, in 300-bit precision, rounded
// once.
func sinCosBig(x, k float64, cos bool) float64 {
	const prec = 300
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	kp := new(big.Float).SetPrec(prec).SetFloat64(k)
	r.Sub(r, kp.Mul(kp, pio2Big))
	r2 := new(big.Float).SetPrec(prec).Mul(r, r)
	term := new(big.Float).SetPrec(prec)
	n := int64(1)
	if cos {
		term.SetInt64(1)
		n = 0
	} else {
		term.Set(r)
	}
	sum := new(big.Float).SetPrec(prec).Set(term)
	for i := 0; i < 200; i++ {
		// term·(-r²)/((n+1)(n+2))
		term.Mul(term, r2)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64((n+1)*(n+2)))
		term.Neg(term)
		n += 2
		if term.Sign() == 0 || sum.Sign() != 0 && term.MantExp(nil) < sum.MantExp(nil)-prec {
			break
		}
		sum.Add(sum, term)
	}
	f, _ := sum.Float64()
	return f
}

package functions

import "math"

// javaAsin is java.lang.Math.asin, which delegates to StrictMath.asin:
// fdlibm's __ieee754_asin (e_asin.c), whose results Go's math.Asin
// (an arctangent of x/√(1-x²)) does not always reproduce. The operations
// must round one by one as Java's do: built for a target where the compiler
// fuses a multiply and an add (arm64, amd64 v3), results may differ.
func javaAsin(x float64) float64 {
	const (
		pio2Hi = 1.57079632679489655800e+00
		pio2Lo = 6.12323399573676603587e-17
		pio4Hi = 7.85398163397448278999e-01
		pS0    = 1.66666666666666657415e-01
		pS1    = -3.25565818622400915405e-01
		pS2    = 2.01212532134862925881e-01
		pS3    = -4.00555345006794114027e-02
		pS4    = 7.91534994289814532176e-04
		pS5    = 3.47933107596021167570e-05
		qS1    = -2.40339491173441421878e+00
		qS2    = 2.02094576023350569471e+00
		qS3    = -6.88283971605453293030e-01
		qS4    = 7.70381505559019352791e-02
	)
	hx := int32(math.Float64bits(x) >> 32)
	ix := hx & 0x7fffffff
	switch {
	case ix >= 0x3ff00000: // |x| >= 1
		if x == 1 || x == -1 {
			return x*pio2Hi + x*pio2Lo
		}
		return math.NaN()
	case ix < 0x3fe00000: // |x| < 0.5
		if ix < 0x3e400000 { // |x| < 2^-27
			return x
		}
		t := x * x
		p := t * (pS0 + t*(pS1+t*(pS2+t*(pS3+t*(pS4+t*pS5)))))
		q := 1 + t*(qS1+t*(qS2+t*(qS3+t*qS4)))
		return x + x*(p/q)
	}
	// 0.5 <= |x| < 1
	w := 1 - math.Abs(x)
	t := w * 0.5
	p := t * (pS0 + t*(pS1+t*(pS2+t*(pS3+t*(pS4+t*pS5)))))
	q := 1 + t*(qS1+t*(qS2+t*(qS3+t*qS4)))
	s := math.Sqrt(t)
	if ix >= 0x3FEF3333 { // |x| > 0.975
		w = p / q
		t = pio2Hi - (2.0*(s+s*w) - pio2Lo)
	} else {
		w = math.Float64frombits(math.Float64bits(s) &^ 0xffffffff)
		c := (t - w*w) / (s + w)
		r := p / q
		p = 2.0*s*r - (pio2Lo - 2.0*c)
		q = pio4Hi - 2.0*w
		t = pio4Hi - (p - q)
	}
	if hx > 0 {
		return t
	}
	return -t
}

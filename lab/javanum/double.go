package javanum

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// FormatDouble formats a float64 exactly as Java 17's Double.toString does,
// which is what Confluent Platform 7.9's services print: ksqlDB for DOUBLE
// values and CAST(x AS STRING), Jackson in the Schema Registry and Kafka
// Connect's JsonConverter. Java before 19 does not always print the
// shortest round-tripping digits: integers below 2^63 print their own
// digits minus a count of "insignificant" low digits (2^62 prints as
// 4.6116860184273879E18, not 4.611686018427388E18), and other values run a
// digit generator that stops with a symmetric half-ULP test. This is an
// independent Go implementation of the algorithm described by OpenJDK's
// jdk.internal.math.FloatingDecimal (BinaryToASCIIBuffer.dtoa); decimal
// notation is used for 1e-3 <= |d| < 1e7, E-notation otherwise.
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	raw := math.Float64bits(f)
	neg := raw>>63 != 0
	exp := int((raw >> 52) & 0x7ff)
	frac := raw & (1<<52 - 1)
	var nSig int
	if exp == 0 { // subnormal: normalise so the hidden-bit position is set
		lz := bits.LeadingZeros64(frac)
		shift := lz - 11
		frac <<= uint(shift)
		exp = 1 - shift
		nSig = 64 - lz
	} else {
		frac |= 1 << 52
		nSig = 53
	}
	digits, decExp := jdDigits(exp-1023, frac, nSig)
	return jdLayout(neg, digits, decExp)
}

// jdFive[i] is 5^i for the long-sized fast paths.
var jdFive = func() []int64 {
	out := make([]int64, 27)
	out[0] = 1
	for i := 1; i < len(out); i++ {
		out[i] = out[i-1] * 5
	}
	return out
}()

// jdFiveBits[i] approximates ceil(log2(5^i)).
var jdFiveBits = []int{0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61}

func jdFiveBitsOf(n int) int {
	if n < len(jdFiveBits) {
		return jdFiveBits[n]
	}
	return n * 3
}

// jdInsignificant is how many low decimal digits of 2^p carry no
// information (the number of decimal digits of 2^p minus one, for 1 < p < 64).
func jdInsignificant(p int) int {
	if p <= 1 || p >= 64 {
		return 0
	}
	n := 0
	for v := uint64(1) << uint(p); v >= 10; v /= 10 {
		n++
	}
	return n
}

// jdDigits returns the decimal digits and the decimal exponent (value =
// 0.d1d2... * 10^decExp) Java chooses for 1.frac * 2^binExp.
func jdDigits(binExp int, fractBits uint64, nSig int) ([]byte, int) {
	tailZeros := bits.TrailingZeros64(fractBits)
	nFractBits := 53 - tailZeros
	nTinyBits := max(0, nFractBits-binExp-1)
	if binExp <= 62 && binExp >= -21 && nTinyBits < len(jdFive) && nFractBits+jdFiveBits[nTinyBits] < 64 && nTinyBits == 0 {
		// an integer that fits in a long
		insignificant := 0
		if binExp > nSig {
			insignificant = jdInsignificant(binExp - nSig - 1)
		}
		v := fractBits
		if binExp >= 52 {
			v <<= uint(binExp - 52)
		} else {
			v >>= uint(52 - binExp)
		}
		return jdLongDigits(int64(v), insignificant)
	}

	decExp := jdEstimateDecExp(fractBits, binExp)
	b5 := max(0, -decExp)
	b2 := b5 + nTinyBits + binExp
	s5 := max(0, decExp)
	s2 := s5 + nTinyBits
	m5 := b5
	m2 := b2 - nSig
	fractBits >>= uint(tailZeros)
	b2 -= nFractBits - 1
	common := min(b2, s2)
	b2 -= common
	s2 -= common
	m2 -= common
	if nFractBits == 1 { // an exact power of two: the next value below is closer
		m2--
	}
	if m2 < 0 {
		b2 -= m2
		s2 -= m2
		m2 = 0
	}
	bBits := nFractBits + b2 + jdFiveBitsOf(b5)
	tenSBits := s2 + 1 + jdFiveBitsOf(s5+1)

	var digits []byte
	var low, high bool
	var lowDiff int // sign of 2*remainder - 10*S, used to round the last digit
	eForm := func() bool { return decExp < -3 || decExp >= 8 }
	switch {
	case bBits < 32 && tenSBits < 32:
		// 32-bit arithmetic, wrapping as Java's int does
		b := int32(fractBits) * int32(jdFive[b5]) << uint(b2)
		s := int32(jdFive[s5]) << uint(s2)
		m := int32(jdFive[m5]) << uint(m2)
		tens := s * 10
		q := b / s
		b = 10 * (b % s)
		m *= 10
		low, high = b < m, b+m > tens
		if q == 0 && !high {
			decExp--
		} else {
			digits = append(digits, byte('0'+q))
		}
		if eForm() {
			low, high = false, false
		}
		for !low && !high {
			q = b / s
			b = 10 * (b % s)
			m *= 10
			if m > 0 {
				low, high = b < m, b+m > tens
			} else {
				low, high = true, true
			}
			digits = append(digits, byte('0'+q))
		}
		lowDiff = sign64(int64(b<<1 - tens))
	case bBits < 64 && tenSBits < 64:
		b := int64(fractBits) * jdFive[b5] << uint(b2)
		s := jdFive[s5] << uint(s2)
		m := jdFive[m5] << uint(m2)
		tens := s * 10
		q := b / s
		b = 10 * (b % s)
		m *= 10
		low, high = b < m, b+m > tens
		if q == 0 && !high {
			decExp--
		} else {
			digits = append(digits, byte('0'+q))
		}
		if eForm() {
			low, high = false, false
		}
		for !low && !high {
			q = b / s
			b = 10 * (b % s)
			m *= 10
			if m > 0 {
				low, high = b < m, b+m > tens
			} else {
				low, high = true, true
			}
			digits = append(digits, byte('0'+q))
		}
		lowDiff = sign64(b<<1 - tens)
	default:
		pow52 := func(v uint64, p5, p2 int) *big.Int {
			x := new(big.Int).SetUint64(v)
			x.Mul(x, new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(p5)), nil))
			return x.Lsh(x, uint(p2))
		}
		bv := pow52(fractBits, b5, b2)
		sv := pow52(1, s5, s2)
		mv := pow52(1, m5+1, m2+1) // 10*M
		tenS := pow52(1, s5+1, s2+1)
		qr := func() int64 {
			q, r := new(big.Int).QuoRem(bv, sv, new(big.Int))
			bv = r.Mul(r, big.NewInt(10))
			return q.Int64()
		}
		// here the upper test is B + M >= 10*S
		test := func() {
			low = bv.Cmp(mv) < 0
			high = new(big.Int).Add(bv, mv).Cmp(tenS) >= 0
		}
		q := qr()
		test()
		if q == 0 && !high {
			decExp--
		} else {
			digits = append(digits, byte('0'+q))
		}
		if eForm() {
			low, high = false, false
		}
		for !low && !high {
			q = qr()
			mv.Mul(mv, big.NewInt(10))
			test()
			digits = append(digits, byte('0'+q))
		}
		if high && low {
			lowDiff = new(big.Int).Lsh(bv, 1).Cmp(tenS)
		}
	}
	decExp++
	if high {
		if !low || lowDiff > 0 || (lowDiff == 0 && (digits[len(digits)-1]-'0')&1 != 0) {
			digits, decExp = jdRoundUp(digits, decExp)
		}
	}
	return digits, decExp
}

func sign64(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func jdRoundUp(d []byte, decExp int) ([]byte, int) {
	i := len(d) - 1
	for i > 0 && d[i] == '9' {
		d[i] = '0'
		i--
	}
	if d[i] == '9' { // carry out of the first digit
		d[0] = '1'
		return d, decExp + 1
	}
	d[i]++
	return d, decExp
}

// jdEstimateDecExp estimates floor(log10(value)) as Java does, from a
// linear approximation of log10 of the mantissa.
func jdEstimateDecExp(fractBits uint64, binExp int) int {
	d2 := math.Float64frombits(0x3ff0000000000000 | (fractBits & (1<<52 - 1)))
	d := (d2-1.5)*0.289529654 + 0.176091259 + float64(binExp)*0.301029995663981
	return int(math.Floor(d))
}

// jdLongDigits develops the digits of an integer value, dropping and
// rounding away its insignificant low digits, and trailing zeros.
func jdLongDigits(v int64, insignificant int) ([]byte, int) {
	decExp := 0
	if insignificant > 0 {
		pow10 := jdFive[insignificant] << uint(insignificant)
		residue := v % pow10
		v /= pow10
		decExp += insignificant
		if residue >= pow10>>1 {
			v++
		}
	}
	s := strconv.FormatInt(v, 10)
	trimmed := len(s)
	for trimmed > 1 && s[trimmed-1] == '0' {
		trimmed--
	}
	decExp += len(s) // the point sits after all of v's digits
	return []byte(s[:trimmed]), decExp
}

// jdLayout writes digits (value 0.d1d2... * 10^decExp) in Java's layout.
func jdLayout(neg bool, d []byte, decExp int) string {
	var b []byte
	if neg {
		b = append(b, '-')
	}
	switch {
	case decExp > 0 && decExp < 8:
		n := min(len(d), decExp)
		b = append(b, d[:n]...)
		if n < decExp {
			for i := n; i < decExp; i++ {
				b = append(b, '0')
			}
			b = append(b, '.', '0')
		} else {
			b = append(b, '.')
			if n < len(d) {
				b = append(b, d[n:]...)
			} else {
				b = append(b, '0')
			}
		}
	case decExp <= 0 && decExp > -3:
		b = append(b, '0', '.')
		for i := 0; i < -decExp; i++ {
			b = append(b, '0')
		}
		b = append(b, d...)
	default:
		b = append(b, d[0], '.')
		if len(d) > 1 {
			b = append(b, d[1:]...)
		} else {
			b = append(b, '0')
		}
		b = append(b, 'E')
		e := decExp - 1
		b = strconv.AppendInt(b, int64(e), 10)
	}
	return string(b)
}

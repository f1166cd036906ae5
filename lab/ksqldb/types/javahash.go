package types

import (
	"math"
	"math/big"

	"github.com/ctalab/ctalab/internal/javamap"
)

// AvroUtf8 is a map key held as Avro's org.apache.avro.util.Utf8, as
// GenericDatumReader.readMap reads the keys of an Avro map: its hashCode
// folds the UTF-8 bytes, each a signed Java byte, by 31 (Utf8.hashCode,
// Avro 1.11), which for a key outside ASCII differs from String.hashCode.
type AvroUtf8 string

// javaHashCode is hashCode() of the Java object ksqlDB holds for a MAP key
// of one of the types KeyedMap accepts (see KeyedMapKey): Integer, Long,
// Double, Boolean, String and BigDecimal, as java.lang and java.math define
// them, or an Avro Utf8; null hashes to 0 as in HashMap.hash.
func javaHashCode(v any) int32 {
	switch x := v.(type) {
	case AvroUtf8:
		var h int32
		for i := 0; i < len(x); i++ {
			h = 31*h + int32(int8(x[i]))
		}
		return h
	case int32:
		return x
	case int64:
		return int32(x ^ int64(uint64(x)>>32))
	case float64:
		// Double.hashCode: doubleToLongBits, every NaN the canonical one
		bits := math.Float64bits(x)
		if x != x {
			bits = 0x7ff8000000000000
		}
		return int32(bits ^ bits>>32)
	case bool:
		if x {
			return 1231
		}
		return 1237
	case string:
		return javamap.StringHashCode(x)
	case Decimal:
		return decimalHashCode(x)
	}
	return 0
}

// decimalHashCode is BigDecimal.hashCode: from the compact long value when
// the unscaled value fits one (but for Long.MIN_VALUE, BigDecimal's
// INFLATED marker), else from BigInteger.hashCode, and the scale.
func decimalHashCode(d Decimal) int32 {
	u := d.Unscaled
	if u.IsInt64() && u.Int64() != math.MinInt64 {
		c := u.Int64()
		v := uint64(c)
		if c < 0 {
			v = uint64(-c)
		}
		temp := int32(uint32(v>>32)*31 + uint32(v))
		if c < 0 {
			temp = -temp
		}
		return 31*temp + d.Scale
	}
	return 31*bigIntegerHashCode(u) + d.Scale
}

// bigIntegerHashCode is BigInteger.hashCode: the magnitude's 32-bit words,
// most significant first, folded by 31, times the signum.
func bigIntegerHashCode(u *big.Int) int32 {
	mag := new(big.Int).Abs(u).Bytes()
	for len(mag)%4 != 0 {
		mag = append([]byte{0}, mag...)
	}
	var h int32
	for i := 0; i < len(mag); i += 4 {
		w := uint32(mag[i])<<24 | uint32(mag[i+1])<<16 | uint32(mag[i+2])<<8 | uint32(mag[i+3])
		h = int32(31*uint32(h) + w)
	}
	return h * int32(u.Sign())
}

// javaKeyID is a comparable stand-in for a key under Java's equals: a
// Double by its bits (NaN equals NaN, 0.0 is not -0.0), a BigDecimal by
// its unscaled value and scale (2.0 is not 2.00).
func javaKeyID(v any) any {
	switch x := v.(type) {
	case float64:
		if x != x {
			return uint64(0x7ff8000000000000)
		}
		return math.Float64bits(x)
	case Decimal:
		return decimalID{x.Unscaled.String(), x.Scale}
	}
	return v
}

// decimalID is a BigDecimal's identity under equals.
type decimalID struct {
	unscaled string
	scale    int32
}

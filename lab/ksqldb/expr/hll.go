package expr

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// COUNT_DISTINCT's HyperLogLog, as ksqlDB 0.29's CountDistinct keeps it
// (confluentinc/ksql v7.9.0, ksqldb-engine/.../function/udaf/count/
// CountDistinct.java) with the stream-lib copy it ships
// (ksqldb-stream-lib/.../stream/cardinality/HyperLogLog.java and
// RegisterSet.java, .../hash/MurmurHash.java): log2m 14, so 16384
// registers of 5 bits, six to an int, in 2731 ints.

const (
	hllLog2M     = 14
	hllM         = 1 << hllLog2M
	hllPerWord   = 6 // RegisterSet.LOG2_BITS_PER_WORD: registers in an int
	hllRegBits   = 5 // RegisterSet.REGISTER_SIZE
	hllWords     = hllM/hllPerWord + 1
	murmurMix    = 0x5bd1e995
	murmurShift  = 24
	hllSmallBase = 5.0 / 2.0
)

// hllOffer is HyperLogLog.offer(o): the value's MurmurHash.hash(Object),
// then offerHashed(int): the register its top 14 bits address takes the
// position of the first 1 in the rest if that is higher. regs is nil or
// hllWords long; the returned slice is a new one when a register changes.
func hllOffer(regs []int32, v any) []int32 {
	x := uint32(javaHash(v))
	j := x >> (32 - hllLog2M)
	// Integer.numberOfLeadingZeros((x << log2m) | (1 << (log2m - 1)) + 1) + 1;
	// + binds before |
	r := int32(bits.LeadingZeros32((x<<hllLog2M)|(1<<(hllLog2M-1)+1))) + 1
	word, shift := j/hllPerWord, hllRegBits*(j%hllPerWord)
	mask := int32(0x1f) << shift
	if len(regs) > 0 && regs[word]&mask >= r<<shift {
		return regs
	}
	out := make([]int32, hllWords)
	copy(out, regs)
	out[word] = out[word]&^mask | r<<shift
	return out
}

// hllMerge is RegisterSet.merge: each register the higher of the two.
func hllMerge(a, b []int32) []int32 {
	if len(b) == 0 {
		return a
	}
	out := make([]int32, hllWords)
	copy(out, a)
	for w := range out {
		word := int32(0)
		for j := range hllPerWord {
			mask := int32(0x1f) << (hllRegBits * j)
			this, that := out[w]&mask, b[w]&mask
			word |= max(this, that)
		}
		out[w] = word
	}
	return out
}

// hllCardinality is HyperLogLog.cardinality: the raw estimate
// alphaMM / sum(2^-register), or linear counting m * ln(m / zeros) while
// the estimate is at most 2.5 m, rounded as Math.round.
func hllCardinality(regs []int32) int64 {
	alphaMM := 0.7213 / (1 + 1.079/float64(hllM)) * hllM * hllM // getAlphaMM for log2m 14
	var sum, zeros float64
	for j := range hllM {
		val := 0
		if len(regs) > 0 {
			val = int(regs[j/hllPerWord]>>(hllRegBits*(j%hllPerWord))) & 0x1f
		}
		sum += 1.0 / float64(int32(1)<<val)
		if val == 0 {
			zeros++
		}
	}
	estimate := alphaMM * (1 / sum)
	if estimate <= hllSmallBase*hllM {
		return javaRound(hllM * math.Log(hllM/zeros))
	}
	return javaRound(estimate)
}

// javaRound is Math.round(double): floor(x + 0.5).
func javaRound(x float64) int64 { return int64(math.Floor(x + 0.5)) }

// javaHash is MurmurHash.hash(Object) of the Java value ksqlDB passes for
// v: Integer and Long by hashLong, Double by hashLong of its raw bits,
// String by hash of its bytes (UTF-8), anything else by hash of its
// toString (Boolean, BigDecimal, java.sql.Date, Time and Timestamp,
// ByteBuffer, List, Map, Connect Struct).
func javaHash(v any) int32 {
	switch x := v.(type) {
	case nil:
		return 0
	case int32:
		return murmurHashLong(int64(x))
	case int64:
		return murmurHashLong(x)
	case float64:
		if math.IsNaN(x) {
			return murmurHashLong(0x7ff8000000000000) // Double.NaN
		}
		return murmurHashLong(int64(math.Float64bits(x)))
	}
	return murmurHash([]byte(javaToString(v)), -1)
}

// murmurHash is MurmurHash.hash(byte[], length, seed), MurmurHash2.
func murmurHash(data []byte, seed int32) int32 {
	const m = murmurMix
	length := int32(len(data))
	h := uint32(seed ^ length)
	n4 := len(data) >> 2
	for i := range n4 {
		k := uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24
		k *= m
		k ^= k >> murmurShift
		k *= m
		h *= m
		h ^= k
	}
	// the tail's bytes are sign-extended, as Java's (int) byte is
	switch left := len(data) - n4<<2; {
	case left != 0:
		if left >= 3 {
			h ^= uint32(int32(int8(data[len(data)-3])) << 16)
		}
		if left >= 2 {
			h ^= uint32(int32(int8(data[len(data)-2])) << 8)
		}
		h ^= uint32(int32(int8(data[len(data)-1])))
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// murmurHashLong is MurmurHash.hashLong.
func murmurHashLong(data int64) int32 {
	const m = murmurMix
	var h uint32
	k := uint32(data) * m
	k ^= k >> murmurShift
	h ^= k * m
	k = uint32(data>>32) * m
	k ^= k >> murmurShift
	h *= m
	h ^= k * m
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// javaToString is String.valueOf of the Java value ksqlDB holds for v, in
// a server whose time zone is UTC.
func javaToString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int32, int64:
		return fmt.Sprint(x)
	case float64:
		return javanum.FormatDouble(x)
	case types.Decimal:
		return x.String() // BigDecimal.toString
	case types.DateVal: // java.sql.Date.toString
		return time.Unix(int64(x)*86400, 0).UTC().Format("2006-01-02")
	case types.TimeVal: // java.sql.Time.toString
		return time.UnixMilli(int64(x)).UTC().Format("15:04:05")
	case types.TimestampVal:
		return javaTimestampString(int64(x))
	case []byte: // ByteBuffer.wrap(bytes).toString
		return fmt.Sprintf("java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]", len(x), len(x))
	case []any: // AbstractCollection.toString
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaToString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *types.KeyedMap: // AbstractMap.toString, in the map's order
		parts := make([]string, len(x.Keys))
		for i, k := range x.Keys {
			parts[i] = javaToString(k) + "=" + javaToString(x.Vals[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *types.StructVal: // Connect Struct.toString: the non-null fields
		var parts []string
		for i, f := range x.Type.Fields {
			if x.Vals[i] != nil {
				parts = append(parts, f.Name+"="+javaToString(x.Vals[i]))
			}
		}
		return "Struct{" + strings.Join(parts, ",") + "}"
	}
	return types.Format(v)
}

// javaTimestampString is java.sql.Timestamp.toString: yyyy-mm-dd
// hh:mm:ss.f, the fraction its nanoseconds without trailing zeros, "0"
// for none.
func javaTimestampString(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	frac := "0"
	if nanos := t.Nanosecond(); nanos != 0 {
		frac = strings.TrimRight(fmt.Sprintf("%09d", nanos), "0")
	}
	return t.Format("2006-01-02 15:04:05") + "." + frac
}

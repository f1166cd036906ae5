package expr

import (
	"strconv"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The expected hashes, estimates and register sets below are what
// ksqlDB's stream-lib copy gives (confluentinc/ksql v7.9.0,
// ksqldb-stream-lib/.../hash/MurmurHash.java hash(Object), and
// .../stream/cardinality/HyperLogLog.java with RegisterSet.java as
// CountDistinct.java builds them: log2m 14), with the JVM in UTC.

func TestCountDistinctHashesEachValueAsMurmurHashDoesItsJavaObject(t *testing.T) {
	dec := func(s string) types.Decimal {
		d, err := types.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		name string
		v    any
		want int32
	}{
		{"String one", "one", 1448687641},
		{"String two", "two", -1859166203},
		{"String hashthis", "hashthis", -1974946086},
		{"empty String", "", -1285986640},
		{"String in UTF-8", "héllo", -255011586},
		{"Integer 0", int32(0), 0},
		{"Integer 1", int32(1), 1527037976},
		{"Integer -1", int32(-1), -2037786185},
		{"Integer 42", int32(42), 1348420172},
		{"Integer MAX_VALUE", int32(2147483647), -1595886004},
		{"Long 1 as Integer 1", int64(1), 1527037976},
		{"Long -7", int64(-7), -1995426631},
		{"Long 2^40", int64(1) << 40, -937224101},
		{"Double 0.0", 0.0, 0},
		{"Double -0.0 by its raw bits", negZero(), 630388283},
		{"Double 1.5", 1.5, -1688758945},
		{"Double 3.4", 3.4, 369221725},
		{"Boolean true by toString", true, 1948193093},
		{"Boolean false by toString", false, 728261406},
		{"BigDecimal 3.40 by toString", dec("3.40"), 2012623594},
		{"BigDecimal 1E-8 in scientific notation", dec("0.00000001"), -508796835},
		{"BigDecimal -12.5", dec("-12.5"), -290217453},
		{"java.sql.Date", types.DateVal(18000), -367754835},
		{"java.sql.Time", types.TimeVal(3_723_000), 1918203892},
		{"java.sql.Time midnight", types.TimeVal(0), 546940582},
		{"java.sql.Timestamp with millis", types.TimestampVal(1_600_000_000_123), 1920738400},
		{"java.sql.Timestamp on the second", types.TimestampVal(1_600_000_000_000), 920673535},
		{"java.sql.Timestamp with trailing zeros dropped", types.TimestampVal(1_600_000_000_100), 994452255},
		{"ByteBuffer by toString", []byte{1, 2, 3}, 1073338067},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := javaHash(c.v); got != c.want {
				t.Errorf("hash(%v) = %d, want %d", c.v, got, c.want)
			}
		})
	}
}

func negZero() float64 {
	z := 0.0
	return -z
}

// registersHash is Arrays.hashCode(int[]) of the registers.
func registersHash(regs []int32) int32 {
	h := int32(1)
	for i := range hllWords {
		var r int32
		if len(regs) > 0 {
			r = regs[i]
		}
		h = 31*h + r
	}
	return h
}

func TestCountDistinctEstimatesAsStreamLibHyperLogLog(t *testing.T) {
	kinds := map[string]func(k int) any{
		"strings": func(k int) any { return "v" + strconv.Itoa(k) },
		"ints":    func(k int) any { return int32(k*7 - 1000) },
		"longs":   func(k int) any { return int64(k) * 1000003 },
		"doubles": func(k int) any { return float64(k) / 4 },
	}
	for _, c := range []struct {
		kind string
		n    int
		card int64
		hash int32
	}{
		{"strings", 10, 10, 1451381988},
		{"ints", 10, 10, -1467600102},
		{"longs", 10, 10, -421484337},
		{"doubles", 10, 10, 465044276},
		{"strings", 1000, 1000, 45474576},
		{"ints", 1000, 996, -1855196637},
		{"longs", 1000, 992, -1320091236},
		{"doubles", 1000, 1007, 1486403932},
		{"strings", 20000, 20334, 1085224169},
		{"ints", 20000, 20101, 1199244246},
		{"strings", 40000, 41261, -1894359861}, // past 2.5 m: the raw estimate
		{"doubles", 40000, 40116, 558996709},
		{"strings", 100000, 99640, -2023611753},
		{"longs", 100000, 100067, -1843492233},
	} {
		t.Run(c.kind+" "+strconv.Itoa(c.n), func(t *testing.T) {
			var regs []int32
			for k := range c.n {
				regs = hllOffer(regs, kinds[c.kind](k))
			}
			if got := hllCardinality(regs); got != c.card {
				t.Errorf("cardinality %d, want %d", got, c.card)
			}
			if got := registersHash(regs); got != c.hash {
				t.Errorf("registers' Arrays.hashCode %d, want %d", got, c.hash)
			}
		})
	}
	t.Run("a value seen again changes nothing", func(t *testing.T) {
		var regs []int32
		for _, v := range []string{"one", "two", "one"} {
			regs = hllOffer(regs, v)
		}
		if got, h := hllCardinality(regs), registersHash(regs); got != 2 || h != -1170293347 {
			t.Errorf("cardinality %d, registers' hash %d; want 2, -1170293347", got, h)
		}
	})
	t.Run("no value estimates 0", func(t *testing.T) {
		if got := hllCardinality(nil); got != 0 {
			t.Errorf("cardinality %d, want 0", got)
		}
	})
}

// Sessions merge register by register, the higher kept
// (CountDistinct.merge: RegisterSet.merge).
func TestCountDistinctMergesRegistersByMax(t *testing.T) {
	var a, b []int32
	for k := range 3000 {
		a = hllOffer(a, "v"+strconv.Itoa(k))
	}
	for k := 2000; k < 6000; k++ {
		b = hllOffer(b, "v"+strconv.Itoa(k))
	}
	before := registersHash(a)
	m := hllMerge(a, b)
	if got, h := hllCardinality(m), registersHash(m); got != 6001 || h != -483577546 {
		t.Errorf("merged cardinality %d, registers' hash %d; want 6001, -483577546", got, h)
	}
	if registersHash(a) != before {
		t.Error("merging changed its first operand")
	}
}

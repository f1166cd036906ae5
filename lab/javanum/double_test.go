package javanum

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Double.toString as Java 17 (Confluent Platform 7.9's JVM) prints it. The
// expected strings are Java's own output: Double.MIN_VALUE and MAX_VALUE
// from the Double javadoc constants, 2^62 and 2.82879384806159E17 from
// OpenJDK bug JDK-4511638 (non-shortest output before Java 19), and the
// decimal/E-notation switch at 10^-3 and 10^7 from the Double.toString
// javadoc.
func TestJavaDoubleToString(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{math.Ldexp(1, 62), "4.6116860184273879E18"},
		{2.82879384806159e17, "2.82879384806159008E17"},
		{math.SmallestNonzeroFloat64, "4.9E-324"},
		{math.MaxFloat64, "1.7976931348623157E308"},
		{1e7, "1.0E7"},
		{9999999, "9999999.0"},
		{0.001, "0.001"},
		{0.0001, "1.0E-4"},
		{100, "100.0"},
		{0.1, "0.1"},
		{-1.5, "-1.5"},
		{123.456, "123.456"},
		{1.0 / 3, "0.3333333333333333"},
		{2.5e-10, "2.5E-10"},
		{math.Copysign(0, -1), "-0.0"},
		{1e21, "1.0E21"},
		{12345678.9, "1.23456789E7"},
	}
	for _, c := range cases {
		if got := FormatDouble(c.f); got != c.want {
			t.Errorf("FormatDouble(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}

// Whatever digits Java picks, they read back as the same double.
func TestJavaDoubleRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 50000; i++ {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := FormatDouble(f)
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != f {
			t.Fatalf("FormatDouble(%b) = %s reads back as %v (%v)", f, s, back, err)
		}
	}
}

package expr

import (
	"math"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// STDDEV_SAMPLE and STDDEV_SAMP as ksqlDB 0.29's StandardDeviationSampleUdaf
// and StandardDeviationSampUdaf compute them (confluentinc/ksql v7.9.0,
// ksqldb-engine/.../function/udaf/stddev): a count, a sum in the argument's
// type (an INTEGER sum wraps as Java's int does) and M2, the Youngs-Cramer
// running sum of squared differences, updated on every value and undone
// for a table's retracted rows. STDDEV_SAMPLE is sqrt(M2 / (n - 1));
// STDDEV_SAMP, despite its name, is the variance M2 / (n - 1), as the
// aggregate-functions page warns. Fewer than two values give 0.0.

// stddevDelta is the UDAF's createDelta: v * (n + 1) - (sum + v), in the
// argument type's arithmetic, as a double.
func (c *AggCall) stddevDelta(s *AggState, v any) float64 {
	switch c.arg.Type {
	case types.Double:
		x := types.ToFloat(v)
		return x*float64(s.N+1) - (s.F + x)
	case types.Integer:
		x := int32(types.ToInt(v))
		return float64(int64(x)*(s.N+1) - int64(int32(s.I)+x))
	}
	x := types.ToInt(v)
	return float64(x*(s.N+1) - (s.I + x))
}

// stddevSum adds sign * v to the sum in the argument type's arithmetic.
func (c *AggCall) stddevSum(s *AggState, v any, sign int64) {
	switch c.arg.Type {
	case types.Double:
		s.F += float64(sign) * types.ToFloat(v)
	case types.Integer:
		s.I = int64(int32(s.I) + int32(sign)*int32(types.ToInt(v)))
	default:
		s.I += sign * types.ToInt(v)
	}
}

// addStddev is the UDAF's aggregate (sign 1) or undo (sign -1).
func (c *AggCall) addStddev(s *AggState, v any, sign int64) {
	if v == nil {
		return
	}
	delta := c.stddevDelta(s, v)
	if sign > 0 {
		n := s.N + 1
		if n-1 > 0 {
			s.M2 += delta * delta / float64(n*(n-1))
		}
		s.N = n
	} else {
		n := s.N - 1
		var m2 float64
		if n > 0 {
			m2 = delta * delta / float64(n*(n+1))
		}
		s.M2 -= m2
		s.N = n
	}
	c.stddevSum(s, v, sign)
}

// MergeStddev is the UDAF's merge, for session windows.
func (c *AggCall) MergeStddev(dst *AggState, src AggState) {
	n := dst.N + src.N
	m2 := dst.M2 + src.M2
	if dst.N != 0 && src.N != 0 {
		var inner float64
		if c.arg.Type == types.Double {
			inner = dst.F/float64(dst.N) - src.F/float64(src.N)
		} else {
			inner = float64(dst.I)/float64(dst.N) - float64(src.I)/float64(src.N)
		}
		m2 = dst.M2 + src.M2 + float64(dst.N*src.N)*inner*inner/float64(n)
	}
	switch c.arg.Type {
	case types.Double:
		dst.F += src.F
	case types.Integer:
		dst.I = int64(int32(dst.I) + int32(src.I))
	default:
		dst.I += src.I
	}
	dst.N, dst.M2 = n, m2
}

func (c *AggCall) stddevResult(s AggState) float64 {
	if s.N < 2 {
		return 0.0
	}
	variance := s.M2 / float64(s.N-1)
	if c.Name == "STDDEV_SAMP" {
		return variance
	}
	return math.Sqrt(variance)
}

package javanum

import "math"

// JavaLong converts a double to an integer as Java's narrowing conversion
// does: NaN is 0, values outside [lo, hi] saturate, the rest truncate.
func JavaLong(f float64, lo, hi int64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f <= float64(lo):
		return lo
	case f >= float64(hi):
		return hi
	}
	return int64(f)
}

package main

import (
	"math"
	"slices"
)

// median returns the middle of xs (the mean of the two middle values for an
// even count), NaN for none. xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentile returns the nearest-rank p-th percentile of xs (0 ≤ p ≤ 100):
// the ⌈p/100·n⌉-th smallest value, the smallest for p 0; NaN for none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(xs))
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// progressSample is the number of acknowledged events T seconds after a
// replay started.
type progressSample struct {
	T      float64 `json:"t_s"`
	Events int64   `json:"events"`
}

// point is one (x, y) of a plot.
type point struct{ X, Y float64 }

// rates turns cumulative samples into events/s over each interval, placed at
// the interval's end.
func rates(samples []progressSample) []point {
	var out []point
	for i := 1; i < len(samples); i++ {
		dt := samples[i].T - samples[i-1].T
		if dt <= 0 {
			continue
		}
		out = append(out, point{samples[i].T, float64(samples[i].Events-samples[i-1].Events) / dt})
	}
	return out
}

package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), c.in...)
		if got := median(in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
		for i := range in {
			if in[i] != c.in[i] {
				t.Errorf("median(%v) reordered its input to %v", c.in, in)
				break
			}
		}
	}
	if got := median(nil); !math.IsNaN(got) {
		t.Errorf("median(nil) = %v, want NaN", got)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	xs := make([]float64, 0, 120)
	for i := 120; i >= 1; i-- { // 120..1, unsorted on purpose
		xs = append(xs, float64(i))
	}
	for _, c := range []struct{ p, want float64 }{
		{50, 60},   // ceil(0.50*120) = 60th smallest
		{99, 119},  // ceil(0.99*120) = 119th smallest
		{100, 120}, // the maximum
		{0, 1},     // the minimum
	} {
		if got := percentile(xs, c.p); got != c.want {
			t.Errorf("percentile(1..120, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile([]float64{7}, 99); got != 7 {
		t.Errorf("percentile([7], 99) = %v, want 7", got)
	}
	if got := percentile(nil, 50); !math.IsNaN(got) {
		t.Errorf("percentile(nil, 50) = %v, want NaN", got)
	}
}

func TestRates(t *testing.T) {
	in := []progressSample{{T: 0, Events: 0}, {T: 0.5, Events: 1000}, {T: 1.5, Events: 4000}, {T: 2, Events: 4000}}
	got := rates(in)
	want := []point{{0.5, 2000}, {1.5, 3000}, {2, 0}}
	if len(got) != len(want) {
		t.Fatalf("rates = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("rates[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if got := rates(in[:1]); len(got) != 0 {
		t.Errorf("rates of one sample = %v, want none", got)
	}
}

func TestTargets(t *testing.T) {
	r := newRow("cold start", "s", below(3), []float64{2.9, 3.2, 1})
	if r.Median != 2.9 || r.Pass == nil || !*r.Pass {
		t.Errorf("median 2.9 against < 3: %+v", r)
	}
	r = newRow("ratio", "%", atLeast(30), []float64{29.9})
	if r.Pass == nil || *r.Pass {
		t.Errorf("29.9 against ≥ 30 should fail: %+v", r)
	}
	if r := newRow("latency", "ms", atMost(10), []float64{10}); r.Pass == nil || !*r.Pass || r.Target.String() != "≤ 10" {
		t.Errorf("10 against ≤ 10 should pass: %+v", r)
	}
	if r := newRow("latency", "ms", atMost(10), []float64{10.1}); r.Pass == nil || *r.Pass {
		t.Errorf("10.1 against ≤ 10 should fail: %+v", r)
	}
	if r := newRow("no target", "MB", nil, []float64{1}); r.Pass != nil {
		t.Errorf("a row without a target has no result: %+v", r)
	}
	if got := thousands(545123); got != "545,123" {
		t.Errorf("thousands(545123) = %q", got)
	}
	if got := thousands(999); got != "999" {
		t.Errorf("thousands(999) = %q", got)
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	writeTable(&b, []tableRow{
		newRow("cold start", "s", below(3), []float64{1.2, 1.3}),
		newRow("latency p99", "ms", below(100), []float64{280}),
		{Name: "broken", Unit: "s", Median: math.NaN(), Err: "boom"},
		{Name: "broken too", Unit: "s", Median: math.NaN(), Err: "boom"},
	})
	out := b.String()
	for _, want := range []string{"cold start", "1.25", "1.20 1.30", "< 3", "pass", "280.0", "FAIL", "n/a", "error", `error from "broken": boom`} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "boom"); n != 1 {
		t.Errorf("a group's error is printed %d times, want once:\n%s", n, out)
	}
}

func TestRowJSONWithoutSamples(t *testing.T) {
	b, err := json.Marshal(newRow("none", "s", below(3), nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"median":null`) {
		t.Errorf("a row without samples should have a null median: %s", b)
	}
	b, err = json.Marshal(newRow("one", "s", below(3), []float64{2}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"median":2`) || !strings.Contains(string(b), `"pass":true`) {
		t.Errorf("row JSON: %s", b)
	}
}

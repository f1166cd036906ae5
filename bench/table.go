package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// target is a row's goal: the median must be below Value, at most Value
// (AtMost) or at least Value (AtLeast).
type target struct {
	AtLeast bool    `json:"at_least"`
	AtMost  bool    `json:"at_most,omitempty"`
	Value   float64 `json:"value"`
}

func (t *target) String() string {
	if t == nil {
		return "-"
	}
	if t.AtLeast {
		return "≥ " + strconv.FormatFloat(t.Value, 'f', -1, 64)
	}
	if t.AtMost {
		return "≤ " + strconv.FormatFloat(t.Value, 'f', -1, 64)
	}
	return "< " + strconv.FormatFloat(t.Value, 'f', -1, 64)
}

func (t *target) met(v float64) bool {
	if math.IsNaN(v) {
		return false
	}
	if t.AtLeast {
		return v >= t.Value
	}
	if t.AtMost {
		return v <= t.Value
	}
	return v < t.Value
}

// tableRow is one line of the table: a measure taken once per run.
type tableRow struct {
	Name    string    `json:"name"`
	Unit    string    `json:"unit"`
	Samples []float64 `json:"samples"` // one per run
	Median  float64   `json:"median"`
	Target  *target   `json:"target,omitempty"`
	Pass    *bool     `json:"pass,omitempty"`
	Err     string    `json:"error,omitempty"`
}

// MarshalJSON writes a median of no samples (NaN) as null.
func (r tableRow) MarshalJSON() ([]byte, error) {
	type plain tableRow
	out := struct {
		plain
		Median *float64 `json:"median"`
	}{plain: plain(r)}
	if !math.IsNaN(r.Median) {
		out.Median = &r.Median
	}
	return json.Marshal(out)
}

func newRow(name, unit string, t *target, samples []float64) tableRow {
	r := tableRow{Name: name, Unit: unit, Samples: samples, Median: median(samples), Target: t}
	if t != nil && len(samples) > 0 {
		pass := t.met(r.Median)
		r.Pass = &pass
	}
	return r
}

func below(v float64) *target   { return &target{Value: v} }
func atLeast(v float64) *target { return &target{AtLeast: true, Value: v} }
func atMost(v float64) *target  { return &target{AtMost: true, Value: v} }

// formatValue writes v with a precision that suits its unit.
func formatValue(v float64, unit string) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case unit == "events/s" || unit == "records/s":
		return thousands(int64(math.Round(v)))
	case unit == "MB" || unit == "%":
		return strconv.FormatFloat(v, 'f', 1, 64)
	case unit == "ms":
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// thousands writes 545123 as 545,123.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// writeTable prints the rows as an aligned text table.
func writeTable(w io.Writer, rows []tableRow) {
	header := []string{"measure", "unit", "median", "runs", "target", "result"}
	cells := [][]string{header}
	for _, r := range rows {
		runs := make([]string, len(r.Samples))
		for i, s := range r.Samples {
			runs[i] = formatValue(s, r.Unit)
		}
		result := "-"
		switch {
		case r.Err != "":
			result = "error"
		case r.Pass != nil && *r.Pass:
			result = "pass"
		case r.Pass != nil:
			result = "FAIL"
		}
		cells = append(cells, []string{r.Name, r.Unit, formatValue(r.Median, r.Unit), strings.Join(runs, " "), r.Target.String(), result})
	}
	widths := make([]int, len(header))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for n, row := range cells {
		var b strings.Builder
		for i, c := range row {
			pad := widths[i] - len([]rune(c))
			if i == 2 { // numbers align right
				b.WriteString(strings.Repeat(" ", pad) + c)
			} else {
				b.WriteString(c + strings.Repeat(" ", pad))
			}
			if i < len(row)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if n == 0 {
			total := len(widths)*2 - 2
			for _, wd := range widths {
				total += wd
			}
			fmt.Fprintln(w, strings.Repeat("-", total))
		}
	}
	seen := map[string]bool{} // the rows of a group share its error
	for _, r := range rows {
		if r.Err != "" && !seen[r.Err] {
			seen[r.Err] = true
			fmt.Fprintf(w, "error from %q: %s\n", r.Name, r.Err)
		}
	}
}

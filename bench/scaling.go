package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/ctalab/ctalab/app/sim"
)

// scalingCase is one replay of the scaling rows: days of the weekday
// schedule's world from Monday on (Saturday and Sunday with their own
// ridership), at a ridership scale.
type scalingCase struct {
	Name  string
	Days  int
	Scale float64
}

// scalingCases show how the cost grows with the work: with the days
// simulated, and with the riders per day.
var scalingCases = []scalingCase{
	{"1 day", 1, 1}, {"2 days", 2, 1}, {"4 days", 4, 1}, {"7 days", 7, 1}, {"1 day, 10x ridership", 1, 10},
}

// scalingRun is one replay of a scaling case.
type scalingRun struct {
	Case        string  `json:"case"`
	Days        int     `json:"days"`
	Scale       float64 `json:"ridership_scale"`
	Events      int64   `json:"events"`
	WallSeconds float64 `json:"wall_s"`
	PerSecond   float64 `json:"events_per_s"`
	PeakTreeMB  float64 `json:"peak_tree_rss_mb"`
	PeakOwnMB   float64 `json:"peak_go_rss_mb"`
}

// writeScalingSchedule writes c's schedule, the weekday schedule's start,
// step and seed for c.Days days at c.Scale, into dir.
func writeScalingSchedule(dir string, base sim.Schedule, c scalingCase) (string, error) {
	ticksPerDay := int((24 * 60 * 60) / base.Step.Seconds())
	path := filepath.Join(dir, fmt.Sprintf("scaling-%dd-x%g.yaml", c.Days, c.Scale))
	body := fmt.Sprintf("# %s: written by the bench for its scaling rows\nname: scaling-%dd-x%g\nstart: %s\nstep: %s\nticks: %d\nseed: %d\nridership_scale: %g\n",
		c.Name, c.Days, c.Scale, base.Start.Format("2006-01-02T15:04:05Z07:00"), base.Step, ticksPerDay*c.Days, base.Seed, c.Scale)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		return "", fmt.Errorf("write the %s schedule: %w", c.Name, err)
	}
	return path, nil
}

// scalingRows replays each scaling case o.runs times and returns its wall
// time, events/s and peak RSS, plotting wall time and peak RSS against the
// events of each case.
func scalingRows(ctx context.Context, o options, base sim.Schedule, rep *report, stderr io.Writer,
	progress func(string, ...any), fail func(string, error)) []tableRow {
	dir, err := os.MkdirTemp("", "ctalab-bench-scaling-")
	if err != nil {
		fail("scaling", err)
		return nil
	}
	defer removeTemp(dir)
	var rows []tableRow
	for _, c := range scalingCases {
		path, err := writeScalingSchedule(dir, base, c)
		if err != nil {
			fail("scaling", err)
			return rows
		}
		var wall, rate, peak []float64
		for i := range o.runs {
			r, err := replay(ctx, path, "", stderr, o.verbose)
			if err != nil {
				fail("scaling", fmt.Errorf("%s: %w", c.Name, err))
				return rows
			}
			if !r.Verified {
				fail("scaling", fmt.Errorf("%s, run %d: %s", c.Name, i+1, r.VerifyNote))
			}
			rep.Raw.Scaling = append(rep.Raw.Scaling, scalingRun{Case: c.Name, Days: c.Days, Scale: c.Scale, Events: r.Events,
				WallSeconds: r.WallSeconds, PerSecond: r.PerSecond, PeakTreeMB: r.PeakTreeMB, PeakOwnMB: r.PeakOwnMB})
			wall, rate, peak = append(wall, r.WallSeconds), append(rate, r.PerSecond), append(peak, r.PeakTreeMB)
			progress("scaling %s, run %d/%d: %d events, caught up after %.2fs, %.0f events/s, peak RSS %.0f MB",
				c.Name, i+1, o.runs, r.Events, r.WallSeconds, r.PerSecond, r.PeakTreeMB)
		}
		rows = append(rows,
			newRow("scaling, "+c.Name+": pipeline start to TURNSTILE_SUMMARY caught up", "s", nil, wall),
			newRow("scaling, "+c.Name+": events/s", "events/s", nil, rate),
			newRow("scaling, "+c.Name+": peak RSS, app + stack + PostgreSQL", "MB", nil, peak))
	}
	if err := writeScalingPlots(o.out, rep); err != nil {
		fail("scaling", err)
	}
	return rows
}

// scalingPoints are each case's median of f over its runs, against the
// case's events, ordered by events.
func scalingPoints(runs []scalingRun, f func(scalingRun) float64) []point {
	byCase := map[string][]scalingRun{}
	for _, r := range runs {
		byCase[r.Case] = append(byCase[r.Case], r)
	}
	var pts []point
	for _, rs := range byCase {
		vs := make([]float64, len(rs))
		for i, r := range rs {
			vs[i] = f(r)
		}
		pts = append(pts, point{X: float64(rs[0].Events), Y: median(vs)})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
	return pts
}

// writeScalingPlots draws wall time and peak RSS against the events of
// each scaling case: linear in events and flat in memory is the goal.
func writeScalingPlots(dir string, rep *report) error {
	if len(rep.Raw.Scaling) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write the scaling plots: %w", err)
	}
	stamp := rep.Started.UTC().Format("20060102-150405")
	for _, p := range []struct {
		suffix string
		axes   plotAxes
		name   string
		f      func(scalingRun) float64
	}{
		{"scaling-time", plotAxes{Title: "Replay wall time against the events replayed (1, 2, 4, 7 days; 1 day at 10x)", X: "events acknowledged", Y: "seconds, pipeline start to TURNSTILE_SUMMARY caught up"},
			"wall time (median)", func(r scalingRun) float64 { return r.WallSeconds }},
		{"scaling-memory", plotAxes{Title: "Peak RSS against the events replayed (1, 2, 4, 7 days; 1 day at 10x)", X: "events acknowledged", Y: "peak RSS, app + stack + PostgreSQL (MB)"},
			"peak RSS (median)", func(r scalingRun) float64 { return r.PeakTreeMB }},
	} {
		path := filepath.Join(dir, "bench-"+stamp+"-"+p.suffix+".svg")
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("write the scaling plots: %w", err)
		}
		if err := plotSVG(f, p.axes, []plotSeries{{Name: p.name, Points: scalingPoints(rep.Raw.Scaling, p.f)}}); err != nil {
			return errors.Join(fmt.Errorf("write the scaling plots: %w", err), f.Close())
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write the scaling plots: %w", err)
		}
	}
	return nil
}

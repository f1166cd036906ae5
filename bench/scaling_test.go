package main

import (
	"testing"
	"time"

	"github.com/ctalab/ctalab/app/sim"
)

// Each scaling case's schedule is the base schedule's world for its days
// at its ridership, and parses as the application parses schedules.
func TestScalingSchedulesAreTheBaseWorldForTheirDays(t *testing.T) {
	base := sim.Schedule{Name: "weekday", Start: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Step: 5 * time.Minute, Ticks: 288, Seed: 1}
	dir := t.TempDir()
	for _, c := range scalingCases {
		path, err := writeScalingSchedule(dir, base, c)
		if err != nil {
			t.Fatal(err)
		}
		s, err := sim.LoadSchedule(path)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !s.Start.Equal(base.Start) || s.Step != base.Step || s.Seed != base.Seed || s.Ticks != 288*c.Days || s.RidershipScale != c.Scale {
			t.Errorf("%s: schedule %+v, want the base's start, step and seed, %d ticks, scale %g", c.Name, s, 288*c.Days, c.Scale)
		}
	}
}

// The plotted points are each case's median, ordered by events.
func TestScalingPointsAreMediansByEvents(t *testing.T) {
	runs := []scalingRun{
		{Case: "2 days", Events: 200, WallSeconds: 3}, {Case: "1 day", Events: 100, WallSeconds: 2},
		{Case: "1 day", Events: 100, WallSeconds: 1}, {Case: "1 day", Events: 100, WallSeconds: 9},
	}
	pts := scalingPoints(runs, func(r scalingRun) float64 { return r.WallSeconds })
	if len(pts) != 2 || pts[0] != (point{100, 2}) || pts[1] != (point{200, 3}) {
		t.Fatalf("points %v, want [{100 2} {200 3}]", pts)
	}
}

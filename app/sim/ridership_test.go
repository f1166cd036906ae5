package sim

import (
	"math"
	"strings"
	"testing"
	"time"
)

// Over a simulated day, each station's entries sum to its average rides for
// that day type times the curve's daily share (0.99), within the noise bound.
func TestDailyEntriesMatchTheDayTypesAverageRides(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start time.Time
		day   DayType
	}{
		{"weekday", monday, Weekday},
		{"saturday", monday.AddDate(0, 0, 5), Saturday},
		{"sunday", monday.AddDate(0, 0, 6), Sunday},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if DayTypeOf(tc.start) != tc.day {
				t.Fatalf("%s is a %s", tc.start.Weekday(), DayTypeOf(tc.start))
			}
			r := run(t, Schedule{Start: tc.start, Ticks: 288, Seed: 3})
			sim := newSim(t, Schedule{Start: tc.start, Ticks: 1})
			got := map[*Station]int{}
			byKey := map[string]*Station{}
			for _, l := range sim.Lines() {
				for _, s := range l.Stations {
					byKey[l.Color.String()+s.Name] = s
				}
			}
			for _, e := range r.turnstiles {
				got[byKey[e.Line.String()+e.StationName]]++
			}
			bound := float64(288 * -NoiseMin) // |noise| <= 5 per step
			total, want := 0, 0.0
			for s, n := range got {
				rides, _ := sim.ridership.Rides(s.ID, tc.day)
				exp := float64(rides) * sim.ridership.DailyShare()
				if math.Abs(float64(n)-exp) > bound {
					t.Errorf("%s(%d): %d entries, want %.0f +- %.0f", s.Name, s.ID, n, exp, bound)
				}
				total += n
				want += exp
			}
			// Over all 94 stations the noise averages out: within 1%.
			if math.Abs(float64(total)-want) > want/100 {
				t.Errorf("all stations: %d entries, want %.0f within 1%%", total, want)
			}
			if len(got) != 94 {
				t.Errorf("%d stations had entries, want 94", len(got))
			}
		})
	}
}

func TestSaturdayAndSundayUseTheirColumns(t *testing.T) {
	d := testData(t)
	r, err := NewRidership(d.Curve, d.Ridership)
	if err != nil {
		t.Fatal(err)
	}
	// Clark/Lake: weekday 22811.6, saturday 6901.8, sunday 6233.5.
	for day, want := range map[DayType]int{Weekday: 22812, Saturday: 6902, Sunday: 6234} {
		if got, _ := r.Rides(40380, day); got != want {
			t.Errorf("%s rides: %d, want %d", day, got, want)
		}
	}
	// Lake (41660) weekday 23156.5 rounds half to even.
	if got, _ := r.Rides(41660, Weekday); got != 23156 {
		t.Errorf("Lake weekday rides: %d, want 23156 (half to even)", got)
	}
}

func TestEntriesPerStepFollowTheCurve(t *testing.T) {
	d := testData(t)
	r, _ := NewRidership(d.Curve, d.Ridership)
	// Clark/Lake at 08:00 on a weekday: 22812 x 0.125 x 5/60 = 237.6 riders.
	ts, _ := r.turnstile(40380, 1, nil)
	ts.rng = newRand(1)
	at := monday.Add(8 * time.Hour)
	for i := range 12 {
		n := ts.entries(r, at.Add(time.Duration(i)*DefaultStep), DefaultStep)
		if n < 237+NoiseMin || n > 238+NoiseMax {
			t.Fatalf("step %d: %d entries, want 237.6 %+d..%+d", i, n, NoiseMin, NoiseMax)
		}
	}
}

// A ridership scale multiplies every station's average rides (the noise
// per step stays as it is): over a weekday, each station's entries are
// the scaled rides times the curve's daily share, within the noise bound.
func TestRidershipScaleMultipliesEveryStationsRides(t *testing.T) {
	r := run(t, Schedule{Start: monday, Ticks: 288, Seed: 3, RidershipScale: 10})
	sim := newSim(t, Schedule{Start: monday, Ticks: 1})
	type gate struct {
		line Color
		name string
		id   int
	}
	got := map[gate]int{} // a turnstile per station of a line, as the simulation keeps them
	for _, e := range r.turnstiles {
		got[gate{e.Line, e.StationName, e.StationID}]++
	}
	bound := float64(288 * -NoiseMin)
	for g, n := range got {
		rides, _ := sim.ridership.Rides(g.id, Weekday)
		exp := 10 * float64(rides) * sim.ridership.DailyShare()
		if math.Abs(float64(n)-exp) > bound {
			t.Errorf("%s line %s (%d): %d entries at 10x, want %.0f +- %.0f", g.line, g.name, g.id, n, exp, bound)
		}
	}
	if len(got) == 0 {
		t.Fatal("no entries")
	}
}

// ridership_scale in a schedule file sets the scale; a negative one is
// refused naming the field.
func TestScheduleRidershipScale(t *testing.T) {
	s, err := ParseSchedule("x.yaml", []byte("start: 2026-11-23T00:00:00Z\nticks: 1\nridership_scale: 10\n"))
	if err != nil || s.RidershipScale != 10 {
		t.Fatalf("got %v, %v; want scale 10", s.RidershipScale, err)
	}
	_, err = ParseSchedule("x.yaml", []byte("start: 2026-11-23T00:00:00Z\nticks: 1\nridership_scale: -1\n"))
	if err == nil || !strings.Contains(err.Error(), "ridership_scale") {
		t.Fatalf("a negative scale: %v, want an error naming ridership_scale", err)
	}
}

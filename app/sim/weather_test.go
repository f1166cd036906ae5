package sim

import (
	"testing"
	"time"
)

func TestDecemberIsWinter(t *testing.T) {
	for m, want := range map[time.Month]Season{
		time.December: Winter, time.January: Winter, time.March: Winter, time.October: Winter,
		time.April: Mild, time.May: Mild, time.September: Mild,
		time.June: Summer, time.August: Summer,
	} {
		if got := SeasonOf(m); got != want {
			t.Errorf("%s: season %d, want %d", m, got, want)
		}
	}
	if w := newWeather(time.December, newRand(1)); w.temp != 40 {
		t.Errorf("December starts at %v degrees, want the winter 40", w.temp)
	}
}

func TestWeatherIsReportedAtTheTopOfEveryHour(t *testing.T) {
	r := run(t, Schedule{Ticks: 288, Seed: 9})
	if len(r.weather) != 24 {
		t.Fatalf("%d weather reports in a day, want 24", len(r.weather))
	}
	for i, w := range r.weather {
		if w.Time != monday.Add(time.Duration(i)*time.Hour) {
			t.Errorf("report %d at %s", i, w.Time)
		}
		if w.Status < Sunny || w.Status > Precipitation {
			t.Errorf("report %d: status %d", i, w.Status)
		}
		if i > 0 {
			if d := w.Temperature - r.weather[i-1].Temperature; d < -10 || d > 10 {
				t.Errorf("report %d: temperature moved %v degrees in an hour, want within 10", i, d)
			}
		}
	}
}

func TestTriangularMatchesPython(t *testing.T) {
	// random.triangular(-10, 10, -1) at u = 0, c, 1-.
	c := 9.0 / 20
	for _, tc := range []struct{ u, want float64 }{{0, -10}, {c, -1}, {0.999999999, 10}} {
		if got := triangular(tc.u, -10, 10, -1); got < tc.want-1e-3 || got > tc.want+1e-3 {
			t.Errorf("triangular(%v) = %v, want %v", tc.u, got, tc.want)
		}
	}
}

func TestForcedWeatherIsReportedAtItsTick(t *testing.T) {
	r := run(t, Schedule{Ticks: 30, Events: []Event{{Kind: EventWeather, AtTick: 20, Temperature: -3.5, Status: Precipitation}}})
	var forced *WeatherReport
	for i := range r.weather {
		if r.weather[i].Time == monday.Add(19*DefaultStep) {
			forced = &r.weather[i]
		}
	}
	if forced == nil || forced.Temperature != -3.5 || forced.Status != Precipitation {
		t.Fatalf("no forced report at tick 20: %+v", r.weather)
	}
	if len(r.weather) != 4 { // 00:00, 01:00, tick 20 (01:35), 02:00
		t.Errorf("%d reports, want 4", len(r.weather))
	}
}

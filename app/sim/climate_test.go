package sim

import (
	"math"
	"testing"
	"time"
)

// The normals below are copied by hand from the Illinois State
// Climatologist's table for Chicago O'Hare (1981-2010 normals,
// https://stateclimatologist.web.illinois.edu/chicago-ohare-international-airport-climate-normals/),
// independently of the model's table, so that a typo in either shows here.
var oHareNormals = map[time.Month]struct{ high, mean, low float64 }{
	time.January: {31.0, 23.8, 16.5}, time.February: {35.3, 27.7, 20.1}, time.March: {46.6, 37.9, 29.2},
	time.April: {59.0, 48.9, 38.8}, time.May: {70.0, 59.1, 48.3}, time.June: {79.7, 68.9, 58.1},
	time.July: {84.1, 74.0, 63.9}, time.August: {81.9, 72.4, 62.9}, time.September: {74.8, 64.6, 54.3},
	time.October: {62.3, 52.5, 42.8}, time.November: {48.2, 40.3, 32.4}, time.December: {34.8, 27.7, 20.7},
}

// documented bounds, as doc.go states them: the month's normal low minus
// 25 °F to its normal high plus 20 °F.
// Records carry the temperature as an Avro float (float32), so a reading
// at a bound may round past it by a few millionths.
func documentedBounds(m time.Month) (lo, hi float64) {
	n := oHareNormals[m]
	return n.low - 25 - 1e-4, n.high + 20 + 1e-4
}

// hourlyWeather runs the simulation's weather model alone, hour by hour, as
// Simulation.tick drives it at the top of each simulated hour (a full
// simulation of 30 days per month and seed would take minutes).
func hourlyWeather(start time.Time, hours int, seed uint64) []WeatherReport {
	w := newWeather(start, newRand(seed))
	out := make([]WeatherReport, 0, hours)
	for h := range hours {
		now := start.Add(time.Duration(h) * time.Hour)
		w.update(now)
		out = append(out, WeatherReport{Time: now, Temperature: float32(w.temp), Status: w.status})
	}
	return out
}

func TestADayOfTheFullSimulationStaysWithinDecembersBounds(t *testing.T) {
	r := run(t, Schedule{Start: time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC), Ticks: 288, Seed: 5})
	if len(r.weather) != 24 {
		t.Fatalf("%d reports in a day, want 24", len(r.weather))
	}
	lo, hi := documentedBounds(time.December)
	for _, w := range r.weather {
		if float64(w.Temperature) < lo || float64(w.Temperature) > hi {
			t.Errorf("%s reads %.1f °F, outside December's bounds [%.1f, %.1f]", w.Time.Format(time.DateTime), w.Temperature, lo, hi)
		}
	}
}

func TestThirtySimulatedDaysInAnyMonthStayWithinThatMonthsDocumentedBounds(t *testing.T) {
	for m := time.January; m <= time.December; m++ {
		for _, seed := range []uint64{0, 1, 42, 2026} {
			start := time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC)
			var sum float64
			n := 0
			for _, w := range hourlyWeather(start, 30*24, seed) {
				lo, hi := documentedBounds(w.Time.Month())
				if float64(w.Temperature) < lo || float64(w.Temperature) > hi {
					t.Errorf("%s seed %d: %s reads %.1f °F, outside %s's bounds [%.1f, %.1f]", m, seed, w.Time.Format(time.DateTime), w.Temperature, w.Time.Month(), lo, hi)
				}
				if w.Time.Month() == m {
					sum += float64(w.Temperature)
					n++
				}
			}
			// Mean-reverting: the month's readings average near its normal
			// mean, which a random walk of ±10 °F steps does not do.
			if mean := sum / float64(n); math.Abs(mean-oHareNormals[m].mean) > 7 {
				t.Errorf("%s seed %d: the month averages %.1f °F, want within 7 °F of the normal %.1f", m, seed, mean, oHareNormals[m].mean)
			}
		}
	}
}

func TestTheDayIsWarmerInTheAfternoonThanBeforeDawn(t *testing.T) {
	var afternoon, dawn float64
	for _, w := range hourlyWeather(time.Date(2026, time.July, 1, 0, 0, 0, 0, time.UTC), 30*24, 3) {
		switch w.Time.Hour() {
		case 15:
			afternoon += float64(w.Temperature)
		case 5:
			dawn += float64(w.Temperature)
		}
	}
	// July's normal daily range is 84.1 - 63.9 = 20.2 °F; over 30 days the
	// 15:00 readings must sum well above the 05:00 ones.
	if d := (afternoon - dawn) / 30; d < 10 {
		t.Errorf("15:00 is on average %.1f °F warmer than 05:00 in July, want at least 10", d)
	}
}

func TestAForcedReadingDriftsBackToTheClimate(t *testing.T) {
	// As Simulation.tick applies a schedule's forced weather: at 00:05 on
	// December 1st the reading is set to -15 °F, then the hours go on. One
	// run's departure wanders (8 °F standard deviation), so the promise is
	// checked on the average of many seeds: an hour later it is still near
	// the forced reading, on the fourth day it is back near the normal.
	start := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	lo, hi := documentedBounds(time.December)
	const seeds = 100
	var firstHour, fourthDay float64
	for seed := range uint64(seeds) {
		w := newWeather(start, newRand(seed))
		w.force(start.Add(5*time.Minute), -15, Windy)
		for h := 1; h <= 4*24; h++ {
			w.update(start.Add(time.Duration(h) * time.Hour))
			if w.temp < lo || w.temp > hi {
				t.Fatalf("seed %d, hour %d after a forced -15 °F: %.1f °F, outside [%.1f, %.1f]", seed, h, w.temp, lo, hi)
			}
			if h == 1 {
				firstHour += w.temp / seeds
			}
			if h > 3*24 {
				fourthDay += w.temp / (seeds * 24)
			}
		}
	}
	if firstHour > 5 {
		t.Errorf("an hour after a forced -15 °F the readings average %.1f °F, want near the forced reading (at most 5)", firstHour)
	}
	if math.Abs(fourthDay-oHareNormals[time.December].mean) > 6 {
		t.Errorf("the fourth day after a forced -15 °F averages %.1f °F, want back within 6 °F of December's normal %.1f", fourthDay, oHareNormals[time.December].mean)
	}
}

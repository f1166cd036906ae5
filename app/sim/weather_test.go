package sim

import (
	"math"
	"testing"
	"time"
)

func TestARunStartsOnTheClimateOfItsStartHour(t *testing.T) {
	// December 1st at 00:00: the normal mean 27.7 °F plus the daily cycle
	// (half the normal range 34.8 - 20.7, times cos(2π·(0-15)/24)).
	want := 27.7 + (34.8-20.7)/2*math.Cos(2*math.Pi*-15/24)
	if w := newWeather(time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC), newRand(1)); math.Abs(w.temp-want) > 0.01 {
		t.Errorf("December 1st starts at %.2f °F, want %.2f", w.temp, want)
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

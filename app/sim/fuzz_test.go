package sim

import (
	"context"
	"errors"
	"testing"
)

// fuzzMaxTicks caps the ticks a fuzzed schedule runs, so that each input
// stays cheap.
const fuzzMaxTicks = 3

// FuzzParseSchedule checks that ParseSchedule never panics, that a schedule
// it accepts passes Validate, and that an accepted schedule, cut to a few
// ticks, builds and runs to the end against Discard or is refused with a
// *FieldError (a train id no line has).
func FuzzParseSchedule(f *testing.F) {
	data, err := LoadData()
	if err != nil {
		f.Fatalf("load data: %v", err)
	}
	f.Add([]byte("start: 2026-11-23T00:00:00Z\nticks: 2\n"))
	f.Add([]byte(`{"start": "2026-11-23T06:00:00Z", "step": "1m", "ticks": 1, "seed": 7}`))
	f.Add([]byte("start: 2026-11-23T06:00:00Z\nevents:\n  - {kind: breakdown, at_tick: 1, train: RL004, for_ticks: 1}\n  - {kind: weather, at_tick: 2, temperature: -4, status: windy}\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		s, err := ParseSchedule("fuzz.yaml", text)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseSchedule accepted a schedule that Validate refuses: %v\n%s", err, text)
		}
		if s.Ticks == 0 || s.Ticks > fuzzMaxTicks {
			s.Ticks = fuzzMaxTicks
			var kept []Event
			for _, e := range s.Events {
				if e.AtTick <= fuzzMaxTicks {
					kept = append(kept, e)
				}
			}
			s.Events = kept
		}
		sim, err := New(s, data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("New refused an accepted schedule without a FieldError: %v\n%s", err, text)
			}
			return
		}
		if err := sim.Run(context.Background(), Discard); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Run failed without a FieldError: %v\n%s", err, text)
			}
		}
	})
}

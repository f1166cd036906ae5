package sim

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/fixtures"
)

func TestParseScheduleReadsEveryField(t *testing.T) {
	s, err := ParseSchedule("x.yaml", []byte(`
name: rush
start: 2026-11-23T06:00:00Z
step: 5m
ticks: 48
seed: 42
events:
  - {kind: breakdown, at_tick: 3, train: RL004, for_ticks: 6}
  - {kind: out_of_service, at_tick: 4, train: GL001, for_ticks: 1}
  - {kind: weather, at_tick: 10, temperature: 12.5, status: windy}
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "rush" || !s.Start.Equal(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)) || s.Step != 5*time.Minute || s.Ticks != 48 || s.Seed != 42 || len(s.Events) != 3 {
		t.Fatalf("got %+v", s)
	}
	if e := s.Events[2]; e.Kind != EventWeather || e.Temperature != 12.5 || e.Status != Windy {
		t.Errorf("weather event: %+v", e)
	}
	// JSON is YAML too.
	if _, err := ParseSchedule("x.json", []byte(`{"start": "2026-11-23T00:00:00Z", "ticks": 1}`)); err != nil {
		t.Errorf("json schedule: %v", err)
	}
}

func TestScheduleErrorsNameTheFileAndField(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`ticks: 3`, "schedule bad.yaml: field start: missing"},
		{`start: yesterday`, `schedule bad.yaml: field start: "yesterday" is not an RFC 3339 time`},
		{"start: 2026-11-23T00:00:00Z\nstep: fast", `schedule bad.yaml: field step: "fast" is not a duration`},
		{"start: 2026-11-23T00:00:00Z\nstep: 7m", "schedule bad.yaml: field step: 7m0s does not divide an hour"},
		{"start: 2026-11-23T00:01:00Z", "schedule bad.yaml: field start: 2026-11-23T00:01:00Z is not on a 5m0s boundary"},
		{"start: 2026-11-23T00:00:00Z\nticks: -1", "schedule bad.yaml: field ticks: -1 is negative"},
		{"start: 2026-11-23T00:00:00Z\ntick: 3", "schedule bad.yaml: line 2: field tick is not a schedule field"},
		{"start: 2026-11-23T00:00:00Z\nticks: 5\nevents: [{kind: breakdown, at_tick: 9, train: BL001, for_ticks: 1}]", "field events[0].at_tick: 9 is after the last tick (5)"},
		{"start: 2026-11-23T00:00:00Z\nevents: [{kind: breakdown, at_tick: 1, for_ticks: 1}]", "field events[0].train: missing"},
		{"start: 2026-11-23T00:00:00Z\nevents: [{kind: breakdown, at_tick: 1, train: BL001}]", "field events[0].for_ticks: 0 is not a positive"},
		{"start: 2026-11-23T00:00:00Z\nevents: [{kind: flood, at_tick: 1}]", `field events[0].kind: "flood" is not`},
		{"start: 2026-11-23T00:00:00Z\nevents: [{kind: weather, at_tick: 1, temperature: 3, status: hail}]", `field events[0].status: unknown weather status "hail"`},
		{"start: 2026-11-23T00:00:00Z\nevents: [{kind: weather, at_tick: 1, status: windy}]", "field events[0].temperature: missing"},
	} {
		_, err := ParseSchedule("bad.yaml", []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.body, err, tc.want)
		}
	}
}

func TestUnknownTrainIsAFieldError(t *testing.T) {
	_, err := New(Schedule{Start: monday, Step: DefaultStep, Events: []Event{{Kind: EventBreakdown, AtTick: 1, Train: "XL001", ForTicks: 1}}}, testData(t))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "events[0].train" {
		t.Fatalf("got %v, want a field error for events[0].train", err)
	}
}

func TestCommittedSchedulesAreValid(t *testing.T) {
	entries, err := fs.ReadDir(fixtures.FS(), "schedules")
	if err != nil || len(entries) == 0 {
		t.Fatalf("no schedules: %v", err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(fixtures.FS(), "schedules/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSchedule(e.Name(), b)
		if err != nil {
			t.Error(err)
			continue
		}
		if _, err := New(s, testData(t)); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
}

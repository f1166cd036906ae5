package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultStep is the simulated time per tick, as the reference: 5 minutes.
const DefaultStep = 5 * time.Minute

// Schedule says what to simulate: from when, in which steps, for how many
// ticks, with which random seed, and the incidents to play.
type Schedule struct {
	Name  string
	Start time.Time     // simulated time of the first tick
	Step  time.Duration // simulated time per tick; default DefaultStep
	Ticks int           // ticks to run; 0 runs until stopped
	Seed  uint64
	// RidershipScale multiplies every station's average rides (0 is 1):
	// a load test's ten times the CTA's riders is 10. The noise per step
	// is not scaled.
	RidershipScale float64
	// Events are incidents, applied at the start of their tick.
	Events []Event
}

// EventKind is the kind of a scheduled incident.
type EventKind string

// Incident kinds.
const (
	// EventBreakdown stops a train where it stands; its reports say broken_down.
	EventBreakdown EventKind = "breakdown"
	// EventOutOfService takes a train out of service where it stands.
	EventOutOfService EventKind = "out_of_service"
	// EventWeather sets the temperature and sky and reports them at once.
	EventWeather EventKind = "weather"
)

// Event is a scheduled incident.
type Event struct {
	Kind EventKind
	// AtTick is the 1-based tick at which the incident starts.
	AtTick int
	// Train is the train id (e.g. "BL003") of a breakdown or out_of_service.
	Train string
	// ForTicks is how long a train stays stopped; it runs again at
	// AtTick+ForTicks.
	ForTicks int
	// Temperature and Status are the forced weather.
	Temperature float64
	Status      WeatherStatus
}

// DefaultStart is the reference's start time: today at midnight UTC.
func DefaultStart(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FieldError is a schedule field that fails validation.
type FieldError struct {
	File  string // schedule file, "" when not read from a file
	Field string // path of the field, e.g. "events[1].train"
	Err   error
}

func (e *FieldError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("schedule field %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("schedule %s: field %s: %v", e.File, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// scheduleFile is the YAML (or JSON, a YAML subset) form of a Schedule.
type scheduleFile struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Start       string      `yaml:"start"`
	Step        string      `yaml:"step"`
	Ticks       *int        `yaml:"ticks"`
	Seed        *int64      `yaml:"seed"`
	Ridership   *float64    `yaml:"ridership_scale"`
	Events      []eventFile `yaml:"events"`
}

type eventFile struct {
	Kind        string   `yaml:"kind"`
	AtTick      int      `yaml:"at_tick"`
	Train       string   `yaml:"train"`
	ForTicks    int      `yaml:"for_ticks"`
	Temperature *float64 `yaml:"temperature"`
	Status      string   `yaml:"status"`
}

// LoadSchedule reads and validates a schedule file (YAML or JSON).
func LoadSchedule(path string) (Schedule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Schedule{}, fmt.Errorf("read schedule: %w", err)
	}
	return ParseSchedule(filepath.Base(path), b)
}

// ParseSchedule parses and validates a schedule; file names it in errors.
// Unknown fields are errors, so a misspelt field is never silently ignored.
func ParseSchedule(file string, data []byte) (Schedule, error) {
	var f scheduleFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return Schedule{}, fmt.Errorf("schedule %s: %s", file, yamlMessage(err))
	}
	fe := func(field string, format string, args ...any) error {
		return &FieldError{File: file, Field: field, Err: fmt.Errorf(format, args...)}
	}
	s := Schedule{Name: f.Name, Step: DefaultStep}
	if f.Start == "" {
		return Schedule{}, fe("start", "missing; give an RFC 3339 time such as 2026-11-23T00:00:00Z")
	}
	start, err := time.Parse(time.RFC3339, f.Start)
	if err != nil {
		return Schedule{}, fe("start", "%q is not an RFC 3339 time such as 2026-11-23T00:00:00Z", f.Start)
	}
	s.Start = start
	if f.Step != "" {
		if s.Step, err = time.ParseDuration(f.Step); err != nil {
			return Schedule{}, fe("step", "%q is not a duration such as 5m", f.Step)
		}
	}
	if f.Ticks != nil {
		s.Ticks = *f.Ticks
	}
	if f.Seed != nil {
		if *f.Seed < 0 {
			return Schedule{}, fe("seed", "%d is negative", *f.Seed)
		}
		s.Seed = uint64(*f.Seed)
	}
	if f.Ridership != nil {
		s.RidershipScale = *f.Ridership
	}
	for i, ev := range f.Events {
		e := Event{Kind: EventKind(ev.Kind), AtTick: ev.AtTick, Train: ev.Train, ForTicks: ev.ForTicks}
		field := fmt.Sprintf("events[%d]", i)
		switch e.Kind {
		case EventBreakdown, EventOutOfService:
			if ev.Temperature != nil || ev.Status != "" {
				return Schedule{}, fe(field, "a %s event takes train and for_ticks, not temperature or status", e.Kind)
			}
		case EventWeather:
			if ev.Train != "" || ev.ForTicks != 0 {
				return Schedule{}, fe(field, "a weather event takes temperature and status, not train or for_ticks")
			}
			if ev.Temperature == nil {
				return Schedule{}, fe(field+".temperature", "missing")
			}
			e.Temperature = *ev.Temperature
			if e.Status, err = ParseWeatherStatus(ev.Status); err != nil {
				return Schedule{}, fe(field+".status", "%w", err)
			}
		case "":
			return Schedule{}, fe(field+".kind", "missing; want breakdown, out_of_service or weather")
		default:
			return Schedule{}, fe(field+".kind", "%q is not breakdown, out_of_service or weather", ev.Kind)
		}
		s.Events = append(s.Events, e)
	}
	if err := s.Validate(); err != nil {
		var fErr *FieldError
		if errors.As(err, &fErr) {
			fErr.File = file
		}
		return Schedule{}, err
	}
	return s, nil
}

// Validate checks the schedule's values. Train ids are checked against the
// lines when a Simulation is built.
func (s Schedule) Validate() error {
	fe := func(field string, format string, args ...any) error {
		return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	if s.Start.IsZero() {
		return fe("start", "missing")
	}
	if s.Step <= 0 {
		return fe("step", "%v is not positive", s.Step)
	}
	if time.Hour%s.Step != 0 {
		return fe("step", "%v does not divide an hour; weather is reported at the top of each hour", s.Step)
	}
	if s.Start.Sub(s.Start.Truncate(s.Step)) != 0 {
		return fe("start", "%s is not on a %v boundary", s.Start.Format(time.RFC3339), s.Step)
	}
	if s.Ticks < 0 {
		return fe("ticks", "%d is negative", s.Ticks)
	}
	if s.RidershipScale < 0 || math.IsNaN(s.RidershipScale) || math.IsInf(s.RidershipScale, 0) {
		return fe("ridership_scale", "%v is not a positive number (1 is the CTA's ridership)", s.RidershipScale)
	}
	for i, e := range s.Events {
		field := fmt.Sprintf("events[%d]", i)
		if e.AtTick < 1 {
			return fe(field+".at_tick", "%d is before the first tick (1)", e.AtTick)
		}
		if s.Ticks > 0 && e.AtTick > s.Ticks {
			return fe(field+".at_tick", "%d is after the last tick (%d)", e.AtTick, s.Ticks)
		}
		if e.Kind.stopsTrain() {
			if e.Train == "" {
				return fe(field+".train", "missing; give a train id such as BL003")
			}
			if e.ForTicks < 1 {
				return fe(field+".for_ticks", "%d is not a positive number of ticks", e.ForTicks)
			}
		}
	}
	return nil
}

// TickTime returns the simulated time of tick n (1-based).
func (s Schedule) TickTime(n int) time.Time {
	return s.Start.Add(time.Duration(n-1) * s.Step)
}

// stopsTrain reports whether the incident stops a train.
func (k EventKind) stopsTrain() bool { return k == EventBreakdown || k == EventOutOfService }

// yamlMessage turns a YAML decoding error into lines a user can act on,
// without the decoder's Go type names.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	r := strings.NewReplacer(
		" not found in type sim.scheduleFile", " is not a schedule field (want name, description, start, step, ticks, seed, events)",
		" not found in type sim.eventFile", " is not an event field (want kind, at_tick, train, for_ticks, temperature, status)",
		"sim.scheduleFile", "a schedule", "sim.eventFile", "an event")
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = r.Replace(m)
	}
	return strings.Join(msgs, "; ")
}

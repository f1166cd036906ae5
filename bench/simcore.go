package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/fixtures"
)

// loadSchedule reads a schedule file, or the committed weekday when path is
// empty.
func loadSchedule(path string) (sim.Schedule, error) {
	var b []byte
	var err error
	name := path
	if path == "" {
		name = "weekday.yaml"
		b, err = fs.ReadFile(fixtures.FS(), "schedules/weekday.yaml")
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return sim.Schedule{}, fmt.Errorf("read schedule: %w", err)
	}
	return sim.ParseSchedule(name, b)
}

// recordRun is n identical turnstile records in a row, as the producer
// writes a tick's entries at one station.
type recordRun struct {
	Key, Value []byte
	N          int
}

// census is what a schedule produces, counted by a dry run of the
// simulation: the expected topic contents of a replay.
type census struct {
	Arrivals, Turnstiles, Weather int
	PerStation                    map[int]int // turnstile entries per station id
	Stations                      int         // station rows of the three lines
	Records                       []recordRun // the turnstile records, encoded
	RecordBytes                   int64       // key+value bytes of every turnstile record
}

func (c *census) Events() int { return c.Arrivals + c.Turnstiles + c.Weather }

// censusSink counts a simulation's events and encodes its turnstile records
// as the producer does (Confluent wire format; the schema ids are
// placeholders of the same size).
type censusSink struct {
	c    *census
	last sim.TurnstileEntry
}

func (s *censusSink) Arrival(sim.Arrival) error       { s.c.Arrivals++; return nil }
func (s *censusSink) Weather(sim.WeatherReport) error { s.c.Weather++; return nil }
func (s *censusSink) Turnstile(e sim.TurnstileEntry) error {
	s.c.Turnstiles++
	s.c.PerStation[e.StationID]++
	if n := len(s.c.Records); n > 0 && e == s.last {
		r := &s.c.Records[n-1]
		r.N++
		s.c.RecordBytes += int64(len(r.Key) + len(r.Value))
		return nil
	}
	key, err := schema.AppendEncoded(nil, 1, schema.TurnstileKey.Codec(), map[string]any{"timestamp": e.Time.UnixMilli()})
	if err != nil {
		return err
	}
	value, err := schema.AppendEncoded(nil, 2, schema.TurnstileValue.Codec(), map[string]any{"station_id": e.StationID, "station_name": e.StationName, "line": e.Line.String()})
	if err != nil {
		return err
	}
	s.last = e
	s.c.Records = append(s.c.Records, recordRun{Key: key, Value: value, N: 1})
	s.c.RecordBytes += int64(len(key) + len(value))
	return nil
}

// takeCensus runs sched at max pace into a counting sink.
func takeCensus(ctx context.Context, sched sim.Schedule, data sim.Data) (*census, error) {
	s, err := sim.New(sched, data)
	if err != nil {
		return nil, err
	}
	c := &census{PerStation: map[int]int{}}
	for _, l := range s.Lines() {
		c.Stations += len(l.Stations)
	}
	if err := s.Run(ctx, &censusSink{c: c}); err != nil {
		return nil, fmt.Errorf("count the schedule's events: %w", err)
	}
	return c, nil
}

// simResult is one run of the simulation core.
type simResult struct {
	Replays   int     `json:"replays"` // whole schedules simulated in this run
	Events    int     `json:"events"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"events_per_s"`
}

// simMinTime is how long one run of the simulation core lasts at least: a
// weekday into sim.Discard takes milliseconds, too short to time alone.
const simMinTime = 500 * time.Millisecond

// simCore builds and runs sched at max pace into sim.Discard, again and
// again for at least simMinTime, and reports the events per second.
func simCore(ctx context.Context, sched sim.Schedule, data sim.Data) (simResult, error) {
	var r simResult
	begin := time.Now()
	for r.Replays == 0 || time.Since(begin) < simMinTime {
		s, err := sim.New(sched, data, sim.WithTickObserver(func(t sim.TickStats) { r.Events += t.Arrivals + t.Turnstiles + t.Weather }))
		if err != nil {
			return r, err
		}
		if err := s.Run(ctx, sim.Discard); err != nil {
			return r, fmt.Errorf("run the simulation: %w", err)
		}
		r.Replays++
	}
	r.Seconds = time.Since(begin).Seconds()
	r.PerSecond = float64(r.Events) / r.Seconds
	return r, nil
}

package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ctalab/ctalab/fixtures"
)

// Data is the CTA data a simulation is built from.
type Data struct {
	Stations  []fixtures.Station
	Curve     []fixtures.RidershipRatio
	Ridership []fixtures.Ridership
}

// LoadData parses the embedded fixtures.
func LoadData() (Data, error) {
	var d Data
	var err error
	if d.Stations, err = fixtures.Stations(); err != nil {
		return d, err
	}
	if d.Curve, err = fixtures.RidershipCurve(); err != nil {
		return d, err
	}
	if d.Ridership, err = fixtures.RidershipSeed(); err != nil {
		return d, err
	}
	return d, nil
}

// TickStats describes a finished tick, for progress reporting.
type TickStats struct {
	Tick       int
	Time       time.Time // simulated time of the tick
	Arrivals   int
	Turnstiles int
	Weather    int
}

// Simulation is a deterministic run of the three lines: the same schedule
// (and seed) always produces the same events in the same order.
type Simulation struct {
	sched     Schedule
	pace      Pace
	lines     []*Line
	ridership *Ridership
	gates     map[*Station]*turnstile
	weather   *weather
	trains    map[string]*Train
	onTick    func(TickStats)
}

// Option configures a Simulation.
type Option func(*Simulation)

// WithPace sets the wall-clock pace. Default: Max.
func WithPace(p Pace) Option { return func(s *Simulation) { s.pace = p } }

// WithTickObserver calls f after each tick (and after placement, as tick 0).
// f runs on the simulation's goroutine and must be quick.
func WithTickObserver(f func(TickStats)) Option { return func(s *Simulation) { s.onTick = f } }

// New builds a simulation of sched over data.
func New(sched Schedule, data Data, opts ...Option) (*Simulation, error) {
	if err := sched.Validate(); err != nil {
		return nil, err
	}
	s := &Simulation{sched: sched, gates: map[*Station]*turnstile{}, trains: map[string]*Train{}}
	for _, o := range opts {
		o(s)
	}
	var err error
	if s.lines, err = BuildLines(data.Stations); err != nil {
		return nil, err
	}
	if s.ridership, err = NewRidership(data.Curve, data.Ridership); err != nil {
		return nil, err
	}
	stream := uint64(1)
	for _, l := range s.lines {
		for _, st := range l.Stations {
			g, err := s.ridership.turnstile(st.ID, sched.RidershipScale, rand.New(rand.NewPCG(sched.Seed, stream)))
			if err != nil {
				return nil, fmt.Errorf("build %s line: %s: %w", l.Color, st.Name, err)
			}
			s.gates[st] = g
			stream++
		}
	}
	s.weather = newWeather(sched.Start, rand.New(rand.NewPCG(sched.Seed, 0)))
	for _, l := range s.lines {
		for k := range trainsPerLine {
			s.trains[trainID(l.Color, k)] = nil
		}
	}
	for i, e := range sched.Events {
		if !e.Kind.stopsTrain() {
			continue
		}
		if _, ok := s.trains[e.Train]; !ok {
			return nil, &FieldError{Field: fmt.Sprintf("events[%d].train", i), Err: fmt.Errorf("%q is not a train of the simulation (BL000-BL009, RL000-RL009, GL000-GL009)", e.Train)}
		}
	}
	return s, nil
}

// Lines returns the simulated lines in LineOrder.
func (s *Simulation) Lines() []*Line { return s.lines }

// Schedule returns the schedule being simulated.
func (s *Simulation) Schedule() Schedule { return s.sched }

// Run places the trains, then runs the schedule's ticks (forever when Ticks
// is 0) at the configured pace, sending every event to sink. It returns nil
// when the schedule is done, ctx's error when ctx ends first, and the sink's
// error if the sink fails. Run may be called once.
func (s *Simulation) Run(ctx context.Context, sink Sink) error {
	var stats TickStats
	var sinkErr error
	emitArrival := func(l *Line) func(*Train, *Station, *Direction) {
		return func(t *Train, from *Station, fromDir *Direction) {
			if sinkErr != nil {
				return
			}
			a := Arrival{
				Time: stats.Time, StationID: t.station.ID, StationName: t.station.Name, Line: l.Color,
				TrainID: t.ID, Direction: t.dir, TrainStatus: t.Status, PrevDirection: fromDir,
			}
			if from != nil {
				id := from.ID
				a.PrevStationID = &id
			}
			sinkErr = sink.Arrival(a)
			stats.Arrivals++
		}
	}
	stats.Time = s.sched.Start
	for _, l := range s.lines {
		l.place(emitArrival(l))
		for _, t := range l.Trains {
			s.trains[t.ID] = t
		}
	}
	if sinkErr == nil {
		sinkErr = flush(sink)
	}
	if sinkErr != nil {
		return fmt.Errorf("place trains: %w", sinkErr)
	}
	if s.onTick != nil {
		s.onTick(stats)
	}
	p := &pacer{interval: s.pace.Interval()}
	for n := 1; s.sched.Ticks == 0 || n <= s.sched.Ticks; n++ {
		if err := p.wait(ctx, n); err != nil {
			return err
		}
		stats = TickStats{Tick: n, Time: s.sched.TickTime(n)}
		if err := s.tick(&stats, emitArrival, sink); err != nil {
			return fmt.Errorf("tick %d (%s): %w", n, stats.Time.Format(time.RFC3339), err)
		}
		if sinkErr == nil {
			sinkErr = flush(sink)
		}
		if sinkErr != nil {
			return fmt.Errorf("tick %d (%s): %w", n, stats.Time.Format(time.RFC3339), sinkErr)
		}
		if s.onTick != nil {
			s.onTick(stats)
		}
	}
	return nil
}

func flush(sink Sink) error {
	if f, ok := sink.(Flusher); ok {
		return f.Flush()
	}
	return nil
}

// tick runs one tick in the reference's order: the weather at the top of the
// hour, then for each line its turnstiles and then its trains.
func (s *Simulation) tick(stats *TickStats, emitArrival func(*Line) func(*Train, *Station, *Direction), sink Sink) error {
	now := stats.Time
	report := false
	if now.Minute() == 0 {
		s.weather.update(now)
		report = true
	}
	for _, e := range s.sched.Events {
		switch {
		case e.Kind == EventWeather && e.AtTick == stats.Tick:
			s.weather.force(now, e.Temperature, e.Status)
			report = true
		case e.AtTick == stats.Tick && e.Kind.stopsTrain():
			st := BrokenDown
			if e.Kind == EventOutOfService {
				st = OutOfService
			}
			s.trains[e.Train].Status = st
		case e.AtTick+e.ForTicks == stats.Tick && e.Kind.stopsTrain():
			s.trains[e.Train].Status = InService
		}
	}
	if report {
		if err := sink.Weather(WeatherReport{Time: now, Temperature: float32(s.weather.temp), Status: s.weather.status}); err != nil {
			return err
		}
		stats.Weather++
	}
	for _, l := range s.lines {
		for _, st := range l.Stations {
			n := s.gates[st].entries(s.ridership, now, s.sched.Step)
			e := TurnstileEntry{Time: now, StationID: st.ID, StationName: st.Name, Line: l.Color}
			for range n {
				if err := sink.Turnstile(e); err != nil {
					return err
				}
			}
			stats.Turnstiles += n
		}
		l.advance(emitArrival(l))
	}
	return nil
}

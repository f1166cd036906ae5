package sim

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// recorder is a Sink that keeps every event.
type recorder struct {
	arrivals   []Arrival
	turnstiles []TurnstileEntry
	weather    []WeatherReport
	order      []byte // 'A', 'T', 'W' per event, in order
}

func (r *recorder) Arrival(a Arrival) error {
	r.arrivals = append(r.arrivals, a)
	r.order = append(r.order, 'A')
	return nil
}

func (r *recorder) Turnstile(e TurnstileEntry) error {
	r.turnstiles = append(r.turnstiles, e)
	r.order = append(r.order, 'T')
	return nil
}

func (r *recorder) Weather(w WeatherReport) error {
	r.weather = append(r.weather, w)
	r.order = append(r.order, 'W')
	return nil
}

var monday = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func testData(t testing.TB) Data {
	t.Helper()
	d, err := LoadData()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newSim(t testing.TB, s Schedule, opts ...Option) *Simulation {
	t.Helper()
	if s.Step == 0 {
		s.Step = DefaultStep
	}
	if s.Start.IsZero() {
		s.Start = monday
	}
	sim, err := New(s, testData(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return sim
}

func run(t testing.TB, s Schedule) *recorder {
	t.Helper()
	r := &recorder{}
	if err := newSim(t, s).Run(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

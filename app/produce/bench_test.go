package produce

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ctalab/ctalab/app/sim"
)

// benchProducer is a producer on fake backends for the length of b, and
// every station of the lines.
func benchProducer(b *testing.B) (context.Context, *Producer, []*sim.Station) {
	b.Helper()
	ls := lines(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	b.Cleanup(cancel)
	p, err := New(ctx, fakeBackends(b), ls)
	if err != nil {
		b.Fatal(err)
	}
	var stations []*sim.Station
	for _, l := range ls {
		stations = append(stations, l.Stations...)
	}
	return ctx, p, stations
}

// BenchmarkArrivalTicks measures producing ticks of arrivals at max pace:
// one arrival at each of 30 stations per tick, flushed at the end of the
// tick, as the simulation does; every record acknowledged at the end.
func BenchmarkArrivalTicks(b *testing.B) {
	ctx, p, stations := benchProducer(b)
	t0 := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	tick := 0
	for b.Loop() {
		for i := range 30 {
			st := stations[(tick*7+i*11)%len(stations)]
			a := sim.Arrival{Time: t0.Add(time.Duration(tick) * sim.DefaultStep), StationID: st.ID, StationName: st.Name, Line: st.Color,
				TrainID: fmt.Sprintf("T%03d", i), Direction: sim.Direction(i % 2)}
			if err := p.Arrival(a); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Flush(); err != nil {
			b.Fatal(err)
		}
		tick++
	}
	if err := p.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if got := p.Stats().Arrivals.Acked; got != int64(30*tick) {
		b.Fatalf("%d arrivals acknowledged, want %d", got, 30*tick)
	}
	b.ReportMetric(float64(30*tick)/b.Elapsed().Seconds(), "arrivals/s")
}

// BenchmarkTurnstileBursts measures producing turnstile entries at max
// pace, as a replay hands a busy tick's entries over: 5,000 entries a
// tick, in runs of 10 equal entries (a station's entries of one instant), flushed at the end of the tick, the producer's in-flight bound
// keeping several ticks queued behind the request being sent; every entry
// acknowledged at the end. One op is one tick.
func BenchmarkTurnstileBursts(b *testing.B) {
	ctx, p, stations := benchProducer(b)
	t0 := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	const perTick = 5000
	b.ReportAllocs()
	tick := 0
	for b.Loop() {
		at := t0.Add(time.Duration(tick) * sim.DefaultStep)
		for i := range perTick {
			st := stations[(tick*7+i/10*11)%len(stations)]
			e := sim.TurnstileEntry{Time: at.Add(time.Duration(i/10) * time.Millisecond), StationID: st.ID, StationName: st.Name, Line: st.Color}
			if err := p.Turnstile(e); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Flush(); err != nil {
			b.Fatal(err)
		}
		tick++
	}
	if err := p.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if got := p.Stats().Turnstiles.Acked; got != int64(perTick*tick) {
		b.Fatalf("%d entries acknowledged, want %d", got, perTick*tick)
	}
	b.ReportMetric(float64(perTick*tick)/b.Elapsed().Seconds(), "entries/s")
}

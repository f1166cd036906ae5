package sim

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"testing"
	"time"
)

// digest is a Sink hashing every event, for determinism checks.
type digest struct{ h hash.Hash }

func (d digest) Arrival(a Arrival) error {
	fmt.Fprintf(d.h, "A %d %s\n", a.Time.UnixMilli(), arrivalLine(a))
	return nil
}

func (d digest) Turnstile(e TurnstileEntry) error {
	fmt.Fprintf(d.h, "T %d %d %s %s\n", e.Time.UnixMilli(), e.StationID, e.StationName, e.Line)
	return nil
}

func (d digest) Weather(w WeatherReport) error {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(w.Temperature))
	fmt.Fprintf(d.h, "W %d %v %s\n", w.Time.UnixMilli(), w.Temperature, w.Status)
	return nil
}

func runDigest(t *testing.T, s Schedule) string {
	d := digest{sha256.New()}
	if err := newSim(t, s).Run(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", d.h.Sum(nil))
}

func TestSameScheduleAndSeedGiveTheSameEvents(t *testing.T) {
	s := Schedule{Ticks: 60, Seed: 7, Events: []Event{{Kind: EventBreakdown, AtTick: 5, Train: "GL004", ForTicks: 9}}}
	a, b := runDigest(t, s), runDigest(t, s)
	if a != b {
		t.Fatalf("two runs differ: %s vs %s", a, b)
	}
	s.Seed = 8
	if c := runDigest(t, s); c == a {
		t.Fatalf("seed 8 gives the same events as seed 7")
	}
}

// Per tick: the weather (top of the hour), then for blue, red and green the
// line's turnstiles and then its ten arrivals.
func TestTickOrderIsTheReferences(t *testing.T) {
	r := run(t, Schedule{Ticks: 1, Seed: 7})
	order := string(r.order)
	if order[:30] != repeat('A', 30) {
		t.Fatalf("placement: %q", order[:30])
	}
	rest := order[30:]
	if rest[0] != 'W' {
		t.Fatalf("tick 1 does not start with the weather: %q", rest[:5])
	}
	arr, turn := 0, 0
	var lineOrder []Color
	for i, e := range r.turnstiles {
		if i == 0 || e.Line != r.turnstiles[i-1].Line {
			lineOrder = append(lineOrder, e.Line)
		}
	}
	if fmt.Sprint(lineOrder) != fmt.Sprint(LineOrder) {
		t.Errorf("turnstile line order %v, want %v", lineOrder, LineOrder)
	}
	// Blocks: T...T A*10, three times.
	pos := 1
	for blk, c := range LineOrder {
		n := 0
		for pos < len(rest) && rest[pos] == 'T' {
			pos++
			n++
		}
		m := 0
		for pos < len(rest) && rest[pos] == 'A' {
			pos++
			m++
		}
		if m != 10 {
			t.Errorf("block %d (%s): %d arrivals after %d turnstiles, want 10", blk, c, m, n)
		}
		arr += m
		turn += n
	}
	if pos != len(rest) || turn != len(r.turnstiles) || arr != 30 {
		t.Errorf("unexpected tail: %q", rest[pos:])
	}
	for _, a := range r.arrivals[30:] {
		if a.Time != monday {
			t.Errorf("tick 1 arrival at %s, want %s", a.Time, monday)
		}
	}
}

func repeat(b byte, n int) string {
	s := make([]byte, n)
	for i := range s {
		s[i] = b
	}
	return string(s)
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sim := newSim(t, Schedule{}, WithPace(Realtime), WithTickObserver(func(s TickStats) {
		if s.Tick == 1 {
			cancel()
		}
	}))
	err := sim.Run(ctx, Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestPacing(t *testing.T) {
	for in, want := range map[string]time.Duration{"realtime": 5 * time.Second, "10x": 500 * time.Millisecond, "max": 0, "0.5x": 10 * time.Second} {
		p, err := ParsePace(in)
		if err != nil || p.Interval() != want || p.String() != in {
			t.Errorf("ParsePace(%q) = %v (%v, %v), want interval %v", in, p, p.Interval(), err, want)
		}
	}
	for _, bad := range []string{"", "fast", "0x", "-2x", "x"} {
		if _, err := ParsePace(bad); err == nil {
			t.Errorf("ParsePace(%q) succeeded", bad)
		}
	}
}

// One simulated weekday into a discarding sink: 288 ticks, about 536,000
// turnstile entries. Target: under 1 s on one core.
func BenchmarkWeekday(b *testing.B) {
	data := testData(b)
	s := Schedule{Start: monday, Step: DefaultStep, Ticks: 288, Seed: 1}
	var events int
	for b.Loop() {
		sim, err := New(s, data, WithTickObserver(func(st TickStats) { events += st.Arrivals + st.Turnstiles + st.Weather }))
		if err != nil {
			b.Fatal(err)
		}
		if err := sim.Run(context.Background(), Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

type flushCounter struct {
	recorder
	flushes []int // events seen at each flush
}

func (f *flushCounter) Flush() error {
	f.flushes = append(f.flushes, len(f.order))
	return nil
}

func TestABufferingSinkIsFlushedAfterPlacementAndEveryTick(t *testing.T) {
	f := &flushCounter{}
	if err := newSim(t, Schedule{Ticks: 3}).Run(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	if len(f.flushes) != 4 || f.flushes[0] != 30 || f.flushes[3] != len(f.order) {
		t.Fatalf("flushes after %v events, want 4 flushes: after the 30 placements, then each tick", f.flushes)
	}
}

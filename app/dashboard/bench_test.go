package dashboard

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/schema"
)

// benchArrivals returns a stream of moves of 30 trains along 33 stations.
func benchArrivals(n int) []ArrivalRecord {
	out := make([]ArrivalRecord, n)
	for i := range out {
		train := i % 30
		step := i / 30
		st := (train + step) % 33
		prev := (st + 32) % 33
		out[i] = ArrivalRecord{Time: int64(step) * 300_000, Line: Lines[train%3].Name, StationID: 40000 + st, TrainID: fmt.Sprintf("T%03d", train),
			Direction: "b", Status: "in_service", PrevStationID: &prev, PrevDirection: ptr("b")}
	}
	return out
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkModelApplyArrival measures the status model's update path for an
// arrival, the dashboard's most frequent input after turnstile counts.
func BenchmarkModelApplyArrival(b *testing.B) {
	m := NewModel()
	evs := benchArrivals(30 * 1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.ApplyArrival(evs[i%len(evs)], src{topic: "t", offset: int64(i)})
		i++
	}
	reportRate(b)
}

// BenchmarkModelApplyTurnstile measures a TURNSTILE_SUMMARY update.
func BenchmarkModelApplyTurnstile(b *testing.B) {
	m := NewModel()
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		n++
		m.ApplyTurnstile(40000+int(n%111), &n, src{})
	}
	reportRate(b)
}

// BenchmarkDecodeAndApplyArrival adds the Avro decoding of key and value
// (schemas cached after the first record) to the update path.
func BenchmarkDecodeAndApplyArrival(b *testing.B) {
	reg := srfake.New()
	defer reg.Close()
	r, err := schema.NewRegistry(reg.URL(), nil)
	if err != nil {
		b.Fatal(err)
	}
	serde := schema.NewSerde(r)
	ctx := context.Background()
	kenc, err := serde.Encoder(ctx, "org.chicago.cta.station.arrivals.austin", true, schema.ArrivalKey)
	if err != nil {
		b.Fatal(err)
	}
	venc, _ := serde.Encoder(ctx, "org.chicago.cta.station.arrivals.austin", false, schema.ArrivalValue)
	key, _ := kenc(nil, map[string]any{"timestamp": time.Now().UnixMilli()})
	value, err := venc(nil, map[string]any{"station_id": 40010, "train_id": "BL003", "direction": "a", "line": "blue", "train_status": "in_service",
		"prev_station_id": goavro.Union("int", 40180), "prev_direction": goavro.Union("string", "a")})
	if err != nil {
		b.Fatal(err)
	}
	m := NewModel()
	b.ReportAllocs()
	var off int64
	for b.Loop() {
		a, err := decodeArrival(ctx, serde, key, value)
		if err != nil {
			b.Fatal(err)
		}
		off++
		m.ApplyArrival(a, src{offset: off})
	}
	reportRate(b)
}

// BenchmarkRenderLive measures rendering the live part of the page for 94
// stations and 30 trains, done at most once per push interval.
func BenchmarkRenderLive(b *testing.B) {
	m := NewModel()
	for i := range 94 {
		m.ApplyStation(StationRecord{Line: Lines[i%3].Name, StationID: 40000 + i/3, Name: fmt.Sprintf("Station %d", i), Order: i / 3}, src{})
	}
	for _, a := range benchArrivals(30) {
		m.ApplyArrival(a, src{})
	}
	for b.Loop() {
		if _, err := render("live", newPageData(m.Status(), time.Now())); err != nil {
			b.Fatal(err)
		}
	}
}

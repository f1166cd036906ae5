package produce

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/lab/broker"
)

// produceLog records, as the broker receives them, which arrivals topics
// each produce request carries.
type produceLog struct {
	mu       sync.Mutex
	requests [][]string // per request: its arrivals topics
}

func (l *produceLog) watch(c *kfake.Cluster) {
	c.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		var topics []string
		for _, t := range r.(*kmsg.ProduceRequest).Topics {
			if strings.HasPrefix(t.Topic, topic.ArrivalsPrefix) {
				topics = append(topics, t.Topic)
			}
		}
		if len(topics) > 0 {
			l.mu.Lock()
			l.requests = append(l.requests, topics)
			l.mu.Unlock()
		}
		return nil, nil, false
	})
}

func (l *produceLog) arrivalRequests() [][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]string(nil), l.requests...)
}

// A tick's arrivals are handed over together at its end (Flush); the
// dashboard waits for each of them, so they reach the broker in one
// produce request carrying every arrivals topic of the tick, not one
// request per topic behind one another.
func TestATicksArrivalsGoToKafkaInOneProduceRequest(t *testing.T) {
	cluster, cfg := fakeKafka(t)
	var log produceLog
	log.watch(cluster)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ls := lines(t)
	p, err := New(ctx, cfg, ls)
	if err != nil {
		t.Fatal(err)
	}
	// One arrival at each of the first ten stations of every line, then a
	// second one at the first Blue line station: its topic gets two records,
	// which must keep their order.
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	var sent []sim.Arrival
	for _, l := range ls {
		for i, stn := range l.Stations[:10] {
			sent = append(sent, sim.Arrival{Time: at, StationID: stn.ID, StationName: stn.Name, Line: l.Color,
				TrainID: fmt.Sprintf("%s%03d", l.Color.String()[:1], i), Direction: sim.DirA, TrainStatus: sim.InService})
		}
	}
	second := sent[0]
	second.TrainID = "B999"
	sent = append(sent, second)
	for _, a := range sent {
		if err := p.Arrival(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats().Arrivals; st.Acked != int64(len(sent)) || st.Failed != 0 {
		t.Fatalf("arrivals %+v, want %d acknowledged", st, len(sent))
	}

	topics := map[string]bool{}
	for _, a := range sent {
		topics[topic.Arrivals(a.StationName)] = true
	}
	reqs := log.arrivalRequests()
	if len(reqs) != 1 || len(reqs[0]) != len(topics) {
		t.Fatalf("arrivals went out in %d produce requests (topics per request: %v), want one request with all %d topics", len(reqs), reqs, len(topics))
	}

	// Each topic holds its arrivals in the order they were handed over.
	registry, _ := schema.NewRegistry(cfg.SchemaRegistry, nil)
	serde := schema.NewSerde(registry)
	want := map[string][]string{}
	for _, a := range sent {
		want[topic.Arrivals(a.StationName)] = append(want[topic.Arrivals(a.StationName)], a.TrainID)
	}
	for tp, trains := range want {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: cluster.ListenAddrs(), Topic: tp, MaxWait: 50 * time.Millisecond})
		for i, train := range trains {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("%s record %d: %v", tp, i, err)
			}
			v, err := serde.Decode(ctx, m.Value)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.(map[string]any)["train_id"]; got != train {
				t.Errorf("%s record %d: train %v, want %s", tp, i, got, train)
			}
		}
		r.Close()
	}
}

// Arrivals handed over while the broker is away wait in the producer and
// are tried again until it is back; each topic then holds them in the order
// they were handed over (a resent request may store some twice).
func TestArrivalsHandedOverWhileTheBrokerIsDownAreDeliveredInOrderWhenItComesBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	b, err := broker.Start(ctx, broker.WithDataDir(dir), broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	addr := b.Addrs()[0]
	reg := srfake.New()
	defer reg.Close()
	ls := lines(t)
	p, err := New(ctx, Config{Brokers: []string{addr}, SchemaRegistry: reg.URL(), RESTProxy: "http://127.0.0.1:1"}, ls)
	if err != nil {
		t.Fatal(err)
	}
	stations := ls[0].Stations[:3]
	arrival := func(i int) sim.Arrival {
		stn := stations[i%len(stations)]
		return sim.Arrival{Time: time.UnixMilli(int64(1_700_000_000_000 + i)), StationID: stn.ID, StationName: stn.Name,
			Line: ls[0].Color, TrainID: fmt.Sprintf("T%03d", i), Direction: sim.DirA, TrainStatus: sim.InService}
	}
	const before, during = 6, 12
	for i := range before {
		if err := p.Arrival(arrival(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the first arrivals' acknowledgements", func() bool { return p.Stats().Arrivals.Acked == before })
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// Two ticks during the outage: the second is handed over while the
	// first is being tried again.
	for i := before; i < before+during; i++ {
		if err := p.Arrival(arrival(i)); err != nil {
			t.Fatalf("arrival %d during the outage: %v", i, err)
		}
		if i == before+during/2 {
			if err := p.Flush(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, "the producer to notice the outage", p.kafkaOutage.Active)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err = broker.Start(ctx, broker.WithDataDir(dir), broker.WithListenAddr(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close after the broker came back: %v", err)
	}
	if st := p.Stats().Arrivals; st.Acked != before+during || st.Failed != 0 || st.Resent < 1 {
		t.Fatalf("arrival counts %+v, want %d acknowledged, none failed, some resent", st, before+during)
	}

	registry, _ := schema.NewRegistry(reg.URL(), nil)
	serde := schema.NewSerde(registry)
	for s, stn := range stations {
		var want []string
		for i := s; i < before+during; i += len(stations) {
			want = append(want, fmt.Sprintf("T%03d", i))
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{addr}, Topic: topic.Arrivals(stn.Name), MaxWait: 50 * time.Millisecond})
		var got []string
		for len(got) == 0 || got[len(got)-1] != want[len(want)-1] {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("%s after %v: %v", stn.Name, got, err)
			}
			v, err := serde.Decode(ctx, m.Value)
			if err != nil {
				t.Fatal(err)
			}
			train := v.(map[string]any)["train_id"].(string)
			if !slices.Contains(got, train) { // a resent request may store some twice
				got = append(got, train)
			}
		}
		r.Close()
		if !slices.Equal(got, want) {
			t.Errorf("%s holds %v, want %v in that order", stn.Name, got, want)
		}
	}
}

// However far the producer runs ahead of the broker, a produce request's
// batch for a partition stays under the broker's default message.max.bytes
// (1 MB): the turnstile entries queued during a slow round trip go out in
// several requests, none refused as too large.
func TestQueuedRecordsGoOutInBatchesTheBrokerAccepts(t *testing.T) {
	cluster, cfg := fakeKafka(t)
	var (
		mu      sync.Mutex
		largest int
	)
	cluster.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		for _, tp := range r.(*kmsg.ProduceRequest).Topics {
			for _, p := range tp.Partitions {
				largest = max(largest, len(p.Records))
			}
		}
		time.Sleep(20 * time.Millisecond) // a slow broker: the producer queues meanwhile
		return nil, nil, false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ls := lines(t)
	cfg.MaxInFlight = 100_000
	p, err := New(ctx, cfg, ls)
	if err != nil {
		t.Fatal(err)
	}
	// Long station names make each entry about 300 bytes.
	name := strings.Repeat("Station with a long name ", 10)
	const n = 60_000
	for i := range n {
		if err := p.Turnstile(sim.TurnstileEntry{Time: time.UnixMilli(int64(1_700_000_000_000 + i)), StationID: 40380, StationName: name, Line: sim.Blue}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats().Turnstiles; st.Acked != n || st.Failed != 0 {
		t.Fatalf("turnstile counts %+v, want %d acknowledged", st, n)
	}
	mu.Lock()
	defer mu.Unlock()
	if largest == 0 || largest > 1<<20 {
		t.Errorf("the largest partition batch in a produce request was %d bytes, want at most 1 MB", largest)
	}
}

// The dashboard waits for a tick's arrivals; nothing waits for its
// turnstile entries but ksqlDB's running count. A tick's entries are handed
// over before its trains move (the reference's order: each line's
// turnstiles, then its trains), yet the broker gets the tick's arrivals
// first, and the entries once the arrivals are stored.
func TestATicksArrivalsReachTheBrokerBeforeItsTurnstileEntries(t *testing.T) {
	cluster, cfg := fakeKafka(t)
	var taken produceOrder
	cluster.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		taken.take(r)
		return nil, nil, false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ls := lines(t)
	p, err := New(ctx, cfg, ls)
	if err != nil {
		t.Fatal(err)
	}
	// a rush-hour tick: thousands of entries, then each line's trains
	handTick(t, p, ls, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), 1200, 10)
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if order := taken.get(); len(order) < 2 || order[0] != "arrivals" || slices.Contains(order[1:], "arrivals") {
		t.Errorf("the broker took the tick's produce requests in the order %v, want the arrivals' one first", order)
	}
}

// produceOrder records, per produce request as the broker takes it,
// whether it carries arrivals or turnstile entries.
type produceOrder struct {
	mu    sync.Mutex
	kinds []string
}

func (o *produceOrder) take(r kmsg.Request) string {
	kind := "turnstile"
	for _, tp := range r.(*kmsg.ProduceRequest).Topics {
		if strings.HasPrefix(tp.Topic, topic.ArrivalsPrefix) {
			kind = "arrivals"
		}
	}
	o.mu.Lock()
	o.kinds = append(o.kinds, kind)
	o.mu.Unlock()
	return kind
}

func (o *produceOrder) get() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.kinds)
}

// handTick hands a tick over as the simulation does: for each line,
// entries turnstile entries and arrivals at its first trains stations;
// then Flush.
func handTick(t *testing.T, p *Producer, ls []*sim.Line, at time.Time, entries, trains int) {
	t.Helper()
	for _, l := range ls {
		for i := range entries {
			stn := l.Stations[i%len(l.Stations)]
			if err := p.Turnstile(sim.TurnstileEntry{Time: at, StationID: stn.ID, StationName: stn.Name, Line: l.Color}); err != nil {
				t.Fatal(err)
			}
		}
		for i, stn := range l.Stations[:trains] {
			if err := p.Arrival(sim.Arrival{Time: at, StationID: stn.ID, StationName: stn.Name, Line: l.Color,
				TrainID: fmt.Sprintf("%s%03d", l.Color.String()[:1], i), Direction: sim.DirA, TrainStatus: sim.InService}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
}

// Once a tick's arrivals are stored, the dashboard fetches, applies and
// renders them; the tick's thousands of turnstile entries, which the
// broker, ksqlDB and the dashboard's counts then work through, give that
// way the lead: they go out arrivalsLead after the arrivals are
// acknowledged. The lead's timer is the spec's, so nothing here is timed.
func TestATicksTurnstileEntriesGoOutTheArrivalsLeadAfterItsArrivalsAreStored(t *testing.T) {
	cluster, cfg := fakeKafka(t)
	var order produceOrder
	cluster.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		order.take(r)
		return nil, nil, false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ls := lines(t)
	p, err := New(ctx, cfg, ls)
	if err != nil {
		t.Fatal(err)
	}
	type leadAsked struct {
		d      time.Duration
		stored []string // what the broker had taken when the lead began
	}
	asked := make(chan leadAsked, 4)
	release := make(chan time.Time)
	// Set before the first record is handed over: the sender reads it
	// after hand's signal.
	p.turnstileOut.timer = func(d time.Duration) <-chan time.Time {
		asked <- leadAsked{d, order.get()}
		return release
	}
	handTick(t, p, ls, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), 300, 5)
	var lead leadAsked
	select {
	case lead = <-asked:
	case <-ctx.Done():
		t.Fatalf("the turnstile entries never waited for a lead; the broker took %v", order.get())
	}
	if lead.d != arrivalsLead || !slices.Equal(lead.stored, []string{"arrivals"}) {
		t.Errorf("the entries waited %s once the broker had taken %v, want %s once it had taken the arrivals alone", lead.d, lead.stored, arrivalsLead)
	}
	close(release)
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Turnstiles.Acked != 900 || st.Arrivals.Acked != 15 {
		t.Fatalf("acknowledged %d entries and %d arrivals, want 900 and 15", st.Turnstiles.Acked, st.Arrivals.Acked)
	}
	if got := order.get(); len(got) < 2 || got[0] != "arrivals" || slices.Contains(got[1:], "arrivals") {
		t.Errorf("the broker took the produce requests in the order %v, want the arrivals' first", got)
	}
}

// At max pace the entries queue while earlier ones are being sent: those
// go out as soon as the broker took the earlier ones (and the arrivals
// handed with them are stored), without a lead, so a replay is not slowed
// by one lead per tick.
func TestTurnstileEntriesQueuedWhileEarlierOnesAreSentGoOutWithoutALead(t *testing.T) {
	cluster, cfg := fakeKafka(t)
	var order produceOrder
	held := make(chan struct{})
	hold := make(chan struct{})
	var heldOnce sync.Once
	cluster.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		if order.take(r) == "turnstile" {
			heldOnce.Do(func() {
				close(held)
				cluster.SleepControl(func() { <-hold }) // the first entries' request takes until the spec lets go
			})
		}
		return nil, nil, false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ls := lines(t)
	p, err := New(ctx, cfg, ls)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	leads := 0
	p.turnstileOut.timer = func(time.Duration) <-chan time.Time {
		mu.Lock()
		leads++
		mu.Unlock()
		now := make(chan time.Time, 1)
		now <- time.Time{}
		return now
	}
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	handTick(t, p, ls, at, 300, 5)
	select {
	case <-held:
	case <-ctx.Done():
		t.Fatalf("the first turnstile entries never reached the broker; it took %v", order.get())
	}
	handTick(t, p, ls, at.Add(5*time.Minute), 300, 5)
	close(hold)
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Turnstiles.Acked != 1800 || st.Arrivals.Acked != 30 {
		t.Fatalf("acknowledged %d entries and %d arrivals, want 1800 and 30", st.Turnstiles.Acked, st.Arrivals.Acked)
	}
	mu.Lock()
	defer mu.Unlock()
	if leads != 1 {
		t.Errorf("the turnstile sender waited %d leads, want 1: the first tick's, not the second's, queued behind it", leads)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctalab/ctalab/app/dashboard"
	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/produce"
	"github.com/ctalab/ctalab/app/sim"
)

// latencyResult is one realtime run of the event-to-dashboard latency.
type latencyResult struct {
	Ticks      int       `json:"ticks"`
	Arrivals   int       `json:"arrivals"`
	Missed     int       `json:"missed"` // never shown in their slot within settleWait of the last tick
	Updates    int       `json:"sse_updates"`
	P50MS      float64   `json:"p50_ms"`
	P99MS      float64   `json:"p99_ms"`
	MaxMS      float64   `json:"max_ms"`
	SamplesMS  []float64 `json:"samples_ms"`
	Unshown    []string  `json:"unshown,omitempty"` // the arrivals never shown
	SetupSecs  float64   `json:"setup_s"`           // stack, components and stations table before the first tick
	settleWait time.Duration
}

// latencySink hands every event to the producer and notes when each
// arrival of tick `from` onwards was handed over.
type latencySink struct {
	*produce.Producer
	at      func() float64
	from    int
	tick    int
	samples []arrivalSample
}

func (s *latencySink) Arrival(a sim.Arrival) error {
	if s.tick >= s.from {
		s.samples = append(s.samples, arrivalSample{
			Train: a.TrainID, Tick: s.tick, Handed: s.at(),
			Slot: slot{Line: a.Line.String(), Station: a.StationID, Dir: a.Direction.String()[0]},
		})
	}
	return s.Producer.Arrival(a)
}

// latency runs the application's components as the pipeline composes them
// (connector, transformer, ksqlDB statements, producer, dashboard) against a
// fresh embedded stack, subscribes to the dashboard's /events, runs a
// warm-up tick and then `ticks` ticks of sched at realtime pace, and
// measures from each arrival's hand-off to the producer until an SSE update
// shows that train in that station's slot.
//
// Tick 1 is not measured: it has the same simulated time as the trains'
// placement, and the dashboard orders equal simulated times by topic name,
// so a train's first move is shown only when its new station's topic sorts
// after its placement station's. pushInterval 0 keeps the dashboard's
// default.
func latency(ctx context.Context, sched sim.Schedule, ticks int, pushInterval time.Duration, data sim.Data, log *slog.Logger) (latencyResult, error) {
	sched.Ticks = ticks + 1
	res := latencyResult{Ticks: ticks, settleWait: 5 * time.Second}
	origin := time.Now()
	at := func() float64 { return time.Since(origin).Seconds() }
	st, stop, err := startStack(ctx, log)
	if err != nil {
		return res, err
	}
	defer stop()
	e := st.Endpoints()
	ep := pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect}
	dash, err := dashboard.New(dashboard.Config{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Listen: "127.0.0.1:0", PushInterval: pushInterval, Logger: log.With("component", "dashboard")})
	if err != nil {
		return res, err
	}
	sink := &latencySink{at: at, from: 2}
	s, err := sim.New(sched, data, sim.WithPace(sim.Realtime), sim.WithTickObserver(func(t sim.TickStats) { sink.tick = t.Tick + 1 }))
	if err != nil {
		return res, err
	}

	cctx, stopComponents := context.WithCancel(ctx)
	defer stopComponents()
	g, gctx := errgroup.WithContext(cctx)
	g.Go(func() error { return dash.Run(gctx) })
	g.Go(func() error { return pipeline.EnsureConnector(gctx, ep, 0, log) })
	g.Go(func() error { return pipeline.RunTransformer(gctx, e.Brokers, log) })
	stopAll := func() error {
		stopComponents()
		if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}
	defer stopAll() //nolint:errcheck // a second call only waits

	select {
	case <-dash.Listening():
	case <-gctx.Done():
		return res, fmt.Errorf("start the dashboard: %w", stopAll())
	}
	var (
		mu      sync.Mutex
		updates []liveUpdate
		changed = make(chan struct{}, 1)
	)
	req, err := http.NewRequestWithContext(gctx, http.MethodGet, "http://"+dash.Addr()+"/events", nil)
	if err != nil {
		return res, err
	}
	resp, err := http.DefaultClient.Do(req) //nolint:bodyclose // closed by the defer below, after the reading goroutine got it
	if err != nil {
		return res, fmt.Errorf("subscribe to /events: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return res, fmt.Errorf("subscribe to /events: %s", resp.Status)
	}
	go func() {
		_ = readSSE(resp.Body, func(ev sseEvent) error {
			if ev.Name != "update" {
				return nil
			}
			received := at() // before parsing, which is the bench's work, not the page's
			u := liveUpdate{At: received, View: parseLive(ev.Data)}
			mu.Lock()
			updates = append(updates, u)
			mu.Unlock()
			select {
			case changed <- struct{}{}:
			default:
			}
			return nil
		})
	}()

	// The stations table first: until the dashboard has a station's row, it
	// cannot show a train there.
	want := map[row]bool{}
	for _, l := range s.Lines() {
		for _, stn := range l.Stations {
			want[row{l.Color.String(), stn.ID}] = true
		}
	}
	wait := time.NewTimer(90 * time.Second)
	defer wait.Stop()
	for shown := false; !shown; {
		select {
		case <-changed:
		case <-wait.C:
			return res, errors.New("the dashboard did not show every station row within 90s")
		case <-gctx.Done():
			return res, fmt.Errorf("wait for the stations table: %w", stopAll())
		}
		mu.Lock()
		last := updates[len(updates)-1].View
		mu.Unlock()
		shown = true
		for r := range want {
			if !last.Shown[r] {
				shown = false
				break
			}
		}
	}

	pr, err := produce.New(ctx, produce.Config{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Logger: log.With("component", "produce")}, s.Lines())
	if err != nil {
		return res, fmt.Errorf("start producer: %w", err)
	}
	flush := func() error {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pipeline.FlushTimeout)
		defer cancel()
		return pr.Close(fctx)
	}
	if err := pipeline.EnsureKSQL(ctx, e.KSQLDB, log); err != nil {
		return res, errors.Join(err, flush())
	}
	res.SetupSecs = at()
	sink.Producer = pr
	if err := s.Run(ctx, sink); err != nil {
		return res, errors.Join(fmt.Errorf("run the simulation: %w", err), flush())
	}
	if err := flush(); err != nil {
		return res, err
	}

	// Give the last tick's arrivals time to reach the page.
	settle := time.NewTimer(res.settleWait)
	defer settle.Stop()
	for matched := false; !matched; {
		mu.Lock()
		matched = true
		for _, smp := range sink.samples {
			if _, ok := firstShowing(updates, smp); !ok {
				matched = false
				break
			}
		}
		mu.Unlock()
		if matched {
			break
		}
		select {
		case <-changed:
		case <-settle.C:
			matched = true
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
	mu.Lock()
	defer mu.Unlock()
	res.Updates = len(updates)
	res.Arrivals = len(sink.samples)
	for _, smp := range sink.samples {
		shown, ok := firstShowing(updates, smp)
		if !ok {
			res.Missed++
			res.Unshown = append(res.Unshown, fmt.Sprintf("tick %d: %s at %s %d direction %c, handed at %.3fs", smp.Tick, smp.Train, smp.Slot.Line, smp.Slot.Station, smp.Slot.Dir, smp.Handed))
			continue
		}
		res.SamplesMS = append(res.SamplesMS, (shown-smp.Handed)*1000)
	}
	res.P50MS, res.P99MS, res.MaxMS = percentile(res.SamplesMS, 50), percentile(res.SamplesMS, 99), percentile(res.SamplesMS, 100)
	return res, nil
}

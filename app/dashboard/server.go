package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/topic"
)

// ErrAlreadyRunning is returned by a second call of Server.Run.
var ErrAlreadyRunning = errors.New("dashboard is already running")

// Server is the dashboard: the consumers, the status model and the HTTP
// server.
type Server struct {
	cfg       Config
	log       *slog.Logger
	model     *Model
	consumers *consumers
	hub       *hub
	handler   http.Handler

	running   atomic.Bool
	addr      atomic.Pointer[string]
	listening chan struct{}
	stopLive  chan struct{}
	stopOnce  sync.Once
}

// New returns a dashboard for cfg; Run starts it.
func New(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configure dashboard: %w", err)
	}
	model := NewModel()
	if cfg.NotSimulated == nil {
		var err error
		if cfg.NotSimulated, err = simulationGaps(); err != nil {
			return nil, err
		}
	}
	for _, n := range cfg.NotSimulated {
		model.SetNotSimulated(n)
	}
	if _, err := cfg.Client.Kafka.Dialer(); err != nil {
		return nil, fmt.Errorf("configure dashboard: %w", err)
	}
	regHC, err := cfg.Client.SchemaRegistry.HTTPClient(10 * time.Second)
	if err != nil {
		return nil, fmt.Errorf("configure dashboard: %w", err)
	}
	reg, err := schema.NewRegistry(cfg.SchemaRegistry, regHC)
	if err != nil {
		return nil, fmt.Errorf("configure dashboard: %w", err)
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, model: model,
		hub: newHub(), listening: make(chan struct{}), stopLive: make(chan struct{}),
	}
	s.consumers = newConsumers(cfg, s.inputs(schema.NewSerde(reg)))
	s.handler = s.routes()
	return s, nil
}

var arrivalsPattern = regexp.MustCompile(topic.ArrivalsPattern)

// inputs are the four inputs of the original dashboard.
func (s *Server) inputs(serde *schema.Serde) []*input {
	at := func(m kafka.Message) src { return src{m.Topic, m.Partition, m.Offset} }
	return []*input{
		{
			name:  "weather",
			match: func(t string) bool { return t == topic.Weather },
			apply: func(ctx context.Context, m kafka.Message) error {
				w, err := decodeWeather(ctx, serde, m.Key, m.Value)
				if err == nil {
					s.model.ApplyWeather(w, at(m))
				}
				return err
			},
		},
		{
			name:  "stations",
			match: func(t string) bool { return t == topic.StationsTable },
			apply: func(_ context.Context, m kafka.Message) error {
				r, remove, err := decodeStation(m.Key, m.Value)
				switch {
				case err != nil:
				case remove:
					s.model.RemoveStation(r.Line, r.StationID)
				default:
					s.model.ApplyStation(r, at(m))
				}
				return err
			},
		},
		{
			name:   "arrivals",
			match:  arrivalsPattern.MatchString,
			shared: true,
			apply: func(ctx context.Context, m kafka.Message) error {
				a, err := decodeArrival(ctx, serde, m.Key, m.Value)
				if err == nil {
					s.model.ApplyArrival(a, at(m))
				}
				return err
			},
		},
		{
			name:  "turnstiles",
			match: func(t string) bool { return t == topic.TurnstileSummary },
			apply: func(_ context.Context, m kafka.Message) error {
				id, n, err := decodeTurnstile(m.Key, m.Value)
				if err == nil {
					s.model.ApplyTurnstile(id, n, at(m))
				}
				return err
			},
		},
	}
}

// Handler returns the dashboard's HTTP handler: / (the page), /events (live
// updates), /api/status, /healthz, /metrics and /static/. It serves the
// current model whether or not Run has started.
func (s *Server) Handler() http.Handler { return s.handler }

// Addr returns the address the HTTP server listens on once Run has started
// listening (see Listening), e.g. 127.0.0.1:8888; "" before.
func (s *Server) Addr() string {
	if a := s.addr.Load(); a != nil {
		return *a
	}
	return ""
}

// Listening is closed once Run listens; Addr is then valid.
func (s *Server) Listening() <-chan struct{} { return s.listening }

// Ready is closed once every input has been read up to the end offsets the
// first discovery saw (what /healthz reports as 200).
func (s *Server) Ready() <-chan struct{} { return s.consumers.ready }

// Run listens, serves HTTP and reads the inputs until ctx ends. It then
// closes the Kafka readers, ends the live streams, shuts the HTTP server
// down gracefully (within Config.ShutdownTimeout) and returns nil. It
// returns an error when it cannot listen or the server fails. Run may be
// called once.
func (s *Server) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	addr := ln.Addr().String()
	s.addr.Store(&addr)
	close(s.listening)
	s.log.Info("dashboard listening", "url", "http://"+addr)

	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	srv.RegisterOnShutdown(s.endLive)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	cctx, stopConsumers := context.WithCancel(ctx)
	defer stopConsumers()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.consumers.run(cctx) }()
	go func() { defer wg.Done(); s.push(cctx) }()

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	stopConsumers()
	wg.Wait() // the readers are closed
	s.endLive()
	if serveErr != nil {
		return fmt.Errorf("serve dashboard: %w", serveErr)
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down dashboard: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve dashboard: %w", err)
	}
	s.log.Info("dashboard stopped")
	return nil
}

// endLive ends every live stream, so that shutdown does not wait for them.
func (s *Server) endLive() { s.stopOnce.Do(func() { close(s.stopLive) }) }

// push renders the live part of the page after changes and sends it to
// every live client: at once while the push budget allows, then no sooner
// than it refills (or PushInterval, when set); changes meanwhile are
// coalesced into the next update.
func (s *Server) push(ctx context.Context) {
	var budget pushBudget
	budget.start(time.Now())
	pushed := s.model.Moves() // the moves the browsers have seen
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.model.Changed():
		}
		if s.cfg.PushInterval == 0 && !s.waitForPush(ctx, &budget, pushed) {
			return
		}
		if s.hub.count() > 0 {
			pushed = s.model.Moves()
			begin := time.Now()
			if msg, err := s.liveEvent(); err != nil {
				s.log.Error("render live update", "err", err)
			} else {
				s.hub.broadcast(msg)
			}
			end := time.Now()
			budget.spent(end, end.Sub(begin))
		}
		if s.cfg.PushInterval > 0 && !sleep(ctx, s.cfg.PushInterval) {
			return
		}
	}
}

// waitForPush waits as long as the budget asks for the changes made since
// the last update: a move (a train, station or weather change, pushed is
// the count of moves that update showed) or counts alone. A move that comes
// while counts wait ends the wait as its own would. It reports false when
// ctx ended first.
func (s *Server) waitForPush(ctx context.Context, budget *pushBudget, pushed uint64) bool {
	if s.model.Moves() != pushed && !s.settle(ctx) {
		return false
	}
	for {
		d := budget.wait(time.Now(), s.model.Moves() != pushed)
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		case <-s.model.Changed():
			t.Stop()
		}
	}
}

// settle lets the rest of a burst of moves come before an update. A
// tick's arrivals come in one fetch and reach the model over a millisecond
// or two; one update for all of them is cheaper than one each, on a
// machine that is busy with the same tick. It reports false when ctx ended
// first.
func (s *Server) settle(ctx context.Context) bool {
	return settleOn(ctx, settleSource{changed: s.model.Changed(), moves: s.model.Moves, backlog: s.consumers.backlog}, time.After)
}

// settleSource is what a settle watches: the model's change signal, its
// count of moves, and the fetched records not yet applied.
type settleSource struct {
	changed <-chan struct{}
	moves   func() uint64
	backlog *backlog
}

// settleOn is settle over src, with after for its timers. It returns as
// soon as every fetched record is applied (at once if none waits); until
// then, when no move came for MoveSettle, and no later than MoveSettleMax.
// Turnstile counts change the model without moving anything: they do not
// start the quiet wait over.
func settleOn(ctx context.Context, src settleSource, after func(time.Duration) <-chan time.Time) bool {
	if src.backlog.empty() {
		return true
	}
	deadline, quiet := after(MoveSettleMax), after(MoveSettle)
	moves := src.moves()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-deadline:
			return true
		case <-quiet:
			return true
		case <-src.backlog.drained:
			if src.backlog.empty() {
				return true
			}
		case <-src.changed:
			if m := src.moves(); m != moves {
				moves = m
				quiet = after(MoveSettle)
			}
		}
	}
}

// pushBudget is the adaptive push's allowance of time to render and send
// updates. It fills at 1/(PushCostFactor+1) of the time that passes, up to
// PushBurst, and each update spends what it took. While it holds credit an
// update goes out as soon as a change comes, so a burst of changes after a
// quiet spell reaches the browsers update by update; once it is spent, the
// next update waits until it is filled again, PushCostFactor times the
// overdraft, at most MaxAdaptivePushPause. However fast changes come,
// pushing takes about 1/(PushCostFactor+1) of a core.
type pushBudget struct {
	credit time.Duration
	at     time.Time // when credit was last brought up to date
	last   time.Time // when the last update ended
}

func (b *pushBudget) start(now time.Time) { b.at, b.credit = now, PushBurst }

// fill brings the credit up to now.
func (b *pushBudget) fill(now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.credit = min(b.credit+d/(PushCostFactor+1), PushBurst)
		b.at = now
	}
}

// pause is how long the next update must wait, from now.
func (b *pushBudget) pause(now time.Time) time.Duration {
	b.fill(now)
	if b.credit >= 0 {
		return 0
	}
	return min(-b.credit*(PushCostFactor+1), MaxAdaptivePushPause)
}

// spent takes an update's cost, which ended at now, from the credit.
func (b *pushBudget) spent(now time.Time, cost time.Duration) {
	b.fill(now)
	b.credit -= cost
	b.last = now
}

// wait is how long an update must wait, from now: for a move, what the
// credit asks (pause); for turnstile counts alone, also until
// CountsPushInterval has passed since the last update.
func (b *pushBudget) wait(now time.Time, move bool) time.Duration {
	d := b.pause(now)
	if !move && !b.last.IsZero() {
		d = max(d, b.last.Add(CountsPushInterval).Sub(now))
	}
	return d
}

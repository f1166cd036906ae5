package scenarios_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sync/errgroup"

	"github.com/ctalab/ctalab/app/dashboard"
	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/produce"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/transform"
	"github.com/ctalab/ctalab/lab/stack"
)

// stepped is the application run from the same parts as pipeline.Run (the
// dashboard, the stations connector, the transformer, the producer and the
// ksqlDB statements), with a simulation that pauses after chosen ticks
// until the spec lets it go on: the spec looks at the page while time
// stands still.
type stepped struct {
	dashboard string
	reached   chan int
	resume    chan struct{}
	simDone   chan struct{} // closed when every tick ran and its records are acknowledged
	done      chan error
}

// launchStepped starts the application against s; the simulation stops
// after each tick in stops (wait for it with pausedAt) until next is called.
func launchStepped(ctx context.Context, s stack.Stack, sched sim.Schedule, stops ...int) *stepped {
	GinkgoHelper()
	By(fmt.Sprintf("replaying %d ticks from %s, pausing after ticks %v", sched.Ticks, sched.Start.Format(time.RFC3339), stops))
	e := s.Endpoints()
	pe := pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect, Client: clientFor(e)}
	log := logger()
	dash, err := dashboard.New(dashboard.Config{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Client: clientFor(e), Listen: "127.0.0.1:0", Logger: log.With("component", "dashboard")})
	Expect(err).NotTo(HaveOccurred(), "configure the dashboard")
	data, err := sim.LoadData()
	Expect(err).NotTo(HaveOccurred())

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &stepped{reached: make(chan int), resume: make(chan struct{}), simDone: make(chan struct{}), done: make(chan error, 1)}
	// The tick observer runs on the simulation's goroutine after the tick's
	// events are handed to the producer: blocking it holds the next tick.
	simulation, err := sim.New(sched, data, sim.WithTickObserver(func(t sim.TickStats) {
		if !slices.Contains(stops, t.Tick) {
			return
		}
		select {
		case r.reached <- t.Tick:
		case <-runCtx.Done():
			return
		}
		select {
		case <-r.resume:
		case <-runCtx.Done():
		}
	}))
	Expect(err).NotTo(HaveOccurred(), "build the simulation")

	g, gctx := errgroup.WithContext(runCtx)
	g.Go(func() error { return dash.Run(gctx) })
	g.Go(func() error { return pipeline.EnsureConnector(gctx, pe, 0, log) })
	g.Go(func() error {
		return pipeline.RunTransformerWith(gctx, transform.Config{Brokers: e.Brokers, Client: pe.Client}, log)
	})
	g.Go(func() error {
		err := pipeline.Simulate(gctx, simulation, pe, log, nil, func(*produce.Producer) error { return pipeline.EnsureKSQLWith(gctx, e.KSQLDB, pe.Client.KSQLDB, log) })
		if err == nil && gctx.Err() == nil {
			close(r.simDone)
		}
		return err
	})
	go func() { r.done <- g.Wait() }()
	DeferCleanup(func(ctx SpecContext) {
		By("stopping the application")
		cancel()
		select {
		case err := <-r.done:
			if errors.Is(err, context.Canceled) {
				err = nil
			}
			Expect(err).NotTo(HaveOccurred(), "the application stopped with an error")
		case <-ctx.Done():
			Fail("the application did not stop")
		}
	}, NodeTimeout(30*time.Second))
	select {
	case <-dash.Listening():
	case err := <-r.done:
		r.done <- err
		Fail(fmt.Sprintf("the application stopped before its dashboard listened: %v", err))
	}
	r.dashboard = "http://" + dash.Addr()
	return r
}

// pausedAt waits until the simulation pauses after tick n.
func (r *stepped) pausedAt(ctx context.Context, n int) {
	GinkgoHelper()
	select {
	case got := <-r.reached:
		Expect(got).To(Equal(n), "the simulation pauses after tick %d", n)
	case err := <-r.done:
		r.done <- err
		Fail(fmt.Sprintf("the application stopped before tick %d: %v", n, err))
	case <-ctx.Done():
		Fail(fmt.Sprintf("the simulation did not reach tick %d", n))
	}
}

// next lets the paused simulation run on.
func (r *stepped) next() { r.resume <- struct{}{} }

// finished waits until the simulation has run its last tick and every
// record it produced is acknowledged.
func (r *stepped) finished(ctx context.Context) {
	GinkgoHelper()
	select {
	case <-r.simDone:
	case err := <-r.done:
		r.done <- err
		Fail(fmt.Sprintf("the application stopped before the simulation finished: %v", err))
	case <-ctx.Done():
		Fail("the simulation did not finish in time")
	}
}

var _ = Describe("The transit status page", Label("dashboard", "positions", "golden"), func() {
	It("shows every train at the station, in the direction slot and in the status colour the simulation gives it, tick after tick", func(ctx SpecContext) {
		// breakdown: RL003 breaks down at tick 7 for 12 ticks and the Red
		// Line trains behind it queue; GL006 is out of service from tick
		// 10 to 15.
		sched := schedule("breakdown")
		stops := []int{1, 7, 12, 16, 19, sched.Ticks}
		By("running the simulation in-process with the same schedule and seed")
		want := simulate(sched, stops...)
		Expect(want.States[12].Trains["RL003"].Status).To(Equal("broken_down"), "the schedule stops RL003 by tick 12")
		Expect(want.States[12].Trains["GL006"].Status).To(Equal("out_of_service"), "the schedule stops GL006 by tick 12")

		run := launchStepped(ctx, newStack(ctx), sched, stops...)
		for _, n := range stops {
			run.pausedAt(ctx, n)
			st := want.States[n]
			By(fmt.Sprintf("comparing the page with the simulation after tick %d (%s)", n, st.Time.Format("15:04")))
			var page string
			Eventually(func(g Gomega, ctx context.Context) {
				page = pageText(g, ctx, run.dashboard)
				expectAsSimulated(g, fmt.Sprintf("the page after tick %d", n), want.pageDiffs(page, st))
				status := getStatus(g, ctx, run.dashboard)
				expectAsSimulated(g, fmt.Sprintf("/api/status after tick %d", n), want.statusDiffs(status, st))
				expectAsSimulated(g, fmt.Sprintf("the page after tick %d against the documented movement rule", n), want.pageDiffs(page, want.ByRule[n]))
				expectAsSimulated(g, fmt.Sprintf("/api/status after tick %d against the documented movement rule", n), want.statusDiffs(status, want.ByRule[n]))
			}).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
			if n == 12 {
				matchGoldenPage("breakdown-tick12", page)
			}
			run.next()
		}
	}, SpecTimeout(12*time.Minute))
})

package scenarios_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/dashboard"
	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/app/transform"
	"github.com/ctalab/ctalab/fixtures"
	"github.com/ctalab/ctalab/lab/stack"
)

// Faults: a service of the stack fails or restarts while a schedule is
// replayed. When Kafka itself keeps running, the pipeline still ends in the
// state an uninterrupted run of the same schedule leaves: every simulated
// event on the turnstile topic exactly once, TURNSTILE_SUMMARY counting
// exactly those, every station row once in the stations topic, the
// transformed table complete, the same records in every application topic and
// an identical dashboard status. When the broker itself crashes, the
// producers (without idempotence) may write a batch twice whose
// acknowledgement was lost: the specs then expect what the design guarantees
// (see delivery_test.go) — no acknowledged event lost, repeats counted and
// reported, TURNSTILE_SUMMARY and the dashboard agreeing with the topics.
//
// The faults need hooks only the embedded stack has (a broker in a process
// of its own, "lab fault" to stop PostgreSQL or restart ksqlDB), so these
// specs always run on embedded lab processes of their own, whatever
// LAB_STACK says.
var _ = Describe("Faults during a replay", Label("faults"), boulder, func() {
	It("loses no acknowledged event when the broker is killed with SIGKILL and restarted mid-replay", Label("broker-crash"), func(ctx SpecContext) {
		sched := faultSchedule()
		var total int64
		for _, n := range simulatedEntries(sched) {
			total += int64(n)
		}
		b := startBrokerProcess(ctx)
		s := startFaultLab(ctx, "--brokers", b.addr)
		run := launch(ctx, s.Endpoints(), sched, launchOptions{pace: sim.Times(20), dashboard: true})

		waitTurnstilesAcked(ctx, run, total/3)
		By("killing the broker with SIGKILL")
		b.kill()
		// The outage lasts a second of wall-clock time: the fault itself,
		// not a wait for a condition.
		time.Sleep(time.Second)
		By("restarting the broker on the same port and data dir")
		b.start(ctx)

		run.expectNoAcknowledgedEventLost(ctx, s.Endpoints(), sched, run.dashboard)
	}, NodeTimeout(8*time.Minute))

	It("reloads no station row twice when PostgreSQL is stopped and started under the connector", func(ctx SpecContext) {
		want := baselineOf(ctx, faultSchedule())
		s := startFaultLab(ctx)
		e := s.Endpoints()
		// The promise is about the rows, not about how long the task keeps
		// trying: its documented connection.backoff.ms (default 10000, after
		// each of connection.attempts=3 tries,
		// https://docs.confluent.io/kafka-connectors/jdbc/current/source-connector/source_config_options.html)
		// is shortened so that the task fails within a second of the outage.
		run := launch(ctx, e, faultSchedule(), launchOptions{pace: sim.Times(20), dashboard: true,
			connectorPoll: 200 * time.Millisecond, connectionBackoff: 250 * time.Millisecond})
		waitStationRows(ctx, e, 230)

		By("stopping PostgreSQL")
		Expect(s.fault(ctx, "postgres-stop")).To(Succeed())
		By("waiting for the connector's task to fail")
		Eventually(func(g Gomega, ctx context.Context) {
			g.Expect(connectorTaskState(g, ctx, e)).To(Equal("FAILED"))
		}).WithContext(ctx).WithTimeout(2*time.Minute).WithPolling(250*time.Millisecond).Should(Succeed(), "the task polls during the outage and fails")
		By("starting PostgreSQL again and restarting the failed task")
		Expect(s.fault(ctx, "postgres-start")).To(Succeed())
		restart := httpJSON(ctx, http.MethodPost, e.Connect+"/connectors/"+"stations"+"/restart?includeTasks=true&onlyFailed=true", "", http.StatusAccepted).(map[string]any)
		Expect(restart["connector"]).To(HaveKeyWithValue("state", "RUNNING"), "only the failed task restarts")
		Eventually(func(g Gomega, ctx context.Context) {
			g.Expect(connectorTaskState(g, ctx, e)).To(Equal("RUNNING"))
		}).WithContext(ctx).Should(Succeed())
		waitTablePolls(ctx, e, "stations", 2)
		Expect(connectorTaskState(Default, ctx, e)).To(Equal("RUNNING"), "the restarted task keeps polling")

		run.expectUninterruptedOutcome(ctx, e, run.dashboard, want)
	}, NodeTimeout(8*time.Minute))

	It("counts every turnstile entry exactly once when the ksqlDB engine restarts mid-replay", func(ctx SpecContext) {
		want := baselineOf(ctx, faultSchedule())
		s := startFaultLab(ctx)
		run := launch(ctx, s.Endpoints(), faultSchedule(), launchOptions{pace: sim.Times(20), dashboard: true})

		waitTurnstilesAcked(ctx, run, want.TotalEntries/3)
		By("restarting the ksqlDB engine")
		Expect(s.fault(ctx, "ksqldb-restart")).To(Succeed())
		ents := ksql(ctx, s.Endpoints().KSQLDB, "SHOW QUERIES;")
		Expect(fmt.Sprint(ents)).To(ContainSubstring("TURNSTILE_SUMMARY"), "the restarted engine runs the persistent query again")

		run.expectUninterruptedOutcome(ctx, s.Endpoints(), run.dashboard, want)
	}, NodeTimeout(8*time.Minute))

	It("shows the same status on a dashboard restarted over the same topics", func(ctx SpecContext) {
		want := baselineOf(ctx, faultSchedule())
		e := newStack(ctx).Endpoints()
		run := launch(ctx, e, faultSchedule(), launchOptions{pace: sim.Times(20)})

		By("running a dashboard during the first part of the replay")
		first := startDashboard(ctx, e, "127.0.0.1:0")
		waitTurnstilesAcked(ctx, run, want.TotalEntries/3)
		Eventually(func(g Gomega, ctx context.Context) {
			g.Expect(getStatus(g, ctx, first.url)["lines"]).To(HaveLen(3))
		}).WithContext(ctx).Should(Succeed(), "the first dashboard shows the lines")
		addr := first.srv.Addr()
		By("stopping it and starting a new one on the same address")
		first.stop()
		second := startDashboard(ctx, e, addr)

		run.expectUninterruptedOutcome(ctx, e, second.url, want)
	}, NodeTimeout(8*time.Minute))

	It("acknowledges and stores exactly once every record of a burst of concurrent REST Proxy requests during a replay", func(ctx SpecContext) {
		const workers, perWorker = 8, 50
		want := baselineOf(ctx, faultSchedule())
		e := newStack(ctx).Endpoints()
		burstTopic := "faults.weather.burst"
		createTopic(ctx, e, burstTopic)
		run := launch(ctx, e, faultSchedule(), launchOptions{pace: sim.Times(20), dashboard: true})
		waitTurnstilesAcked(ctx, run, 1)

		By(fmt.Sprintf("posting %d weather records from %d goroutines while the replay runs", workers*perWorker, workers))
		var wg sync.WaitGroup
		errs := make(chan error, workers*perWorker)
		for w := range workers {
			wg.Go(func() {
				defer GinkgoRecover()
				for i := range perWorker {
					if err := postWeather(ctx, e.RESTProxy, burstTopic, int64(w*perWorker+i)); err != nil {
						errs <- fmt.Errorf("worker %d record %d: %w", w, i, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		var failed []error
		for err := range errs {
			failed = append(failed, err)
		}
		Expect(failed).To(BeEmpty(), "every request is acknowledged")

		By("reading the burst back")
		seen := map[int64]int{}
		for _, m := range readTopic(ctx, e, burstTopic) {
			seen[avroTimestamp(m.Key)]++
		}
		Expect(seen).To(HaveLen(workers*perWorker), "every record is present")
		for k, n := range seen {
			Expect(n).To(Equal(1), "record %d is present exactly once", k)
		}

		run.expectUninterruptedOutcome(ctx, e, run.dashboard, want)
	}, NodeTimeout(8*time.Minute))
})

// faultSchedule is the short schedule every fault spec replays: two
// simulated hours of a weekday morning.
func faultSchedule() sim.Schedule {
	return sim.Schedule{Name: "faults", Start: time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 24, Seed: 17}
}

// baseline is what an uninterrupted replay of a schedule leaves.
type baseline struct {
	State        finalOutcome `json:"state"`
	TotalEntries int64        `json:"total_entries"`
}

var (
	baselinesMu sync.Mutex
	baselines   = map[string]baseline{}
)

// baselineOf replays sched uninterrupted on a fresh stack, once per suite
// run (the first process that needs it replays it, the others wait for it
// and read it), and returns its final state. The simulation is
// deterministic, so one uninterrupted run stands for all.
func baselineOf(ctx context.Context, sched sim.Schedule) baseline {
	GinkgoHelper()
	baselinesMu.Lock()
	defer baselinesMu.Unlock()
	if b, ok := baselines[sched.Name]; ok {
		return b
	}
	By("waiting for the uninterrupted replay of the schedule, or replaying it")
	b, err := onceAcrossProcesses(ctx, "baseline-"+sched.Name, func() baseline { return uninterrupted(ctx, sched) })
	Expect(err).NotTo(HaveOccurred(), "the uninterrupted replay's final state")
	baselines[sched.Name] = b
	return b
}

// uninterrupted replays sched on a fresh stack and returns its final state.
func uninterrupted(ctx context.Context, sched sim.Schedule) baseline {
	GinkgoHelper()
	By("replaying the schedule uninterrupted on a fresh stack")
	s := newStack(ctx)
	run := launch(ctx, s.Endpoints(), sched, launchOptions{pace: sim.Max, dashboard: true})
	run.waitSimulation(ctx)
	expectNoFailedDelivery(run)
	b := baseline{State: finalState(ctx, s.Endpoints(), sched, run.dashboard)}
	for _, n := range b.State.TurnstileByStation {
		b.TotalEntries += int64(n)
	}
	Expect(b.TotalEntries).To(BeNumerically(">", 1000), "the schedule has enough turnstile entries to interrupt")
	run.stop(ctx)
	Expect(s.Close(ctx)).To(Succeed())
	return b
}

// simulatedEntries runs sched in-process and counts its turnstile entries
// per station id: what the turnstile topic must hold.
func simulatedEntries(sched sim.Schedule) map[int]int {
	GinkgoHelper()
	data, err := sim.LoadData()
	Expect(err).NotTo(HaveOccurred())
	s, err := sim.New(sched, data)
	Expect(err).NotTo(HaveOccurred())
	c := &countingSink{entries: map[int]int{}}
	Expect(s.Run(context.Background(), c)).To(Succeed())
	return c.entries
}

type countingSink struct{ entries map[int]int }

func (c *countingSink) Arrival(sim.Arrival) error { return nil }
func (c *countingSink) Turnstile(e sim.TurnstileEntry) error {
	c.entries[e.StationID]++
	return nil
}
func (c *countingSink) Weather(sim.WeatherReport) error { return nil }

// finalOutcome is the comparable final state of a replay.
type finalOutcome struct {
	replay
	// StationRows is the stations topic's stop_ids in order.
	StationRows []int
	// StationsTable is the transformed table's keys.
	StationsTable []string
}

// finalState waits until the pipeline has settled and reads its final
// state: it checks the invariants that need no baseline (the turnstile
// topic holds exactly the simulation's entries, 230 distinct station rows,
// a complete transformed table, TURNSTILE_SUMMARY counting exactly the
// turnstile topic's entries) and returns what is compared with an
// uninterrupted run.
func finalState(ctx context.Context, e stack.Endpoints, sched sim.Schedule, dashboardURL string) finalOutcome {
	GinkgoHelper()
	By("comparing the turnstile topic with the simulation")
	turnstile := turnstileRecords(ctx, e)
	entries := turnstile.entries
	Expect(entries).To(Equal(simulatedEntries(sched)), "the turnstile topic holds every simulated entry exactly once")

	var out finalOutcome
	out.StationRows = stationRows(ctx, e)
	Expect(out.StationRows).To(HaveLen(230), "the stations topic has every row exactly once")
	Expect(sort.IntsAreSorted(out.StationRows)).To(BeTrue(), "the rows arrive in stop_id order")
	for i := 1; i < len(out.StationRows); i++ {
		Expect(out.StationRows[i]).NotTo(Equal(out.StationRows[i-1]), "stop_id %d is loaded once", out.StationRows[i])
	}

	By("waiting for the transformed stations table to be complete")
	wantTable := waitForTransformedTable(ctx, e)
	for k := range wantTable {
		out.StationsTable = append(out.StationsTable, k)
	}
	sort.Strings(out.StationsTable)

	By("waiting for TURNSTILE_SUMMARY to count every entry exactly once")
	// An over-count never heals, and a pipeline that has settled catches up
	// within seconds: a minute is plenty and fails an over-count sooner.
	var last map[int]int
	var table summaryTable
	Eventually(func(g Gomega, ctx context.Context) {
		last = table.poll(g, ctx, e)
		g.Expect(last).To(Equal(entries))
	}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(100*time.Millisecond).Should(Succeed(),
		func() string {
			return "TURNSTILE_SUMMARY counts the turnstile topic's entries exactly: " + countDiff(last, entries)
		})

	out.replay = summarise(ctx, e, sched.Name, turnstile)
	out.Dashboard = dashboardStatus(ctx, &running{dashboard: dashboardURL}, entries)
	// How many records the compacted topics and the changelog hold depends
	// on timing (compaction, ksqlDB's polls), not on what they mean: their
	// meaning is compared above (StationsTable, Summary).
	for _, t := range []string{topic.TurnstileSummary, topic.StationsTable} {
		delete(out.Records, t)
		delete(out.Digests, t)
	}
	return out
}

// countDiff describes how got differs from want.
func countDiff(got, want map[int]int) string {
	over, under, stations := 0, 0, 0
	for id := range want {
		switch d := got[id] - want[id]; {
		case d > 0:
			over += d
			stations++
		case d < 0:
			under -= d
			stations++
		}
	}
	return fmt.Sprintf("%d stations differ: %d entries counted twice, %d not counted", stations, over, under)
}

// waitForTransformedTable waits until the transformed stations table holds
// every (line, station_id) pair of the fixture, and returns them.
func waitForTransformedTable(ctx context.Context, e stack.Endpoints) map[string]bool {
	GinkgoHelper()
	want := transformedKeys()
	Eventually(func(g Gomega, ctx context.Context) {
		got := map[string]bool{}
		for _, m := range readTopicG(g, ctx, e, topic.StationsTable) {
			var k transform.Key
			g.Expect(json.Unmarshal(m.Key, &k)).To(Succeed())
			got[fmt.Sprintf("%s/%d", k.Line, k.StationID)] = true
		}
		g.Expect(got).To(Equal(want))
	}).WithContext(ctx).Should(Succeed(), "the transformed table is complete")
	return want
}

// transformedKeys are the (line, station_id) pairs of the transformed table.
func transformedKeys() map[string]bool {
	GinkgoHelper()
	rows, err := fixtures.Stations()
	Expect(err).NotTo(HaveOccurred())
	want := map[string]bool{}
	for _, r := range rows {
		if r.Color() != "" {
			want[fmt.Sprintf("%s/%d", r.Color(), r.StationID)] = true
		}
	}
	return want
}

// stationRows returns the stop_ids of the stations topic, in order.
func stationRows(ctx context.Context, e stack.Endpoints) []int {
	GinkgoHelper()
	var ids []int
	for _, m := range readTopic(ctx, e, topic.Stations) {
		var v struct {
			StopID int `json:"stop_id"`
		}
		Expect(json.Unmarshal(m.Value, &v)).To(Succeed(), "stations record %d: %s", m.Offset, m.Value)
		ids = append(ids, v.StopID)
	}
	return ids
}

func waitStationRows(ctx context.Context, e stack.Endpoints, n int) {
	GinkgoHelper()
	By(fmt.Sprintf("waiting for the connector to load %d station rows", n))
	Eventually(func(g Gomega, ctx context.Context) {
		g.Expect(topicsG(g, ctx, e)).To(HaveKey(topic.Stations))
		g.Expect(readTopicG(g, ctx, e, topic.Stations)).To(HaveLen(n))
	}).WithContext(ctx).Should(Succeed())
}

// waitTablePolls waits until PostgreSQL has started n queries on table
// after this call, from other sessions than the one asking: each is a poll
// of the connector's task. pg_stat_activity shows every session's latest
// query and when it started
// (https://www.postgresql.org/docs/16/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW),
// so distinct start times seen are distinct queries.
func waitTablePolls(ctx context.Context, e stack.Endpoints, table string, n int) {
	GinkgoHelper()
	By(fmt.Sprintf("waiting for the connector's task to poll table %s %d times", table, n))
	conn, err := pgx.Connect(ctx, e.Postgres)
	Expect(err).NotTo(HaveOccurred())
	defer conn.Close(context.WithoutCancel(ctx))
	var since time.Time
	Expect(conn.QueryRow(ctx, "SELECT now()").Scan(&since)).To(Succeed())
	seen := map[time.Time]bool{}
	Eventually(func(g Gomega, ctx context.Context) {
		rows, err := conn.Query(ctx, `SELECT query_start FROM pg_stat_activity
			WHERE pid <> pg_backend_pid() AND query_start > $1 AND query ILIKE '%' || $2 || '%'`, since, table)
		g.Expect(err).NotTo(HaveOccurred())
		starts, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
		g.Expect(err).NotTo(HaveOccurred())
		for _, t := range starts {
			seen[t] = true
		}
		g.Expect(len(seen)).To(BeNumerically(">=", n))
	}).WithContext(ctx).WithPolling(20*time.Millisecond).Should(Succeed(), "the task polls the table")
}

// connectorTaskState returns the state of the stations connector's task.
func connectorTaskState(g Gomega, ctx context.Context, e stack.Endpoints) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Connect+"/connectors/stations/status", nil)
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := stackHTTP.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	var st struct {
		Tasks []struct {
			State string `json:"state"`
		} `json:"tasks"`
	}
	g.Expect(json.NewDecoder(resp.Body).Decode(&st)).To(Succeed())
	g.Expect(st.Tasks).To(HaveLen(1))
	return st.Tasks[0].State
}

// startFaultLab starts an embedded lab process ("lab serve" with extra
// flags) for one spec and stops it when the spec is done.
func startFaultLab(ctx context.Context, extra ...string) *processStack {
	GinkgoHelper()
	By("starting an embedded lab process")
	s, err := startProcessStack(ctx, extra...)
	Expect(err).NotTo(HaveOccurred(), "start an embedded lab")
	DeferCleanup(func(ctx SpecContext) {
		By("stopping the embedded lab")
		Expect(s.Close(ctx)).To(Succeed(), "stop the embedded lab")
	}, NodeTimeout(2*time.Minute))
	return s
}

type launchOptions struct {
	pace              sim.Pace
	dashboard         bool
	connectorPoll     time.Duration
	connectionBackoff time.Duration
}

// launched is a pipeline running in the background.
type launched struct {
	p         *pipeline.Pipeline
	done      chan error
	cancel    context.CancelFunc
	stopped   bool
	dashboard string
}

// launch starts the pipeline against e and returns at once; it is stopped
// when the spec is done.
func launch(ctx context.Context, e stack.Endpoints, sched sim.Schedule, o launchOptions) *launched {
	GinkgoHelper()
	By(fmt.Sprintf("replaying %d ticks at %s pace", sched.Ticks, o.pace))
	cfg := pipeline.Config{
		Endpoints: pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect, Client: clientFor(e)},
		Schedule:  sched, Pace: o.pace, ConnectorPollInterval: o.connectorPoll,
		ConnectorConnectionBackoff: o.connectionBackoff, Logger: logger(),
	}
	if o.dashboard {
		cfg.Dashboard = "127.0.0.1:0"
	}
	p, err := pipeline.New(cfg)
	Expect(err).NotTo(HaveOccurred(), "configure the pipeline")
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l := &launched{p: p, done: make(chan error, 1), cancel: cancel}
	go func() { l.done <- p.Run(runCtx) }()
	DeferCleanup(l.stop, NodeTimeout(30*time.Second))
	if o.dashboard {
		select {
		case <-p.Dashboard().Listening():
		case err := <-l.done:
			Fail(fmt.Sprintf("the pipeline stopped before its dashboard listened: %v", err))
		}
		l.dashboard = "http://" + p.Dashboard().Addr()
	}
	return l
}

// stop stops the pipeline and expects it to stop without error.
func (l *launched) stop(ctx context.Context) {
	GinkgoHelper()
	if l.stopped {
		return
	}
	l.stopped = true
	By("stopping the pipeline")
	l.cancel()
	select {
	case err := <-l.done:
		Expect(err).NotTo(HaveOccurred(), "the pipeline stopped with an error")
	case <-ctx.Done():
		Fail("the pipeline did not stop")
	}
}

// waitSimulation waits until every event of the simulation is acknowledged.
func (l *launched) waitSimulation(ctx context.Context) {
	GinkgoHelper()
	By("waiting for the simulation to finish")
	select {
	case <-l.p.SimulationDone():
	case err := <-l.done:
		l.done <- err
		Fail(fmt.Sprintf("the pipeline stopped before the simulation was done: %v", err))
	case <-ctx.Done():
		Fail("the simulation did not finish in time")
	}
}

// waitTurnstilesAcked waits until at least n turnstile entries are
// acknowledged: a point in the middle of the replay that does not depend on
// the machine's speed.
func waitTurnstilesAcked(ctx context.Context, l *launched, n int64) {
	GinkgoHelper()
	By(fmt.Sprintf("waiting until %d turnstile entries are acknowledged", n))
	Eventually(func() int64 { return l.p.ProducerStats().Turnstiles.Acked }).WithContext(ctx).WithPolling(10 * time.Millisecond).
		Should(BeNumerically(">=", n))
	select {
	case <-l.p.SimulationDone():
		Fail("the simulation was over before the fault: slow the pace down")
	default:
	}
}

func expectNoFailedDelivery(l *launched) {
	GinkgoHelper()
	st := l.p.ProducerStats()
	Expect([]int64{st.Arrivals.Failed, st.Turnstiles.Failed, st.Weather.Failed}).To(Equal([]int64{0, 0, 0}), "no delivery failed: %+v", st)
	Expect(st.Turnstiles.Acked).To(Equal(st.Turnstiles.Sent), "every turnstile entry sent is acknowledged")
	Expect(st.Arrivals.Acked).To(Equal(st.Arrivals.Sent), "every arrival sent is acknowledged")
	Expect(st.Weather.Acked).To(Equal(st.Weather.Sent), "every weather report sent is acknowledged")
}

// expectUninterruptedOutcome waits for the fault schedule's simulation to
// finish and expects every delivery acknowledged and the final state of an
// uninterrupted run (want), the dashboard read at dashboardURL.
func (l *launched) expectUninterruptedOutcome(ctx context.Context, e stack.Endpoints, dashboardURL string, want baseline) {
	GinkgoHelper()
	l.waitSimulation(ctx)
	expectNoFailedDelivery(l)
	Expect(finalState(ctx, e, faultSchedule(), dashboardURL)).To(Equal(want.State), "the final state equals an uninterrupted run's")
}

// brokerProcess is the Kafka broker running as "lab broker" in a child
// process, so that it can be killed.
type brokerProcess struct {
	bin, dataDir, addr string
	port               int
	cmd                *exec.Cmd
	exited             chan struct{}
}

// startBrokerProcess starts "lab broker" on a free port and a temporary
// data dir, and stops it when the spec is done.
func startBrokerProcess(ctx context.Context) *brokerProcess {
	GinkgoHelper()
	By("starting the broker in a process of its own")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	port := ln.Addr().(*net.TCPAddr).Port
	Expect(ln.Close()).To(Succeed())
	bin, err := labExecutable()
	Expect(err).NotTo(HaveOccurred(), "build the lab")
	b := &brokerProcess{bin: bin, dataDir: GinkgoT().TempDir(), port: port, addr: fmt.Sprintf("127.0.0.1:%d", port)}
	b.start(ctx)
	DeferCleanup(func(ctx SpecContext) {
		By("stopping the broker process")
		b.stop(ctx)
	}, NodeTimeout(time.Minute))
	return b
}

// start runs the broker and waits until it says it listens.
func (b *brokerProcess) start(ctx context.Context) {
	GinkgoHelper()
	cmd := exec.Command(b.bin, "broker", "--port", strconv.Itoa(b.port), "--data-dir", b.dataDir)
	cmd.Stderr = GinkgoWriter
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed(), "start lab broker")
	b.cmd, b.exited = cmd, make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "kafka broker listening on ") {
				ready <- sc.Text()
			}
			fmt.Fprintln(GinkgoWriter, sc.Text())
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func(exited chan struct{}) { _ = cmd.Wait(); close(exited) }(b.exited)
	select {
	case line := <-ready:
		Expect(line).To(HaveSuffix(b.addr))
	case <-b.exited:
		Fail("lab broker exited before it listened")
	case <-ctx.Done():
		Fail("lab broker did not listen in time")
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (b *brokerProcess) kill() {
	GinkgoHelper()
	Expect(b.cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
	<-b.exited
}

// stop stops a running broker with SIGTERM, as an operator would.
func (b *brokerProcess) stop(ctx context.Context) {
	select {
	case <-b.exited:
		return
	default:
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-ctx.Done():
		_ = b.cmd.Process.Kill()
		<-b.exited
	}
}

// runningDashboard is a dashboard server running in the background.
type runningDashboard struct {
	srv  *dashboard.Server
	url  string
	stop func()
}

// startDashboard runs a dashboard over e's topics on listen.
func startDashboard(ctx context.Context, e stack.Endpoints, listen string) *runningDashboard {
	GinkgoHelper()
	d, err := dashboard.New(dashboard.Config{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Client: clientFor(e), Listen: listen, Logger: logger()})
	Expect(err).NotTo(HaveOccurred())
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- d.Run(dctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			Expect(<-done).To(Succeed(), "the dashboard stops cleanly")
		})
	}
	DeferCleanup(stop)
	select {
	case <-d.Listening():
	case err := <-done:
		Fail(fmt.Sprintf("the dashboard stopped before it listened: %v", err))
	}
	return &runningDashboard{srv: d, url: "http://" + d.Addr(), stop: stop}
}

func createTopic(ctx context.Context, e stack.Endpoints, name string) {
	GinkgoHelper()
	c, done := adminClient(e)
	defer done()
	resp, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: name, NumPartitions: 1, ReplicationFactor: 1}}})
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Errors[name]).NotTo(HaveOccurred())
}

// postWeather POSTs one weather record keyed by ts to topic through the
// REST Proxy (Avro embedded format) and checks it is acknowledged.
func postWeather(ctx context.Context, proxy, topicName string, ts int64) error {
	body, err := json.Marshal(map[string]any{
		"key_schema":   schema.WeatherKey.Text,
		"value_schema": schema.WeatherValue.Text,
		"records":      []any{map[string]any{"key": map[string]any{"timestamp": ts}, "value": map[string]any{"temperature": float32(ts % 90), "status": "sunny"}}},
	})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, proxy+"/topics/"+topicName, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/vnd.kafka.avro.v2+json")
	req.Header.Set("Accept", "application/vnd.kafka.v2+json")
	resp, err := stackHTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	var out struct {
		Offsets []struct {
			Offset    *int64  `json:"offset"`
			ErrorCode *int    `json:"error_code"`
			Error     *string `json:"error"`
		} `json:"offsets"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("decode %s: %w", b, err)
	}
	if len(out.Offsets) != 1 || out.Offsets[0].Offset == nil || out.Offsets[0].ErrorCode != nil {
		return errors.New("not acknowledged: " + string(b))
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ctalab/ctalab/app/dashboard"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/sim"
)

// report is everything one invocation measured; it is written as JSON.
type report struct {
	Started  time.Time `json:"started"`
	Machine  machine   `json:"machine"`
	Runs     int       `json:"runs"`
	Schedule string    `json:"schedule"`
	// PushInterval is the dashboard's push interval in the latency rows
	// when -push-interval changed it.
	PushInterval string     `json:"push_interval,omitempty"`
	Rows         []tableRow `json:"rows"`
	Notes        []string   `json:"notes"`
	Raw          struct {
		Sim            []simResult     `json:"sim,omitempty"`
		ColdStart      []coldResult    `json:"cold_start,omitempty"`
		ColdStartFirst []coldResult    `json:"cold_start_first,omitempty"`
		Replay         []replayResult  `json:"replay,omitempty"`
		Broker         []brokerResult  `json:"broker,omitempty"`
		Window         []windowResult  `json:"ksql_window,omitempty"`
		Latency        []latencyResult `json:"latency,omitempty"`
		Compat         []compatResult  `json:"compat,omitempty"`
		Scenarios      []scenarioRun   `json:"scenarios,omitempty"`
		KSQLJoin       []ksqlJoinRun   `json:"ksql_join,omitempty"`
		Scaling        []scalingRun    `json:"scaling,omitempty"`
		Console        []consoleRun    `json:"console,omitempty"`
	} `json:"raw"`
}

type machine struct {
	NProc   int    `json:"nproc"`
	CPU     string `json:"cpu"`
	Go      string `json:"go"`
	OSArch  string `json:"os_arch"`
	LoadAvg string `json:"loadavg_at_start"`
}

func thisMachine() machine {
	m := machine{NProc: runtime.NumCPU(), Go: runtime.Version(), OSArch: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return m
}

// bench measures the selected rows, prints the table and writes the results.
func bench(ctx context.Context, o options, stdout, stderr io.Writer, log *slog.Logger) error {
	rep := &report{Started: time.Now(), Machine: thisMachine(), Runs: o.runs, Schedule: o.schedule}
	if o.pushInterval != 0 {
		rep.PushInterval = o.pushInterval.String()
	}
	if rep.Schedule == "" {
		rep.Schedule = "fixtures/schedules/weekday.yaml"
	}
	progress := func(format string, args ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", args...) }
	sched, err := loadSchedule(o.schedule)
	if err != nil {
		return err
	}
	data, err := sim.LoadData()
	if err != nil {
		return err
	}
	cen, err := takeCensus(ctx, sched, data)
	if err != nil {
		return err
	}
	progress("%s: %d ticks, %d events (%d turnstile entries, %d arrivals, %d weather reports); %d runs per row",
		sched.Name, sched.Ticks, cen.Events(), cen.Turnstiles, cen.Arrivals, cen.Weather, o.runs)

	// want reports whether to measure a group; after an interrupt, no more.
	want := func(group string) bool { return o.rows[group] && ctx.Err() == nil }
	failed := map[string]string{} // row group -> first error
	fail := func(group string, err error) {
		progress("%s: %v", group, err)
		if _, ok := failed[group]; !ok {
			failed[group] = err.Error()
		}
	}
	withErr := func(group string, rows ...tableRow) []tableRow {
		for i := range rows {
			rows[i].Err = failed[group]
		}
		return rows
	}

	if want("sim") {
		var events []float64
		for i := range o.runs {
			r, err := simCore(ctx, sched, data)
			if err != nil {
				fail("sim", err)
				break
			}
			rep.Raw.Sim = append(rep.Raw.Sim, r)
			events = append(events, r.PerSecond)
			progress("simulation core run %d/%d: %d %ss, %d events in %.2fs", i+1, o.runs, r.Replays, sched.Name, r.Events, r.Seconds)
		}
		rep.Rows = append(rep.Rows, withErr("sim", newRow("simulation core, one "+sched.Name+" into sim.Discard", "events/s", nil, events))...)
	}

	if want("coldstart") {
		var ready, rss []float64
		labBin := o.labBin
		if labBin == "" {
			dir, err := os.MkdirTemp("", "ctalab-bench-bin-")
			if err == nil {
				defer removeTemp(dir)
				labBin, err = buildLab(ctx, dir)
			}
			if err != nil {
				fail("coldstart", err)
			}
		}
		var first []float64
		for i := 0; labBin != "" && i < o.runs; i++ {
			// Each run starts with an empty cache: the first start makes
			// PostgreSQL's cluster with initdb and caches it, and once
			// ready copies it into a spare; the second takes the spare
			// (or copies the cached cluster when the spare was not ready
			// within -idle), as every later start on a machine does.
			cache, err := os.MkdirTemp("", "ctalab-bench-cache-")
			if err != nil {
				fail("coldstart", err)
				break
			}
			r0, err := coldStart(ctx, labBin, o.idle, cache)
			if err == nil {
				rep.Raw.ColdStartFirst = append(rep.Raw.ColdStartFirst, r0)
				first = append(first, r0.ReadySeconds)
				progress("cold start run %d/%d, first on the machine: ready after %.2fs", i+1, o.runs, r0.ReadySeconds)
				var r coldResult
				if r, err = coldStart(ctx, labBin, o.idle, cache); err == nil {
					rep.Raw.ColdStart = append(rep.Raw.ColdStart, r)
					ready, rss = append(ready, r.ReadySeconds), append(rss, r.IdleRSSMB)
					progress("cold start run %d/%d: ready after %.2fs, %.1f MB idle (PostgreSQL: %.1f MB more)", i+1, o.runs, r.ReadySeconds, r.IdleRSSMB, r.PostgresMB)
				}
			}
			removeTemp(cache)
			if err != nil {
				fail("coldstart", err)
				break
			}
		}
		rep.Rows = append(rep.Rows, withErr("coldstart",
			newRow("lab serve: cold start to every endpoint ready (PostgreSQL's cluster copied from the cached template)", "s", atMost(0.3), ready),
			newRow("lab serve: cold start, the first on a machine (initdb makes the cluster and caches it)", "s", nil, first),
			newRow(fmt.Sprintf("lab serve: RSS after %s idle (PostgreSQL not counted)", o.idle), "MB", nil, rss))...)
	}

	var replayRates, rawProduce []float64
	var replayEvents int64
	if want("replay") {
		var wall, peak, pss, own []float64
		for i := range o.runs {
			begin := time.Now()
			profile := ""
			if o.cpuProfile != "" {
				profile = fmt.Sprintf("%s-%d.pprof", o.cpuProfile, i+1)
			}
			r, err := replay(ctx, o.schedule, profile, stderr, o.verbose)
			if err != nil {
				fail("replay", err)
				break
			}
			if !r.Verified {
				fail("replay", fmt.Errorf("run %d: %s", i+1, r.VerifyNote))
			}
			rep.Raw.Replay = append(rep.Raw.Replay, r)
			wall, replayRates = append(wall, r.WallSeconds), append(replayRates, r.PerSecond)
			peak, pss, own = append(peak, r.PeakTreeMB), append(pss, r.PeakTreePSSMB), append(own, r.PeakOwnMB)
			replayEvents = r.Events
			progress("replay run %d/%d: %d events, caught up after %.2fs (all acknowledged after %.2fs), %.0f events/s, peak RSS %.0f MB (Go process %.0f MB), peak PSS %.0f MB; %s in all",
				i+1, o.runs, r.Events, r.WallSeconds, r.SimDoneSeconds, r.PerSecond, r.PeakTreeMB, r.PeakOwnMB, r.PeakTreePSSMB, since(begin))
		}
		rep.Rows = append(rep.Rows, withErr("replay",
			newRow(sched.Name+" replay: pipeline start to TURNSTILE_SUMMARY caught up", "s", atMost(0.5), wall),
			newRow(sched.Name+" replay: events/s (acknowledged events / wall time)", "events/s", nil, replayRates),
			newRow(sched.Name+" replay: peak RSS, app + stack + PostgreSQL", "MB", atMost(100), peak),
			newRow(sched.Name+" replay: peak RSS, the Go process alone", "MB", nil, own),
			newRow(sched.Name+" replay: peak PSS, app + stack + PostgreSQL", "MB", nil, pss))...)
		if err := writePlot(o.out, rep); err != nil {
			fail("replay", err)
		}
	}

	if want("scaling") {
		rep.Rows = append(rep.Rows, withErr("scaling", scalingRows(ctx, o, sched, rep, stderr, progress, fail)...)...)
	}

	if want("console") {
		rep.Rows = append(rep.Rows, withErr("console", consoleRows(ctx, o, sched, rep, progress, fail, log)...)...)
	}

	if want("broker") {
		n := cen.Events()
		if replayEvents > 0 {
			n = int(replayEvents)
		}
		avg := float64(cen.RecordBytes) / float64(cen.Turnstiles)
		var prod, cons, ratio []float64
		for i := range o.runs {
			r, err := rawBroker(ctx, n, cen.Records, avg)
			if err != nil {
				fail("broker", err)
				break
			}
			rep.Raw.Broker = append(rep.Raw.Broker, r)
			prod, cons = append(prod, r.ProducePerSec), append(cons, r.ConsumePerSec)
			rawProduce = prod
			if i < len(replayRates) {
				ratio = append(ratio, 100*replayRates[i]/r.ProducePerSec)
			}
			progress("raw broker run %d/%d: %d records of %.1f bytes produced in %.2fs, consumed in %.2fs", i+1, o.runs, n, avg, r.ProduceSeconds, r.ConsumeSeconds)
		}
		rep.Rows = append(rep.Rows, withErr("broker",
			newRow(fmt.Sprintf("raw broker: kafka-go async produce, %s records", thousands(int64(n))), "records/s", nil, prod),
			newRow("raw broker: kafka-go group consume (join included)", "records/s", nil, cons))...)
		if want("replay") {
			rep.Rows = append(rep.Rows, withErr("broker", newRow("replay events/s as a share of raw produce", "%", atLeast(50), ratio))...)
		}
	}

	if want("ksqlwindow") {
		rep.Rows = append(rep.Rows, withErr("ksqlwindow", windowRows(ctx, o, cen, rawProduce, rep, progress, fail, log)...)...)
	}
	if want("ksqljoin") {
		rep.Rows = append(rep.Rows, withErr("ksqljoin", ksqlJoinRows(ctx, o, sched, rawProduce, rep, progress, fail, log)...)...)
	}

	if want("latency") {
		ls := sched
		ls.Start, ls.Events = sched.Start.Add(8*time.Hour), nil
		var p50, p99 []float64
		for i := range o.runs {
			r, err := latency(ctx, ls, o.latencyTicks, o.pushInterval, data, log)
			if err != nil {
				fail("latency", err)
				break
			}
			rep.Raw.Latency = append(rep.Raw.Latency, r)
			p50, p99 = append(p50, r.P50MS), append(p99, r.P99MS)
			progress("latency run %d/%d: %d arrivals (%d never shown), %d SSE updates, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
				i+1, o.runs, r.Arrivals, r.Missed, r.Updates, r.P50MS, r.P99MS, r.MaxMS)
		}
		rep.Rows = append(rep.Rows, withErr("latency",
			newRow(fmt.Sprintf("arrival to dashboard SSE, realtime, %d ticks: p50", o.latencyTicks), "ms", nil, p50),
			newRow(fmt.Sprintf("arrival to dashboard SSE, realtime, %d ticks: p99", o.latencyTicks), "ms", atMost(10), p99))...)
	}

	if want("compat") {
		var secs []float64
		for i := range o.runs {
			r, err := compatCheck(ctx)
			if err != nil {
				fail("compat", err)
				break
			}
			rep.Raw.Compat = append(rep.Raw.Compat, r)
			secs = append(secs, r.Seconds)
			progress("compatibility run %d/%d: a %d-branch union checked against a %d-branch one in %.3fs (HTTP %d)", i+1, o.runs, r.Branches-1, r.Branches, r.Seconds, r.Status)
		}
		rep.Rows = append(rep.Rows, withErr("compat",
			newRow("Schema Registry: register a 4,999-branch union over a 5,000-branch one (BACKWARD check)", "s", below(1), secs))...)
	}

	if want("scenarios") {
		var secs []float64
		for i := range o.runs {
			r, err := scenarioSuite(ctx)
			if err != nil {
				fail("scenarios", err)
				break
			}
			rep.Raw.Scenarios = append(rep.Raw.Scenarios, r)
			secs = append(secs, r.Seconds)
			progress("scenario suite run %d/%d: %.0fs", i+1, o.runs, r.Seconds)
		}
		rep.Rows = append(rep.Rows, withErr("scenarios",
			newRow(fmt.Sprintf("scenario suite: make scenarios, wall time on %d cores", runtime.NumCPU()), "min", atMost(2), minutes(secs)))...)
	}

	rep.Notes = notes(rep)
	if ctx.Err() != nil {
		rep.Notes = append(rep.Notes, "interrupted: the rows measured so far")
	}
	var table bytes.Buffer
	writeHeader(&table, rep)
	writeTable(&table, rep.Rows)
	for _, n := range rep.Notes {
		fmt.Fprintf(&table, "- %s\n", n)
	}
	fmt.Fprint(stdout, "\n"+table.String())
	if err := writeResults(o.out, rep, table.Bytes(), stdout); err != nil {
		return err
	}
	if len(failed) > 0 || ctx.Err() != nil {
		return errIncomplete
	}
	return nil
}

// errIncomplete is returned when a row could not be measured; a missed
// target is a result, not an error.
var errIncomplete = errors.New("some rows could not be measured (see the table)")

func writeHeader(w io.Writer, rep *report) {
	m := rep.Machine
	fmt.Fprintf(w, "ctalab bench, %s: %s replayed; each row is the median of %d runs in this invocation\n", rep.Started.UTC().Format("2006-01-02 15:04 UTC"), rep.Schedule, rep.Runs)
	fmt.Fprintf(w, "machine: nproc %d (%s), %s %s, load average %s at start\n", m.NProc, orDash(m.CPU), m.Go, m.OSArch, orDash(m.LoadAvg))
	fmt.Fprintf(w, "Figures on a shared %d-core machine are noisy: compare runs on one machine, not across machines.\n\n", m.NProc)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// notes say how each row was measured.
func notes(rep *report) []string {
	var out []string
	if len(rep.Raw.KSQLJoin) > 0 {
		out = append(out, ksqlJoinNote)
	}
	if len(rep.Raw.ColdStart) > 0 {
		out = append(out, "cold start: `lab serve` as a child process on free offset ports with a fresh data dir, from exec until lab.json is written and every endpoint answers (Kafka and PostgreSQL by TCP, the HTTP services with 200); each run gives the lab an empty cache dir (CTALAB_CACHE_DIR) and starts it twice: the first start runs initdb and caches the cluster as a template, and once ready copies it into a spare during its idle time, the second takes that spare (or copies the template if the spare was not ready when the first stopped), as every later start on a machine does; RSS is the lab process's VmRSS, its PostgreSQL processes not counted.")
	}
	if len(rep.Raw.Replay) > 0 {
		out = append(out, "replay: a child process sets the Go memory limit the app sets (embedded.LimitMemory; GOMEMLIMIT overrides it) and starts the embedded stack (not timed), then pipeline.New(...).Run at max pace with the dashboard; wall time ends when TURNSTILE_SUMMARY's counts equal the simulation's per-station counts, checked afterwards against the turnstile topic; peak RSS is the summed VmRSS of the child and its PostgreSQL processes, sampled every 100 ms (PostgreSQL's shared memory and shared library pages are counted once per process); peak PSS sums the same processes' Pss (/proc/<pid>/smaps_rollup), which splits a shared page among the processes that map it, other processes on the machine included (another PostgreSQL server shares the binary's pages).")
	}
	if len(rep.Raw.Scenarios) > 0 {
		out = append(out, "scenario suite: `make scenarios` from the module root, as the README and CI run it (the Ginkgo CLI with the race detector on, one process per core, every spec but the chaos one), from start to exit; a failing run fails the row.")
	}
	if len(rep.Raw.Broker) > 0 {
		out = append(out, "raw broker: the lab's embedded broker (kfake with a data dir) in this process, one partition like the turnstile topic, the replay's encoded turnstile records cycled; kafka-go Writer Async, batches of 1000, acks all, as the application's producer; produce time ends at the last acknowledgement.")
	}
	if len(rep.Raw.Window) > 0 {
		out = append(out, "ksqlDB window: an embedded stack without PostgreSQL in this process; the schedule's turnstile records are produced to a one-partition turnstile topic first (not timed), then CREATE TABLE ... WINDOW HOPPING runs over them from the earliest offset; time ends when the table's topic holds one update per record and window (four each).")
	}
	if len(rep.Raw.Console) > 0 {
		out = append(out, "lab console: a fresh embedded stack per run with the pipeline at 20x pace and the web console; once the replay has written 1,000 turnstile records, each page is asked 100 times in turn while the replay goes on; the row is each page's 99th percentile answer time.")
	}
	if len(rep.Raw.Scaling) > 0 {
		out = append(out, "scaling: the weekday schedule's start, step and seed replayed for 1, 2, 4 and 7 days (Saturday and Sunday with their own ridership) and for 1 day at 10x ridership (ridership_scale: 10), each in a fresh child process as the replay rows; the plots put wall time and peak RSS against the events of each case.")
	}
	if len(rep.Raw.Latency) > 0 {
		missed := 0
		for _, r := range rep.Raw.Latency {
			missed += r.Missed
		}
		push := fmt.Sprintf("its default, adaptive push (a move once the arrivals fetched are applied, or no move came for %s, at most %s after it, while pushing has taken under 1/%d of the time, with %s to spare for a burst; changes of turnstile counts alone at most every %s), as the pipeline runs it", dashboard.MoveSettle, dashboard.MoveSettleMax, dashboard.PushCostFactor+1, dashboard.PushBurst, dashboard.CountsPushInterval)
		if rep.PushInterval != "" {
			push = "PushInterval " + rep.PushInterval + " (-push-interval)"
		}
		out = append(out, fmt.Sprintf("latency: the pipeline's components (connector, transformer, ksqlDB statements, producer, dashboard) on a fresh embedded stack per run, from 08:00; after a warm-up tick, from each arrival's hand-off to the producer until an /events update shows that train in that station's direction slot; the dashboard pushes with %s; %d arrivals were never shown.", push, missed))
	}
	return out
}

// writeResults writes the table, the raw samples and the plot's path.
func writeResults(dir string, rep *report, table []byte, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	base := filepath.Join(dir, "bench-"+rep.Started.UTC().Format("20060102-150405"))
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := os.WriteFile(base+".json", b, 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := os.WriteFile(base+".txt", table, 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	fmt.Fprintf(stdout, "\nwritten: %s.txt, %s.json", base, base)
	if len(rep.Raw.Replay) > 0 {
		fmt.Fprintf(stdout, ", %s-replay.svg", base)
	}
	if len(rep.Raw.Scaling) > 0 {
		fmt.Fprintf(stdout, ", %s-scaling-time.svg, %s-scaling-memory.svg", base, base)
	}
	fmt.Fprintln(stdout)
	return nil
}

// writePlot draws events/s over each replay run, in 0.2 s steps.
func writePlot(dir string, rep *report) error {
	if len(rep.Raw.Replay) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	var series []plotSeries
	for i, r := range rep.Raw.Replay {
		var coarse []progressSample
		for j, s := range r.Progress {
			if j%2 == 0 || j == len(r.Progress)-1 {
				coarse = append(coarse, s)
			}
		}
		series = append(series, plotSeries{Name: fmt.Sprintf("run %d (%.1f s)", i+1, r.WallSeconds), Points: rates(coarse)})
	}
	path := filepath.Join(dir, "bench-"+rep.Started.UTC().Format("20060102-150405")+"-replay.svg")
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	name := strings.TrimSuffix(filepath.Base(rep.Schedule), ".yaml")
	title := fmt.Sprintf("Events/s over a %s replay (acknowledged by Kafka, 0.2 s steps)", name)
	if err := plotSVG(f, replayAxes(title), series); err != nil {
		return errors.Join(fmt.Errorf("write plot: %w", err), f.Close())
	}
	return f.Close()
}

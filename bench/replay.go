package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/lab/embedded"
)

// replayResult is one full replay, measured by the child process that runs
// it (the first block) and by the harness watching that process (RSS).
type replayResult struct {
	StackStartSeconds float64          `json:"stack_start_s"` // embedded stack, before the timed part
	WallSeconds       float64          `json:"wall_s"`        // pipeline start to TURNSTILE_SUMMARY caught up
	SimDoneSeconds    float64          `json:"sim_done_s"`    // pipeline start to every record acknowledged
	Events            int64            `json:"events"`        // acknowledged by the producer
	PerSecond         float64          `json:"events_per_s"`  // Events / WallSeconds
	Failed            int64            `json:"failed"`
	Verified          bool             `json:"verified"` // topic per-station counts equal the simulation's
	VerifyNote        string           `json:"verify_note,omitempty"`
	ChildPeakMB       float64          `json:"child_vmhwm_mb"` // the Go process's own peak (VmHWM) when caught up
	Progress          []progressSample `json:"progress"`

	PeakTreeMB    float64     `json:"peak_tree_rss_mb"` // summed VmRSS of the process tree, sampled
	PeakTreePSSMB float64     `json:"peak_tree_pss_mb"` // summed Pss of the process tree, sampled
	PeakOwnMB     float64     `json:"peak_go_rss_mb"`   // the Go process's own maximum over the samples
	RSS           []rssSample `json:"rss_samples"`
}

// rssSample is the process tree's resident memory T seconds after the child
// started.
type rssSample struct {
	T         float64 `json:"t_s"`
	TreeMB    float64 `json:"tree_mb"`
	TreePSSMB float64 `json:"tree_pss_mb"`
	GoMB      float64 `json:"go_mb"`
}

// caughtUpLine is what the child prints once the timed part is over, so that
// the harness stops sampling before the untimed verification.
const caughtUpLine = "caught-up"

// replay runs one full replay in a child process (this program with
// -child replay) and samples its process tree's RSS every 100ms until the
// child reports TURNSTILE_SUMMARY caught up.
func replay(ctx context.Context, schedPath, cpuProfile string, stderr io.Writer, verbose bool) (replayResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return replayResult{}, err
	}
	args := []string{"-child", "replay", "-schedule", schedPath}
	if verbose {
		args = append(args, "-v")
	}
	if cpuProfile != "" {
		args = append(args, "-cpuprofile", cpuProfile)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	if verbose {
		cmd.Stderr = io.MultiWriter(&errBuf, stderr)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return replayResult{}, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return replayResult{}, fmt.Errorf("start the replay process: %w", err)
	}
	var (
		mu      sync.Mutex
		samples []rssSample
		stop    = make(chan struct{})
		stopped sync.WaitGroup
	)
	stopped.Add(1)
	go func() {
		defer stopped.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			m := treeMemory(cmd.Process.Pid)
			mu.Lock()
			samples = append(samples, rssSample{T: time.Since(begin).Seconds(), TreeMB: kbToMB(m.RSS), TreePSSMB: kbToMB(m.PSS), GoMB: kbToMB(m.Own)})
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	stopOnce := sync.OnceFunc(func() { close(stop); stopped.Wait() })
	defer stopOnce()

	var res replayResult
	var last []byte
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if string(line) == caughtUpLine {
			stopOnce()
			continue
		}
		last = append(last[:0], line...)
	}
	stopOnce()
	waitErr := cmd.Wait()
	if waitErr != nil {
		return res, fmt.Errorf("the replay process failed (%w); its log ends with:\n%s", waitErr, tailBytes(errBuf.Bytes(), 20))
	}
	if err := json.Unmarshal(last, &res); err != nil {
		return res, fmt.Errorf("read the replay's result: %w", err)
	}
	res.RSS = samples
	for _, s := range samples {
		if s.TreeMB > res.PeakTreeMB {
			res.PeakTreeMB = s.TreeMB
		}
		res.PeakTreePSSMB = max(res.PeakTreePSSMB, s.TreePSSMB)
		res.PeakOwnMB = max(res.PeakOwnMB, s.GoMB)
	}
	return res, nil
}

// replayChild is the child side: it starts the embedded stack in this
// process, runs the whole pipeline over the schedule at max pace with the
// dashboard, and times it until TURNSTILE_SUMMARY counts every turnstile
// entry. The result goes to out as one JSON line.
func replayChild(ctx context.Context, schedPath, cpuProfile string, out io.Writer, log *slog.Logger) error {
	sched, err := loadSchedule(schedPath)
	if err != nil {
		return err
	}
	data, err := sim.LoadData()
	if err != nil {
		return err
	}
	want, err := takeCensus(ctx, sched, data)
	if err != nil {
		return err
	}
	// The replay compares counts only; the encoded records (for the raw
	// broker rows) would otherwise stay in this process's heap and count
	// in its peak RSS: 18 MB over 7 simulated days.
	want.Records = nil
	runtime.GC()
	// As the app does when it runs the embedded stack in its own process.
	embedded.LimitMemory()
	var res replayResult
	begin := time.Now()
	st, err := embedded.Start(ctx, embedded.WithLogger(log.With("component", "lab")))
	if err != nil {
		return fmt.Errorf("start the embedded stack: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := st.Close(cctx); err != nil {
			log.Error("stop the embedded stack", "err", err)
		}
	}()
	res.StackStartSeconds = time.Since(begin).Seconds()
	e := st.Endpoints()
	p, err := pipeline.New(pipeline.Config{
		Endpoints: pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect},
		Schedule:  sched, Pace: sim.Max, Dashboard: "127.0.0.1:0", Logger: log,
	})
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	runCtx, stopPipeline := context.WithCancel(ctx)
	start := time.Now()
	var runErr error
	done := make(chan struct{})
	go func() { runErr = p.Run(runCtx); close(done) }()
	defer func() { stopPipeline(); <-done }() // before the stack stops

	var mu sync.Mutex
	sampling, stopSampling := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampling)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			s := progressSample{T: time.Since(start).Seconds(), Events: p.ProducerStats().Events()}
			mu.Lock()
			res.Progress = append(res.Progress, s)
			mu.Unlock()
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
		}
	}()
	defer func() {
		select {
		case <-stopSampling:
		default:
			close(stopSampling)
		}
	}()
	go func() {
		select {
		case <-p.SimulationDone():
			mu.Lock()
			res.SimDoneSeconds = time.Since(start).Seconds()
			mu.Unlock()
		case <-runCtx.Done():
		}
	}()
	wctx, cancelWait := context.WithTimeout(ctx, 4*time.Minute)
	summed := make(chan error, 1)
	go func() { summed <- awaitSummary(wctx, e.Brokers, want.PerStation) }()
	select {
	case err = <-summed:
	case <-done:
		err = fmt.Errorf("the pipeline stopped before TURNSTILE_SUMMARY caught up: %w", runErr)
	}
	cancelWait()
	if err != nil {
		return err
	}
	wall := time.Since(start).Seconds()
	stopProfile()
	if err := writeHeapProfile(cpuProfile); err != nil {
		return err
	}
	close(stopSampling)
	<-sampling
	fmt.Fprintln(out, caughtUpLine)
	kb, _ := rssKB(os.Getpid(), "VmHWM")
	stats := p.ProducerStats()
	mu.Lock()
	res.WallSeconds, res.ChildPeakMB = wall, kbToMB(kb)
	res.Events = stats.Events()
	res.Failed = stats.Arrivals.Failed + stats.Turnstiles.Failed + stats.Weather.Failed
	res.PerSecond = float64(res.Events) / wall
	res.Progress = append(res.Progress, progressSample{T: wall, Events: res.Events})
	mu.Unlock()

	// Untimed: the topic holds exactly what the simulation produced, so the
	// summary that matched the simulation's counts matched the topic's.
	// Every event the simulation handed over is acknowledged once the
	// simulation is done (weather reports go through the REST Proxy beside
	// the simulation, and may still be on their way when the summary has
	// caught up): compare the final counts with the schedule's.
	vctx, cancelVerify := context.WithTimeout(ctx, 2*time.Minute)
	got, err := turnstileCounts(vctx, e.Brokers)
	if err == nil {
		select {
		case <-p.SimulationDone():
		case <-vctx.Done():
			err = fmt.Errorf("the simulation did not finish within 2 minutes of the summary catching up: %w", vctx.Err())
		}
	}
	cancelVerify()
	final := p.ProducerStats()
	acked := final.Events()
	failed := final.Arrivals.Failed + final.Turnstiles.Failed + final.Weather.Failed
	switch {
	case err != nil:
		res.VerifyNote = err.Error()
	case !maps.Equal(got, want.PerStation):
		res.VerifyNote = fmt.Sprintf("the turnstile topic's per-station counts differ from the simulation's (%d of %d stations agree)", agreeing(got, want.PerStation), len(want.PerStation))
	case acked != int64(want.Events()) || failed != 0:
		res.VerifyNote = fmt.Sprintf("the producer acknowledged %d events (%d failed), the schedule has %d", acked, failed, want.Events())
	default:
		res.Verified = true
	}
	stopPipeline()
	<-done
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		log.Error("the pipeline stopped with an error", "err", runErr)
	}
	mu.Lock()
	defer mu.Unlock()
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", b)
	return err
}

// writeHeapProfile writes the live heap, as of the last garbage
// collection, beside the CPU profile cpuPath (x.pprof gives x.heap.pprof).
// An empty cpuPath writes nothing.
func writeHeapProfile(cpuPath string) error {
	if cpuPath == "" {
		return nil
	}
	return writeProfile("heap", strings.TrimSuffix(cpuPath, ".pprof")+".heap.pprof")
}

// writeProfile writes the runtime profile called name ("heap", "allocs")
// to path.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s profile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		_ = f.Close()
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return f.Close()
}

// startCPUProfile profiles this process into path until the returned
// function is called (once is enough; later calls do nothing). An empty
// path profiles nothing.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		})
	}, nil
}

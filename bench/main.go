package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// rowNames are the groups of rows -rows selects, in the order they run.
var rowNames = []string{"sim", "coldstart", "replay", "scaling", "console", "broker", "ksqlwindow", "ksqljoin", "latency", "compat", "scenarios"}

// options are the flags of one invocation.
type options struct {
	runs         int
	rows         map[string]bool
	out          string
	labBin       string
	schedule     string
	cpuProfile   string
	latencyTicks int
	pushInterval time.Duration
	idle         time.Duration
	verbose      bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.runs, "runs", 3, "runs per row; each row shows the median")
	rows := fs.String("rows", strings.Join(rowNames, ","), "comma-separated `groups` of rows to measure: "+strings.Join(rowNames, ", "))
	fs.StringVar(&o.out, "out", "results", "`dir` for the table, the raw samples (JSON) and the plot (SVG)")
	fs.StringVar(&o.labBin, "lab", "", "the lab CLI `binary` for the cold start (default: built from ./lab/cmd/lab into a temporary dir)")
	fs.StringVar(&o.schedule, "schedule", "", "schedule `file` to replay (default: the committed weekday, fixtures/schedules/weekday.yaml)")
	fs.IntVar(&o.latencyTicks, "latency-ticks", 4, "realtime `ticks` (5 s each) per latency run")
	fs.DurationVar(&o.pushInterval, "push-interval", 0, "the dashboard's PushInterval in the latency rows (default: the dashboard's default, as the pipeline runs it)")
	fs.DurationVar(&o.idle, "idle", 3*time.Second, "how long the lab idles before its RSS is read")
	fs.BoolVar(&o.verbose, "v", false, "log the stack's and the pipeline's messages to stderr")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of each weekday replay run's timed part (pipeline start to caught up) to `prefix`-<run>.pprof and the live heap when it caught up to prefix-<run>.heap.pprof; of each ksqlwindow and ksqljoin run's timed part to prefix-<row>-<run>.pprof, with the allocations made meanwhile in prefix-<row>-<run>.allocs.pprof (pprof -base prefix-<row>-<run>.allocs-start.pprof); for go tool pprof")
	child := fs.String("child", "", "internal: run one measured part in this process (replay)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: go run ./bench [flags]\n\nMeasures the lab and the pipeline and prints one table; see bench/doc.go.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	log := slog.New(slog.DiscardHandler)
	if o.verbose {
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	if *child != "" {
		if *child != "replay" {
			fmt.Fprintf(stderr, "bench: unknown -child %q\n", *child)
			return 2
		}
		if err := replayChild(ctx, o.schedule, o.cpuProfile, stdout, log); err != nil {
			fmt.Fprintf(stderr, "bench: replay: %v\n", err)
			return 1
		}
		return 0
	}
	o.rows = map[string]bool{}
	for _, r := range strings.Split(*rows, ",") {
		r = strings.TrimSpace(r)
		if !slices.Contains(rowNames, r) {
			fmt.Fprintf(stderr, "bench: -rows: unknown group %q; want some of %s\n", r, strings.Join(rowNames, ", "))
			return 2
		}
		o.rows[r] = true
	}
	if o.runs < 1 || o.latencyTicks < 1 {
		fmt.Fprintln(stderr, "bench: -runs and -latency-ticks must be at least 1")
		return 2
	}
	if err := bench(ctx, o, stdout, stderr, log); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

// buildLab builds the lab CLI into dir.
func buildLab(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "lab")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./lab/cmd/lab")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the lab CLI (run from the module root, or pass -lab): %w\n%s", err, out.String())
	}
	return bin, nil
}

func tailFile(path string, n int) string {
	b, _ := os.ReadFile(path)
	return tailBytes(b, n)
}

func tailBytes(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// since formats the time since t for progress lines.
func since(t time.Time) string { return time.Since(t).Round(100 * time.Millisecond).String() }

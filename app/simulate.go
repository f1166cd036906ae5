package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/sim"
)

// simulateFlags are the simulation flags shared by simulate and serve.
type simulateFlags struct {
	schedule string
	ticks    int
	start    string
	seed     uint64
	pace     string
	set      map[string]bool // flags given on the command line
}

func (f *simulateFlags) register(fs *flag.FlagSet, defaultPace string) {
	fs.StringVar(&f.schedule, "schedule", "", "schedule `file` (YAML or JSON) giving start, step, ticks, seed and incidents; the flags below override it")
	fs.IntVar(&f.ticks, "ticks", 0, "number of 5-minute `ticks` to simulate, then stop (0: the schedule's, or run until interrupted)")
	fs.StringVar(&f.start, "start", "", "simulated start `time`, RFC 3339 (default: the schedule's, or today at 00:00 UTC)")
	fs.Uint64Var(&f.seed, "seed", 0, "random `seed`; the same seed and schedule give the same events (default: the schedule's, or 0)")
	fs.StringVar(&f.pace, "pace", defaultPace, "wall-clock `pace`: realtime (5 s per tick, as the original), Nx (N times faster, e.g. 60x) or max")
}

// build returns the schedule and pace the flags describe.
func (f *simulateFlags) build(now time.Time) (sim.Schedule, sim.Pace, error) {
	pace, err := sim.ParsePace(f.pace)
	if err != nil {
		return sim.Schedule{}, sim.Pace{}, usageError{err}
	}
	s := sim.Schedule{Name: "default", Start: sim.DefaultStart(now), Step: sim.DefaultStep}
	if f.schedule != "" {
		if s, err = sim.LoadSchedule(f.schedule); err != nil {
			return sim.Schedule{}, sim.Pace{}, err
		}
	}
	if f.set["ticks"] {
		if f.ticks < 0 {
			return sim.Schedule{}, sim.Pace{}, usageError{fmt.Errorf("--ticks %d is negative", f.ticks)}
		}
		s.Ticks = f.ticks
	}
	if f.set["start"] {
		t, err := time.Parse(time.RFC3339, f.start)
		if err != nil {
			return sim.Schedule{}, sim.Pace{}, usageError{fmt.Errorf("--start %q is not an RFC 3339 time such as 2026-11-23T00:00:00Z", f.start)}
		}
		s.Start = t
	}
	if f.set["seed"] {
		s.Seed = f.seed
	}
	if err := s.Validate(); err != nil {
		return sim.Schedule{}, sim.Pace{}, err
	}
	return s, pace, nil
}

// parseFlags parses args. Asked for help (-h, --help), it prints fs's
// usage to stdout and returns flag.ErrHelp; on a bad flag it prints nothing
// and returns a usageError with the flag package's one-line message.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (map[string]bool, error) {
	help := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			help()
			return nil, err
		}
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set, nil
}

func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	var sf simulateFlags
	var ef endpointFlags
	sf.register(fs, "")
	ef.register(fs)
	dryRun := fs.Bool("dry-run", false, "print every event as one JSON object per line on stdout (topic, key, value) instead of producing to Kafka")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: go run ./app simulate [flags]

Runs the CTA simulation: ten trains on each of the Blue, Red and Green lines,
turnstile entries at the 94 stations and hourly weather, one tick per 5
simulated minutes. Placement of the trains reports 30 arrivals before the
first tick. The same schedule and seed always give the same events.

Without --dry-run the events are produced to the stack named by the endpoint
flags: arrivals and turnstile entries to Kafka (Avro, Schema Registry), the
weather through the REST Proxy; a line per simulated hour reports progress.

With --dry-run each event is printed on stdout as
  {"topic": ..., "key": {"timestamp": ...}, "value": {...}}
with the fields of the Avro schemas; logs go to stderr. The pace defaults to
max with --dry-run and to realtime otherwise.

Flags:
`)
		fs.PrintDefaults()
	}
	var err error
	if sf.set, err = parseFlags(fs, args, stdout); err != nil {
		return err
	}
	ef.noteGiven(sf.set)
	if !sf.set["pace"] {
		sf.pace = "realtime"
		if *dryRun {
			sf.pace = "max"
		}
	}
	sched, pace, err := sf.build(time.Now())
	if err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelInfo)
	if !*dryRun {
		if err := ef.resolve(log); err != nil {
			return err
		}
		if err := ef.check(ctx, ef.cfg.SchemaRegistry, ef.cfg.RESTProxy); err != nil {
			return err
		}
		data, err := sim.LoadData()
		if err != nil {
			return err
		}
		brokers := ef.endpoints().Brokers
		lock, err := pipeline.AcquireRunLock(ctx, brokers, ef.cfg.Kafka, log)
		if err != nil {
			return err
		}
		defer lock.Release()
		continuity := pipeline.ContinueWhereTopicsEnd
		if sf.set["start"] || sf.schedule != "" {
			continuity = pipeline.RefuseBehindTopics
		}
		if sched, err = pipeline.PlaceRun(ctx, brokers, ef.cfg.Kafka, sched, continuity, log); err != nil {
			return err
		}
		prog := pipeline.NewProgress(log, sched, pace, stderr)
		s, err := sim.New(sched, data, sim.WithPace(pace), sim.WithTickObserver(prog.Tick))
		if err != nil {
			return err
		}
		return pipeline.Simulate(ctx, s, ef.endpoints(), log, prog, nil)
	}
	data, err := sim.LoadData()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	sink := newJSONSink(out)
	opts := []sim.Option{sim.WithPace(pace)}
	if pace.Interval() > 0 {
		// Paced output appears tick by tick.
		opts = append(opts, sim.WithTickObserver(func(sim.TickStats) { _ = out.Flush() }))
	}
	s, err := sim.New(sched, data, opts...)
	if err != nil {
		return err
	}
	log.Info("simulating", "schedule", sched.Name, "start", sched.Start.Format(time.RFC3339), "ticks", sched.Ticks, "seed", sched.Seed, "pace", pace.String())
	runErr := s.Run(ctx, sink)
	if err := out.Flush(); err != nil && runErr == nil {
		runErr = fmt.Errorf("write events: %w", err)
	}
	return runErr
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/labstate"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf simulateFlags
	var ef endpointFlags
	sf.register(fs, "realtime")
	ef.register(fs)
	dataDir := fs.String("data-dir", "", "keep the in-process embedded stack's state in `dir` (default: a temporary dir, removed on exit)")
	listen := fs.String("listen", envOr("CTALAB_LISTEN", "127.0.0.1:8888"), "the dashboard's listen `address` (use :8888 to serve other hosts too) (env CTALAB_LISTEN)")
	defaultOffset, err := envInt("CTALAB_PORT_OFFSET")
	if err != nil {
		return err
	}
	portOffset := fs.Int("port-offset", defaultOffset, "add `N` to every standard port of the embedded stack, the one serve starts or a lab started with the same offset (e.g. 10000: Kafka on 19092) (env CTALAB_PORT_OFFSET)")
	labDir := fs.String("lab-dir", labstate.DefaultDir, "the data `dir` of a lab started with bin/lab up, whose recorded endpoints serve uses when none is given")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: go run ./app serve [flags]

Runs the whole pipeline: registers the stations JDBC source connector with
Kafka Connect, starts the stations transformer, submits the ksqlDB
statements, runs the simulation with its producers, and serves the transit
status dashboard on http://localhost:8888. With --ticks the
simulation stops after that many ticks and everything else keeps serving
until Ctrl-C.

With no endpoint given (flags or CTALAB_* variables), serve uses the lab that
"bin/lab up" recorded in --lab-dir (.lab/lab.json) when its Kafka answers:
its endpoints, including the JDBC URL of PostgreSQL as Kafka Connect reaches
it (postgres:5432 inside the compose network). LAB_STACK=containers requires
such a containers lab; LAB_STACK=external requires the CTALAB_* variables.
Otherwise, with nothing listening on localhost:9092, serve starts the embedded stack in-process on the standard
ports (Kafka 9092, Schema Registry 8081, REST Proxy 8082, Connect 8083,
ksqlDB 8088, PostgreSQL 5432), so that kcat, a browser or the Confluent tools
can reach it. When a Kafka broker answers on localhost:9092, serve uses that
stack; when something else holds the port, serve refuses to start (move the
embedded stack with --port-offset, or name a Kafka with --brokers). A taken
dashboard port (--listen) is reported before anything starts.

A lab that kept its data from an earlier run holds simulated time already:
without --start (or a schedule file), the run continues the simulated world
where the topics end; an explicit start at or before that time is refused,
since the dashboard shows the latest simulated time it reads. Only one
simulation writes the topics at a time: serve joins the consumer group
ctalab.simulation while it simulates and refuses to start while another
process is a member.

Ctrl-C flushes every produced record, stops the components and the stack,
and exits 0; Ctrl-C before the stack is ready says "interrupted" and exits
130. Other failures exit 1, bad flags 2.

Flags:
`)
		fs.PrintDefaults()
	}
	if sf.set, err = parseFlags(fs, args, stdout); err != nil {
		return err
	}
	ef.noteGiven(sf.set)
	sched, pace, err := sf.build(time.Now())
	if err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelInfo)
	if err := ef.resolve(log); err != nil {
		return err
	}
	if err := checkDashboardPort(*listen); err != nil {
		return err
	}

	kafkaPort := embedded.StandardPorts.Kafka + *portOffset
	kafkaAddr := fmt.Sprintf("localhost:%d", kafkaPort)
	plan, st, err := findStack(&ef, *labDir, kafkaAddr)
	if err != nil {
		return err
	}
	switch plan {
	case planEmbedded:
		stop, err := startEmbedded(ctx, &ef, *dataDir, *portOffset, log)
		if err != nil {
			return err
		}
		defer stop()
	case planLab:
		if err := ef.useLab(st); err != nil {
			return err
		}
		log.Info("using the lab recorded in "+labstate.Path(*labDir), "provider", st.Provider, "endpoints", ef.String(), "jdbc_url", ef.jdbc)
		if err := ef.check(ctx, ef.cfg.Services()...); err != nil {
			return err
		}
	case planLocal:
		if !speaksKafka(kafkaAddr, 3*time.Second) {
			return notKafkaError(kafkaPort)
		}
		if *portOffset != 0 {
			ef.shift(*portOffset) // a lab started with the same offset
		}
		log.Info("using the stack at", "endpoints", ef.String())
	default:
		log.Info("using the stack at", "endpoints", ef.String())
		if err := ef.check(ctx, ef.cfg.Services()...); err != nil {
			return err
		}
	}

	continuity := pipeline.ContinueWhereTopicsEnd
	if sf.set["start"] || sf.schedule != "" {
		continuity = pipeline.RefuseBehindTopics
	}
	p, err := pipeline.New(pipeline.Config{Endpoints: ef.endpoints(), Schedule: sched, Pace: pace, Dashboard: *listen, Logger: log, Progress: stderr,
		Continuity: continuity, ExclusiveRun: true})
	if err != nil {
		return err
	}
	go func() {
		select {
		case <-p.Dashboard().Listening():
			log.Info("dashboard", "url", "http://"+p.Dashboard().Addr())
		case <-ctx.Done():
		}
	}()
	if err := p.Run(ctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// startEmbedded starts the embedded stack in this process and points ef at
// it; stop closes it.
func startEmbedded(ctx context.Context, ef *endpointFlags, dataDir string, offset int, log *slog.Logger) (stop func(), err error) {
	p := embedded.StandardPorts
	p = embedded.Ports{Kafka: p.Kafka + offset, SchemaRegistry: p.SchemaRegistry + offset, RESTProxy: p.RESTProxy + offset, Connect: p.Connect + offset, KSQLDB: p.KSQLDB + offset, Postgres: p.Postgres + offset}
	log.Info("no stack configured and nothing listens on the Kafka port: starting the embedded stack in-process", "kafka_port", p.Kafka)
	begin := time.Now()
	// The stack's services name themselves (service=..., component=...).
	opts := []embedded.Option{embedded.WithPorts(p), embedded.WithLogger(log)}
	if dataDir != "" {
		opts = append(opts, embedded.WithDataDir(dataDir))
	}
	s, err := embedded.Start(ctx, opts...)
	if err != nil && ctx.Err() != nil {
		// Interrupted: what the half-started services printed is noise.
		return nil, fmt.Errorf("%w while the embedded stack was starting", errInterrupted)
	}
	if err != nil {
		return nil, fmt.Errorf("%w\n(to move every embedded service, run with --port-offset 10000; to use a running stack, give --brokers and the other endpoint flags)", err)
	}
	ef.cfg, ef.jdbc = s.ClientConfig(), s.Endpoints().PostgresFromConnect
	log.Info("embedded stack ready", "after", time.Since(begin).Round(time.Millisecond), "endpoints", ef.String())
	if pg := s.Postgres(); pg != nil {
		// Now that the stack is up: the next start takes the spare instead
		// of copying PostgreSQL's cluster template.
		pg.PrepareSpare()
	}
	return func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Close(cctx); err != nil {
			log.Error("stop the embedded stack", "err", err)
		}
	}, nil
}

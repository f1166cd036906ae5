// Command lab starts, stops and inspects the lab stack for demos:
//
//	lab up       start the stack on the standard ports and wait until it is ready
//	lab down     stop it, leaving no process behind
//	lab status   tell what is up
//	lab fault    stop/start PostgreSQL or restart ksqlDB in a running embedded lab
//	lab broker   run only the Kafka broker in the foreground (--port, --data-dir)
//	lab console  serve the web console on :9021 (package console/web)
//	lab consume, produce, topics, groups
//	             the console tools, against a running lab (package console)
//
// With a Docker engine (or LAB_STACK=containers), "up" runs Docker Compose
// v2 or later with docker-compose.yml; without one (or LAB_STACK=embedded),
// it starts the embedded stack as a background process whose
// state (Kafka log, PostgreSQL cluster) lives in a data dir (default .lab).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ctalab/ctalab/lab/console"
	"github.com/ctalab/ctalab/lab/embedded"
)

func main() {
	embedded.LimitMemory() // run may start the embedded stack in this process
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usageText = `Usage: lab <command> [flags]

Commands:
  up       start the lab on the standard ports (Kafka 9092, Schema Registry 8081,
           REST Proxy 8082, Connect 8083, ksqlDB 8088, PostgreSQL 5432) and wait
           until every service is ready; prints each endpoint and its time to ready
  down     stop the lab (on compose the data stays in named volumes; --volumes
           removes them); without a recorded lab, stops what docker compose
           started for the project when a Docker engine answers
  status   show which services answer; exits 1 when any service of the lab
           is down, 0 when all answer
  serve    run the embedded stack in the foreground (what "up" starts in the
           background when no Docker engine answers)
  fault    make a running embedded lab (recorded in --data-dir) suffer a fault and
           return when it is done, to watch the pipeline recover:
             lab fault postgres-stop    stop PostgreSQL; Connect's JDBC task fails
             lab fault postgres-start   start PostgreSQL again
             lab fault ksqldb-restart   restart the ksqlDB server
             lab fault kafka-stop       take the broker off the network (port refused,
                                        connections cut, data kept)
             lab fault kafka-start      put it back on its port
  console  serve the web console (pipeline, topics, consumer groups, Connect,
           ksqlDB, schemas) on --listen (default 127.0.0.1:9021) for the lab
           recorded in --data-dir (a secured one through its client
           properties), else the standard endpoints; "up" and "serve" serve it too
  broker   run only the embedded Kafka broker in the foreground on 127.0.0.1:--port,
           persisting to --data-dir, until interrupted (a process of its own that
           fault tests can kill)

Console commands (each takes --brokers and --schema-registry, default the
CTALAB_BROKERS and CTALAB_SCHEMA_REGISTRY variables, then the standard ports;
"lab <command> --help" lists a command's flags):
` + console.Usage + `
Flags (up, down, status, serve, fault, broker, console):
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("data-dir", ".lab", "`dir` for the embedded stack's state, pid and log")
	provider := fs.String("provider", "auto", "`auto` (LAB_STACK=containers or embedded when set, else compose when a Docker engine answers, else embedded), compose or embedded")
	volumes := fs.Bool("volumes", false, "down: on compose, also remove the named volumes (Kafka's and PostgreSQL's data), which plain down keeps for the next up")
	compose := fs.String("compose-file", "docker-compose.yml", "docker compose `file` for the compose provider")
	offset := fs.Int("port-offset", 0, "add `n` to every standard port (embedded stack only), to run beside another lab")
	port := fs.Int("port", embedded.StandardPorts.Kafka, "broker: the `port` to listen on (0 picks a free port)")
	recover := fs.Bool("recover", false, "up, serve: when the Kafka log holds corrupt batches, truncate each damaged partition at its first corrupt batch, as Kafka's log recovery does, and report the records lost (without it the lab refuses to start and says where the damage is)")
	secure := fs.Bool("secure", false, "up, serve: secure the embedded stack: Kafka with SASL_SSL (PLAIN, SCRAM-SHA-256/512) and the lab's own CA, HTTP basic auth on the Schema Registry, REST Proxy, Connect and ksqlDB; the client properties to use are written in the data dir and printed")
	brokers := fs.String("brokers", "", "serve: use the Kafka broker(s) already listening at `host:port[,host:port]` (for example a \"lab broker\") instead of starting one")
	listen := fs.String("listen", "", "up, serve, console: the web console's `address` (default 127.0.0.1:9021 plus --port-offset)")
	dashboard := fs.String("dashboard", "", "up, serve, console: the CTA dashboard's `URL`, whose /metrics the pipeline view reads (default CTALAB_DASHBOARD, else http://localhost:8888)")
	help := func(w io.Writer) { fmt.Fprint(w, usageText); fs.SetOutput(w); fs.PrintDefaults() }
	fs.Usage = func() {} // help is printed below, to stdout when asked for
	if len(args) == 0 {
		help(stderr)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		help(stdout)
		return 0
	}
	if console.IsCommand(cmd) {
		return console.Main(ctx, cmd, rest, os.Stdin, stdout, stderr)
	}
	var action string
	if cmd == "fault" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		action, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			help(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "lab %s: %v\nrun 'lab --help' for usage\n", cmd, err)
		return 2
	}
	if cmd == "fault" && action == "" && fs.NArg() == 1 {
		action = fs.Arg(0) // lab fault --data-dir d postgres-stop
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lab %s: unexpected argument %q\nrun 'lab --help' for usage\n", cmd, fs.Arg(0))
		return 2
	}
	l := &labCtl{dir: *dir, provider: *provider, composeFile: *compose, portOffset: *offset, recover: *recover, secure: *secure, volumes: *volumes, listen: *listen, dashboard: *dashboard, out: stdout, errOut: stderr}
	if *brokers != "" {
		l.brokers = strings.Split(*brokers, ",")
	}
	var err error
	switch cmd {
	case "up":
		err = l.up(ctx)
	case "down":
		err = l.down(ctx)
	case "status":
		err = l.status(ctx)
	case "serve":
		err = l.serve(ctx)
	case "console":
		err = l.console(ctx)
	case "broker":
		err = runBroker(ctx, *dir, *port, stdout, stderr)
	case "fault":
		if action == "" {
			err = usageError{"which fault? want one of " + faultNames()}
		} else {
			err = l.fault(ctx, action)
		}
	default:
		fmt.Fprintf(stderr, "unknown command %q\nrun 'lab --help' for usage\n", cmd)
		return 2
	}
	var usage usageError
	if errors.Is(err, errInterrupted) {
		fmt.Fprintf(stderr, "lab %s: %v\n", cmd, err)
		return 130
	}
	if errors.As(err, &usage) {
		fmt.Fprintf(stderr, "lab %s: %v\nrun 'lab --help' for usage\n", cmd, err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "lab %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

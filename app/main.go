// Command app is the CTA train status pipeline: the simulation and its
// producers, the stations transformer, the ksqlDB statements and the
// dashboard, in one program whose parts can also run alone.
//
//	go run ./app <command> [flags]
//
// Run "go run ./app help" for the commands and "go run ./app <command> --help"
// for a command's flags; help goes to stdout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/lab/embedded"
)

// command is one subcommand of the program.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the whole pipeline (starts the embedded stack when none is running)", runServe},
		{"simulate", "run the simulation and its producers; --dry-run prints the events as JSON lines", runSimulate},
		{"transform", "run the stations transformer until interrupted", runTransform},
		{"ksql", "submit the ksqlDB statements (idempotent)", componentCommand("ksql",
			"Creates stream TURNSTILE and table TURNSTILE_SUMMARY in ksqlDB unless they exist.", func(ctx context.Context, ef *endpointFlags, log *slog.Logger) error {
				if err := ef.check(ctx, ef.cfg.KSQLDB); err != nil {
					return err
				}
				return pipeline.EnsureKSQLWith(ctx, ef.cfg.KSQLDB.URL, ef.cfg.KSQLDB, log)
			})},
		{"connect", "register the stations JDBC source connector and wait until it runs", componentCommand("connect",
			"Creates or updates connector stations in Kafka Connect and waits until its task runs.", func(ctx context.Context, ef *endpointFlags, log *slog.Logger) error {
				if err := ef.check(ctx, ef.cfg.Connect); err != nil {
					return err
				}
				return pipeline.EnsureConnector(ctx, ef.endpoints(), 0, log)
			})},
	}
}

func main() {
	embedded.LimitMemory() // run may start the embedded stack in this process
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code: 0 on
// success (an interrupt of a running pipeline is a success), 2 for usage
// errors, 130 when interrupted before the stack was ready, 1 otherwise. Help
// asked for goes to stdout; errors go to stderr as one line plus a hint.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 && args[0] == "help" {
			// help <command> prints the command's help.
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errInterrupted):
			fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
			return 130
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			return 0
		case errors.As(err, new(usageError)):
			fmt.Fprintf(stderr, "%s: %v\nrun 'go run ./app %s --help' for usage\n", c.name, err, c.name)
			return 2
		}
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "unknown command %q\nrun 'go run ./app --help' for usage\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "ctalab: the CTA train status pipeline on Kafka.\n\nUsage:\n  go run ./app <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'go run ./app <command> --help' for the flags of a command.\n")
}

// errInterrupted is a start-up cut short by Ctrl-C or SIGTERM.
var errInterrupted = errors.New("interrupted")

// usageError is a bad flag or argument; the program exits with status 2.
type usageError struct{ error }

// newLogger returns the program's logger: text to stderr, never stdout.
func newLogger(stderr io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
)

// componentCommand builds a command that runs one component against a
// running stack.
func componentCommand(name, about string, run func(ctx context.Context, ef *endpointFlags, log *slog.Logger) error) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		var ef endpointFlags
		ef.register(fs)
		fs.Usage = func() {
			fmt.Fprintf(fs.Output(), "Usage: go run ./app %s [flags]\n\n%s\n\nFlags:\n", name, about)
			fs.PrintDefaults()
		}
		if _, err := parseFlags(fs, args, stdout); err != nil {
			return err
		}
		log := newLogger(stderr, slog.LevelInfo)
		if err := ef.resolve(log); err != nil {
			return err
		}
		return run(ctx, &ef, log)
	}
}

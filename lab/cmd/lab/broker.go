package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ctalab/ctalab/lab/broker"
)

// runBroker runs the embedded Kafka broker alone until ctx ends. Once it
// accepts connections it prints one line, "kafka broker listening on
// <host:port>", to out.
func runBroker(ctx context.Context, dataDir string, port int, out, errOut io.Writer) error {
	log := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := broker.Start(ctx, broker.WithDataDir(dataDir), broker.WithPort(port), broker.WithLogger(log))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "kafka broker listening on %s\n", strings.Join(b.Addrs(), ","))
	<-ctx.Done()
	return b.Close()
}

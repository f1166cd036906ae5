package containers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// ErrNoEngine is wrapped by the errors of Available (and of Start when it
// fails for the same reason): no Docker engine answers.
var ErrNoEngine = errors.New("no Docker engine answers")

// healthTimeout bounds the engine's answer to the health check.
const healthTimeout = 3 * time.Second

// Available reports whether a Docker engine answers, within about three
// seconds at most. It returns nil when one does; otherwise an error wrapping
// ErrNoEngine whose message is one line saying why, e.g.
// "no Docker engine answers: rootless Docker not found".
func Available(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	done := make(chan error, 1)
	// The probe runs apart so that a discovery step that ignores ctx cannot
	// keep the caller waiting; it ends on its own and its answer is dropped.
	go func() { done <- probeEngine(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return noEngine(fmt.Errorf("engine did not answer: %w", ctx.Err()))
	}
}

func probeEngine(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = noEngine(fmt.Errorf("docker client panicked: %v", r))
		}
	}()
	if err := ctx.Err(); err != nil {
		return noEngine(err)
	}
	p, err := testcontainers.NewDockerProvider(testcontainers.WithLogger(tclog.NewNoopLogger()))
	if err != nil {
		return noEngine(err)
	}
	if err := p.Health(ctx); err != nil { // Health closes p
		return noEngine(err)
	}
	return nil
}

// noEngine wraps cause in ErrNoEngine with a one-line message.
func noEngine(cause error) error {
	return fmt.Errorf("%w: %s", ErrNoEngine, oneLine(cause.Error()))
}

// oneLine joins the lines of a multi-line message (errors.Join separates
// with newlines) with "; ".
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

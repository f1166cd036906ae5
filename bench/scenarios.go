package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// scenarioRun is one run of the scenario suite.
type scenarioRun struct {
	Seconds float64 `json:"s"`
}

// scenarioSuite runs the scenario suite as `make scenarios` does (the
// Ginkgo CLI under the race detector, one process per core, the chaos spec
// left out) from the module root, and times it from start to exit. Its
// output goes to a file in a temporary directory, whose end a failure
// shows.
func scenarioSuite(ctx context.Context) (scenarioRun, error) {
	dir, err := os.MkdirTemp("", "ctalab-bench-scenarios-")
	if err != nil {
		return scenarioRun{}, fmt.Errorf("scenario suite: %w", err)
	}
	defer removeTemp(dir)
	logPath := filepath.Join(dir, "scenarios.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return scenarioRun{}, fmt.Errorf("scenario suite: %w", err)
	}
	defer func() { _ = logf.Close() }()
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "scenarios")
	cmd.Stdout, cmd.Stderr = logf, logf
	begin := time.Now()
	err = cmd.Run()
	secs := time.Since(begin).Seconds()
	if err != nil {
		return scenarioRun{Seconds: secs}, fmt.Errorf("make scenarios (run from the module root) failed after %.0fs: %w\n%s", secs, err, tailFile(logPath, 30))
	}
	return scenarioRun{Seconds: secs}, nil
}

// minutes converts durations in seconds to minutes.
func minutes(secs []float64) []float64 {
	out := make([]float64, len(secs))
	for i, s := range secs {
		out[i] = s / 60
	}
	return out
}

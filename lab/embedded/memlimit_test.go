package embedded_test

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/ctalab/ctalab/lab/embedded"
)

// keepLimit restores the runtime's soft memory limit after a test.
func keepLimit(t *testing.T) {
	t.Helper()
	was := debug.SetMemoryLimit(-1) // a negative limit reads it (runtime/debug docs)
	t.Cleanup(func() { debug.SetMemoryLimit(was) })
}

// A process that runs the stack and the pipeline holds a few tens of MB of
// live heap; with the runtime's default (no limit) its heap grows to twice
// that and keeps what it freed. LimitMemory gives it a soft limit
// (runtime/debug.SetMemoryLimit), which SetMemoryLimit(-1) reads back.
func TestLimitMemorySetsTheRuntimesSoftLimit(t *testing.T) {
	keepLimit(t)
	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64) // the runtime's default: no limit
	if got := embedded.LimitMemory(); got != embedded.MemoryLimit {
		t.Errorf("LimitMemory returned %d, want MemoryLimit (%d)", got, embedded.MemoryLimit)
	}
	if got := debug.SetMemoryLimit(-1); got != embedded.MemoryLimit {
		t.Errorf("the runtime's limit is %d, want MemoryLimit (%d)", got, embedded.MemoryLimit)
	}
}

// GOMEMLIMIT is the user's word on the limit (the runtime reads it at
// start, runtime package docs): LimitMemory leaves the limit it set alone.
func TestLimitMemoryLeavesALimitGOMEMLIMITSet(t *testing.T) {
	keepLimit(t)
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30) // as the runtime did at start
	if got := embedded.LimitMemory(); got != 1<<30 {
		t.Errorf("LimitMemory returned %d, want GOMEMLIMIT's 1 GiB", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("the runtime's limit is %d, want GOMEMLIMIT's 1 GiB", got)
	}
}

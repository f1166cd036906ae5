package embedded

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// restoreLimit puts back the soft memory limit in force before a test; the
// governor a test started stops following the heap once it sees a limit
// it did not set.
func restoreLimit(t *testing.T) {
	t.Helper()
	was := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetMemoryLimit(was)
		runtime.GC() // the governor sees the restored limit and stops
	})
}

// limitAfterCollections collects until the limit in force moves off from,
// or a few seconds pass (the governor adjusts after a collection, on the
// runtime's cleanup goroutine), and returns it.
func limitAfterCollections(from int64) int64 {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		if got := debug.SetMemoryLimit(-1); got != from {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	return debug.SetMemoryLimit(-1)
}

// live is a live heap of n bytes, kept until the test ends.
func live(t *testing.T, n int) {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i) // touched, so that it is resident
	}
	t.Cleanup(func() { runtime.KeepAlive(b) })
}

// A live heap past MemoryLimit lifts the limit to one and a half times the
// heap, so that the runtime does not collect without pause (a soft limit
// below the live heap has it collect continually, up to half the CPU:
// runtime/debug.SetMemoryLimit docs).
func TestALiveHeapPastTheLimitLiftsIt(t *testing.T) {
	restoreLimit(t)
	governMemory(MemoryLimit)
	live(t, 96<<20)
	got := limitAfterCollections(MemoryLimit)
	if want := int64(96<<20) * 3 / 2; got < want {
		t.Errorf("soft limit %d MiB with 96 MiB live, want at least %d MiB", got>>20, want>>20)
	}
}

// The count of collections shows the difference: allocating 1 GiB of
// short-lived garbage over a 96 MiB live heap takes about two dozen
// collections with the limit following the heap (one per half a heap
// allocated, as GOGC=50 would), and nearly four times as many with the
// limit fixed at MemoryLimit.
func TestGarbageOverALiveHeapPastTheLimitIsCollectedAsGOGC50Would(t *testing.T) {
	restoreLimit(t)
	governMemory(MemoryLimit)
	live(t, 96<<20)
	limitAfterCollections(MemoryLimit)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var sink []byte
	for range 4096 {
		sink = make([]byte, 256<<10)
	}
	runtime.KeepAlive(sink)
	runtime.ReadMemStats(&after)
	// 1 GiB at one collection per 48 MiB is 22 (23 measured); with the
	// limit fixed at MemoryLimit it took 88, as many as the runtime's cap
	// of half the CPU for the limit allows
	if n := after.NumGC - before.NumGC; n > 50 {
		t.Errorf("%d collections for 1 GiB of garbage over a 96 MiB live heap, want at most 50", n)
	}
}

// A limit set by anyone else (GOMEMLIMIT's word, a program's own) is left
// alone: the governor stops following the heap.
func TestALimitSetElsewhereIsLeftAlone(t *testing.T) {
	restoreLimit(t)
	governMemory(MemoryLimit)
	debug.SetMemoryLimit(math.MaxInt64)
	live(t, 96<<20)
	if got := limitAfterCollections(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("soft limit %d after another set none, want it left as set", got)
	}
}

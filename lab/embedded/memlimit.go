package embedded

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// MemoryLimit is the soft memory limit LimitMemory gives a process that
// runs the embedded stack: 64 MiB of the Go runtime's own memory (heap,
// stacks and their metadata; not the executable's mapped pages, about
// 30 MB more of its RSS), while the live heap stays under two thirds of
// it.
//
// A weekday replay at full pace (bench -rows replay) holds 20 to 37 MB of
// live heap in the stack and the pipeline together. Without a limit the
// heap grows to twice that between collections, and the pages it frees
// stay resident a while: the process peaked at 132 to 149 MB. With the
// limit the runtime collects sooner and gives freed pages back as the
// total nears it: the process peaks at about 93 MB. That costs CPU, and
// more as the live heap grew with the engine's state: on a quiet 2-core
// machine the replay took 3.3 s of CPU (1.85 s to catch up) with it
// against 2.0 s (1.15 s) without. Each 16 MiB more buys back about a
// tenth of the CPU for 15 MB of RSS (GOMEMLIMIT=80MiB, 96MiB: 3.07 and
// 2.75 s of CPU against 3.6 s at this limit, under the same load; the
// process peaking at 109 and 125 MB). The limit stays here for the lab's
// memory target; GOMEMLIMIT trades the other way.
//
// A fixed limit below the live heap would make the collector run without
// pause (up to half the CPU, runtime/debug.SetMemoryLimit docs): a
// windowed ksqlDB query over a weekday's replay (scenarios, "A windowed
// ksqlDB table during a replay") holds more, and its stack spent half its
// CPU collecting and returning pages. So the limit follows the live heap
// (governMemory): after each collection it is MemoryLimit or one and a
// half times the live heap, whichever is more, and a larger heap is
// collected as with GOGC=50 rather than without pause.
const MemoryLimit = 64 << 20

// LimitMemory sets the Go runtime's soft memory limit to MemoryLimit,
// raised past it while the live heap needs more (governMemory), unless the
// GOMEMLIMIT environment variable set one when the process started (the
// user's word wins), and returns the limit in force. A program that runs
// the embedded stack in its own process calls it once, early; the stack
// does not set it by itself, since a process that embeds it for other
// work (a test binary) may need more. The limit follows the heap until
// something else sets it (debug.SetMemoryLimit).
func LimitMemory() int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	governMemory(MemoryLimit)
	return MemoryLimit
}

// governMemory sets the soft memory limit to base and, after each garbage
// collection, to the larger of base and one and a half times the live heap
// it left (runtime/metrics /gc/heap/live:bytes). It stops following the
// heap once the limit in force is not the one it set last: whoever set it
// has the word.
func governMemory(base int64) {
	debug.SetMemoryLimit(base)
	g := &memoryGovernor{base: base, set: base, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	g.arm()
}

// memoryGovernor moves the soft memory limit with the live heap.
type memoryGovernor struct {
	base, set int64
	sample    []metrics.Sample
}

// gcMark is allocated for the runtime to collect: its cleanup runs once
// the collection that found it unreachable is done.
type gcMark struct{ _ *int }

// arm has the next garbage collection call adjust.
func (g *memoryGovernor) arm() {
	runtime.AddCleanup(&gcMark{}, func(g *memoryGovernor) { g.adjust() }, g)
}

// adjust sets the limit for the live heap the last collection left, and
// waits for the next one, unless someone else set the limit meanwhile.
func (g *memoryGovernor) adjust() {
	if debug.SetMemoryLimit(-1) != g.set {
		return
	}
	metrics.Read(g.sample)
	limit := g.base
	if g.sample[0].Value.Kind() == metrics.KindUint64 {
		if live := int64(g.sample[0].Value.Uint64()); live+live/2 > limit {
			limit = live + live/2
		}
	}
	if limit != g.set {
		g.set = limit
		debug.SetMemoryLimit(limit)
	}
	g.arm()
}

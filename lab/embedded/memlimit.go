package embedded

import (
	"os"
	"runtime/debug"
)

// MemoryLimit is the soft memory limit LimitMemory gives a process that
// runs the embedded stack: 64 MiB of the Go runtime's own memory (heap,
// stacks and their metadata; not the executable's mapped pages, about
// 30 MB more of its RSS).
//
// A weekday replay at full pace (bench -rows replay) holds 20 to 37 MB of
// live heap in the stack and the pipeline together. Without a limit the
// heap grows to twice that between collections, and the pages it frees
// stay resident a while: the process peaked at 104 to 146 MB. With the
// limit the runtime collects sooner and gives freed pages back as the
// total nears it: the process peaks at about 92 MB, for a few per cent
// more CPU; 48 MiB would save 15 MB more for about a third more CPU. The
// collector never takes more than about half the CPU for the limit's sake
// (runtime/debug.SetMemoryLimit docs), so a workload whose live heap
// outgrows the limit runs slower rather than failing.
const MemoryLimit = 64 << 20

// LimitMemory sets the Go runtime's soft memory limit to MemoryLimit,
// unless the GOMEMLIMIT environment variable set one when the process
// started (the user's word wins), and returns the limit in force. A
// program that runs the embedded stack in its own process calls it once,
// early; the stack does not set it by itself, since a process that embeds
// it for other work (a test binary) may need more.
func LimitMemory() int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(MemoryLimit)
	return MemoryLimit
}

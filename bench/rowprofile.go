package main

import (
	"fmt"
	"runtime"
	"strings"
)

// profileRow profiles the timed part of one in-process row run: CPU into
// path, and the allocations made meanwhile as two snapshots of the allocs
// profile, x.allocs-start.pprof and x.allocs.pprof beside path x.pprof, to
// read with go tool pprof -sample_index=alloc_space -base x.allocs-start.pprof
// x.allocs.pprof. The returned function ends it (once is enough). An empty
// path profiles nothing.
func profileRow(path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	base := strings.TrimSuffix(path, ".pprof")
	if err := writeAllocs(base + ".allocs-start.pprof"); err != nil {
		return nil, err
	}
	stopCPU, err := startCPUProfile(path)
	if err != nil {
		return nil, err
	}
	done := false
	return func() error {
		if done {
			return nil
		}
		done = true
		stopCPU()
		return writeAllocs(base + ".allocs.pprof")
	}, nil
}

// writeAllocs writes the allocs profile as of now (after a collection, so
// that it counts every allocation made so far).
func writeAllocs(path string) error {
	runtime.GC()
	return writeProfile("allocs", path)
}

// rowProfile is the profile path of run i of a row, "" without -cpuprofile.
func rowProfile(prefix, row string, i int) string {
	if prefix == "" {
		return ""
	}
	return fmt.Sprintf("%s-%s-%d.pprof", prefix, row, i+1)
}

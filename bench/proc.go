package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
)

// statusKB returns a "Field:   1234 kB" value of /proc/<pid>/status.
func statusKB(status []byte, field string) (int64, bool) {
	for line := range bytes.Lines(status) {
		name, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok || string(name) != field {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// statPPID returns the parent pid from /proc/<pid>/stat; the command name
// in parentheses may itself hold spaces and parentheses.
func statPPID(stat []byte) (int, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(string(f[1]))
	return n, err == nil
}

// descendants returns root and every process below it in parent (pid ->
// parent pid).
func descendants(root int, parent map[int]int) []int {
	children := map[int][]int{}
	for pid, pp := range parent {
		children[pp] = append(children[pp], pid)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// processParents reads every process's parent pid from /proc.
func processParents() map[int]int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := make(map[int]int, len(ents))
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		if pp, ok := statPPID(b); ok {
			out[pid] = pp
		}
	}
	return out
}

// rssKB returns a process's /proc status field (VmRSS, VmHWM) in KiB.
func rssKB(pid int, field string) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	return statusKB(b, field)
}

// pssKB returns a process's proportional set size in KiB, from
// /proc/<pid>/smaps_rollup: each page counts 1/n in each of the n
// processes that map it, in the tree or not.
func pssKB(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0, false
	}
	return statusKB(b, "Pss")
}

// treeKB is a process tree's resident memory in KiB.
type treeKB struct {
	RSS int64 // summed VmRSS: a page shared by k processes counts k times
	PSS int64 // summed Pss: every page counts once in all (see pssKB)
	Own int64 // the root's own VmRSS
}

// treeMemory returns the resident memory of root and its descendants.
func treeMemory(root int) treeKB {
	var m treeKB
	for _, pid := range descendants(root, processParents()) {
		kb, _ := rssKB(pid, "VmRSS")
		m.RSS += kb
		if pid == root {
			m.Own = kb
		}
		pss, _ := pssKB(pid)
		m.PSS += pss
	}
	return m
}

// removeTemp removes a temporary directory the benchmark made, saying so
// on stderr when it cannot: a leftover data dir fills the disk run by run.
func removeTemp(dir string) {
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintf(os.Stderr, "bench: could not remove %s: %v\n", dir, err)
	}
}

// startStack starts a fresh embedded stack for a row, logging as the lab;
// stop closes it, logging what fails.
func startStack(ctx context.Context, log *slog.Logger, opts ...embedded.Option) (*embedded.Stack, func(), error) {
	st, err := embedded.Start(ctx, append(opts, embedded.WithLogger(log.With("component", "lab")))...)
	if err != nil {
		return nil, nil, fmt.Errorf("start the embedded stack: %w", err)
	}
	return st, func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := st.Close(cctx); err != nil {
			log.Error("stop the embedded stack", "err", err)
		}
	}, nil
}

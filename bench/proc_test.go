package main

import (
	"os"
	"os/exec"
	"testing"
)

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tlab\nVmPeak:\t 1234 kB\nVmHWM:\t   40000 kB\nVmRSS:\t   24956 kB\nThreads:\t9\n")
	for field, want := range map[string]int64{"VmRSS": 24956, "VmHWM": 40000} {
		got, ok := statusKB(status, field)
		if !ok || got != want {
			t.Errorf("statusKB(%s) = %d, %v; want %d, true", field, got, ok, want)
		}
	}
	if _, ok := statusKB(status, "VmSwap"); ok {
		t.Error("statusKB found a field that is not there")
	}
	// A kernel thread has no VmRSS line at all.
	if _, ok := statusKB([]byte("Name:\tkthreadd\nState:\tS\n"), "VmRSS"); ok {
		t.Error("statusKB found VmRSS in a kernel thread's status")
	}
}

func TestStatPPID(t *testing.T) {
	for stat, want := range map[string]int{
		"19653 (postgres) S 19600 19653 19600 0 -1 4194560":  19600,
		"42 (a) b (c)) R 7 42 42 0 -1 4194560":               7, // comm may hold spaces and parentheses
		"1 (systemd) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 9": 0,
	} {
		got, ok := statPPID([]byte(stat))
		if !ok || got != want {
			t.Errorf("statPPID(%q) = %d, %v; want %d, true", stat, got, ok, want)
		}
	}
	if _, ok := statPPID([]byte("garbage")); ok {
		t.Error("statPPID accepted garbage")
	}
}

func TestDescendants(t *testing.T) {
	parent := map[int]int{2: 1, 3: 2, 4: 2, 5: 3, 6: 1, 7: 99}
	got := descendants(2, parent)
	want := map[int]bool{2: true, 3: true, 4: true, 5: true}
	if len(got) != len(want) {
		t.Fatalf("descendants(2) = %v, want %v", got, want)
	}
	for _, p := range got {
		if !want[p] {
			t.Errorf("descendants(2) holds %d", p)
		}
	}
}

// /proc/<pid>/smaps_rollup sums a process's mappings in the "Field: N kB"
// lines of /proc/<pid>/status, under a header line that names the address
// range (the layout of Documentation/filesystems/proc.rst, "smaps_rollup").
// Pss is the process's proportional share: a page mapped by n processes
// counts 1/n in each, so the Pss of a process tree sums to the memory the
// tree holds, where its summed VmRSS counts a shared page once per process.
func TestStatusKBReadsPssFromSmapsRollup(t *testing.T) {
	rollup := []byte("00400000-ffffffffff601000 ---p 00000000 00:00 0                  [rollup]\n" +
		"Rss:                 884 kB\nPss:                 385 kB\nPss_Dirty:            68 kB\nPss_Anon:            301 kB\n" +
		"Pss_File:             80 kB\nPss_Shmem:             4 kB\nShared_Clean:        696 kB\n")
	for field, want := range map[string]int64{"Pss": 385, "Rss": 884, "Pss_Shmem": 4} {
		got, ok := statusKB(rollup, field)
		if !ok || got != want {
			t.Errorf("statusKB(%s) = %d, %v; want %d, true", field, got, ok, want)
		}
	}
}

// The process tree's Pss counts a page shared by its processes once in all,
// its VmRSS once per process: this process and a child that shares its
// pages (after fork, before either writes) hold less Pss than VmRSS.
func TestTreeMemoryCountsSharedPagesOnceInPss(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	m := treeMemory(os.Getpid())
	if m.RSS == 0 || m.PSS == 0 {
		t.Fatalf("treeMemory = %+v, want RSS and PSS", m)
	}
	if m.PSS >= m.RSS {
		t.Errorf("the tree's Pss %d kB is not below its VmRSS %d kB, though its processes share libc's pages", m.PSS, m.RSS)
	}
	if m.Own == 0 || m.Own > m.RSS {
		t.Errorf("this process's own VmRSS %d kB, the tree's %d kB", m.Own, m.RSS)
	}
}

package main

import "testing"

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

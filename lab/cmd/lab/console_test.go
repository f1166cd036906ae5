package main

import (
	"strings"
	"testing"
)

// The console commands are lab commands: listed in lab --help, their own
// help on stdout (exit 0), their mistakes one line and a hint (exit 2).
func TestConsoleCommandsAreListedAndDispatched(t *testing.T) {
	stdout, _, _ := runInProcess(t, "--help")
	for _, name := range []string{"consume", "produce", "topics", "groups", "ksql"} {
		if !strings.Contains(stdout, "\n  "+name+" ") {
			t.Errorf("lab --help does not list %s", name)
		}
		out, errOut, code := runInProcess(t, name, "--help")
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "Usage: lab "+name) {
			t.Errorf("lab %s --help: exit %d, stdout %.40q, stderr %q", name, code, out, errOut)
		}
	}
	_, errOut, code := runInProcess(t, "consume", "--bogus")
	if want := "lab consume: flag provided but not defined: -bogus\nrun 'lab consume --help' for usage\n"; code != 2 || errOut != want {
		t.Errorf("lab consume --bogus: exit %d, stderr %q; want 2 and %q", code, errOut, want)
	}
}

package main

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// "make" with no target lists the targets instead of starting the whole
// test suite (GNU make runs .DEFAULT_GOAL when no goal is given:
// https://www.gnu.org/software/make/manual/html_node/Special-Variables.html).
func TestMakeWithoutTargetListsTheTargets(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	plan, err := exec.Command("make", "-n", "-C", "../../..").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n: %v\n%s", err, plan)
	}
	if strings.Contains(string(plan), "go test") || strings.Contains(string(plan), "ginkgo") {
		t.Fatalf("make with no target would run tests:\n%s", plan)
	}
	out, err := exec.Command("make", "-s", "-C", "../../..").Output()
	if err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	for _, target := range []string{"help:", "test:", "unit:", "lab-up:", "lab-status:", "scenarios:"} {
		if !strings.Contains(string(out), "  "+target) {
			t.Errorf("make lists no %q target:\n%s", target, out)
		}
	}
}

// make test announces each of its stages before it runs it, in order, so a
// reader of its output knows where it is.
func TestMakeTestAnnouncesEachStageInOrder(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	plan, err := exec.Command("make", "-n", "-C", "../../..", "test").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n test: %v\n%s", err, plan)
	}
	at := 0
	for _, stage := range []string{"[1/6] deps", "[2/6] vet", "[3/6] fmt-check", "[4/6] lint", "[5/6] unit", "[6/6] scenarios", "make test passed"} {
		i := strings.Index(string(plan)[at:], "== "+stage)
		if i < 0 {
			t.Fatalf("make test does not announce %q after the stages before it:\n%s", stage, plan)
		}
		at += i
	}
}

// A stage that prints nothing for a while says it is still running and
// how many of its items (lines matching the pattern) are done, and the
// wrapper passes the command's output and exit status through.
func TestAStageSilentForAWhileSaysHowFarItIs(t *testing.T) {
	cmd := exec.Command("../../../scripts/with-heartbeat", "unit tests", "^ok", "bash", "-c", "echo 'ok  pkg/a'; echo 'ok  pkg/b'; echo 'FAIL pkg/c'; sleep 3; exit 3")
	cmd.Env = append(cmd.Environ(), "HEARTBEAT_SECONDS=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("with-heartbeat exited %v, want the command's status 3\n%s", err, out)
	}
	for _, want := range []string{"ok  pkg/a\n", "FAIL pkg/c\n", "== unit tests: still running after ", "; 2 done so far\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}

// make demo builds the application once, naming each package it compiles
// (go build -v), and then runs the built binary, which exits with serve's
// own status (0 after Ctrl-C), not go run, which exits 1 on an interrupt.
func TestMakeDemoBuildsWithProgressThenRunsTheBinary(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	plan, err := exec.Command("make", "-n", "-C", "../../..", "demo").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n demo: %v\n%s", err, plan)
	}
	lines := strings.Split(strings.TrimSpace(string(plan)), "\n")
	build, run := -1, -1
	for i, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) > 2 && f[1] == "build" && slices.Contains(f, "-v") && slices.Contains(f, "bin/ctalab") && f[len(f)-1] == "./app":
			build = i
		case len(f) == 2 && f[0] == "bin/ctalab" && f[1] == "serve":
			run = i
		}
	}
	if build < 0 || run < build {
		t.Fatalf("make demo does not build ./app verbosely into bin/ctalab and then run bin/ctalab serve:\n%s", plan)
	}
}

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

// make scenarios-under-load runs RUNS measured runs one after another while
// a second run of the same command goes on alongside, prints each measured
// run's wall time and result, and stops the alongside loop when done.
// UNDER_LOAD_CMD stands in for "make scenarios" so that the spec is quick.
func TestScenariosUnderLoadTimesEachRunAndStopsTheSecondWhenDone(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	dir := t.TempDir()
	// Each command appends its role to a file while it runs, so the spec
	// can tell that the second one ran alongside the measured ones.
	cmd := exec.Command("make", "-s", "-C", "../../..", "scenarios-under-load", "RUNS=2", "UNDER_LOAD_DIR="+dir,
		"UNDER_LOAD_CMD=sh -c 'echo $$UNDER_LOAD_ROLE >> "+dir+"/ran; sleep 1'")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make scenarios-under-load: %v\n%s", err, out)
	}
	var measured []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "run ") {
			measured = append(measured, l)
		}
	}
	if len(measured) != 2 || !strings.Contains(measured[0], "run 1/2: passed in ") || !strings.Contains(measured[1], "run 2/2: passed in ") {
		t.Fatalf("want a line per measured run with its result and wall time, got:\n%s", out)
	}
	if !strings.Contains(string(out), "2 of 2 measured runs passed") {
		t.Fatalf("no summary line:\n%s", out)
	}
	ran, err := exec.Command("cat", dir+"/ran").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ran), "alongside") || strings.Count(string(ran), "measured") != 2 {
		t.Fatalf("want 2 measured runs and at least one alongside, ran:\n%s", ran)
	}
	// Nothing of the alongside loop is left running once make returns.
	if err := exec.Command("pgrep", "-f", dir+"/ran").Run(); err == nil {
		t.Fatalf("a command of the alongside loop still runs after make returned")
	}
}

// A measured run that fails ends the series with a non-zero exit and names
// its log: the promise is consecutive green runs.
func TestScenariosUnderLoadStopsAtTheFirstFailedRun(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command("make", "-s", "-C", "../../..", "scenarios-under-load", "RUNS=3", "UNDER_LOAD_DIR="+dir,
		"UNDER_LOAD_CMD=sh -c 'test $$UNDER_LOAD_ROLE = alongside || exit 7'")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("want make to fail, got %v:\n%s", err, out)
	}
	if !strings.Contains(string(out), "run 1/3: FAILED (exit 7) in ") || strings.Contains(string(out), "run 2/3") {
		t.Fatalf("want the series to stop at the failed first run, got:\n%s", out)
	}
	if !strings.Contains(string(out), dir+"/measured-1.log") {
		t.Fatalf("the failure does not name its log:\n%s", out)
	}
}

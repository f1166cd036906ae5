package main

import (
	"os/exec"
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

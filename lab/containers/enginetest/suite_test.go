package enginetest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab"
	"github.com/ctalab/ctalab/lab/containers"
)

// Issue 15 item 2: with a Docker engine answering (the stand-in, through
// DOCKER_HOST), the scenario suite's stack is still the embedded one, and
// "make scenarios" says so before it runs.
func TestAnEngineAnsweringLeavesTheSuiteOnTheEmbeddedStack(t *testing.T) {
	t.Setenv("LAB_STACK", "")
	if err := containers.Available(context.Background()); err != nil {
		t.Fatalf("the stand-in engine does not answer: %v", err)
	}
	c, err := lab.Choose(context.Background())
	if err != nil || c.Provider != lab.Embedded {
		t.Errorf("Choose with an engine answering = %+v, %v; want embedded", c, err)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	// GO=true makes the recipe's go run a no-op: only what make prints runs.
	out, err := exec.Command("make", "-s", "--no-print-directory", "-C", "../../..", "scenarios", "GO=true").CombinedOutput()
	if err != nil {
		t.Fatalf("make scenarios: %v\n%s", err, out)
	}
	if want := "scenarios: on the embedded stack (LAB_STACK is not set"; !strings.Contains(string(out), want) {
		t.Errorf("make scenarios printed\n%s\nwant a line starting %q", out, want)
	}
}

// Issue 15 item 2: a suite that is skipped says so in make test's output.
// go test prints nothing of a passing package's skipped test, so "make
// unit" (make test's stage 5) prints the feature summary each provider's
// conformance suite writes: with an engine answering (the stand-in, through
// DOCKER_HOST) and LAB_STACK unset, the containers suite is not run, and
// each of its features is listed as skipped with the reason. The make
// target runs as make test runs it, on the lab/containers package only
// (GOFLAGS narrows go test to TestConformance; go list ignores it).
func TestMakeUnitShowsTheSkippedContainersSuiteAsSkipped(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("not in a child process")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	if err := containers.Available(context.Background()); err != nil {
		t.Fatalf("the stand-in engine does not answer: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	summaries := filepath.Join(t.TempDir(), "conformance")
	cmd := exec.CommandContext(ctx, "make", "-s", "--no-print-directory", "-C", repoRoot, "unit",
		"PKGS=github.com/ctalab/ctalab/lab/containers", "CONFORMANCE_DIR="+summaries)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "LAB_STACK" && k != "GOFLAGS" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GOFLAGS=-run=^TestConformance$")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make unit: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"ok  \tgithub.com/ctalab/ctalab/lab/containers",
		"conformance features on provider containers:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("make unit printed\n%s\nwant %q", text, want)
		}
	}
	// One line per feature, each skipped with the reason
	// (conformance.WriteSummary's table).
	reason := "containers stack: not asked for (LAB_STACK is not set; LAB_STACK=containers runs it)"
	var features int
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(line, "  ") || strings.Contains(line, "still running") {
			continue
		}
		features++
		if f[1] != "skipped" || (!strings.HasSuffix(line, reason) && !strings.Contains(line, "not declared by provider containers")) {
			t.Errorf("feature line %q, want the feature skipped because %q", line, reason)
		}
	}
	if features == 0 {
		t.Errorf("make unit listed no feature:\n%s", text)
	}
}

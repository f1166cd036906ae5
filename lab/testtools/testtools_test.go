package testtools

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a TB that notes the first skip or failure and goes on.
type recorder struct{ skipped, failed string }

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	if r.skipped == "" {
		r.skipped = fmt.Sprintf(format, args...)
	}
}
func (r *recorder) Fatalf(format string, args ...any) {
	if r.failed == "" {
		r.failed = fmt.Sprintf(format, args...)
	}
}

func TestAMissingProgramSkipsOnADevelopersMachine(t *testing.T) {
	t.Setenv("CI", "")
	var r recorder
	Program(&r, "no-such-program-ctalab")
	if r.failed != "" || !strings.Contains(r.skipped, "no-such-program-ctalab is not installed") || !strings.Contains(r.skipped, "scripts/install-test-deps") {
		t.Errorf("skipped %q, failed %q: want a skip that names the program and the install script", r.skipped, r.failed)
	}
}

func TestAMissingProgramFailsInCI(t *testing.T) {
	t.Setenv("CI", "true")
	var r recorder
	Program(&r, "no-such-program-ctalab")
	if r.skipped != "" || !strings.Contains(r.failed, "CI is set: run scripts/install-test-deps") {
		t.Errorf("skipped %q, failed %q: want a failure in CI", r.skipped, r.failed)
	}
}

func TestAPythonModuleThatDoesNotImportIsMissing(t *testing.T) {
	t.Setenv("CI", "true")
	var r recorder
	if Program(&r, "/usr/bin/python3"); r.failed != "" {
		t.Skip("no /usr/bin/python3 on this machine")
	}
	Python(&r, "no_such_module_ctalab")
	if !strings.Contains(r.failed, "cannot import no_such_module_ctalab") {
		t.Errorf("failed %q: want the module named", r.failed)
	}
}

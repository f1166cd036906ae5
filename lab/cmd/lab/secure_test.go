package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The commands the README's "Run against your own cluster" section lists,
// run against a secured lab: "lab up --secure" prints the client
// properties files; the lab's own commands and kcat reach the lab through
// them, and without them are refused.
func TestSecuredLabIsReachedThroughThePrintedClientProperties(t *testing.T) {
	bin, dir := labCommand(t), labDir(t)
	offset := fmt.Sprint(freeOffset(t))
	out, err := runLab(t, bin, "up", "--secure", "--provider", "embedded", "--data-dir", dir, "--port-offset", offset)
	t.Cleanup(func() { _, _ = runLab(t, bin, "down", "--data-dir", dir) })
	if err != nil {
		t.Fatalf("lab up --secure: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`client config\s+(\S+)`).FindStringSubmatch(out)
	r := regexp.MustCompile(`librdkafka\s+(\S+)`).FindStringSubmatch(out)
	if m == nil || r == nil {
		t.Fatalf("lab up --secure does not print the client properties files:\n%s", out)
	}
	props, rdk := m[1], r[1]

	status, err := runLab(t, bin, "status", "--data-dir", dir, "--port-offset", offset)
	if err != nil || !strings.Contains(status, props) {
		t.Fatalf("lab status: %v\n%s", err, status)
	}
	if out, err := runLab(t, bin, "topics", "create", "secured-cli", "--client-config", props); err != nil {
		t.Fatalf("lab topics create: %v\n%s", err, out)
	}
	if out, err := runLab(t, bin, "ksql", "--client-config", props, "-e", "SHOW TOPICS;"); err != nil || !strings.Contains(out, "secured-cli") {
		t.Fatalf("lab ksql: %v\n%s", err, out)
	}
	if out, err := runLab(t, bin, "topics", "list", "--client-config", props); err != nil || !strings.Contains(out, "secured-cli") {
		t.Fatalf("lab topics: %v\n%s", err, out)
	}
	// Without the file's credentials, ksqlDB refuses in its own shape.
	ksqlURL := regexp.MustCompile(`ksqldb\s+(http://\S+)`).FindStringSubmatch(status)
	if ksqlURL == nil {
		t.Fatalf("no ksqldb endpoint in lab status:\n%s", status)
	}
	if out, err := runLab(t, bin, "ksql", "--ksqldb", ksqlURL[1], "-e", "SHOW TOPICS;"); err == nil || !strings.Contains(out, "Unauthorized") {
		t.Fatalf("lab ksql without credentials: %v\n%s", err, out)
	}
	if kcat, err := exec.LookPath("kcat"); err == nil {
		if out, err := exec.Command(kcat, "-F", rdk, "-L").CombinedOutput(); err != nil || !strings.Contains(string(out), "secured-cli") {
			t.Fatalf("kcat -F %s -L: %v\n%s", rdk, err, out)
		}
	}
}

// The secured mode is the embedded stack's: asking compose for it is
// refused before anything starts.
func TestUpSecureWithComposeIsRefused(t *testing.T) {
	_, stderr, code := runInProcess(t, "up", "--secure", "--provider", "compose", "--data-dir", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "--secure: the secured mode is the embedded stack's") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

package foreign_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/ctalab/ctalab/lab/testtools"
	"os"
	"os/exec"
	"testing"
	"time"
)

// kafkajs returns node and the NODE_PATH holding kafkajs, installed by
// scripts/install-test-deps.
func kafkajs(t *testing.T) (node, modules string) {
	t.Helper()
	return testtools.Kafkajs(t)
}

// python returns Debian's python3 (where its python3-confluent-kafka
// package installs) with confluent_kafka importable.
func python(t *testing.T) string {
	t.Helper()
	return testtools.Python(t, "confluent_kafka")
}

// runJSON runs a program and decodes the one JSON document it prints.
func runJSON(t *testing.T, into any, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr)
	}
	if err := json.Unmarshal(out, into); err != nil {
		t.Fatalf("%s %v printed %q: %v", name, args, out, err)
	}
}

package foreign_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// needRuntime finds a program on PATH. Without it the spec is skipped with
// a one-line reason, unless CI is set: there it must run.
func needRuntime(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s is not installed (scripts/install-test-deps installs the test tools)", name)
		}
		t.Fatalf("%s is not installed, and CI is set: run scripts/install-test-deps", name)
	}
	return path
}

// kafkajs returns node and the NODE_PATH holding kafkajs, installed by
// scripts/install-test-deps.
func kafkajs(t *testing.T) (node, modules string) {
	t.Helper()
	node = needRuntime(t, "node")
	modules, err := filepath.Abs("../../.cache/node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "kafkajs", "package.json")); err != nil {
		t.Fatalf("kafkajs is not installed in %s: run scripts/install-test-deps", modules)
	}
	return node, modules
}

// python returns Debian's python3 (where its python3-confluent-kafka
// package installs) with confluent_kafka importable.
func python(t *testing.T) string {
	t.Helper()
	py := needRuntime(t, "/usr/bin/python3")
	if err := exec.Command(py, "-c", "import confluent_kafka").Run(); err != nil {
		t.Fatalf("%s cannot import confluent_kafka: run scripts/install-test-deps", py)
	}
	return py
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

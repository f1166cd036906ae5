package testtools

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// TB is what the lookups need of a test: testing.T, and Ginkgo's GinkgoT().
type TB interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Program returns the path of the program name (looked up on PATH, or an
// absolute path), skipping or failing t without it as the package says.
func Program(t TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" is not installed")
	}
	return path
}

// missing skips t with why, or fails it when CI is set.
func missing(t TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "" {
		t.Skipf("%s (scripts/install-test-deps installs the test tools)", why)
		return
	}
	t.Fatalf("%s, and CI is set: run scripts/install-test-deps", why)
}

// Kcat returns kcat's path.
func Kcat(t TB) string {
	t.Helper()
	return Program(t, "kcat")
}

// Kafkajs returns node's path and the NODE_PATH that holds kafkajs, which
// scripts/install-test-deps installs under the repository's .cache.
func Kafkajs(t TB) (node, modules string) {
	t.Helper()
	return NodeModule(t, "kafkajs")
}

// NodeModule returns node's path and the NODE_PATH that holds the Node.js
// package name, one of those scripts/install-test-deps installs (pinned)
// under the repository's .cache.
func NodeModule(t TB, name string) (node, modules string) {
	t.Helper()
	node = Program(t, "node")
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("find the repository: %v", err)
		return "", ""
	}
	modules = filepath.Join(root, ".cache", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, name, "package.json")); err != nil {
		missing(t, name+" is not installed in "+modules)
	}
	return node, modules
}

// Python returns Debian's python3, where its python3-confluent-kafka,
// python3-avro and python3-protobuf packages install, once every module
// named imports.
func Python(t TB, modules ...string) string {
	t.Helper()
	py := Program(t, "/usr/bin/python3")
	for _, m := range modules {
		if err := exec.Command(py, "-c", "import "+m).Run(); err != nil {
			missing(t, py+" cannot import "+m)
		}
	}
	return py
}

// repoRoot is the nearest directory above the working directory (a
// package's, when go test runs it) that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir || strings.TrimSpace(parent) == "" {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

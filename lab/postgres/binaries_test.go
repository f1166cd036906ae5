package postgres

import (
	"os"
	"path/filepath"
	"testing"
)

func fakeBinDir(t *testing.T, root, version string) string {
	t.Helper()
	dir := filepath.Join(root, version, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "postgres"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindBinariesPrefersNewestVersionDir(t *testing.T) {
	root := t.TempDir()
	fakeBinDir(t, root, "9.6")
	want := fakeBinDir(t, root, "16")
	fakeBinDir(t, root, "15")
	t.Setenv("PATH", t.TempDir())
	old := libRoot
	libRoot = root
	t.Cleanup(func() { libRoot = old })

	b, err := findBinaries("")
	if err != nil {
		t.Fatalf("findBinaries: %v", err)
	}
	if b.initdb != filepath.Join(want, "initdb") || b.postgres != filepath.Join(want, "postgres") {
		t.Fatalf("found %+v, want binaries in %s", b, want)
	}
}

func TestFindBinariesPrefersPath(t *testing.T) {
	root := t.TempDir()
	fakeBinDir(t, root, "16")
	onPath := fakeBinDir(t, t.TempDir(), "x")
	t.Setenv("PATH", onPath)
	old := libRoot
	libRoot = root
	t.Cleanup(func() { libRoot = old })

	b, err := findBinaries("")
	if err != nil {
		t.Fatalf("findBinaries: %v", err)
	}
	if b.initdb != filepath.Join(onPath, "initdb") {
		t.Fatalf("found %+v, want binaries on PATH in %s", b, onPath)
	}
}

package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The profiles of a row's timed part are pprof files, which go tool pprof
// reads: gzip-compressed protocol buffers (github.com/google/pprof
// proto/README.md), one for CPU and two allocation snapshots.
func TestRowProfileWritesCPUAndBothAllocationSnapshots(t *testing.T) {
	dir := t.TempDir()
	path := rowProfile(filepath.Join(dir, "p"), "ksqlwindow", 0)
	stop, err := profileRow(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("a second stop: %v", err)
	}
	for _, name := range []string{"p-ksqlwindow-1.pprof", "p-ksqlwindow-1.allocs-start.pprof", "p-ksqlwindow-1.allocs.pprof"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s is not gzip-compressed: %v", name, err)
		}
		b, err := io.ReadAll(zr)
		if err != nil || len(b) == 0 {
			t.Errorf("%s holds no profile (%d bytes, %v)", name, len(b), err)
		}
		_ = f.Close()
	}
}

// Without -cpuprofile a row run profiles nothing and writes no file.
func TestRowProfileWithoutPrefixWritesNothing(t *testing.T) {
	if p := rowProfile("", "ksqljoin", 2); p != "" {
		t.Fatalf("rowProfile without a prefix = %q", p)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	stop, err := profileRow("")
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("wrote %d files", len(entries))
	}
}

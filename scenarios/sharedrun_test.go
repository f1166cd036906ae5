package scenarios_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// What the parallel processes of one suite run share: the lab binary,
// built once by the first process, and a directory where a process leaves
// what another would otherwise compute again (the fault specs' baseline).
type sharedRun struct {
	Dir    string `json:"dir"`
	LabBin string `json:"lab_bin"`
}

// suiteRun is this process's share of the suite run, set before any spec.
var suiteRun sharedRun

// onceAcrossProcesses returns the value stored under name in the run's
// shared directory, computing and storing it first when no process has:
// the first process to ask computes it while the others wait for it. The
// value is always returned as decoded from its stored form, so that every
// process compares with exactly the same value.
func onceAcrossProcesses[T any](ctx context.Context, name string, compute func() T) (T, error) {
	var zero T
	path := filepath.Join(suiteRun.Dir, name+".json")
	unlock, err := lockFile(ctx, path+".lock")
	if err != nil {
		return zero, err
	}
	defer unlock()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		b, err := json.Marshal(compute())
		if err != nil {
			return zero, fmt.Errorf("encode %s: %w", name, err)
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return zero, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return zero, err
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return zero, err
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return zero, fmt.Errorf("decode %s: %w", name, err)
	}
	return v, nil
}

// lockFile takes an exclusive flock(2) on path, waiting for it until ctx
// ends; a process that dies releases its locks.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() {
				_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

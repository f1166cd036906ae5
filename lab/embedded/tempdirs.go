package embedded

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tempPrefix names the temporary data dirs of stacks started without
// WithDataDir.
const tempPrefix = "ctalab-embedded-"

// ownerFile, inside a temporary data dir, names the process that owns it:
// "<pid> <start time in clock ticks since boot>", so that a reused pid is
// not taken for the owner.
const ownerFile = "owner"

// markOwner records this process as the owner of a temporary data dir.
func markOwner(dir string) error {
	start, err := processStart(os.Getpid())
	if err != nil {
		return fmt.Errorf("mark data dir owner: %w", err)
	}
	line := fmt.Sprintf("%d %d\n", os.Getpid(), start)
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(line), 0o644); err != nil {
		return fmt.Errorf("mark data dir owner: %w", err)
	}
	return nil
}

// removeOrphans removes the temporary data dirs under root whose owner
// has died without removing them (a stack whose process was killed). A
// dir without an owner file is left alone: its owner may be writing it.
func removeOrphans(root string, log *slog.Logger) {
	dirs, err := filepath.Glob(filepath.Join(root, tempPrefix+"*"))
	if err != nil {
		return
	}
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		if ownerAlive(strings.TrimSpace(string(b))) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			log.Warn("could not remove the data dir of a stack whose process died", "dir", dir, "err", err)
			continue
		}
		log.Info("removed the data dir of a stack whose process died", "dir", dir)
	}
}

// ownerAlive reports whether the process an owner line names still runs.
// An unreadable line counts as alive, so nothing is removed on a guess.
func ownerAlive(line string) bool {
	pidText, startText, ok := strings.Cut(line, " ")
	pid, err1 := strconv.Atoi(pidText)
	start, err2 := strconv.ParseUint(startText, 10, 64)
	if !ok || err1 != nil || err2 != nil || pid <= 0 {
		return true
	}
	now, err := processStart(pid)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		return true
	}
	return now == start
}

// processStart returns a process's start time (field 22 of
// /proc/<pid>/stat, in clock ticks since boot).
func processStart(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	// Fields after the command name start with field 3 (state).
	fields := strings.Fields(s[i+1:])
	const startField = 22 - 3
	if len(fields) <= startField {
		return 0, fmt.Errorf("parse /proc/%d/stat: %d fields", pid, len(fields))
	}
	if fields[0] == "Z" {
		return 0, fs.ErrNotExist
	}
	return strconv.ParseUint(fields[startField], 10, 64)
}

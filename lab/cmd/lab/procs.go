package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// servingPIDs finds the "lab serve" processes whose data dir is this
// command's, by their command lines: what "lab down" stops when the state
// file cannot tell it.
func (l *labCtl) servingPIDs() []int {
	want, err := filepath.Abs(l.dir)
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() || !alive(pid) {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		dir, ok := serveDataDir(strings.Split(string(bytes.TrimRight(cmdline, "\x00")), "\x00"))
		if !ok {
			continue
		}
		if !filepath.IsAbs(dir) {
			cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
			if err != nil {
				continue
			}
			dir = filepath.Join(cwd, dir)
		}
		if filepath.Clean(dir) == want {
			pids = append(pids, pid)
		}
	}
	return pids
}

// serveDataDir reads the data dir of a "lab serve" command line.
func serveDataDir(argv []string) (string, bool) {
	if len(argv) < 2 || filepath.Base(argv[0]) != "lab" || argv[1] != "serve" {
		return "", false
	}
	dir := ".lab"
	for i := 2; i < len(argv); i++ {
		a := strings.TrimPrefix(argv[i], "-")
		switch {
		case a == "-data-dir" || a == "data-dir":
			if i+1 < len(argv) {
				dir = argv[i+1]
				i++
			}
		case strings.HasPrefix(a, "-data-dir=") || strings.HasPrefix(a, "data-dir="):
			_, dir, _ = strings.Cut(a, "=")
		}
	}
	return dir, true
}

func joinPIDs(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ")
}

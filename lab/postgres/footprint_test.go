package postgres

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// A lab's PostgreSQL holds one small table: it runs the server processes
// that needs (postmaster, checkpointer, background writer, WAL writer) and
// none of the workers a production database wants, with small shared
// buffers, so that it costs the lab little memory.
func TestTheLabsPostgreSQLRunsOnlyTheProcessesASmallDatabaseNeeds(t *testing.T) {
	ctx := testContext(t)
	s, err := Start(ctx)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	url := s.SuperuserURL("postgres")
	for setting, want := range map[string]string{"shared_buffers": "4MB", "max_connections": "20", "autovacuum": "off", "max_logical_replication_workers": "0", "max_wal_senders": "0"} {
		if got := query(ctx, t, url, "SHOW "+setting); got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	// A client's backend ("postgres: user db host(port) state") may linger
	// a moment after its connection closed, and one that has exited but
	// is not reaped yet has no command line at all: the server's own
	// processes are the rest.
	var got []string
	for _, title := range childTitles(t, s.proc.cmd.Process.Pid) {
		if title != "" && !strings.Contains(title, "127.0.0.1(") {
			got = append(got, title)
		}
	}
	want := []string{"postgres: background writer", "postgres: checkpointer", "postgres: walwriter"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("the server's processes: %q, want %q", got, want)
	}
}

// childTitles returns the process titles of pid's children, sorted.
func childTitles(t *testing.T, pid int) []string {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue // gone
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses
		rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
		f := strings.Fields(rest)
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join(filepath.Dir(st), "cmdline"))
		if err != nil {
			continue
		}
		titles = append(titles, strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " ")))
	}
	sort.Strings(titles)
	return titles
}

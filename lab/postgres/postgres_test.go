package postgres

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// reachableDir returns a fresh directory the unprivileged server user can
// reach: the testing package creates its directories with mode 0700, which
// a server running as another user could not traverse.
func reachableDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for _, p := range []string{d, filepath.Dir(d)} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatalf("chmod %s: %v", p, err)
		}
	}
	return d
}

func query(ctx context.Context, t *testing.T, url, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(ctx)
	var out string
	if err := conn.QueryRow(ctx, sql).Scan(&out); err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return out
}

func execSQL(ctx context.Context, t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func TestServerLifecycle(t *testing.T) {
	ctx := testContext(t)
	s, err := Start(ctx)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })

	if s.Port() == 0 || s.Addr() != net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port())) {
		t.Fatalf("Addr() = %q, Port() = %d", s.Addr(), s.Port())
	}
	url := s.SuperuserURL("postgres")
	if !strings.HasPrefix(url, "postgres://postgres:"+s.SuperuserPassword()+"@"+s.Addr()+"/postgres") {
		t.Fatalf("SuperuserURL = %q", url)
	}
	if got := query(ctx, t, url, "SHOW listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", got)
	}
	if got := query(ctx, t, url, "SHOW unix_socket_directories"); got != "" {
		t.Errorf("unix_socket_directories = %q, want sockets disabled", got)
	}

	// TCP connections need the password: a wrong one is refused.
	_, err = pgx.Connect(ctx, s.URL("postgres", "wrong", "postgres"))
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Fatalf("connect with wrong password: err = %v, want SQLSTATE 28P01", err)
	}

	execSQL(ctx, t, url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives restart')")
	pid := s.pid()
	dataDir := s.DataDir()
	port := s.Port()

	if err := s.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if processAlive(pid) {
		t.Fatalf("postgres pid %d still running after Stop", pid)
	}
	if _, err := pgx.Connect(ctx, url); err == nil {
		t.Fatalf("connect after Stop succeeded")
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		t.Fatalf("data dir gone after Stop: %v", err)
	}

	if err := s.Start(ctx); err != nil {
		t.Fatalf("Start again: %v", err)
	}
	if s.Port() != port {
		t.Fatalf("port after restart = %d, want %d", s.Port(), port)
	}
	if got := query(ctx, t, url, "SELECT v FROM kept"); got != "survives restart" {
		t.Fatalf("row after restart = %q", got)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatalf("Start while running: %v", err)
	}

	pid = s.pid()
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if processAlive(pid) {
		t.Fatalf("postgres pid %d still running after Close", pid)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary data dir %s not removed by Close: %v", dataDir, err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Start(ctx); err == nil {
		t.Fatalf("Start after Close succeeded")
	}
}

func TestConfiguredDataDirIsKeptAndReused(t *testing.T) {
	ctx := testContext(t)
	dir := filepath.Join(reachableDir(t), "pg")
	s, err := Start(ctx, WithDataDir(dir), WithSuperuser("boss", "s3cr:t@x"))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	url := s.SuperuserURL("postgres")
	if got := query(ctx, t, url, "SELECT current_user"); got != "boss" {
		t.Fatalf("current_user = %q, want boss", got)
	}
	if got := query(ctx, t, url, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"); got != "true" {
		t.Fatalf("boss is not a superuser: %q", got)
	}
	execSQL(ctx, t, url, "CREATE DATABASE reused")
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Fatalf("configured data dir removed by Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, LogFile)); err != nil {
		t.Fatalf("server log missing: %v", err)
	}

	s2, err := Start(ctx, WithDataDir(dir), WithSuperuser("boss", "s3cr:t@x"))
	if err != nil {
		t.Fatalf("Start on existing cluster: %v", err)
	}
	t.Cleanup(func() { _ = s2.Close(context.Background()) })
	if got := query(ctx, t, s2.SuperuserURL("reused"), "SELECT current_database()"); got != "reused" {
		t.Fatalf("database after reuse = %q", got)
	}
}

func TestStartOnTakenPortReportsServerLog(t *testing.T) {
	ctx := testContext(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	s, err := Start(ctx, WithPort(port))
	if err == nil {
		_ = s.Close(ctx)
		t.Fatalf("Start on taken port %d succeeded", port)
	}
	if !strings.Contains(err.Error(), "could not bind") {
		t.Fatalf("error does not carry the server log tail: %v", err)
	}
}

func TestMissingBinariesSayWhatToInstall(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty)
	old := libRoot
	libRoot = empty
	t.Cleanup(func() { libRoot = old })

	_, err := Start(testContext(t))
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	if !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Fatalf("error does not say what to install: %v", err)
	}
}

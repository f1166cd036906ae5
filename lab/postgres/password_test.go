package postgres

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The superuser is reachable over TCP, and a superuser can run programs on
// the server (COPY ... TO PROGRAM), so its password must not be one anybody
// can guess: without WithSuperuser each data dir gets its own random one.
func TestSuperuserPasswordIsRandomPerDataDir(t *testing.T) {
	ctx := testContext(t)
	root := reachableDir(t)
	a, err := Start(ctx, WithDataDir(filepath.Join(root, "a")))
	if err != nil {
		t.Fatalf("Start a: %v", err)
	}
	t.Cleanup(func() { _ = a.Close(context.Background()) })
	b, err := Start(ctx, WithDataDir(filepath.Join(root, "b")))
	if err != nil {
		t.Fatalf("Start b: %v", err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })

	pa, pb := a.SuperuserPassword(), b.SuperuserPassword()
	if len(pa) < 20 || len(pb) < 20 || pa == pb {
		t.Fatalf("passwords %q and %q: want two different passwords of 20 or more characters", pa, pb)
	}
	for _, guess := range []string{"postgres", "", pb} {
		refusedLogin(ctx, t, a.URL(DefaultSuperuser, guess, "postgres"))
	}
	if got := query(ctx, t, a.SuperuserURL("postgres"), "SELECT current_user"); got != DefaultSuperuser {
		t.Fatalf("current_user = %q", got)
	}

	// The password belongs to the data dir: a restart on the same dir uses it.
	if err := a.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	again, err := Start(ctx, WithDataDir(filepath.Join(root, "a")))
	if err != nil {
		t.Fatalf("Start a again: %v", err)
	}
	t.Cleanup(func() { _ = again.Close(context.Background()) })
	if again.SuperuserPassword() != pa {
		t.Fatalf("password after restart = %q, want the data dir's %q", again.SuperuserPassword(), pa)
	}
	query(ctx, t, again.SuperuserURL("postgres"), "SELECT 1::text")
}

// A data dir initialised before passwords were random has the superuser
// postgres/postgres; starting on it replaces that password with a random
// one.
func TestGuessablePasswordOfAnOlderDataDirIsReplaced(t *testing.T) {
	ctx := testContext(t)
	dir := filepath.Join(reachableDir(t), "old")
	old, err := Start(ctx, WithDataDir(dir), WithSuperuser(DefaultSuperuser, legacyPassword))
	if err != nil {
		t.Fatalf("Start with the old credentials: %v", err)
	}
	if err := old.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, passwordFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("explicit credentials wrote a password file: %v", err)
	}

	s, err := Start(ctx, WithDataDir(dir))
	if err != nil {
		t.Fatalf("Start on the older data dir: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if s.SuperuserPassword() == legacyPassword || len(s.SuperuserPassword()) < 20 {
		t.Fatalf("password = %q, want a new random one", s.SuperuserPassword())
	}
	refusedLogin(ctx, t, s.URL(DefaultSuperuser, legacyPassword, "postgres"))
	query(ctx, t, s.SuperuserURL("postgres"), "SELECT 1::text")
}

func refusedLogin(ctx context.Context, t *testing.T, url string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err == nil {
		conn.Close(ctx)
		t.Fatalf("login with %s succeeded, want it refused", url)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Fatalf("login with a wrong password: err = %v, want SQLSTATE 28P01", err)
	}
}

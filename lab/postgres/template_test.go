package postgres

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// logBuffer collects a logger's records for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

// startFromCache starts a server on a temporary data dir with the given
// template cache and returns it with what it logged.
func startFromCache(ctx context.Context, t *testing.T, cache string, opts ...Option) (*Server, string) {
	t.Helper()
	var logs logBuffer
	s, err := Start(ctx, append([]Option{WithTemplateCache(cache), WithLogger(logs.logger())}, opts...)...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s, logs.String()
}

func TestASecondClusterIsCopiedFromTheCachedTemplateAndOpensOnlyWithItsOwnPassword(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")

	first, logs := startFromCache(ctx, t, cache)
	if !strings.Contains(logs, "initialising PostgreSQL cluster") {
		t.Fatalf("the first cluster was not made by initdb; log:\n%s", logs)
	}
	second, logs := startFromCache(ctx, t, cache)
	if strings.Contains(logs, "initialising PostgreSQL cluster") || !strings.Contains(logs, "copied the cached PostgreSQL cluster template") {
		t.Fatalf("the second cluster was not copied from the template; log:\n%s", logs)
	}

	if got := query(ctx, t, second.SuperuserURL("postgres"), "SELECT current_user"); got != DefaultSuperuser {
		t.Fatalf("current_user = %q, want %s", got, DefaultSuperuser)
	}
	if got := query(ctx, t, second.SuperuserURL("postgres"), "SELECT count(*)::text FROM pg_database WHERE datname = 'template1'"); got != "1" {
		t.Fatalf("the copied cluster has no template1 database: %q", got)
	}
	if first.SuperuserPassword() == second.SuperuserPassword() {
		t.Fatal("both clusters have the same superuser password")
	}
	conn, err := pgx.Connect(ctx, second.URL(DefaultSuperuser, first.SuperuserPassword(), "postgres"))
	if err == nil {
		_ = conn.Close(ctx)
		t.Fatal("the second cluster opens with the first one's (the template's) password")
	}
	b, err := os.ReadFile(filepath.Join(second.DataDir(), passwordFile))
	if err != nil || strings.TrimSpace(string(b)) != second.SuperuserPassword() {
		t.Fatalf("the second cluster's password file holds %q (%v), want its own password", b, err)
	}
}

func TestAClusterCopiedFromTheTemplateTakesTheGivenSuperuserAndPassword(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	startFromCache(ctx, t, cache, WithSuperuser("boss", "s3cr:t@x"))
	second, logs := startFromCache(ctx, t, cache, WithSuperuser("boss", "s3cr:t@x"))
	if !strings.Contains(logs, "copied the cached PostgreSQL cluster template") {
		t.Fatalf("the second cluster was not copied from the template; log:\n%s", logs)
	}
	if got := query(ctx, t, second.URL("boss", "s3cr:t@x", "postgres"), "SELECT current_user"); got != "boss" {
		t.Fatalf("current_user = %q, want boss", got)
	}
	if _, err := os.Stat(filepath.Join(second.DataDir(), passwordFile)); err == nil {
		t.Fatal("a cluster with a given password keeps a password file")
	}
}

func TestAClusterOfAnotherSuperuserIsNotCopiedFromATemplateMadeForPostgres(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	startFromCache(ctx, t, cache)
	_, logs := startFromCache(ctx, t, cache, WithSuperuser("boss", "s3cr:t@x"))
	if !strings.Contains(logs, "initialising PostgreSQL cluster") {
		t.Fatalf("a cluster for superuser boss was copied from postgres's template; log:\n%s", logs)
	}
}

func TestWithoutATemplateCacheEveryClusterIsMadeByInitdb(t *testing.T) {
	ctx := testContext(t)
	for range 2 {
		_, logs := startFromCache(ctx, t, "")
		if !strings.Contains(logs, "initialising PostgreSQL cluster") {
			t.Fatalf("a cluster without a template cache was not made by initdb; log:\n%s", logs)
		}
	}
}

// A template no lab has copied for staleTemplateAge (another PostgreSQL
// version's, or one a newer lab no longer uses) is removed when a lab
// copies or saves one; a template in use stays.
func TestTemplatesUnusedForAMonthAreRemoved(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	startFromCache(ctx, t, cache) // makes the current template
	stale := filepath.Join(cache, "cluster-0000000000000000")
	recent := filepath.Join(cache, "cluster-1111111111111111")
	for _, dir := range []string{stale, recent} {
		if err := os.MkdirAll(filepath.Join(dir, "base"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-staleTemplateAge - time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	startFromCache(ctx, t, cache) // copies the current template
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a template unused since %s is still there (%v)", old.Format(time.DateOnly), err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recently used template was removed: %v", err)
	}
	current, err := filepath.Glob(filepath.Join(cache, "cluster-*"))
	if err != nil || len(current) != 2 {
		t.Errorf("templates left: %v (%v), want the current one and the recent one", current, err)
	}
}

package postgres

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// seedTable makes a table the way a lab's seed would, and counts its calls.
func seedTable(calls *atomic.Int32) func(context.Context, string) error {
	return func(ctx context.Context, url string) error {
		calls.Add(1)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE TABLE seeded (v text); INSERT INTO seeded VALUES ('from the seed')")
		return err
	}
}

// With a seed, the cached template holds what the seed made: the first
// cluster runs the seed before it is kept, and later ones are copies that
// hold the seeded data without running it. Another seed gets a template of
// its own.
func TestASeededTemplateHoldsWhatTheSeedMade(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	var calls atomic.Int32

	first, _ := startFromCache(ctx, t, cache, WithTemplateSeed("tables-v1", seedTable(&calls)))
	if got := query(ctx, t, first.SuperuserURL("postgres"), "SELECT v FROM seeded"); got != "from the seed" {
		t.Fatalf("the first cluster holds %q, want the seeded row", got)
	}
	if calls.Load() != 1 {
		t.Fatalf("the seed ran %d times for the first cluster, want 1", calls.Load())
	}

	second, logs := startFromCache(ctx, t, cache, WithTemplateSeed("tables-v1", seedTable(&calls)))
	if !strings.Contains(logs, "copied the cached PostgreSQL cluster template") {
		t.Fatalf("the second cluster was not copied from the template; log:\n%s", logs)
	}
	if got := query(ctx, t, second.SuperuserURL("postgres"), "SELECT v FROM seeded"); got != "from the seed" {
		t.Fatalf("the copy holds %q, want the seeded row", got)
	}
	if calls.Load() != 1 {
		t.Errorf("the seed ran again for a copy (%d calls)", calls.Load())
	}
	if second.SuperuserPassword() == first.SuperuserPassword() {
		t.Error("the copy opens with the first cluster's password")
	}

	startFromCache(ctx, t, cache, WithTemplateSeed("tables-v2", seedTable(&calls)))
	if calls.Load() != 2 {
		t.Errorf("another seed's cluster ran the seed %d times in all, want 2", calls.Load())
	}
}

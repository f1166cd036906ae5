package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/postgres"
)

// Once a served lab is ready it leaves a spare copy of PostgreSQL's
// cluster template in the cache, and the next lab takes that spare
// instead of copying the template.
func TestAServedLabLeavesASparePostgreSQLClusterThatTheNextLabTakes(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(postgres.CacheDirEnv, cache)
	spares := filepath.Join(cache, "postgres", "spare-*")
	for i, want := range []string{"initialising PostgreSQL cluster", "took a spare copy of the PostgreSQL cluster template"} {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--data-dir", labDir(t), "--port-offset", fmt.Sprint(freeOffset(t))}, &stdout, &stderr)
		}()
		deadline := time.Now().Add(time.Minute)
		for {
			found, _ := filepath.Glob(spares)
			if strings.Contains(stderr.String(), "embedded stack ready") && len(found) > 0 {
				break
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("lab %d: no spare cluster in the cache a minute after the start; stderr:\n%s", i+1, stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("lab %d exited %d; stderr:\n%s", i+1, code, stderr.String())
			}
		case <-time.After(time.Minute):
			t.Fatalf("lab %d did not stop a minute after the interrupt", i+1)
		}
		if !strings.Contains(stderr.String(), want) {
			t.Fatalf("lab %d did not log %q; stderr:\n%s", i+1, want, stderr.String())
		}
	}
}

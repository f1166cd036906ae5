package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/postgres"
)

// A serve that starts the embedded stack in-process leaves a spare copy of
// PostgreSQL's cluster template once the stack is up, as the lab CLI does
// (lab/postgres/spare.go): the next serve takes it instead of copying the
// template.
func TestServeLeavesASparePostgreSQLClusterThatTheNextServeTakes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole embedded stack")
	}
	noStackConfigured(t)
	t.Setenv("CTALAB_PORT_OFFSET", "")
	t.Setenv("CTALAB_LISTEN", "")
	cache := t.TempDir()
	t.Setenv(postgres.CacheDirEnv, cache)
	spares := filepath.Join(cache, "postgres", "spare-*")
	for i, want := range []string{"initialising PostgreSQL cluster", "took a spare copy of the PostgreSQL cluster template"} {
		offset, err := embedded.FreeOffset()
		if err != nil {
			t.Fatal(err)
		}
		r := startServe(t, "--port-offset", strconv.Itoa(offset), "--listen", "127.0.0.1:0", "--pace", "max")
		r.waitLog(`msg="embedded stack ready"`)
		deadline := time.Now().Add(time.Minute)
		for {
			if found, _ := filepath.Glob(spares); len(found) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve %d: no spare cluster in the cache a minute after the stack was ready:\n%s", i+1, r.stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if code := r.stop(); code != 0 {
			t.Fatalf("serve %d exited %d after Ctrl-C:\n%s", i+1, code, r.stderr.String())
		}
		if !strings.Contains(r.stderr.String(), want) {
			t.Fatalf("serve %d did not log %q:\n%s", i+1, want, r.stderr.String())
		}
	}
}

package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// spares lists the complete spare clusters in cache.
func spares(t *testing.T, cache string) []string {
	t.Helper()
	got, err := filepath.Glob(filepath.Join(cache, sparePrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// treeDigest hashes every path, permission and file content under dir.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %s\n", strings.TrimPrefix(p, dir), info.Mode())
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			_, err = io.Copy(h, f)
			_ = f.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestTheNextClusterTakesThePreparedSpareInsteadOfCopyingTheTemplate(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	first, logs := startFromCache(ctx, t, cache)
	if !strings.Contains(logs, "initialising PostgreSQL cluster") {
		t.Fatalf("the first cluster was not made by initdb; log:\n%s", logs)
	}
	first.PrepareSpare()
	first.waitSpare()
	ready := spares(t, cache)
	if len(ready) != 1 {
		t.Fatalf("after the first start the cache holds spares %v, want one", ready)
	}

	second, logs := startFromCache(ctx, t, cache)
	if !strings.Contains(logs, "took a spare copy of the PostgreSQL cluster template") || strings.Contains(logs, "initialising PostgreSQL cluster") {
		t.Fatalf("the second cluster was not the spare; log:\n%s", logs)
	}
	if _, err := os.Stat(ready[0]); !os.IsNotExist(err) {
		t.Fatalf("the spare %s the second cluster took is still in the cache (%v)", ready[0], err)
	}
	second.PrepareSpare()
	second.waitSpare()
	if got := spares(t, cache); len(got) != 1 || got[0] == ready[0] {
		t.Fatalf("after the second start the cache holds spares %v, want one other than %s", got, ready[0])
	}
	// The spare's cluster opens only with a password of its own, as a
	// copy of the template does.
	if got := query(ctx, t, second.SuperuserURL("postgres"), "SELECT current_user"); got != DefaultSuperuser {
		t.Fatalf("current_user = %q, want %s", got, DefaultSuperuser)
	}
	if first.SuperuserPassword() == second.SuperuserPassword() {
		t.Fatal("the spare's cluster has the first cluster's password")
	}
	tmpl, err := os.ReadFile(filepath.Join(first.mustTemplateDir(t), passwordFile))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, second.URL(DefaultSuperuser, strings.TrimSpace(string(tmpl)), "postgres"))
	if err == nil {
		_ = conn.Close(ctx)
		t.Fatal("the spare's cluster opens with the template's password")
	}
}

// A lab's data must never reach the template, nor the spare the next lab
// takes: PostgreSQL writes its relation files in place (PostgreSQL 15
// docs, storage-file-layout.html: each table is a file under base/), so
// each cluster must own its files.
func TestWritesToAClusterMadeFromASpareReachNeitherTheTemplateNorTheNextCluster(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	first, _ := startFromCache(ctx, t, cache)
	first.PrepareSpare()
	first.waitSpare()
	tmplDir := first.mustTemplateDir(t)
	before := treeDigest(t, tmplDir)

	second, _ := startFromCache(ctx, t, cache)
	second.PrepareSpare()
	second.waitSpare()
	url := second.SuperuserURL("postgres")
	execSQL(ctx, t, url, "CREATE TABLE lab_private AS SELECT g AS n FROM generate_series(1, 1000) g")
	execSQL(ctx, t, url, "UPDATE pg_database SET datallowconn = true WHERE datname = 'template0'")
	execSQL(ctx, t, url, "CHECKPOINT")
	if err := second.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	if after := treeDigest(t, tmplDir); after != before {
		t.Fatal("the template changed while a cluster made from a spare was written")
	}
	third, logs := startFromCache(ctx, t, cache)
	if !strings.Contains(logs, "took a spare copy of the PostgreSQL cluster template") {
		t.Fatalf("the third cluster was not a spare; log:\n%s", logs)
	}
	if got := query(ctx, t, third.SuperuserURL("postgres"), "SELECT count(*)::text FROM pg_class WHERE relname = 'lab_private'"); got != "0" {
		t.Fatal("the next cluster holds the table written in the previous one")
	}
	if got := query(ctx, t, third.SuperuserURL("postgres"), "SELECT datallowconn::text FROM pg_database WHERE datname = 'template0'"); got != "false" {
		t.Fatal("the next cluster holds the catalog change made in the previous one")
	}
}

func TestTwoClustersStartedAtOnceNeverShareASpare(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	first, _ := startFromCache(ctx, t, cache)
	first.PrepareSpare()
	first.waitSpare()

	servers := make([]*Server, 2)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() {
			s, err := Start(ctx, WithTemplateCache(cache))
			if err != nil {
				t.Errorf("Start: %v", err)
				return
			}
			servers[i] = s
		})
	}
	wg.Wait()
	for _, s := range servers {
		if s != nil {
			t.Cleanup(func() { _ = s.Close(context.Background()) })
		}
	}
	if t.Failed() {
		return
	}
	execSQL(ctx, t, servers[0].SuperuserURL("postgres"), "CREATE TABLE only_in_a (n int)")
	if got := query(ctx, t, servers[1].SuperuserURL("postgres"), "SELECT count(*)::text FROM pg_class WHERE relname = 'only_in_a'"); got != "0" {
		t.Fatal("a table made in one cluster shows in the other: they share files")
	}
}

func TestClosingAServerLeavesNoHalfWrittenSpare(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	s, _ := startFromCache(ctx, t, cache)
	s.PrepareSpare()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), newSparePrefix) {
			t.Fatalf("the cache holds %s after Close returned", e.Name())
		}
	}
}

func TestStartAlonePreparesNoSpare(t *testing.T) {
	ctx := testContext(t)
	cache := filepath.Join(reachableDir(t), "cache")
	startFromCache(ctx, t, cache)
	startFromCache(ctx, t, cache)
	if got := spares(t, cache); len(got) != 0 {
		t.Fatalf("the cache holds spares %v though PrepareSpare was not called", got)
	}
}

func (s *Server) mustTemplateDir(t *testing.T) string {
	t.Helper()
	dir, err := s.templateDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

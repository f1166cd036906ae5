package postgres

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A data dir an older lab made (initdb's default 16 MB WAL segments, no
// seed) still starts: the settings the server runs with do not depend on
// how the cluster was made.
func TestAClusterWithTheDefaultWALSegmentSizeStillStarts(t *testing.T) {
	ctx := testContext(t)
	bins, err := findBinaries("")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := serverAccount(ctx, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	root := reachableDir(t)
	dir := filepath.Join(root, "old")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	pwFile := filepath.Join(root, "pw")
	if err := os.WriteFile(pwFile, []byte("old-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, pwFile} {
		if err := acct.chown(p); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(ctx, bins.initdb, "--pgdata="+dir, "--pwfile="+pwFile, "--username=postgres", "--auth=scram-sha-256", "--no-sync")
	cmd.SysProcAttr = acct.sysProcAttr()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s, err := Start(ctx, WithDataDir(dir), WithSuperuser("postgres", "old-secret"), WithTemplateCache(""))
	if err != nil {
		t.Fatalf("Start on a cluster with 16 MB WAL segments: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if got := query(ctx, t, s.SuperuserURL("postgres"), "SHOW wal_segment_size"); got != "16MB" {
		t.Errorf("wal_segment_size = %s, want the cluster's 16MB", got)
	}
}

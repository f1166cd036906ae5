package embedded_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
)

// childEnv makes this test binary start a stack with a temporary data dir,
// print the dir, and wait to be killed.
const childEnv = "CTALAB_EMBEDDED_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "start-and-wait" {
		s, err := embedded.Start(context.Background(), embedded.WithoutPostgres())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("DATA_DIR=%s\n", s.DataDir())
		select {}
	}
	os.Exit(m.Run())
}

// A stack started in-process without a data dir uses a temporary one; when
// its process is killed it cannot remove it, so the next stack started on
// the machine does.
func TestTheNextStartRemovesTheTempDirOfAKilledStack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.CommandContext(ctx, self, "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=start-and-wait")
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	var dir string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "DATA_DIR="); ok {
			dir = d
			break
		}
	}
	if dir == "" || !strings.HasPrefix(filepath.Base(dir), "ctalab-embedded-") {
		t.Fatalf("the child stack's data dir = %q (scan: %v)", dir, sc.Err())
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the killed stack's data dir should still be there before the next start: %v", err)
	}

	// A dir whose owner is alive (this process) is kept.
	mine, err := embedded.Start(ctx, embedded.WithoutPostgres())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the killed stack's data dir %s is still there after the next start: %v", dir, err)
	}
	next, err := embedded.Start(ctx, embedded.WithoutPostgres())
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close(context.Background())
	if _, err := os.Stat(mine.DataDir()); err != nil {
		t.Errorf("a running stack's data dir was removed: %v", err)
	}
	if err := mine.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mine.DataDir()); !os.IsNotExist(err) {
		t.Errorf("Close left the temporary data dir %s: %v", mine.DataDir(), err)
	}
}

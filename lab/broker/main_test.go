package broker

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv, when set, makes the test binary run a broker instead of the
// tests: a process the tests can kill with SIGKILL. Its value is the data
// dir; childAddrEnv the address to listen on, childIntervalEnv the
// compaction interval.
const (
	childEnv         = "CTALAB_BROKER_TEST_CHILD_DATA_DIR"
	childAddrEnv     = "CTALAB_BROKER_TEST_CHILD_ADDR"
	childIntervalEnv = "CTALAB_BROKER_TEST_CHILD_COMPACTION_INTERVAL"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(runChild(dir))
	}
	os.Exit(m.Run())
}

// runChild runs a broker until its stdin closes, saying "ready <addr>"
// once it listens.
func runChild(dir string) int {
	interval, err := time.ParseDuration(os.Getenv(childIntervalEnv))
	if err != nil {
		interval = DefaultCompactionInterval
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := Start(context.Background(), WithDataDir(dir), WithListenAddr(os.Getenv(childAddrEnv)), WithCompactionInterval(interval), WithLogger(logger))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("ready %s\n", b.Addrs()[0])
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := b.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childBroker is a broker in a process of its own.
type childBroker struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
	done  chan struct{}
}

// startChild starts a broker process on dir (and addr, "" for any port).
func startChild(t *testing.T, dir, addr string, compaction time.Duration) *childBroker {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir, childAddrEnv+"="+addr, childIntervalEnv+"="+compaction.String())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &childBroker{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(c.kill)
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "ready ") {
		t.Fatalf("the broker process did not start: %q", sc.Text())
	}
	c.addr = strings.TrimPrefix(sc.Text(), "ready ")
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *childBroker) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

package readme

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
)

// commandTimeout bounds each foreground command.
const commandTimeout = 2 * time.Minute

// outputTimeout bounds the wait for a background command's expected lines.
const outputTimeout = 150 * time.Second

// dashboardPort is the dashboard's standard port, moved like the others.
const dashboardPort = 8888

func TestEveryREADMECommandWorksAndPrintsWhatTheREADMEShows(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's commands against a lab")
	}
	root := repoRoot(t)
	md, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := Parse(md)
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, root)
	defer r.close()
	r.runAll(blocks)
	for _, f := range r.failures {
		t.Error(f)
	}
}

// The spec's own promise: a README whose command fails, or prints other
// than its output block shows, is reported, naming the line.
func TestABrokenCommandOrAWrongOutputBlockIsReported(t *testing.T) {
	md := []byte("# x\n\n```sh\necho ready after=1.25s\nfalse\n```\n\n<!-- output of: echo ready after=1.25s -->\n```\nready after=3s\ngone\n```\n")
	blocks, err := Parse(md)
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, dir: t.TempDir(), env: os.Environ()}
	r.runAll(blocks)
	if len(r.failures) != 2 {
		t.Fatalf("%d failures, want 2 (false's exit status, the missing line \"gone\"): %q", len(r.failures), r.failures)
	}
	if !strings.Contains(r.failures[0], "README line 3") || !strings.Contains(r.failures[0], `"false": exit status 1`) {
		t.Errorf("first failure %q, want README line 3 and false's exit status", r.failures[0])
	}
	if !strings.Contains(r.failures[1], "README line 9") || !strings.Contains(r.failures[1], "gone") || strings.Contains(r.failures[1], "\n  ready after") {
		t.Errorf("second failure %q, want README line 9 naming the one missing line, gone", r.failures[1])
	}
}

// runner runs a README's blocks in a scratch copy of the repository.
type runner struct {
	t      *testing.T
	dir    string // the scratch copy
	offset int
	env    []string // for every command
	lab    []string // added for every command but serve
	ports  map[int]int

	ran   []*proc // every command started, in order
	bg    *proc   // the running serve, if any
	began time.Time

	failures []string
}

// proc is a command's run: its output so far and, once it ended, its exit.
type proc struct {
	cmd  string
	out  syncBuffer
	cmdx *exec.Cmd
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func newRunner(t *testing.T, root string) *runner {
	t.Helper()
	r := &runner{t: t}
	// The lab's PostgreSQL runs as user postgres when the spec runs as
	// root: the scratch dir must be searchable by others.
	tmp := t.TempDir()
	for _, d := range []string{filepath.Dir(tmp), tmp} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r.dir = filepath.Join(tmp, "ctalab")
	if err := copyRepo(root, r.dir); err != nil {
		t.Fatal(err)
	}
	var err error
	if r.offset, err = freeOffset(); err != nil {
		t.Fatal(err)
	}
	r.ports = map[int]int{dashboardPort: dashboardPort + r.offset}
	for _, p := range embedded.StandardPorts.List() {
		r.ports[p] = p + r.offset
	}
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(r.dir, ".readme-bin")
	shim := filepath.Join(r.dir, ".readme-shim")
	for _, d := range []string{bin, shim} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, pkg := range map[string]string{"app": "./app", "lab": "./lab/cmd/lab"} {
		build := exec.Command(realGo, "build", "-o", filepath.Join(bin, name), pkg)
		build.Dir = r.dir
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	script := fmt.Sprintf(`#!/bin/sh
# go run ./app and go run ./lab/cmd/lab run the binaries built from this copy.
if [ "$1" = run ] && [ "$2" = ./app ]; then shift 2; exec %[1]q/app "$@"; fi
if [ "$1" = run ] && [ "$2" = ./lab/cmd/lab ]; then shift 2; exec %[1]q/lab "$@"; fi
exec %[2]q "$@"
`, bin, realGo)
	if err := os.WriteFile(filepath.Join(shim, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CTALAB_") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "LAB_FLAGS=") && !strings.HasPrefix(kv, "LAB_STACK=") {
			r.env = append(r.env, kv)
		}
	}
	r.env = append(r.env,
		"PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"),
		fmt.Sprintf("CTALAB_PORT_OFFSET=%d", r.offset),
		fmt.Sprintf("CTALAB_LISTEN=127.0.0.1:%d", dashboardPort+r.offset),
		fmt.Sprintf("LAB_FLAGS=--port-offset %d", r.offset),
	)
	sp := embedded.StandardPorts.Shifted(r.offset)
	r.lab = []string{
		fmt.Sprintf("CTALAB_BROKERS=localhost:%d", sp.Kafka),
		fmt.Sprintf("CTALAB_SCHEMA_REGISTRY=http://localhost:%d", sp.SchemaRegistry),
		fmt.Sprintf("CTALAB_KSQLDB=http://localhost:%d", sp.KSQLDB),
	}
	t.Logf("README commands run in %s with every standard port moved by %d", r.dir, r.offset)
	return r
}

// copyRepo copies the repository's tracked and untracked, not ignored
// files (what a clone plus the reader's edits holds) to dst.
func copyRepo(root, dst string) error {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("list the repository's files: %w", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		fi, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, rel), data, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

var hostPortRE = regexp.MustCompile(`\b(localhost|127\.0\.0\.1):([0-9]+)\b`)

// moved returns cmd with every standard port moved by the offset.
func (r *runner) moved(cmd string) string {
	return hostPortRE.ReplaceAllStringFunc(cmd, func(s string) string {
		m := hostPortRE.FindStringSubmatch(s)
		p, _ := strconv.Atoi(m[2])
		if q, ok := r.ports[p]; ok {
			return m[1] + ":" + strconv.Itoa(q)
		}
		return s
	})
}

func isServe(cmd string) bool { return strings.HasPrefix(cmd, "go run ./app serve") }

// stopsTheServe reports whether a reader would stop a running serve
// before cmd: it starts or stops a stack.
func stopsTheServe(cmd string) bool {
	return isServe(cmd) || strings.HasPrefix(cmd, "make lab-up") || strings.HasPrefix(cmd, "make lab-down")
}

func (r *runner) start(cmd string) *proc {
	p := &proc{cmd: cmd, done: make(chan struct{})}
	c := exec.Command("bash", "-c", r.moved(cmd))
	c.Dir = r.dir
	c.Env = r.env
	if !isServe(cmd) {
		c.Env = append(append([]string{}, r.env...), r.lab...)
	}
	c.Stdout, c.Stderr = &p.out, &p.out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmdx = c
	if err := c.Start(); err != nil {
		p.err = err
		close(p.done)
		return p
	}
	go func() { p.err = c.Wait(); close(p.done) }()
	return p
}

// interrupt presses Ctrl-C: SIGINT to the command's process group.
func (p *proc) interrupt() {
	if p.cmdx.Process != nil {
		_ = syscall.Kill(-p.cmdx.Process.Pid, syscall.SIGINT)
	}
}

func (p *proc) kill() {
	if p.cmdx.Process != nil {
		_ = syscall.Kill(-p.cmdx.Process.Pid, syscall.SIGKILL)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}

func (r *runner) fail(block Block, format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf("README line %d: "+format, append([]any{block.Line}, args...)...))
}

func (r *runner) runAll(blocks []Block) {
	r.began = time.Now()
	type pending struct {
		block Block
		p     *proc
	}
	var waiting []pending // output blocks of the running serve
	checkWaiting := func() {
		for _, w := range waiting {
			r.checkOutput(w.block, w.p, true)
		}
		waiting = nil
	}
	stopServe := func(block Block) {
		if r.bg == nil {
			return
		}
		checkWaiting()
		p := r.bg
		r.bg = nil
		p.interrupt()
		select {
		case <-p.done:
			if code := exitCode(p.err); code != 0 {
				r.fail(block, "Ctrl-C on %q: exit status %d, want 0\n%s", p.cmd, code, p.out.String())
			}
		case <-time.After(time.Minute):
			p.kill()
			r.fail(block, "%q did not exit within a minute of Ctrl-C\n%s", p.cmd, p.out.String())
		}
	}
	for _, b := range blocks {
		switch b.Kind {
		case Skipped:
			r.t.Logf("README line %d: skipped (%s)", b.Line, b.Arg)
		case Commands:
			for _, cmd := range b.CommandLines() {
				if stopsTheServe(cmd) {
					stopServe(b)
				}
				r.t.Logf("README line %d (at %s): %s", b.Line, time.Since(r.began).Round(time.Second), cmd)
				p := r.start(cmd)
				r.ran = append(r.ran, p)
				if isServe(cmd) {
					r.bg = p
					r.waitServing(b, p)
					continue
				}
				select {
				case <-p.done:
				case <-time.After(commandTimeout):
					p.kill()
					<-p.done
					r.fail(b, "%q did not end within %s\n%s", cmd, commandTimeout, p.out.String())
					continue
				}
				if code := exitCode(p.err); code != 0 {
					r.fail(b, "%q: exit status %d, want 0\n%s", cmd, code, p.out.String())
				}
			}
		case Output:
			p, ok := r.lastStartingWith(b.Arg)
			if !ok {
				r.fail(b, "an output block of %q, which no earlier sh block runs", b.Arg)
				continue
			}
			if p == r.bg {
				waiting = append(waiting, pending{b, p}) // checked before the serve stops
				continue
			}
			r.checkOutput(b, p, false)
		}
	}
	stopServe(Block{Line: len(blocks)})
}

// lastStartingWith returns the latest command run so far whose text starts
// with prefix (an output block names its command without the comment).
func (r *runner) lastStartingWith(prefix string) (*proc, bool) {
	for i := len(r.ran) - 1; i >= 0; i-- {
		if strings.HasPrefix(r.ran[i].cmd, prefix) {
			return r.ran[i], true
		}
	}
	return nil, false
}

// servingLines are what a serve logs once it is up: the simulation runs
// and the stations connector runs. They come in either order: the
// simulation does not wait for the connector.
var servingLines = []string{"msg=simulating", `msg="stations connector is running"`}

// waitServing waits, as a reader watching its log does, until a serve
// says it is simulating and its stations connector runs. A fault block
// that stops PostgreSQL while the connector is still starting would fail
// it (Failed to list tables) and end the serve, which no reader who waits
// for the serve to be up meets.
func (r *runner) waitServing(b Block, p *proc) {
	deadline := time.Now().Add(3 * time.Minute)
	for !containsAll(p.out.String(), servingLines) {
		select {
		case <-p.done:
			r.fail(b, "%q exited with status %d before it was up (%s)\n%s", p.cmd, exitCode(p.err), strings.Join(servingLines, ", "), p.out.String())
			r.bg = nil
			return
		default:
		}
		if time.Now().After(deadline) {
			r.fail(b, "%q was not up (%s) within 3 minutes\n%s", p.cmd, strings.Join(servingLines, ", "), p.out.String())
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// checkOutput compares an output block with what its command printed;
// for a running command it waits for the lines, up to outputTimeout.
func (r *runner) checkOutput(b Block, p *proc, running bool) {
	deadline := time.Now().Add(outputTimeout)
	for {
		missing := Missing(b.Lines, p.out.String())
		if len(missing) == 0 {
			return
		}
		ended := false
		select {
		case <-p.done:
			ended = true
		default:
		}
		if !running || ended || time.Now().After(deadline) {
			r.fail(b, "%q printed no line matching\n  %s\nit printed:\n%s", b.Arg, strings.Join(missing, "\n  "), p.out.String())
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (r *runner) close() {
	if r.bg != nil {
		r.bg.interrupt()
		select {
		case <-r.bg.done:
		case <-time.After(30 * time.Second):
			r.bg.kill()
		}
	}
	if _, err := os.Stat(filepath.Join(r.dir, ".lab", "lab.json")); err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, filepath.Join(r.dir, ".readme-bin", "lab"), "down", "--port-offset", strconv.Itoa(r.offset))
	c.Dir = r.dir
	if out, err := c.CombinedOutput(); err != nil {
		r.t.Logf("stop the copy's lab: %v\n%s", err, out)
	}
}

func TestAnOutputLineMatchesWhateverItsNumbersDotsAndAngleWordsStandFor(t *testing.T) {
	for _, tc := range []struct {
		expected, line string
		want           bool
	}{
		{`level=INFO msg="embedded stack ready" after=1.2s endpoints="brokers=127.0.0.1:9092 ..."`,
			`time=2026-12-04T13:00:00Z level=INFO msg="embedded stack ready" after=3.871s endpoints="brokers=127.0.0.1:19102 schema-registry=x"`, true},
		{`postgres (admin) postgres://postgres:<random>@127.0.0.1:5432/postgres`, `  postgres (admin) postgres://postgres:Zx81kq@127.0.0.1:15442/postgres`, true},
		{`kafka            127.0.0.1:9092     ready after 0.02s`, `  kafka 127.0.0.1:19102 ready after 1s`, true},
		{`msg="stations connector is running" name=stations`, `msg="stations connector is running" name=other`, false},
		{`..."name":"TURNSTILE_SUMMARY"...`, `[{"tables":[{"name":"TURNSTILE_SUMMARY","type":"TABLE"}]}]`, true},
		// A duration matches any duration as Go prints it: a start under a
		// second is "868ms", a slow one "1m2.5s" (time.Duration.String).
		{`level=INFO msg="embedded stack ready" after=1.2s endpoints="brokers=127.0.0.1:9092 ..."`,
			`level=INFO msg="embedded stack ready" after=868ms endpoints="brokers=127.0.0.1:19092 ..."`, true},
		{`ready after=1.2s`, `ready after=1m2.5s`, true},
		{`ready after=1.2s`, `ready after=950µs`, true},
		{`ready after=1.2s`, `ready after=fast`, false},
		{`ready after 0.02s`, `ready after 12`, false},
	} {
		if got := LinePattern(tc.expected).MatchString(tc.line); got != tc.want {
			t.Errorf("%q matches %q: %v, want %v (pattern %s)", tc.expected, tc.line, got, tc.want, LinePattern(tc.expected))
		}
	}
}

// freeOffset returns an offset at which every standard port and the
// dashboard's are free, below the kernel's ephemeral range
// (embedded.FreeOffset).
func freeOffset() (int, error) { return embedded.FreeOffset(dashboardPort) }

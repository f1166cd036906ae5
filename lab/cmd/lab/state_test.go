package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// TestMain lets this test binary act as the lab command when it is run
// under the name "lab" (a link made by labCommand), so that specs drive
// real "lab up" / "lab down" processes without building the command.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "lab" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// labCommand returns the path of a link named lab to this test binary.
func labCommand(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "lab")
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	return link
}

func runLab(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	return string(out), err
}

// A state file that is not JSON (a crashed editor, a disk error, a careless
// script) must not stand between the user and "lab down": the serving
// process is found by its command line and stopped, and the file removed.
func TestDownStopsTheLabWhateverItsStateFileHolds(t *testing.T) {
	bin, dir := labCommand(t), labDir(t)
	offset := fmt.Sprint(freeOffset(t))
	out, err := runLab(t, bin, "up", "--provider", "embedded", "--data-dir", dir, "--port-offset", offset)
	if err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	st, err := (&labCtl{dir: dir}).readState()
	if err != nil || st == nil || !alive(st.PID) {
		t.Fatalf("after lab up: state %+v, err %v", st, err)
	}
	pid := st.PID
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	// The PostgreSQL superuser's random password is in the state, for the
	// owner only, and lab status shows it.
	if !strings.HasPrefix(st.PostgresSuperuser, "postgres://postgres:") || strings.HasPrefix(st.PostgresSuperuser, "postgres://postgres:postgres@") {
		t.Errorf("state's postgres_superuser = %q, want the superuser with its random password", st.PostgresSuperuser)
	}
	if fi, err := os.Stat(filepath.Join(dir, "lab.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lab.json mode: %v, %v; want 0600: it holds a password", fi.Mode(), err)
	}
	if out, err := runLab(t, bin, "status", "--data-dir", dir); err != nil || !strings.Contains(out, st.PostgresSuperuser) {
		t.Errorf("lab status: err %v, output:\n%s\nwant the superuser URL %s", err, out, st.PostgresSuperuser)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab.json"), []byte("\x00garbage{"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The offset points the probes at the running lab, so every service answers.
	out, err = runLab(t, bin, "status", "--data-dir", dir, "--port-offset", offset)
	if err != nil || !strings.Contains(out, "lab.json is not a lab state file") || !strings.Contains(out, `"lab down"`) {
		t.Fatalf("lab status on a garbage state file: err %v, output:\n%s\nwant it to name the file and what to do", err, out)
	}
	out, err = runLab(t, bin, "up", "--provider", "embedded", "--data-dir", dir, "--port-offset", offset)
	if err == nil || !strings.Contains(out, fmt.Sprintf("a lab (pid %d) serves", pid)) {
		t.Fatalf("lab up beside a running lab with a garbage state file: err %v, output:\n%s\nwant a refusal naming pid %d", err, out, pid)
	}

	out, err = runLab(t, bin, "down", "--data-dir", dir)
	if err != nil {
		t.Fatalf("lab down on a garbage state file: %v\n%s", err, out)
	}
	if alive(pid) {
		t.Fatalf("lab down left pid %d running; output:\n%s", pid, out)
	}
	if !strings.Contains(out, fmt.Sprintf("pid %d", pid)) {
		t.Errorf("lab down output does not name the stopped pid %d:\n%s", pid, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "lab.json")); !os.IsNotExist(err) {
		t.Fatalf("the garbage state file is still there: %v", err)
	}
	out, err = runLab(t, bin, "down", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "The lab is not up.") {
		t.Fatalf("second lab down: err %v, output:\n%s", err, out)
	}
}

// With nothing serving the data dir, "lab up" moves an unreadable state
// file aside, says so, and starts.
func TestUpMovesAnUnreadableStateFileAside(t *testing.T) {
	bin, dir := labCommand(t), labDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab.json"), []byte(`{"provider":"martian"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runLab(t, bin, "up", "--provider", "embedded", "--data-dir", dir, "--port-offset", fmt.Sprint(freeOffset(t)))
	t.Cleanup(func() { _, _ = runLab(t, bin, "down", "--data-dir", dir) })
	if err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	if !strings.Contains(out, "moved it to "+filepath.Join(dir, "lab.json.unreadable")) || !strings.Contains(out, "is ready") {
		t.Fatalf("lab up output:\n%s\nwant the unreadable file moved aside, then the stack ready", out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "lab.json.unreadable")); err != nil || !strings.Contains(string(b), "martian") {
		t.Fatalf("the moved file: %q, %v", b, err)
	}
}

// A corrupt Kafka log stops "lab up" with the damage named; "lab up
// --recover" truncates it as Kafka's log recovery does and says on stdout,
// and in "lab status", how many records of which partition were lost.
func TestUpReportsACorruptLogAndRecoversOnRequest(t *testing.T) {
	bin, dir := labCommand(t), labDir(t)
	offset := fmt.Sprint(freeOffset(t))
	up := []string{"up", "--provider", "embedded", "--data-dir", dir, "--port-offset", offset}
	if out, err := runLab(t, bin, up...); err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = runLab(t, bin, "down", "--data-dir", dir) })
	st, err := (&labCtl{dir: dir}).readState()
	if err != nil || st == nil {
		t.Fatalf("state: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := &kafka.Writer{Addr: kafka.TCP(st.Endpoints.Brokers...), Topic: "rides", RequiredAcks: kafka.RequireAll, AllowAutoTopicCreation: true, BatchTimeout: time.Millisecond}
	for i := range 6 {
		if err := w.WriteMessages(ctx, kafka.Message{Value: []byte(fmt.Sprintf("ride %d", i))}); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	_ = w.Close()
	if out, err := runLab(t, bin, "down", "--data-dir", dir); err != nil {
		t.Fatalf("lab down: %v\n%s", err, out)
	}

	segs, _ := filepath.Glob(filepath.Join(dir, "data", "kafka", "partitions", "rides-0", "*.dat"))
	if len(segs) != 1 {
		t.Fatalf("segments of rides-0: %v", segs)
	}
	raw, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	// The last 8 bytes belong to the last of six one-record batches.
	for i := len(raw) - 8; i < len(raw); i++ {
		raw[i] ^= 0x55
	}
	if err := os.WriteFile(segs[0], raw, 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := runLab(t, bin, up...)
	if err == nil {
		t.Fatalf("lab up on a corrupt log succeeded:\n%s", out)
	}
	for _, want := range []string{`topic "rides" partition 0`, "1 records from offset 5", "--recover"} {
		if !strings.Contains(out, want) {
			t.Errorf("lab up on a corrupt log does not say %q:\n%s", want, out)
		}
	}

	cmd := exec.Command(bin, append(up, "--recover")...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("lab up --recover: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "records were lost in 1 partition(s)") || !strings.Contains(stdout.String(), `topic "rides" partition 0`) {
		t.Errorf("lab up --recover stdout does not report the loss:\n%s", stdout.String())
	}
	out, err = runLab(t, bin, "status", "--data-dir", dir)
	if err != nil || !strings.Contains(out, `topic "rides" partition 0`) {
		t.Errorf("lab status after a recovery: %v\n%s", err, out)
	}
}

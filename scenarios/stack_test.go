package scenarios_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gexec"

	"github.com/ctalab/ctalab/lab"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/stack"
)

// The scenarios run the embedded stack as its own process, built without
// the race detector, the way a user runs it (make lab-up): the application
// under test runs in this process, with the race detector, against a stack
// that is not slowed down by it.

var (
	labBinaryOnce sync.Once
	labBinary     string
	labBinaryErr  error
)

func labExecutable() (string, error) {
	labBinaryOnce.Do(func() {
		labBinary, labBinaryErr = gexec.Build("github.com/ctalab/ctalab/lab/cmd/lab")
	})
	return labBinary, labBinaryErr
}

// startStack starts a stack of the provider LAB_STACK names: the embedded
// stack as a process unless LAB_STACK asks for containers or external,
// whether or not a Docker engine answers.
func startStack(ctx context.Context) (stack.Stack, lab.Choice, error) {
	choice, err := lab.Choose(ctx)
	if err != nil {
		return nil, choice, err
	}
	if choice.Provider != lab.Embedded {
		// Start chooses again from LAB_STACK, so its errors say what asked.
		return lab.Start(ctx, lab.WithLogger(logger()))
	}
	s, err := startProcessStack(ctx)
	if err != nil {
		return nil, choice, err
	}
	return s, choice, nil
}

// processStack is the embedded stack running as a child process.
type processStack struct {
	cmd  *exec.Cmd
	dir  string
	e    stack.Endpoints
	done chan error
	once sync.Once
	err  error
}

// startProcessStack runs "lab serve" with extra flags (for example
// --brokers) and returns once the lab is ready.
func startProcessStack(ctx context.Context, extra ...string) (*processStack, error) {
	bin, err := labExecutable()
	if err != nil {
		return nil, fmt.Errorf("build the lab: %w", err)
	}
	dir, err := os.MkdirTemp("", "ctalab-scenario-")
	if err != nil {
		return nil, err
	}
	// PostgreSQL runs as an unprivileged user when we are root.
	if err := os.Chmod(dir, 0o711); err != nil {
		return nil, err
	}
	var last error
	for range 5 {
		offset, err := embedded.FreeOffset()
		if err != nil {
			return nil, err
		}
		s, err := runLab(ctx, bin, dir, offset, extra)
		if err == nil {
			return s, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	_ = os.RemoveAll(dir)
	return nil, last
}

func runLab(ctx context.Context, bin, dir string, offset int, extra []string) (*processStack, error) {
	statePath := filepath.Join(dir, "lab.json")
	_ = os.Remove(statePath)
	args := []string{"serve", "--data-dir", dir, "--port-offset", fmt.Sprint(offset)}
	if labSecure() {
		args = append(args, "--secure")
	}
	cmd := exec.Command(bin, append(args, extra...)...)
	cmd.Stdout, cmd.Stderr = GinkgoWriter, GinkgoWriter
	// A test process that dies (a crash, a kill) must not leave its labs
	// running: SIGTERM makes the lab stop PostgreSQL and exit.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &processStack{cmd: cmd, dir: dir, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("the lab exited before it was ready: %w", err)
		case <-deadline:
			_ = cmd.Process.Kill()
			return nil, errors.New("the lab was not ready after 2 minutes")
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		b, err := os.ReadFile(statePath)
		if err != nil {
			continue
		}
		var st struct {
			PID              int             `json:"pid"`
			Endpoints        stack.Endpoints `json:"endpoints"`
			ClientProperties string          `json:"client_properties"`
		}
		if json.Unmarshal(b, &st) != nil || st.PID != cmd.Process.Pid {
			continue
		}
		s.e = st.Endpoints
		if st.ClientProperties != "" {
			if _, err := registerClientProperties(st.ClientProperties); err != nil {
				_ = cmd.Process.Kill()
				return nil, err
			}
		}
		return s, nil
	}
}

func (s *processStack) Endpoints() stack.Endpoints { return s.e }

// fault runs "lab fault <name>" against this lab, as a user would, and
// returns when the lab has taken the action.
func (s *processStack) fault(ctx context.Context, name string) error {
	bin, err := labExecutable()
	if err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, bin, "fault", name, "--data-dir", s.dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("lab fault %s: %w: %s", name, err, out)
	}
	GinkgoWriter.Printf("lab fault %s: %s", name, out)
	return nil
}

// Close stops the lab process (SIGTERM, then SIGKILL after 30 s) and removes
// its data dir.
func (s *processStack) Close(ctx context.Context) error {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				s.err = err
			}
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			s.err = errors.New("the lab did not stop within 30 s after SIGTERM and was killed")
		case <-ctx.Done():
			_ = s.cmd.Process.Kill()
			<-s.done
			s.err = ctx.Err()
		}
		_ = os.RemoveAll(s.dir)
	})
	return s.err
}

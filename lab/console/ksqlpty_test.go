package console

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal is "lab ksql" on a pseudo-terminal, as a learner types to it.
type terminal struct {
	t   *testing.T
	pty *os.File
	out syncBuffer
	cmd *exec.Cmd
}

func (tm *terminal) send(s string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(s)); err != nil {
		tm.t.Fatal(err)
	}
}

// waitFor waits until the screen holds want n times in all.
func (tm *terminal) waitFor(want string, n int) {
	tm.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for strings.Count(tm.out.String(), want) < n {
		if time.Now().After(deadline) {
			tm.t.Fatalf("after a minute the terminal shows %d of %q, want %d:\n%s", strings.Count(tm.out.String(), want), want, n, tm.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// In a terminal, Ctrl-C during a push query ends the query, not the shell:
// CREATE and DESCRIBE answer, the SELECT streams, ^C stops it, and the
// next statement is answered at the prompt.
func TestKsqlShellOnATerminalCtrlCEndsThePushQueryNotTheShell(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LAB_KSQL_ARGS="+strings.Join([]string{"--ksqldb", lab.ksqldb}, "\x1f"))
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	tm := &terminal{t: t, pty: f, cmd: cmd}
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&tm.out, f); close(copied) }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		f.Close()
		<-copied
	})
	name := fmt.Sprintf("PTY_S%d", topicSeq.Add(1))
	tm.waitFor("ksql> ", 1)
	tm.send(fmt.Sprintf("CREATE STREAM %s (id INT) WITH (kafka_topic='%s', value_format='JSON', partitions=1);\r", name, strings.ToLower(name)))
	tm.waitFor("Stream created", 1)
	tm.waitFor("ksql> ", 2)
	tm.send("DESCRIBE " + name + ";\r")
	tm.waitFor("ID", 1)
	tm.waitFor("ksql> ", 3)
	if !strings.Contains(tm.out.String(), name) {
		t.Fatalf("DESCRIBE does not name the stream:\n%s", tm.out.String())
	}
	tm.send("SELECT id FROM " + name + " EMIT CHANGES;\r")
	tm.waitFor("|ID", 1) // the header: the query runs
	tm.send("\x03")      // Ctrl-C: the terminal sends SIGINT to the shell
	tm.waitFor("ksql> ", 4)
	tm.send("SHOW STREAMS;\r")
	tm.waitFor(" Stream Name ", 1)
	tm.waitFor("ksql> ", 5)
	tm.send("exit\r")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the shell ended with %v after exit:\n%s", err, tm.out.String())
	}
}

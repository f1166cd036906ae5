package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/stack"
)

func runInProcess(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// Help asked for goes to stdout ("lab --help | less"), exit 0.
func TestLabHelpAskedForGoesToStdoutWithExitZero(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"up", "--help"}, {"status", "-h"}, {"fault", "--help"}} {
		stdout, stderr, code := runInProcess(t, args...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage: lab <command>") || !strings.Contains(stdout, "-data-dir") {
			t.Errorf("%v: exit %d, stdout %.60q, stderr %q; want exit 0 and the usage with the flags on stdout", args, code, stdout, stderr)
		}
	}
}

// A mistyped flag or command gets one error line and one hint line on
// stderr, exit 2.
func TestLabMistypedFlagPrintsOneLineErrorAndAHelpHint(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"up", "--bogus"}, "lab up: flag provided but not defined: -bogus\nrun 'lab --help' for usage\n"},
		{[]string{"nosuch"}, "unknown command \"nosuch\"\nrun 'lab --help' for usage\n"},
		{[]string{"status", "extra"}, "lab status: unexpected argument \"extra\"\nrun 'lab --help' for usage\n"},
	} {
		stdout, stderr, code := runInProcess(t, tc.args...)
		if code != 2 || stdout != "" || stderr != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
}

// fakeLab serves every endpoint of a recorded lab: HTTP 200 for the REST
// services, an accepting TCP listener for Kafka and PostgreSQL.
func fakeLab(t *testing.T) (stack.Endpoints, map[string]func()) {
	t.Helper()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	stops := map[string]func(){}
	e := stack.Endpoints{}
	for _, n := range []string{"schema-registry", "rest-proxy", "connect", "ksqldb"} {
		srv := httptest.NewServer(ok)
		t.Cleanup(srv.Close)
		stops[n] = srv.Close
		switch n {
		case "schema-registry":
			e.SchemaRegistry = srv.URL
		case "rest-proxy":
			e.RESTProxy = srv.URL
		case "connect":
			e.Connect = srv.URL
		case "ksqldb":
			e.KSQLDB = srv.URL
		}
	}
	for _, n := range []string{"kafka", "postgres"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		stops[n] = func() { ln.Close() }
		if n == "kafka" {
			e.Brokers = []string{ln.Addr().String()}
		} else {
			e.Postgres = fmt.Sprintf("postgres://u:p@%s/cta", ln.Addr())
		}
	}
	return e, stops
}

// "lab status" is usable in scripts: exit 0 when every service of the lab
// answers, 1 as soon as one is down.
func TestStatusExitsOneWhenAServiceIsDownAndZeroWhenAllAnswer(t *testing.T) {
	dir := t.TempDir()
	e, stops := fakeLab(t)
	if err := writeState((&labCtl{dir: dir}).statePath(), state{Provider: "compose", Started: time.Now().UTC(), Endpoints: e}); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runInProcess(t, "status", "--data-dir", dir)
	if code != 0 || strings.Count(stdout, " up\n") != 6 {
		t.Fatalf("all six answer: exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
	stops["ksqldb"]()
	stdout, stderr, code = runInProcess(t, "status", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "ksqldb") {
		t.Fatalf("ksqldb down: exit %d, stdout:\n%s\nstderr: %s; want exit 1 naming ksqldb", code, stdout, stderr)
	}
	stdout, _, _ = runInProcess(t, "--help")
	if !strings.Contains(stdout, "exits 1 when any service") {
		t.Error("the help does not say how status exits")
	}
}

// Ctrl-C while "lab serve" starts the stack says "interrupted", exit 130,
// without the half-started services' transcripts.
func TestServeInterruptedDuringStartUpSaysInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data-dir", labDir(t), "--port-offset", fmt.Sprint(freeOffset(t))}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), "level=") {
		if time.Now().After(deadline) {
			t.Fatalf("lab serve logged nothing while starting:\n%s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	var code int
	select {
	case code = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("lab serve did not return a minute after the interrupt:\n%s", stderr.String())
	}
	out := stderr.String()
	if strings.Contains(out, "embedded stack ready") {
		t.Skip("the stack was ready before the interrupt arrived")
	}
	if code != 130 || !strings.Contains(out, "lab serve: interrupted") {
		t.Errorf("exit %d, want 130 and \"lab serve: interrupted\"; stderr:\n%s", code, out)
	}
	for _, noise := range []string{"FATAL", "server log", "context canceled"} {
		if strings.Contains(out, noise) {
			t.Errorf("stderr holds %q:\n%s", noise, out)
		}
	}
}

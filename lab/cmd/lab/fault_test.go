package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/stack"
)

// startServe runs "lab serve" in this process on dir with a free port
// offset and returns when its state file names it; the returned function
// stops it and returns its exit code.
func startServe(t *testing.T, dir string, extra ...string) (*state, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	code := make(chan int, 1)
	args := append([]string{"serve", "--data-dir", dir, "--port-offset", fmt.Sprint(freeOffset(t))}, extra...)
	go func() { code <- run(ctx, args, &out, &errOut) }()
	l := &labCtl{dir: dir}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case c := <-code:
			cancel()
			t.Fatalf("lab serve exited with %d: %s", c, errOut.String())
		default:
		}
		if st, err := l.readState(); err == nil && st != nil && st.PID == os.Getpid() {
			var once bool
			stop := func() int {
				if once {
					return 0
				}
				once = true
				cancel()
				select {
				case c := <-code:
					return c
				case <-time.After(time.Minute):
					t.Fatal("lab serve did not stop within a minute")
					return -1
				}
			}
			t.Cleanup(func() { stop() })
			return st, stop
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("lab serve was not ready after 2 minutes: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeOffset returns an offset at which every standard port is free now.
func freeOffset(t *testing.T) int {
	t.Helper()
	n, err := embedded.FreeOffset()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// labDir returns a data dir PostgreSQL's unprivileged user can enter.
func labDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ctalab-fault-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "lab")
}

// state of a service as lab status reports it: "up", "down", ...
func stateOf(e stack.Endpoints, service string) string {
	return probeAll(context.Background(), e, nil)[service]
}

func TestFaultStopsAndStartsPostgresOfARunningLab(t *testing.T) {
	dir := labDir(t)
	st, _ := startServe(t, dir)
	pg := st.Endpoints.Postgres
	if stateOf(st.Endpoints, "postgres") != "up" {
		t.Fatalf("PostgreSQL at %s does not answer after serve is ready", pg)
	}
	var out, errOut syncBuffer
	if c := run(context.Background(), []string{"fault", "postgres-stop", "--data-dir", dir}, &out, &errOut); c != 0 {
		t.Fatalf("lab fault postgres-stop exited with %d: %s", c, errOut.String())
	}
	if stateOf(st.Endpoints, "postgres") != "down" {
		t.Fatalf("PostgreSQL at %s still answers after postgres-stop", pg)
	}
	if !strings.Contains(out.String(), "PostgreSQL stopped") {
		t.Errorf("postgres-stop printed %q", out.String())
	}
	if c := run(context.Background(), []string{"fault", "postgres-start", "--data-dir", dir}, &out, &errOut); c != 0 {
		t.Fatalf("lab fault postgres-start exited with %d: %s", c, errOut.String())
	}
	if stateOf(st.Endpoints, "postgres") != "up" {
		t.Fatalf("PostgreSQL at %s does not answer after postgres-start", pg)
	}
}

// kafka-stop takes the broker off the network: lab status sees Kafka down
// and the data is there again after kafka-start.
func TestFaultStopsAndStartsKafkaOfARunningLab(t *testing.T) {
	dir := labDir(t)
	st, _ := startServe(t, dir)
	if stateOf(st.Endpoints, "kafka") != "up" {
		t.Fatalf("Kafka at %v does not answer after serve is ready", st.Endpoints.Brokers)
	}
	var out, errOut syncBuffer
	if c := run(context.Background(), []string{"fault", "kafka-stop", "--data-dir", dir}, &out, &errOut); c != 0 {
		t.Fatalf("lab fault kafka-stop exited with %d: %s", c, errOut.String())
	}
	if got := stateOf(st.Endpoints, "kafka"); got != "down" {
		t.Fatalf("Kafka is %q after kafka-stop, want down", got)
	}
	if !strings.Contains(out.String(), "Kafka stopped") {
		t.Errorf("kafka-stop printed %q", out.String())
	}
	if c := run(context.Background(), []string{"fault", "kafka-start", "--data-dir", dir}, &out, &errOut); c != 0 {
		t.Fatalf("lab fault kafka-start exited with %d: %s", c, errOut.String())
	}
	if got := stateOf(st.Endpoints, "kafka"); got != "up" {
		t.Fatalf("Kafka is %q after kafka-start, want up", got)
	}
}

func TestFaultRestartsKSQLDBOfARunningLab(t *testing.T) {
	dir := labDir(t)
	st, _ := startServe(t, dir)
	post := func() *http.Response {
		resp, err := http.Post(st.Endpoints.KSQLDB+"/ksql", "application/vnd.ksql.v1+json", strings.NewReader(`{"ksql":"SHOW STREAMS;"}`))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	before := post()
	before.Body.Close()
	var out, errOut syncBuffer
	if c := run(context.Background(), []string{"fault", "ksqldb-restart", "--data-dir", dir}, &out, &errOut); c != 0 {
		t.Fatalf("lab fault ksqldb-restart exited with %d: %s", c, errOut.String())
	}
	after := post()
	defer after.Body.Close()
	if after.StatusCode != http.StatusOK {
		t.Fatalf("ksqlDB after a restart answers %s", after.Status)
	}
	var info struct {
		Info struct {
			ServerStatus string `json:"serverStatus"`
		} `json:"KsqlServerInfo"`
	}
	resp, err := http.Get(st.Endpoints.KSQLDB + "/info")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.Info.ServerStatus != "RUNNING" {
		t.Fatalf("ksqlDB /info after a restart: %v %+v", err, info)
	}
	if !strings.Contains(out.String(), "ksqlDB restarted") {
		t.Errorf("ksqldb-restart printed %q", out.String())
	}
}

func TestFaultRefusesUnknownActionsAndAMissingLab(t *testing.T) {
	dir := labDir(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"fault"}, 2, "postgres-stop, postgres-start, ksqldb-restart, kafka-stop, kafka-start"},
		{[]string{"fault", "broker-explode"}, 2, `unknown fault "broker-explode"`},
		{[]string{"fault", "--data-dir", dir, "ksqldb-restart"}, 1, "no running embedded lab is recorded"},
		{[]string{"fault", "postgres-stop", "now"}, 2, `unexpected argument "now"`},
		{[]string{"status", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"fault", "postgres-stop", "--data-dir", dir}, 1, "no running embedded lab is recorded in " + filepath.Join(dir, "lab.json") + "; start one with: lab up"},
	} {
		var out, errOut syncBuffer
		if c := run(context.Background(), tc.args, &out, &errOut); c != tc.code || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("lab %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), c, errOut.String(), tc.code, tc.want)
		}
	}
}

func TestServeUsesTheBrokerItIsGiven(t *testing.T) {
	addr, _ := startBrokerCommand(t, t.TempDir())
	st, stop := startServe(t, labDir(t), "--brokers", addr)
	if len(st.Endpoints.Brokers) != 1 || st.Endpoints.Brokers[0] != addr {
		t.Fatalf("serve --brokers %s records brokers %v", addr, st.Endpoints.Brokers)
	}
	if c := stop(); c != 0 {
		t.Fatalf("lab serve exited with %d after an interrupt, want 0", c)
	}
	if stateOf(stack.Endpoints{Brokers: []string{addr}}, "kafka") != "up" {
		t.Fatalf("the broker at %s stopped with the lab that only used it", addr)
	}
}

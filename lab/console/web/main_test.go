package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/stack"
)

// lab is the embedded stack with the CTA pipeline replaying on it, and the
// console under test looking at it.
var lab struct {
	ep        stack.Endpoints
	dashboard string
	console   string // the console's base URL
	srv       *Server
	stack     *embedded.Stack
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sctx, scancel := context.WithTimeout(ctx, 3*time.Minute)
	s, err := embedded.Start(sctx)
	scancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the embedded stack:", err)
		return 1
	}
	defer s.Close(context.Background())
	lab.ep, lab.stack = s.Endpoints(), s
	e := lab.ep
	// A weekday replay at 20 times realtime (250 ms a tick) that runs
	// until the tests are done, so that rates are live while they look.
	p, err := pipeline.New(pipeline.Config{
		Endpoints: pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect},
		Schedule:  sim.Schedule{Name: "console", Start: time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC), Step: sim.DefaultStep, Seed: 5},
		Pace:      sim.Times(20), Dashboard: "127.0.0.1:0", Logger: testLogger(),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "configure the pipeline:", err)
		return 1
	}
	pdone := make(chan error, 1)
	go func() { pdone <- p.Run(ctx) }()
	select {
	case <-p.Dashboard().Listening():
	case err := <-pdone:
		fmt.Fprintln(os.Stderr, "the pipeline stopped before its dashboard listened:", err)
		return 1
	}
	lab.dashboard = "http://" + p.Dashboard().Addr()

	srv, err := New(Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Connect: e.Connect, KSQLDB: e.KSQLDB, Dashboard: lab.dashboard},
		WithSampleInterval(500*time.Millisecond), WithRateWindow(3*time.Second), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		return 1
	}
	defer srv.Close()
	lab.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lab.console = "http://" + ln.Addr().String()
	cdone := make(chan error, 1)
	go func() { cdone <- srv.Run(ctx, ln) }()
	code := m.Run()
	cancel()
	<-cdone
	<-pdone
	return code
}

// get GETs the console's path into v and returns the status.
func get(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := http.Get(lab.console + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %s: %v: %s", path, resp.Status, err, b)
		}
	}
	return resp.StatusCode
}

// send sends a JSON body (a string is sent as it is) and decodes the answer.
func send(t *testing.T, method, path, contentType, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, lab.console+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && len(b) > 0 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %s: %v: %s", method, path, resp.Status, err, b)
		}
	}
	return resp.StatusCode
}

func kafkaClient(t *testing.T) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(lab.ep.Brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// endOffsets lists every topic's end offsets (summed over partitions)
// with kadm, independently of the console.
func endOffsets(t *testing.T, adm *kadm.Client) map[string]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	topics, err := adm.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ends, err := adm.ListEndOffsets(ctx, topics.Names()...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	ends.Each(func(o kadm.ListedOffset) { out[o.Topic] += o.Offset })
	return out
}

// eventually polls cond every 100 ms until it returns "" or the deadline
// passes, then fails with its last answer.
func eventually(t *testing.T, d time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		why := cond()
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, why)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// testLogger writes the pipeline's logs to $CONSOLE_TEST_LOG when set.
func testLogger() *slog.Logger {
	if f := os.Getenv("CONSOLE_TEST_LOG"); f != "" {
		if w, err := os.Create(f); err == nil {
			return slog.New(slog.NewTextHandler(w, nil))
		}
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

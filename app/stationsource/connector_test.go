package stationsource

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// workerDouble answers the few Connect REST calls the client makes, in the
// real API's shapes, and records them. The embedded Connect worker itself is
// exercised by the lab's and the scenarios' specs.
type workerDouble struct {
	mu      sync.Mutex
	config  map[string]string
	calls   []string
	polls   int
	state   string
	trace   string
	running int // status polls before RUNNING
	// unavailable answers the first requests with these statuses, as a
	// worker that is starting (503) or rebalancing (409) does
	unavailable []int
	invalid     string // POST and PUT answer 400 with this message
}

func (w *workerDouble) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, r.Method+" "+r.URL.Path)
	b, _ := io.ReadAll(r.Body)
	if r.Body != nil && len(b) > 0 && r.Header.Get("Content-Type") != "application/json" {
		rw.WriteHeader(415)
		return
	}
	if len(w.unavailable) > 0 {
		code := w.unavailable[0]
		w.unavailable = w.unavailable[1:]
		rw.WriteHeader(code)
		_, _ = io.WriteString(rw, `{"error_code":`+strconv.Itoa(code)+`,"message":"Cannot complete request momentarily due to stalled herder"}`)
		return
	}
	if w.invalid != "" && (r.Method == "POST" || r.Method == "PUT") {
		rw.WriteHeader(400)
		_, _ = io.WriteString(rw, `{"error_code":400,"message":`+quote(w.invalid)+`}`)
		return
	}
	notFound := func(msg string) {
		rw.WriteHeader(404)
		_, _ = io.WriteString(rw, `{"error_code":404,"message":"`+msg+`"}`)
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/connectors/stations/config":
		if w.config == nil {
			notFound("Connector stations not found")
			return
		}
		_ = json.NewEncoder(rw).Encode(w.config)
	case r.Method == "POST" && r.URL.Path == "/connectors":
		var req struct {
			Name   string            `json:"name"`
			Config map[string]string `json:"config"`
		}
		_ = json.Unmarshal(b, &req)
		w.config = req.Config
		rw.WriteHeader(201)
		_, _ = rw.Write([]byte(`{"name":"stations","config":{},"tasks":[],"type":"source"}`))
	case r.Method == "PUT" && r.URL.Path == "/connectors/stations/config":
		_ = json.Unmarshal(b, &w.config)
		_, _ = rw.Write([]byte(`{"name":"stations","config":{},"tasks":[],"type":"source"}`))
	case r.Method == "GET" && r.URL.Path == "/connectors/stations/status":
		w.polls++
		if w.polls == 1 {
			notFound("No status found for connector stations")
			return
		}
		state := w.state
		if w.polls <= w.running {
			state = "UNASSIGNED"
		}
		trace := ""
		if w.trace != "" {
			trace = `,"trace":` + quote(w.trace)
		}
		_, _ = io.WriteString(rw, `{"name":"stations","connector":{"state":"RUNNING","worker_id":"w:8083"},"tasks":[{"id":0,"state":"`+state+`","worker_id":"w:8083"`+trace+`}],"type":"source"}`)
	default:
		notFound("HTTP 404 Not Found")
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func client(t *testing.T, w *workerDouble) *Client {
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{ConnectURL: srv.URL, JDBCURL: "jdbc:postgresql://127.0.0.1:5432/cta"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEnsureCreatesAMissingConnectorAndWaitsUntilItRuns(t *testing.T) {
	w := &workerDouble{state: "RUNNING", running: 3}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client(t, w).Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if w.calls[1] != "POST /connectors" {
		t.Errorf("calls %v", w.calls)
	}
	for k, v := range map[string]string{"mode": "incrementing", "incrementing.column.name": "stop_id", "topic.prefix": "org.chicago.cta.", "table.whitelist": "stations", "value.converter.schemas.enable": "false", "connection.url": "jdbc:postgresql://127.0.0.1:5432/cta", "connection.user": "cta_admin"} {
		if w.config[k] != v {
			t.Errorf("config %s = %q, want %q", k, w.config[k], v)
		}
	}
}

func TestEnsureUpdatesADifferentConfigAndLeavesAnEqualOne(t *testing.T) {
	w := &workerDouble{state: "RUNNING", config: map[string]string{"name": "stations", "mode": "bulk"}}
	ctx := context.Background()
	c := client(t, w)
	if err := c.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(w.calls, "PUT /connectors/stations/config") || w.config["mode"] != "incrementing" {
		t.Fatalf("calls %v config %v", w.calls, w.config)
	}
	w.calls = nil
	if err := c.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(w.calls, "PUT /connectors/stations/config") || slices.Contains(w.calls, "POST /connectors") {
		t.Errorf("an equal config was written again: %v", w.calls)
	}
}

func TestEnsureReportsAFailedTaskWithItsTrace(t *testing.T) {
	w := &workerDouble{state: "FAILED", trace: "org.apache.kafka.connect.errors.ConnectException: connection refused\n\tat ..."}
	err := client(t, w).Ensure(context.Background())
	var fe *FailedError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: connection refused") {
		t.Fatalf("got %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{{}, {ConnectURL: "http://x:1"}, {ConnectURL: "http://x:1", JDBCURL: "postgres://x/cta"},
		{ConnectURL: "http://x:1", JDBCURL: "jdbc:postgresql://x/cta", ConnectionBackoff: -time.Second}} {
		if _, err := NewClient(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestEnsureWaitsOutAStartingOrRebalancingWorker(t *testing.T) {
	w := &workerDouble{state: "RUNNING", unavailable: []int{503, 503, 409, 500}}
	c := client(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Ensure(ctx); err != nil {
		t.Fatalf("Ensure = %v, want the connector created once the worker answers", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.config == nil || w.config["connector.class"] != "io.confluent.connect.jdbc.JdbcSourceConnector" {
		t.Errorf("connector not created: %v", w.config)
	}
	if got := slices.Index(w.calls, "POST /connectors"); got != 5 {
		t.Errorf("calls %v: want four refused GETs, one GET answered 404, then the POST", w.calls)
	}
}

func TestEnsureFailsAtOnceWhenConnectRefusesTheConfiguration(t *testing.T) {
	w := &workerDouble{state: "RUNNING", invalid: "Connector configuration is invalid and contains the following 1 error(s):\nInvalid value for connection.url"}
	c := client(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c.Ensure(ctx)
	if err == nil || !strings.Contains(err.Error(), "Connector configuration is invalid") || ctx.Err() != nil {
		t.Fatalf("Ensure = %v, want Connect's 400 message at once", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	posts := 0
	for _, c := range w.calls {
		if c == "POST /connectors" {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d POSTs, want 1: a 400 is not retried", posts)
	}
}

func TestEnsureEndsWithItsContextWhileConnectIsAway(t *testing.T) {
	w := &workerDouble{state: "RUNNING"}
	for range 1000 {
		w.unavailable = append(w.unavailable, 503)
	}
	c := client(t, w)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Ensure(ctx) }()
	for {
		w.mu.Lock()
		n := len(w.calls)
		w.mu.Unlock()
		if n >= 2 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Ensure ended while Connect answered 503: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Ensure = %v, want context.Canceled", err)
	}
}

// connection.backoff.ms is the JDBC source connector's wait between its
// connection.attempts (default 10000 ms): "Backoff time in milliseconds
// between connection attempts"
// (https://docs.confluent.io/kafka-connectors/jdbc/current/source-connector/source_config_options.html).
// Left unset, the key stays out of the configuration and Connect applies
// that default.
func TestDefinitionCarriesTheConnectionBackoffOnlyWhenOneIsGiven(t *testing.T) {
	base := Config{ConnectURL: "http://x:1", JDBCURL: "jdbc:postgresql://127.0.0.1:5432/cta"}
	if v, ok := Definition(base)["connection.backoff.ms"]; ok {
		t.Errorf("connection.backoff.ms = %q without a backoff given, want the key absent", v)
	}
	base.ConnectionBackoff = 250 * time.Millisecond
	if v := Definition(base)["connection.backoff.ms"]; v != "250" {
		t.Errorf("connection.backoff.ms = %q, want 250", v)
	}
}

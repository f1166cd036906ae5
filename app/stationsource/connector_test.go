package stationsource

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
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
	for _, c := range []Config{{}, {ConnectURL: "http://x:1"}, {ConnectURL: "http://x:1", JDBCURL: "postgres://x/cta"}} {
		if _, err := NewClient(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

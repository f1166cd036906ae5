package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/labstate"
	"github.com/ctalab/ctalab/lab/stack"
)

// recordLab writes a lab state file such as "bin/lab up --provider compose"
// leaves, whose broker is a listener of this test.
func recordLab(t *testing.T, provider string) (dir string, e stack.Endpoints) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dir = t.TempDir()
	e = stack.Endpoints{
		Brokers: []string{ln.Addr().String()}, SchemaRegistry: "http://127.0.0.1:18081", RESTProxy: "http://127.0.0.1:18082",
		Connect: "http://127.0.0.1:18083", KSQLDB: "http://127.0.0.1:18088", Postgres: "postgres://cta_admin:chicago@127.0.0.1:15432/cta",
		PostgresFromConnect: "jdbc:postgresql://postgres:5432/cta",
	}
	b, _ := json.Marshal(labstate.State{Provider: provider, Started: time.Now().UTC(), Endpoints: e})
	if err := os.WriteFile(filepath.Join(dir, labstate.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, e
}

// Issue 15 item 1: after "bin/lab up" on compose, serve registers the
// connector with the JDBC URL Connect reaches PostgreSQL at inside the
// compose network (postgres:5432), which the lab recorded, not
// localhost:5432 (Connect itself, from inside its container).
func TestServeTakesTheRecordedLabsEndpointsAndJDBCURL(t *testing.T) {
	noStackConfigured(t)
	t.Setenv("LAB_STACK", "")
	dir, e := recordLab(t, "compose")
	var ef endpointFlags
	ef.jdbc = "jdbc:postgresql://localhost:5432/cta" // the flag's default
	plan, st, err := findStack(&ef, dir, "127.0.0.1:1")
	if err != nil || plan != planLab {
		t.Fatalf("findStack = %v, %v; want the recorded lab", plan, err)
	}
	if err := ef.useLab(st); err != nil {
		t.Fatal(err)
	}
	got := ef.endpoints()
	if got.JDBCURL != "jdbc:postgresql://postgres:5432/cta" {
		t.Errorf("JDBC URL %q, want the recorded jdbc:postgresql://postgres:5432/cta", got.JDBCURL)
	}
	if len(got.Brokers) != 1 || got.Brokers[0] != e.Brokers[0] || got.Connect != e.Connect || got.KSQLDB != e.KSQLDB || got.SchemaRegistry != e.SchemaRegistry {
		t.Errorf("endpoints %+v, want the recorded %+v", got, e)
	}
}

func TestServeWithGivenEndpointsIgnoresTheRecordedLab(t *testing.T) {
	dir, _ := recordLab(t, "compose")
	ef := endpointFlags{given: true}
	if plan, _, err := findStack(&ef, dir, "127.0.0.1:1"); err != nil || plan != planGiven {
		t.Errorf("findStack with endpoints given = %v, %v; want planGiven", plan, err)
	}
}

// Issue 15 item 8: LAB_STACK is honoured by serve.
func TestServeHonoursLABSTACK(t *testing.T) {
	noStackConfigured(t)
	empty := t.TempDir()
	t.Setenv("LAB_STACK", "containers")
	_, _, err := findStack(&endpointFlags{}, empty, "127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "LAB_STACK=containers: no containers lab is up") || !strings.Contains(err.Error(), "bin/lab up --provider compose") {
		t.Errorf("LAB_STACK=containers without a lab: %v", err)
	}
	dir, _ := recordLab(t, "compose")
	if plan, _, err := findStack(&endpointFlags{}, dir, "127.0.0.1:1"); err != nil || plan != planLab {
		t.Errorf("LAB_STACK=containers with a compose lab: %v, %v; want the lab", plan, err)
	}
	t.Setenv("LAB_STACK", "external")
	if _, _, err := findStack(&endpointFlags{}, dir, "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "CTALAB_BROKERS") {
		t.Errorf("LAB_STACK=external without endpoints: %v, want one naming CTALAB_BROKERS", err)
	}
	t.Setenv("LAB_STACK", "embedded")
	if plan, _, err := findStack(&endpointFlags{}, dir, "127.0.0.1:1"); err != nil || plan != planEmbedded {
		t.Errorf("LAB_STACK=embedded with a compose lab recorded and nothing on the Kafka port: %v, %v; want the embedded stack", plan, err)
	}
	t.Setenv("LAB_STACK", "kubernetes")
	if _, _, err := findStack(&endpointFlags{}, dir, "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "want embedded, containers or external") {
		t.Errorf("LAB_STACK=kubernetes: %v", err)
	}
}

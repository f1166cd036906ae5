package ksqldb

import (
	"net"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// A restarted engine replays the command topic, restores aggregate state from
// the changelog and resumes from committed offsets: counts continue exactly.
func TestRestartResumesCounts(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	st.createTopic(turnstileTopic, 2)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"}})

	srv1, url1 := st.serve()
	ents := mustKSQL(t, url1, projectStatements, earliest())
	qid := ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	st.consume("TURNSTILE_SUMMARY", 3)
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv1.Close(); err != nil { // idempotent
		t.Fatal(err)
	}

	// events that arrive while the engine is down
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40030, "Clark/Lake", "red"}, {40020, "Harlem", "green"}})

	_, url2 := st.serve()
	queries := mustKSQL(t, url2, "SHOW QUERIES;", nil)[0]["queries"].([]any)
	if len(queries) != 1 || queries[0].(map[string]any)["id"] != qid {
		t.Fatalf("queries after restart: %v", queries)
	}
	tables := mustKSQL(t, url2, "SHOW TABLES;", nil)[0]["tables"].([]any)
	if len(tables) != 1 {
		t.Fatalf("tables after restart: %v", tables)
	}
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})

	recs := st.consume("TURNSTILE_SUMMARY", 7)
	last, seq := counts(t, recs)
	if len(recs) != 7 {
		t.Errorf("got %d updates, want 7 (one per event, no replays)", len(recs))
	}
	if last[40010] != 4 || last[40020] != 2 || last[40030] != 1 {
		t.Errorf("final counts %v, want 40010:4 40020:2 40030:1", last)
	}
	if !slices.Equal(seq[40010], []int64{1, 2, 3, 4}) {
		t.Errorf("40010 updates %v, want 1..4", seq[40010])
	}
	// the new query id keeps its command-topic sequence; a new statement gets a fresh one
	ents = mustKSQL(t, url2, "CREATE TABLE by_line AS SELECT line, COUNT(*) AS n FROM turnstile GROUP BY line EMIT CHANGES;", earliest())
	if id := ents[0]["commandStatus"].(map[string]any)["queryId"]; id == qid || id == nil {
		t.Errorf("second query id %v", id)
	}
}

// The same holds when the broker itself restarts from its data directory.
func TestBrokerAndEngineRestart(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	st := newStack(t, kfake.DataDir(dir), kfake.Ports(port))
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40010, "Austin", "blue"}})
	srv, url := st.serve()
	mustKSQL(t, url, projectStatements, earliest())
	st.consume("TURNSTILE_SUMMARY", 2)
	_ = srv.Close()
	st.cl.Close()
	st.cluster.Close()

	st2 := newStack(t, kfake.DataDir(dir), kfake.Ports(port))
	st2.reg = st.reg // schemas survive in the registry
	st2.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	_, url2 := st2.serve()
	if q := mustKSQL(t, url2, "SHOW QUERIES;", nil)[0]["queries"].([]any); len(q) != 1 {
		t.Fatalf("queries after broker restart: %v", q)
	}
	recs := st2.consume("TURNSTILE_SUMMARY", 3)
	_, seq := counts(t, recs)
	if !slices.Equal(seq[40010], []int64{1, 2, 3}) {
		t.Errorf("40010 updates %v, want 1..3", seq[40010])
	}
}

package ksqldb

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// guaranteeProps are the request properties of each processing guarantee:
// the default (at_least_once) and the opt-in exactly_once_v2.
func guaranteeProps() map[string]map[string]any {
	eos := earliest()
	eos["processing.guarantee"] = guaranteeExactlyOnceV2
	return map[string]map[string]any{"default": earliest(), guaranteeExactlyOnceV2: eos}
}

// A restarted engine replays the command topic, restores aggregate state from
// the changelog and resumes from committed offsets: after a clean shutdown
// counts continue exactly, under either processing guarantee.
func TestRestartResumesCounts(t *testing.T) {
	for name, props := range guaranteeProps() {
		t.Run(name, func(t *testing.T) { testRestartResumesCounts(t, props) })
	}
}

func testRestartResumesCounts(t *testing.T, props map[string]any) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	st.createTopic(turnstileTopic, 2)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"}})

	srv1, url1 := st.serve()
	ents := mustKSQL(t, url1, projectStatements, props)
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
	for name, props := range guaranteeProps() {
		t.Run(name, func(t *testing.T) { testBrokerAndEngineRestart(t, props) })
	}
}

func testBrokerAndEngineRestart(t *testing.T, props map[string]any) {
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
	mustKSQL(t, url, projectStatements, props)
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

// Closing the engine while a query works through a backlog finishes the
// polled batch, waits for its acknowledgements and commits before leaving the
// group: after a restart every station's counts still run 1, 2, 3, ... with
// one update per event, no replays and no gaps.
func TestCloseMidBacklogResumesExactly(t *testing.T) {
	for name, props := range guaranteeProps() {
		t.Run(name, func(t *testing.T) { testCloseMidBacklog(t, props) })
	}
}

func testCloseMidBacklog(t *testing.T, props map[string]any) {
	const events = 20_000
	st := newStack(t, kfake.DataDir(t.TempDir()))
	st.createTopic(turnstileTopic, 1)
	st.produceBacklog(events)
	srv1, url1 := st.serve()
	mustKSQL(t, url1, projectStatements, props)
	waitFor(t, func() bool {
		ends, err := st.adm.ListEndOffsets(context.Background(), "TURNSTILE_SUMMARY")
		o, _ := ends.Lookup("TURNSTILE_SUMMARY", 0)
		return err == nil && o.Offset > 0
	}, "first updates")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	_, url2 := st.serve()
	recs := st.consume("TURNSTILE_SUMMARY", events)
	_, seq := counts(t, recs)
	want := func(id int32) int { // produceBacklog spreads events over stations 40000..40149
		if int(id-40000) < events%150 {
			return events/150 + 1
		}
		return events / 150
	}
	if len(seq) != 150 {
		t.Errorf("%d stations, want 150", len(seq))
	}
	for id, s := range seq {
		if len(s) != want(id) {
			t.Errorf("station %d: %d updates, want %d", id, len(s), want(id))
		}
		for i, n := range s {
			if n != int64(i+1) {
				t.Fatalf("station %d: update %d has count %d (replayed or skipped updates)", id, i+1, n)
			}
		}
	}
	// once the query has committed the whole backlog nothing was counted twice
	qid := mustKSQL(t, url2, "SHOW QUERIES;", nil)[0]["queries"].([]any)[0].(map[string]any)["id"].(string)
	waitCommitted(t, st, "_confluent-ksql-default_query_"+qid, events) // the backlog, through the aggregation
	code, body := post(t, url2, "/query", "SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40000;", nil)
	if code != 200 || !contains(string(body), fmt.Sprintf(`"columns":[40000,%d]`, want(40000))) {
		t.Errorf("pull query after restart: %d %s, want count %d", code, body, want(40000))
	}
	if _, eos := props["processing.guarantee"]; !eos {
		if hwm := st.endOffset("TURNSTILE_SUMMARY"); hwm != events {
			t.Errorf("TURNSTILE_SUMMARY holds %d offsets, want %d updates", hwm, events)
		}
	}
}

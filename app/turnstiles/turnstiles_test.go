package turnstiles

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serverDouble answers /ksql in ksqlDB's shapes and records the statements;
// the embedded ksqlDB engine itself is exercised by the lab and scenarios.
type serverDouble struct {
	streams, tables []string
	posted          []map[string]any
	refuse          string
	unavailable     int // answer the first requests 503, as a server not ready yet
	requests        int
}

func (s *serverDouble) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &req)
	ksql := req["ksql"].(string)
	if s.requests++; s.requests <= s.unavailable {
		w.WriteHeader(503)
		_, _ = io.WriteString(w, `{"@type":"generic_error","error_code":50300,"message":"The server has not finished starting"}`)
		return
	}
	if strings.HasPrefix(ksql, "SHOW STREAMS") {
		src := func(names []string) string {
			var parts []string
			for _, n := range names {
				parts = append(parts, `{"name":"`+n+`","topic":"x","keyFormat":"KAFKA","valueFormat":"AVRO"}`)
			}
			return "[" + strings.Join(parts, ",") + "]"
		}
		_, _ = io.WriteString(w, `[{"@type":"streams","statementText":"SHOW STREAMS;","streams":`+src(s.streams)+`,"warnings":[]},{"@type":"tables","statementText":"SHOW TABLES;","tables":`+src(s.tables)+`,"warnings":[]}]`)
		return
	}
	s.posted = append(s.posted, req)
	if s.refuse != "" {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"@type":"statement_error","error_code":40001,"message":"`+s.refuse+`","statementText":"CREATE TABLE x;","entities":[]}`)
		return
	}
	_, _ = io.WriteString(w, `[{"@type":"currentStatus","statementText":"x","commandId":"table/`+"`TURNSTILE_SUMMARY`"+`/create","commandStatus":{"status":"SUCCESS","message":"Created query with ID CTAS_TURNSTILE_SUMMARY_1","queryId":"CTAS_TURNSTILE_SUMMARY_1"},"commandSequenceNumber":2,"warnings":[]}]`)
}

func ensure(t *testing.T, s *serverDouble) error {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{KSQLDBURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c.Ensure(context.Background())
}

func TestEnsureSubmitsWhatIsMissingWithEarliestOffsets(t *testing.T) {
	s := &serverDouble{}
	if err := ensure(t, s); err != nil {
		t.Fatal(err)
	}
	if len(s.posted) != 1 {
		t.Fatalf("%d posts, want 1", len(s.posted))
	}
	ksql := s.posted[0]["ksql"].(string)
	if !strings.Contains(ksql, CreateStream) || !strings.Contains(ksql, CreateTable) {
		t.Errorf("posted %q", ksql)
	}
	if p := s.posted[0]["streamsProperties"].(map[string]any); p["ksql.streams.auto.offset.reset"] != "earliest" {
		t.Errorf("streamsProperties %v", p)
	}

	s = &serverDouble{streams: []string{"TURNSTILE"}}
	if err := ensure(t, s); err != nil {
		t.Fatal(err)
	}
	if ksql := s.posted[0]["ksql"].(string); strings.Contains(ksql, "CREATE STREAM") || !strings.Contains(ksql, "CREATE TABLE") {
		t.Errorf("with the stream present, posted %q", ksql)
	}

	s = &serverDouble{streams: []string{"TURNSTILE"}, tables: []string{"TURNSTILE_SUMMARY"}}
	if err := ensure(t, s); err != nil || len(s.posted) != 0 {
		t.Errorf("with both present: err %v, %d posts", err, len(s.posted))
	}
}

func TestEnsureReportsKsqlDBsMessageVerbatim(t *testing.T) {
	err := ensure(t, &serverDouble{refuse: "Invalid config variable(s) in the WITH clause: KEY"})
	if err == nil || !strings.Contains(err.Error(), "Invalid config variable(s) in the WITH clause: KEY") {
		t.Fatalf("got %v", err)
	}
}

func TestEnsureWaitsForAServerThatIsNotReadyAndSubmitsOnce(t *testing.T) {
	s := &serverDouble{unavailable: 3}
	if err := ensure(t, s); err != nil {
		t.Fatalf("Ensure = %v, want success once the server answers", err)
	}
	if s.requests != 5 || len(s.posted) != 1 {
		t.Errorf("%d requests and %d submissions, want 3 refused, 1 listing, 1 submission", s.requests, len(s.posted))
	}
}

func TestEnsureDoesNotRetryAStatementError(t *testing.T) {
	s := &serverDouble{refuse: "Invalid config variable(s) in the WITH clause: KEY"}
	if err := ensure(t, s); err == nil {
		t.Fatal("Ensure succeeded though the statement was refused")
	}
	if len(s.posted) != 1 {
		t.Errorf("%d submissions, want 1: a 400 is not retried", len(s.posted))
	}
}

package ksqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// commandRecords encodes commands as the values of command-topic records,
// one per statement, joined by NUL bytes for the fuzz input.
func commandRecords(tb testing.TB, stmts ...string) []byte {
	tb.Helper()
	var out [][]byte
	for _, st := range stmts {
		b, err := json.Marshal(command{Statement: st, StreamsProperties: map[string]string{"ksql.streams.auto.offset.reset": "earliest"}, OriginalProps: map[string]string{}})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return bytes.Join(out, []byte{0})
}

// FuzzCommandTopicReplay replays arbitrary command-topic records into a
// server with an empty metastore, as New does at start, then plans every
// persistent query the replay left (what starting them does before any
// record is read) and lists what the server holds through /ksql: a command
// topic written by another version, or by anyone with access to it, must
// not take the server down.
func FuzzCommandTopicReplay(f *testing.F) {
	st := newStack(f)
	st.createTopic(turnstileTopic, 1)
	registerSchema(f, st.reg.URL(), turnstileTopic+"-value", turnstileValue)
	ctx, cancel := context.WithCancel(context.Background())
	f.Cleanup(cancel)
	s, err := New(ctx, st.brokers, st.reg.URL())
	if err != nil {
		f.Fatalf("new server: %v", err)
	}
	f.Cleanup(func() { _ = s.Close() })

	stmts := strings.SplitAfter(projectStatements, ";")
	project := commandRecords(f, strings.TrimSpace(stmts[0]), strings.TrimSpace(stmts[1]))
	f.Add(project)
	replayAll := func(data []byte) {
		s.ms = metastore.NewStore()
		s.statuses = map[string]cmdStatus{}
		for i, value := range bytes.Split(data, []byte{0}) {
			s.replayOne(ctx, &kgo.Record{Topic: s.cmdTopic, Value: value, Offset: int64(i)})
		}
	}
	// The harness replays what it is given: the project's two statements
	// leave a stream, a table and the query that feeds it.
	s.mu.Lock()
	replayAll(project)
	sources, queries := len(s.ms.Sources), len(s.ms.SortedQueries())
	s.mu.Unlock()
	if sources != 2 || queries != 1 {
		f.Fatalf("replaying the project's statements left %d sources and %d queries, want 2 and 1", sources, queries)
	}
	f.Add(commandRecords(f,
		"CREATE STREAM s (id INT KEY, v STRING, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='"+turnstileTopic+"', VALUE_FORMAT='JSON');",
		"CREATE STREAM t AS SELECT id, UCASE(v) AS u FROM s WHERE id > 3 EMIT CHANGES;",
		"TERMINATE CSAS_T_1;",
		"DROP STREAM t DELETE TOPIC;",
		"INSERT INTO s (id, v) VALUES (1, 'x');",
	))
	f.Add([]byte(`{"statement":"CREATE TABLE x (k INT PRIMARY KEY) WITH (KAFKA_TOPIC='nope', VALUE_FORMAT='KAFKA', PARTITIONS=1);","streamsProperties":null}` + "\x00" + `{"statement":7}` + "\x00" + `not json`))

	f.Fuzz(func(t *testing.T, data []byte) {
		s.mu.Lock()
		replayAll(data)
		for _, qi := range s.ms.SortedQueries() {
			p, err := parseOne(qi.Statement)
			if err != nil {
				continue
			}
			q := selectOf(p)
			if q == nil {
				continue
			}
			if plan, err := planner.PlanQuery(s.ms, q, planner.ModePersistent, qi.Sink); err == nil {
				operators.NewProcessor(plan)
			}
		}
		s.mu.Unlock()
		body := `{"ksql":"SHOW STREAMS EXTENDED; SHOW TABLES EXTENDED; SHOW QUERIES EXTENDED;","streamsProperties":{}}`
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/ksql", strings.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("listing after replay: %d %s", rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("listing after replay is not JSON: %q", rec.Body)
		}
	})
}

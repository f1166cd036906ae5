package ksqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

func TestTurnstileSummaryEndToEnd(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 2)
	st.produceTurnstiles([]turnstileEvent{
		{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"},
		{40010, "Austin", "blue"}, {40020, "Harlem", "green"},
	})
	// a record that cannot be deserialised must be skipped, not crash the query
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: turnstileTopic, Value: []byte("not avro")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	srv, url := st.serve()

	ents := mustKSQL(t, url, projectStatements, earliest())
	if len(ents) != 2 {
		t.Fatalf("want 2 entities, got %v", ents)
	}
	if ents[0]["@type"] != "currentStatus" || ents[0]["commandId"] != "stream/`TURNSTILE`/create" {
		t.Errorf("stream entity: %v", ents[0])
	}
	cs := ents[1]["commandStatus"].(map[string]any)
	qid, _ := cs["queryId"].(string)
	if !strings.HasPrefix(qid, "CTAS_TURNSTILE_SUMMARY_") || cs["message"] != "Created query with ID "+qid || cs["status"] != "SUCCESS" {
		t.Fatalf("ctas entity: %v", ents[1])
	}

	recs := st.consume("TURNSTILE_SUMMARY", 5)
	last, seq := counts(t, recs)
	if last[40010] != 3 || last[40020] != 2 {
		t.Errorf("final counts %v, want 40010:3 40020:2", last)
	}
	if !slices.Equal(seq[40010], []int64{1, 2, 3}) || !slices.Equal(seq[40020], []int64{1, 2}) {
		t.Errorf("updates %v, want one update per event", seq)
	}
	waitFor(t, func() bool { return srv.ProcessingErrors() >= 1 }, "bad record reported to the processing log")

	tables := mustKSQL(t, url, "SHOW TABLES;", nil)[0]["tables"].([]any)
	want := map[string]any{"type": "TABLE", "name": "TURNSTILE_SUMMARY", "topic": "TURNSTILE_SUMMARY", "keyFormat": "KAFKA", "valueFormat": "JSON", "isWindowed": false}
	if len(tables) != 1 || fmt.Sprint(tables[0]) != fmt.Sprint(want) {
		t.Errorf("SHOW TABLES: %v", tables)
	}
	streams := mustKSQL(t, url, "LIST STREAMS;", nil)[0]["streams"].([]any)
	if len(streams) != 1 || streams[0].(map[string]any)["valueFormat"] != "AVRO" || streams[0].(map[string]any)["keyFormat"] != "KAFKA" {
		t.Errorf("SHOW STREAMS: %v", streams)
	}
	queries := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any)
	q0 := queries[0].(map[string]any)
	if len(queries) != 1 || q0["id"] != qid || q0["state"] != "RUNNING" || fmt.Sprint(q0["sinks"]) != "[TURNSTILE_SUMMARY]" ||
		fmt.Sprint(q0["sinkKafkaTopics"]) != "[TURNSTILE_SUMMARY]" || q0["queryType"] != "PERSISTENT" {
		t.Errorf("SHOW QUERIES: %v", queries)
	}
	desc := mustKSQL(t, url, "DESCRIBE turnstile_summary;", nil)[0]
	sd := desc["sourceDescription"].(map[string]any)
	raw, _ := json.Marshal(sd["fields"])
	var fields []restapi.FieldInfo
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	wantFields := []restapi.FieldInfo{{Name: "STATION_ID", Schema: restapi.FieldSchema{Type: "INTEGER"}, Type: "KEY"}, {Name: "COUNT", Schema: restapi.FieldSchema{Type: "BIGINT"}}}
	if fmt.Sprint(fields) != fmt.Sprint(wantFields) || !strings.Contains(string(raw), `"memberSchema":null`) {
		t.Errorf("DESCRIBE fields: %s", raw)
	}
	if len(sd["writeQueries"].([]any)) != 1 || sd["type"] != "TABLE" || sd["topic"] != "TURNSTILE_SUMMARY" {
		t.Errorf("DESCRIBE: %v", sd)
	}

	// pull query by key
	code, body := post(t, url, "/query", "SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;", nil)
	if code != 200 {
		t.Fatalf("pull: %d %s", code, body)
	}
	var pull []map[string]any
	if err := json.Unmarshal(body, &pull); err != nil {
		t.Fatalf("pull body %s: %v", body, err)
	}
	if len(pull) != 2 || fmt.Sprint(pull[1]["row"]) != "map[columns:[40010 3]]" {
		t.Errorf("pull result: %s", body)
	}

	// the stream TURNSTILE_SUMMARY reads cannot be dropped before it
	// (MetaStoreImpl.deleteSource's drop constraint); dropping the table
	// terminates the query that writes it
	// (EngineContext.maybeTerminateCreateAsQuery, confluentinc/ksql v7.9.0)
	code, e := stmtErr(t, url, "DROP STREAM turnstile;")
	wantMsg := "Cannot drop TURNSTILE.\nThe following streams and/or tables read from this source: [TURNSTILE_SUMMARY].\nYou need to drop them before dropping TURNSTILE."
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != wantMsg || e["@type"] != "statement_error" {
		t.Errorf("drop stream before the table that reads it: %d %v", code, e)
	}
	ents = mustKSQL(t, url, "DROP TABLE TURNSTILE_SUMMARY DELETE TOPIC;", nil)
	if ents[0]["commandStatus"].(map[string]any)["message"] != "Source `TURNSTILE_SUMMARY` (topic: TURNSTILE_SUMMARY) was dropped." {
		t.Errorf("drop: %v", ents)
	}
	if ids := queryIDs(t, url); len(ids) != 0 {
		t.Errorf("queries after dropping the table %s wrote: %v", qid, ids)
	}
	waitFor(t, func() bool {
		td, err := st.adm.ListTopics(context.Background(), "TURNSTILE_SUMMARY")
		return err == nil && !td.Has("TURNSTILE_SUMMARY")
	}, "TURNSTILE_SUMMARY topic deleted")
	if tables := mustKSQL(t, url, "SHOW TABLES;", nil)[0]["tables"].([]any); len(tables) != 0 {
		t.Errorf("tables after drop: %v", tables)
	}
}

func TestStatementErrors(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	_, url := st.serve()

	cases := []struct {
		name, ksql string
		code       int
		errCode    float64
		msg        string
	}{
		{"legacy KEY", "CREATE TABLE turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO', KEY='station_id');",
			400, 40001, "Invalid config variable(s) in the WITH clause: KEY"},
		{"syntax", "CREATE STREAM s (a INT\n b INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');", 400, 40001, "line 2:2: Syntax Error"},
		{"unknown statement", "SELEKT * FROM x;", 400, 40001, "line 1:1: Syntax Error\nUnknown statement 'SELEKT'"},
		{"session window with ADVANCE BY", "CREATE TABLE w AS SELECT x, COUNT(*) FROM a WINDOW SESSION (1 MINUTE, ADVANCE BY 1 SECOND) GROUP BY x;", 400, 40001, "Syntax Error"},
		{"join of unknown sources", "CREATE STREAM j AS SELECT * FROM a JOIN b ON a.x = b.x;", 400, 40001, "A does not exist."},
		{"select on /ksql", "SELECT * FROM foo EMIT CHANGES;", 400, 40002, "should be issued to the websocket endpoint '/query'"},
		{"table without primary key", "CREATE TABLE t (a INT) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='JSON');", 400, 40001, "Tables require a PRIMARY KEY"},
		{"missing topic", "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='nope', VALUE_FORMAT='JSON');", 400, 40001, "Topic 'nope' does not exist"},
		{"unknown source", "CREATE STREAM s AS SELECT * FROM nope;", 400, 40001, "NOPE does not exist."},
		{"unknown format", "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='PROTOBUF_X');", 400, 40001, "Unknown format: PROTOBUF_X"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.ksql)
			if code != c.code || e["error_code"] != c.errCode || e["@type"] != "statement_error" || !contains(fmt.Sprint(e["message"]), c.msg) {
				t.Errorf("got %d %v, want %d %v containing %q", code, e, c.code, c.errCode, c.msg)
			}
			if _, ok := e["entities"].([]any); !ok {
				t.Errorf("no entities array: %v", e)
			}
		})
	}
	// validation failed, so nothing of the request ran
	if streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 0 {
		t.Errorf("a failed request left streams behind: %v", streams)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

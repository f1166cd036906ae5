package ksqldb

import (
	"testing"
	"time"
)

// The reference pages "PAUSE" and "RESUME"
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/pause/,
// .../resume/): PAUSE query_id | ALL stops a persistent query, RESUME
// starts it again. Messages and command ids are those of confluentinc/ksql
// v7.9.0: InteractiveStatementExecutor ("Query paused.", "Query
// resumed."), ValidatedCommandFactory.createForPauseQuery and
// createForResumeQuery (unknown ids, source tables' queries) and
// CommandIdAssigner (pause/<id>/execute, pause/ALL/execute); a paused
// query's status is PAUSED (QueryMetadataImpl.getQueryStatus).

// queryStates are SHOW QUERIES' state of each query by id.
func queryStates(t *testing.T, url string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, q := range mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any) {
		m := q.(map[string]any)
		out[m["id"].(string)] = m["state"].(string)
	}
	return out
}

func TestDocsPauseStopsAQueryAndResumeStartsItAgain(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE STREAM copy AS SELECT * FROM pageviews;`, earliest())
	id := queryWriting(t, url, "COPY")
	res := mustKSQL(t, url, "PAUSE "+id+";", nil)
	if msg := commandMessage(t, res); msg != "Query paused." || res[0]["commandId"] != "pause/"+id+"/execute" {
		t.Errorf("PAUSE: %q %v", msg, res[0]["commandId"])
	}
	if got := queryStates(t, url)[id]; got != "PAUSED" {
		t.Errorf("state after PAUSE: %q", got)
	}
	st.produce("pageviews", kv{value: []byte(`{"userid": "u1"}`)})
	// a paused query takes nothing in: given time, the sink stays empty
	time.Sleep(500 * time.Millisecond)
	if n := st.endOffset("COPY"); n != 0 {
		t.Errorf("a paused query wrote %d records", n)
	}
	res = mustKSQL(t, url, "RESUME "+id+";", nil)
	if msg := commandMessage(t, res); msg != "Query resumed." || res[0]["commandId"] != "resume/"+id+"/execute" {
		t.Errorf("RESUME: %q %v", msg, res[0]["commandId"])
	}
	if got := string(st.consume("COPY", 1)[0].value); got != `{"USERID":"u1"}` {
		t.Errorf("after RESUME: %s", got)
	}
	if got := queryStates(t, url)[id]; got != "RUNNING" {
		t.Errorf("state after RESUME: %q", got)
	}
}

func TestDocsPauseAllAndResumeAllTakeEveryPersistentQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE STREAM copy AS SELECT * FROM pageviews;
CREATE STREAM other AS SELECT * FROM pageviews;`, nil)
	res := mustKSQL(t, url, "PAUSE ALL;", nil)
	if msg := commandMessage(t, res); msg != "Query paused." || res[0]["commandId"] != "pause/ALL/execute" {
		t.Errorf("PAUSE ALL: %q %v", msg, res[0]["commandId"])
	}
	for id, state := range queryStates(t, url) {
		if state != "PAUSED" {
			t.Errorf("%s after PAUSE ALL: %s", id, state)
		}
	}
	mustKSQL(t, url, "RESUME ALL;", nil)
	for id, state := range queryStates(t, url) {
		if state != "RUNNING" {
			t.Errorf("%s after RESUME ALL: %s", id, state)
		}
	}
}

func TestDocsPauseRefusesUnknownIdsAndSourceTablesQueries(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, stmt := range []string{"PAUSE NOPE;", "RESUME NOPE;"} {
		if code, e := stmtErr(t, url, stmt); code != 400 || e["message"] != "Unknown queryId: NOPE" {
			t.Errorf("%s: %d %v", stmt, code, e["message"])
		}
	}
	st.createTopic("test_topic", 1)
	mustKSQL(t, url, sourceTableDDL, nil)
	id := queryIDs(t, url)[0]
	for verb, stmt := range map[string]string{"pause": "PAUSE " + id + ";", "resume": "RESUME " + id + ";"} {
		want := "Cannot " + verb + " query '" + id + "' because it is linked to a source table."
		if code, e := stmtErr(t, url, stmt); code != 400 || e["message"] != want {
			t.Errorf("%s: %d %v", stmt, code, e["message"])
		}
	}
}

// PAUSE and RESUME are commands of the command topic: a restarted server
// starts a paused query paused.
func TestAPausedQueryStaysPausedAcrossARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE STREAM copy AS SELECT * FROM pageviews;`, earliest())
	id := queryWriting(t, url, "COPY")
	mustKSQL(t, url, "PAUSE "+id+";", nil)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve()
	if got := queryStates(t, url)[id]; got != "PAUSED" {
		t.Errorf("state after a restart: %q", got)
	}
	st.produce("pageviews", kv{value: []byte(`{"userid": "u2"}`)})
	mustKSQL(t, url, "RESUME "+id+";", nil)
	if got := string(st.consume("COPY", 1)[0].value); got != `{"USERID":"u2"}` {
		t.Errorf("after RESUME: %s", got)
	}
}

// Under exactly_once_v2 a paused query holds its batch too, and goes on
// with it when resumed.
func TestAPausedExactlyOnceQueryTakesNothingInUntilResumed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE STREAM copy AS SELECT * FROM pageviews;`, map[string]any{"auto.offset.reset": "earliest", "processing.guarantee": "exactly_once_v2"})
	id := queryWriting(t, url, "COPY")
	mustKSQL(t, url, "PAUSE "+id+";", nil)
	st.produce("pageviews", kv{value: []byte(`{"userid": "u3"}`)})
	time.Sleep(500 * time.Millisecond)
	if n := st.endOffset("COPY"); n != 0 {
		t.Errorf("a paused query wrote %d records", n)
	}
	mustKSQL(t, url, "RESUME "+id+";", nil)
	if got := string(st.consume("COPY", 1)[0].value); got != `{"USERID":"u3"}` {
		t.Errorf("after RESUME: %s", got)
	}
}

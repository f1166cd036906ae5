package ksqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// holdFetches has the broker hold every Fetch request for topic until
// release is called; held is closed when a first one comes. A query's
// restore reads its changelog with fetches of its own client, on that
// client's fetch connection (readChangelog), so the restore waits there
// while the engine's other requests go on.
func (st *stack) holdFetches(topic string) (held <-chan struct{}, release func()) {
	st.t.Helper()
	listed, err := st.adm.ListTopics(context.Background(), topic)
	if err != nil || listed[topic].Err != nil {
		st.t.Fatalf("list %s: %v %v", topic, err, listed[topic].Err)
	}
	id := listed[topic].ID
	return st.holdRequests(kmsg.Fetch, func(req kmsg.Request) bool {
		return slices.ContainsFunc(req.(*kmsg.FetchRequest).Topics, func(t kmsg.FetchRequestTopic) bool { return t.Topic == topic || t.TopicID == id })
	})
}

// restoringTable serves an engine whose table OUTPUT (a projection of the
// table INPUT, rows 0 and 1) is restoring from its KsqlTopic-Reduce store's
// changelog after a restart, the restore held by the broker until release
// is called (at cleanup at the latest). It returns the URL of the
// restarted engine.
func restoringTable(t *testing.T) (url string, release func()) {
	t.Helper()
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE input (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='input_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT * FROM input;`, earliest())
	st.produceAt("input_topic", []byte("0"), []byte(`{"NAME":"bob"}`), 1000)
	st.produceAt("input_topic", []byte("1"), []byte(`{"NAME":"eve"}`), 2000)
	waitFor(t, func() bool {
		return strings.Join(sortedPullRows(t, url, "SELECT * FROM output;"), " ") == "[0 bob] [1 eve]"
	}, "OUTPUT's rows")
	changelog := sinkQueryTopic(t, url, "OUTPUT", "-KsqlTopic-Reduce-changelog")
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	held, release := st.holdFetches(changelog)
	t.Cleanup(release)
	_, url = st.serve()
	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("the restarted query did not restore its store from the changelog")
	}
	return url, release
}

// notRunningThrown is what ksqlDB's pull query endpoint reports when the
// store of the query materializing the table cannot be read because its
// Kafka Streams app is not RUNNING, at the local node of URL base (the
// engine's listener). KsStateStore.store catches Kafka Streams' refusal
// (StreamThreadStateStoreProvider.stores: the stream thread is not RUNNING
// while its tasks restore, apache/kafka 3.9.0-rc3; KafkaStreams stays
// REBALANCING until every thread is RUNNING) and throws
// NotRunningException("The query was not in a running state. state:
// REBALANCING"); HARouting.executeOrRouteQuery wraps it in a KsqlException
// naming the node ("Error executing query locally at node <location>:
// ..."; KsLocator.buildLocation: the listener's protocol, host, port and
// "/"), and executeRounds, getting it through Future.get as an
// ExecutionException whose message is the cause's toString, throws
// MaterializationException("Unable to execute pull query: " + that
// message) (confluentinc/ksql v7.9.4).
func notRunningThrown(base string) (exception, message string) {
	return "io.confluent.ksql.execution.streams.materialization.MaterializationException",
		"Unable to execute pull query: io.confluent.ksql.util.KsqlException: Error executing query locally at node " +
			base + "/: The query was not in a running state. state: REBALANCING"
}

// A pull query on a table whose query is restoring its store after a
// restart is answered with the failure ksqlDB's pull query endpoints give
// while the query's Kafka Streams app is REBALANCING (notRunningThrown),
// after the header, with status 200 (the routing fails on the coordinator
// thread after the response has started): /query-stream writes the
// throwable's toString as a 50000 error (QuerySubscriber.handleError), as
// /query does on its default route (QueryStreamHandler in compatibility
// mode, JsonStreamedRowResponseWriter.writeError), and the old /query
// (ksql.endpoint.migrate.query=false) writes its message as the array's
// last element (PullQueryStreamWriter.outputException: StreamedRow.error,
// ErrorMessageUtil.buildErrorMessage of a MaterializationException with
// no cause). Once the restore ends the query answers with its rows.
func TestPullQueryWhileItsTableRestoresAnswersThatTheQueryIsNotRunning(t *testing.T) {
	url, release := restoringTable(t)
	exception, message := notRunningThrown(url)
	errorOf := func(msg string) string {
		b, _ := json.Marshal(map[string]any{"@type": "generic_error", "error_code": 50000, "message": msg})
		return string(b)
	}
	const pull = "SELECT * FROM output;"
	// /query-stream, delimited: the metadata line, then the error line
	code, body, err := askWithin(url, "/query-stream", map[string]any{"sql": pull}, "")
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if err != nil || code != 200 || len(lines) != 2 || !strings.Contains(lines[0], `"columnNames":["ID","NAME"]`) ||
		lines[1] != errorOf(exception+": "+message) {
		t.Errorf("/query-stream while restoring: %d %v\n%s\nwant the metadata, then\n%s", code, err, body, errorOf(exception+": "+message))
	}
	// /query, its default route: the header, then the error row
	code, body, err = askWithin(url, "/query", map[string]any{"ksql": pull}, restapi.MediaKSQL)
	var rows []json.RawMessage
	if err == nil {
		err = json.Unmarshal(body, &rows)
	}
	if err != nil || code != 200 || len(rows) != 2 || !bytes.Contains(rows[0], []byte(`"header"`)) ||
		string(rows[1]) != `{"errorMessage":`+errorOf(exception+": "+message)+`}` {
		t.Errorf("/query while restoring: %d %v\n%s", code, err, body)
	}
	// the old /query: the header, then the error's message
	code, body, err = askWithin(url, "/query", map[string]any{"ksql": pull,
		"streamsProperties": map[string]any{migrateQueryProperty: false}}, restapi.MediaKSQL)
	rows = nil
	if err == nil {
		err = json.Unmarshal(body, &rows)
	}
	if err != nil || code != 200 || len(rows) != 2 || !bytes.Contains(rows[0], []byte(`"header"`)) ||
		string(rows[1]) != `{"errorMessage":`+errorOf(message)+`}` {
		t.Errorf("old /query while restoring: %d %v\n%s", code, err, body)
	}
	release()
	waitFor(t, func() bool {
		return strings.Join(sortedPullRows(t, url, pull), " ") == "[0 bob] [1 eve]"
	}, "the restored table's rows")
}

// askWithin posts body to path, accepting accept ("": none), and gives up
// after 3 seconds: a pull query the engine holds until the restore ends
// is no answer (the held restore fetch itself times out after 10).
func askWithin(url, path string, body map[string]any, accept string) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// While a query restores its store, SHOW QUERIES and EXPLAIN call it
// RUNNING: its Kafka Streams app is REBALANCING, which ksqlDB reports as
// RUNNING (KsqlConstants.fromStreamsState: ERROR is ERROR, any other state
// RUNNING; QueryMetadataImpl.getQueryStatus, ListQueriesExecutor,
// RunningQuery.getState, QueryDescription.getState; confluentinc/ksql
// v7.9.4).
func TestShowQueriesCallsAQueryRestoringItsStoreRunning(t *testing.T) {
	url, _ := restoringTable(t)
	queries := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any)
	if len(queries) != 1 {
		t.Fatalf("SHOW QUERIES: %v", queries)
	}
	q := queries[0].(map[string]any)
	if got, _ := json.Marshal(q["statusCount"]); string(got) != `{"RUNNING":1}` || q["state"] != "RUNNING" {
		t.Errorf("SHOW QUERIES while restoring: statusCount %s state %v, want {\"RUNNING\":1} RUNNING", got, q["state"])
	}
	desc := mustKSQL(t, url, "EXPLAIN "+q["id"].(string)+";", nil)[0]["queryDescription"].(map[string]any)
	if desc["state"] != "RUNNING" {
		t.Errorf("EXPLAIN while restoring: state %v, want RUNNING", desc["state"])
	}
}

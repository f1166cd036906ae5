package ksqldb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// A request may ask for a scalable push query with the override
// ksql.query.push.v2.enabled (ScalablePushUtil.isPushV2Enabled, ksqldb-rest-app
// src/main/java/io/confluent/ksql/rest/util/ScalablePushUtil.java). The
// server's ksql.query.push.v2.registry.installed is false by default
// (KsqlConfig.KSQL_QUERY_PUSH_V2_REGISTRY_INSTALLED_DEFAULT), so QueryBuilder
// gave the writing query no registry and PushPhysicalPlanBuilder refuses
// with an IllegalStateException, which EngineExecutor.executeScalablePushQuery
// wraps in KsqlStatementException(message, statement, cause): no unlogged
// details, so /query (StreamedQueryResource: Errors.badStatement of the raw
// message) and /query-stream (ServerUtils.handleEndpointException: the
// unlogged message, which is the message) answer the bare message.
const noScalablePushRegistry = "Scalable push registry cannot be found. Make sure that ksql.query.push.v2.registry.installed is set to true."

// scalablePushStack is a stream, a CSAS over it (the one writer of BLUE)
// and a source table (written by its CREATE SOURCE query, QueryRegistryImpl
// registers that as the table's create-as query).
func scalablePushStack(t *testing.T) string {
	t.Helper()
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');", nil)
	mustKSQL(t, url, "CREATE STREAM blue AS SELECT * FROM turnstile WHERE line = 'blue' EMIT CHANGES;", earliest())
	mustKSQL(t, url, "CREATE SOURCE TABLE stations (id INT PRIMARY KEY, name VARCHAR) WITH (kafka_topic='stations', partitions=1, value_format='JSON');", nil)
	return url
}

// postQuery sends one query to /query (old request body) or /query-stream
// and returns the status and the body up to the first line (a streaming
// answer's header) or the whole error.
func postQuery(t *testing.T, url, path, stmt string, props map[string]any) (int, string) {
	t.Helper()
	var body []byte
	hdr := restapi.MediaKSQL
	if path == "/query" {
		body, _ = json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": props})
	} else {
		body, _ = json.Marshal(map[string]any{"sql": stmt, "properties": props})
		hdr = restapi.MediaDelimited
	}
	req, _ := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(body))
	req.Header.Set("Accept", hdr)
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	return resp.StatusCode, readLine(t, bufio.NewReader(resp.Body))
}

// With the override on, an eligible push query (EMIT CHANGES, one source
// with exactly one writing query, no GROUP BY/WINDOW/HAVING/PARTITION BY,
// reading latest, no ROWPARTITION/ROWOFFSET) fails on both endpoints with
// PushPhysicalPlanBuilder's message as a 400 statement_error (40001).
func TestScalablePushQueryWithoutRegistryIsRefused(t *testing.T) {
	url := scalablePushStack(t)
	on := map[string]any{"ksql.query.push.v2.enabled": true}
	for _, c := range []struct {
		path, stmt string
		props      map[string]any
	}{
		{"/query", "SELECT * FROM blue EMIT CHANGES;", on},
		{"/query-stream", "SELECT * FROM blue EMIT CHANGES;", on},
		{"/query-stream", "SELECT station_id, ROWTIME FROM blue WHERE station_id > 0 EMIT CHANGES LIMIT 1;", on},
		{"/query", "SELECT * FROM stations EMIT CHANGES;", on},
		// latest named explicitly (ScalablePushUtil.isLatest reads auto.offset.reset first)
		{"/query-stream", "SELECT * FROM blue EMIT CHANGES;", map[string]any{"ksql.query.push.v2.enabled": true, "auto.offset.reset": "latest"}},
		// KsqlRequest.getConfigOverrides coerces the old body's string to Boolean.TRUE
		{"/query", "SELECT * FROM blue EMIT CHANGES;", map[string]any{"ksql.query.push.v2.enabled": "true"}},
	} {
		code, body := postQuery(t, url, c.path, c.stmt, c.props)
		var e map[string]any
		_ = json.Unmarshal([]byte(body), &e)
		ents, _ := e["entities"].([]any)
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != noScalablePushRegistry ||
			e["statementText"] != c.stmt || ents == nil || len(ents) != 0 {
			t.Errorf("%s %q %v: %d %s", c.path, c.stmt, c.props, code, body)
		}
	}
}

// With the override on, a push query ScalablePushUtil.isScalablePushQuery
// turns down runs as a classic transient push query, as it does without it.
func TestScalablePushOverrideOnIneligibleQueryRunsClassically(t *testing.T) {
	url := scalablePushStack(t)
	on := map[string]any{"ksql.query.push.v2.enabled": true}
	for _, c := range []struct {
		why, stmt string
		props     map[string]any
	}{
		{"GROUP BY", "SELECT station_id, COUNT(*) FROM blue GROUP BY station_id EMIT CHANGES;", on},
		{"no query writes the source", "SELECT * FROM turnstile EMIT CHANGES;", on},
		{"reads earliest", "SELECT * FROM blue EMIT CHANGES;", map[string]any{"ksql.query.push.v2.enabled": true, "auto.offset.reset": "earliest"}},
		{"reads earliest (ksql.streams.)", "SELECT * FROM blue EMIT CHANGES;", map[string]any{"ksql.query.push.v2.enabled": true, "ksql.streams.auto.offset.reset": "earliest"}},
		{"ROWOFFSET", "SELECT station_id, ROWOFFSET FROM blue EMIT CHANGES;", on},
		{"PARTITION BY", "SELECT * FROM blue PARTITION BY station_name EMIT CHANGES;", on},
		{"override off", "SELECT * FROM blue EMIT CHANGES;", map[string]any{"ksql.query.push.v2.enabled": false}},
	} {
		for _, path := range []string{"/query", "/query-stream"} {
			code, line := postQuery(t, url, path, c.stmt, c.props)
			if code != 200 || !strings.Contains(line, `"queryId":"transient_`) {
				t.Errorf("%s, %s %q: %d %s", c.why, path, c.stmt, code, line)
			}
		}
	}
	// /query-stream hands its properties over uncoerced (QueryStreamArgs), so
	// the string "true" is not Boolean.TRUE
	code, line := postQuery(t, url, "/query-stream", "SELECT * FROM blue EMIT CHANGES;", map[string]any{"ksql.query.push.v2.enabled": "true"})
	if code != 200 || !strings.Contains(line, `"queryId":"transient_`) {
		t.Errorf("string override on /query-stream: %d %s", code, line)
	}
	// a second writer (INSERT INTO) leaves BLUE with two queries writing it
	mustKSQL(t, url, "INSERT INTO blue SELECT * FROM turnstile WHERE line = 'red' EMIT CHANGES;", nil)
	for _, path := range []string{"/query", "/query-stream"} {
		code, line := postQuery(t, url, path, "SELECT * FROM blue EMIT CHANGES;", on)
		if code != 200 || !strings.Contains(line, `"queryId":"transient_`) {
			t.Errorf("two writers, %s: %d %s", path, code, line)
		}
	}
}

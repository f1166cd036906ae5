package ksqldb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// ksql.max.push.queries counts push queries of /query and /query-stream alike;
// at the limit ksqlDB refuses with QueryCapacityUtil's message
// (ksqldb-rest-app/src/main/java/io/confluent/ksql/rest/util/QueryCapacityUtil.java,
// checked in QueryExecutor.handlePushQuery), and everything else still answers.
func TestPushQueryCapCountsBothEndpoints(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	srv, url := st.serve(WithMaxPushQueries(2))
	mustKSQL(t, url, "CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');", nil)
	const stmt = "SELECT * FROM turnstile EMIT CHANGES;"

	// one on the old endpoint ...
	body, _ := json.Marshal(map[string]any{"ksql": stmt})
	resp, err := http.Post(url+"/query", "application/vnd.ksql.v1+json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("first push query: %v %v", resp, err)
	}
	defer resp.Body.Close()
	if _, err := bufio.NewReader(resp.Body).ReadString('}'); err != nil {
		t.Fatal(err)
	}
	// ... and one on the new
	_, _, qid := openQueryStream(t, h2c(), url, stmt)

	want := "Not executing statement(s) as it would cause the number of active, push queries to exceed the configured limit. " +
		"Terminate existing PUSH queries, or increase the 'ksql.max.push.queries' setting via the 'ksql-server.properties' file. " +
		"Current push query count: 2. Configured limit: 2."
	wantUnlogged := "Not executing statement(s) '" + stmt + "' as it would cause the number of active, push queries to exceed the configured limit. " +
		"Terminate existing PUSH queries, or increase the 'ksql.max.push.queries' setting via the 'ksql-server.properties' file. " +
		"Current push query count: 2. Configured limit: 2.\nStatement: " + stmt
	// /query with ksql.endpoint.migrate.query at its default (true) runs the
	// query on QueryStreamHandler, whose ServerUtils.handleEndpointException
	// answers the unlogged message; the old path, taken with the request
	// override false, answers the sanitised one
	// (StreamedQueryResource.handleStatement: Errors.badStatement(e.getRawMessage(), ...))
	for _, c := range []struct {
		props map[string]any
		want  string
	}{{nil, wantUnlogged}, {map[string]any{"ksql.endpoint.migrate.query": false}, want}} {
		code, b := post(t, url, "/query", stmt, c.props)
		var e map[string]any
		_ = json.Unmarshal(b, &e)
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != c.want || e["statementText"] != stmt {
			t.Errorf("third on /query %v: %d %s", c.props, code, b)
		}
	}
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", `{"sql":"`+stmt+`"}`, nil)
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if r.code != 400 || e["error_code"] != 40001.0 || e["message"] != wantUnlogged {
		t.Errorf("third on /query-stream: %d %s", r.code, r.body)
	}

	// the server still answers everything else, pull queries included
	if code, _, info := getJSON(t, url+"/info"); code != 200 || info["KsqlServerInfo"] == nil {
		t.Errorf("/info at the cap: %d %v", code, info)
	}
	if ents := mustKSQL(t, url, "SHOW STREAMS;", nil); len(ents) != 1 {
		t.Errorf("/ksql at the cap: %v", ents)
	}

	// closing one makes room again
	if r := do(t, h2c(), http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { return srv.push.count() < 2 }, "closed query leaves the count")
	_, rd, _ := openQueryStream(t, http.DefaultClient, url, stmt)
	if line := readLine(t, rd); !strings.HasPrefix(line, "[40010,") {
		t.Errorf("push query after close: %q", line)
	}
}

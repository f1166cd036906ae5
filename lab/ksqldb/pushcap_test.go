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

// At the cap a push query is refused before it is analysed or planned:
// QueryExecutor.handlePushQuery checks QueryCapacityUtil.exceedsPushQueryCapacity
// before KsqlEngine.executeTransientQuery plans the query, so an unknown
// column or a WHERE type error gets the cap's message on every path; a
// source that does not exist is found earlier still, as the statement is
// prepared (confluentinc/ksql v7.9.0 QueryExecutor.java, EngineContext.prepare).
func TestPushQueryCapComesBeforeAnalysis(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithMaxPushQueries(0))
	mustKSQL(t, url, "CREATE STREAM clicks (id INT KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);", nil)
	const tail = " as it would cause the number of active, push queries to exceed the configured limit. " +
		"Terminate existing PUSH queries, or increase the 'ksql.max.push.queries' setting via the 'ksql-server.properties' file. " +
		"Current push query count: 0. Configured limit: 0."
	for _, stmt := range []string{
		"SELECT nope FROM clicks EMIT CHANGES;",
		"SELECT * FROM clicks WHERE n = 'x' EMIT CHANGES;",
	} {
		unlogged := "Not executing statement(s) '" + stmt + "'" + tail + "\nStatement: " + stmt
		for _, c := range []struct {
			props map[string]any
			want  string
		}{{nil, unlogged}, {map[string]any{"ksql.endpoint.migrate.query": false}, "Not executing statement(s)" + tail}} {
			code, b := post(t, url, "/query", stmt, c.props)
			var e map[string]any
			_ = json.Unmarshal(b, &e)
			if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.want {
				t.Errorf("/query %q %v: %d %s", stmt, c.props, code, b)
			}
		}
		code, ct, e := queryStreamErr(t, url, stmt, "", nil)
		if code != 400 || len(ct) != 0 || e["error_code"] != 40001.0 || e["message"] != unlogged {
			t.Errorf("/query-stream %q: %d %v", stmt, code, e)
		}
	}
	// a ksql.query.push.v2.enabled override that is no boolean is parsed
	// as the query is planned, after the cap (pushv2_property_test.go)
	const plain = "SELECT * FROM clicks EMIT CHANGES;"
	yes := map[string]any{"ksql.query.push.v2.enabled": "yes"}
	if code, _, e := queryStreamErr(t, url, plain, "", yes); code != 400 || e["message"] != "Not executing statement(s) '"+plain+"'"+tail+"\nStatement: "+plain {
		t.Errorf("/query-stream %q %v: %d %v", plain, yes, code, e)
	}
	const missing = "SELECT * FROM nope EMIT CHANGES;"
	if code, ct, e := queryStreamErr(t, url, missing, "", nil); code != 400 || len(ct) != 0 || e["message"] != "Exception while preparing statement: NOPE does not exist." {
		t.Errorf("/query-stream %q: %d %v", missing, code, e)
	}
}

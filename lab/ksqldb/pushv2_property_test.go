package ksqldb

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// ksql.query.push.v2.enabled is a BOOLEAN config (KsqlConfig); Kafka's
// ConfigDef.parseType takes a string "true" or "false" in any case, around
// spaces, or a boolean, and refuses anything else with ConfigException
// "Invalid value <v> for configuration <name>: Expected value to be either
// true or false" (confluentinc/ksql v7.9.0, apache/kafka 3.9).
//
// The old /query body's properties are coerced first
// (KsqlRequest.getConfigOverrides: PropertiesUtil.coerceTypes), which
// StreamedQueryResource.handleStatement does once the statement is
// prepared, for any statement: a value that does not parse is a KsqlException,
// answered 400 generic error 40000 with ErrorMessageUtil's text, the cause
// wrapped at 80 columns. "TRUE" coerces to Boolean.TRUE and turns scalable
// push on.
//
// /query-stream hands its properties over uncoerced (QueryStreamArgs): a
// value other than the JSON boolean true leaves scalable push off
// (ScalablePushUtil.isPushV2Enabled), and the classic push query's planning
// parses the overrides (EngineExecutor.planQuery: SessionConfig.getConfig(true)).
// ConfigException is no KsqlException, so a value that does not parse
// reaches ServerUtils.handleEndpointException as an internal error: 500,
// generic error 50000, the message hidden.
func TestPushV2OverrideThatIsNotABoolean(t *testing.T) {
	url := scalablePushStack(t)
	// a push query that runs instead of failing ends with the timeout
	cl := &http.Client{Timeout: 5 * time.Second}
	const stmt = "SELECT * FROM blue EMIT CHANGES;"
	coerce := func(v string) string {
		return "Failed to coerce type of value '" + v + "' for key 'ksql.query.push.v2.enabled'\n" +
			"Caused by: Invalid value " + v + " for configuration ksql.query.push.v2.enabled:\n\tExpected value to be either true or false"
	}
	for _, c := range []struct {
		v    any
		text string
	}{{"yes", "yes"}, {1, "1"}, {"on", "on"}} {
		for _, q := range []string{stmt, "SELECT * FROM stations WHERE id = 1;"} {
			body, _ := json.Marshal(map[string]any{"ksql": q, "streamsProperties": map[string]any{pushV2Property: c.v}})
			r := do(t, cl, http.MethodPost, url+"/query", string(body), nil)
			var e map[string]any
			_ = json.Unmarshal(r.body, &e)
			if r.code != 400 || len(r.ct) != 1 || r.ct[0] != "application/json" || e["@type"] != "generic_error" || e["error_code"] != 40000.0 || e["message"] != coerce(c.text) {
				t.Errorf("/query %q with %v: %d %v %s\nwant message %q", q, c.v, r.code, r.ct, r.body, coerce(c.text))
			}
		}
		body, _ := json.Marshal(map[string]any{"sql": stmt, "properties": map[string]any{pushV2Property: c.v}})
		r := do(t, cl, http.MethodPost, url+"/query-stream", string(body), nil)
		var e map[string]any
		_ = json.Unmarshal(r.body, &e)
		if r.code != 500 || len(r.ct) != 0 || e["@type"] != "generic_error" || e["error_code"] != 50000.0 ||
			e["message"] != "The server encountered an internal error when processing the query. Please consult the server logs for more information." {
			t.Errorf("/query-stream with %v: %d %v %s", c.v, r.code, r.ct, r.body)
		}
	}
	// both look the query's sources up first, as the statement is prepared
	for _, path := range []string{"/query", "/query-stream"} {
		code, body := postQuery(t, url, path, "SELECT * FROM nope EMIT CHANGES;", map[string]any{pushV2Property: "yes"})
		if code != 400 || !strings.Contains(body, `"message":"Exception while preparing statement: NOPE does not exist."`) {
			t.Errorf("%s on an unknown source: %d %s", path, code, body)
		}
	}
	// "TRUE" parses: scalable push on /query, a classic push query on /query-stream
	if code, body := postQuery(t, url, "/query", stmt, map[string]any{pushV2Property: " TRUE"}); code != 400 || !strings.Contains(body, noScalablePushRegistry) {
		t.Errorf("/query with \" TRUE\": %d %s", code, body)
	}
	if code, line := postQuery(t, url, "/query-stream", stmt, map[string]any{pushV2Property: "TRUE"}); code != 200 || !strings.Contains(line, `"queryId":"transient_`) {
		t.Errorf("/query-stream with \"TRUE\": %d %s", code, line)
	}
}

// With the server's own ksql.query.push.v2.enabled true, an eligible push
// query that names no override is a scalable push query, refused without a
// registry; a request's override, false, still wins
// (ScalablePushUtil.isPushV2Enabled reads the override first, else the
// server's KsqlConfig).
func TestServerPushV2SettingAppliesWithoutAnOverride(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	_, url := st.serve(WithPushV2Enabled(true))
	mustKSQL(t, url, "CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');", nil)
	mustKSQL(t, url, "CREATE STREAM blue AS SELECT * FROM turnstile WHERE line = 'blue' EMIT CHANGES;", earliest())
	const stmt = "SELECT * FROM blue EMIT CHANGES;"
	for _, path := range []string{"/query", "/query-stream"} {
		if code, body := postQuery(t, url, path, stmt, nil); code != 400 || !strings.Contains(body, `"message":"`+noScalablePushRegistry+`"`) {
			t.Errorf("%s without an override: %d %s", path, code, body)
		}
		if code, line := postQuery(t, url, path, stmt, map[string]any{pushV2Property: false}); code != 200 || !strings.Contains(line, `"queryId":"transient_`) {
			t.Errorf("%s with the override false: %d %s", path, code, line)
		}
		// not eligible (no query writes TURNSTILE): a classic push query
		if code, line := postQuery(t, url, path, "SELECT * FROM turnstile EMIT CHANGES;", nil); code != 200 || !strings.Contains(line, `"queryId":"transient_`) {
			t.Errorf("%s on a source no query writes: %d %s", path, code, line)
		}
	}
}

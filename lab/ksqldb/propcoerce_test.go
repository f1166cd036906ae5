package ksqldb

import (
	"encoding/json"
	"testing"
)

// The old request body's streamsProperties are typed as
// KsqlRequest.getConfigOverrides types them (PropertiesUtil.coerceTypes:
// each value as a string through LocalPropertyParser, which resolves the
// name with KsqlConfigResolver, parses it with ConfigDef.parseType, runs the
// key's validator, then LocalPropertyValidator). A value that fails is a
// KsqlException, "Failed to coerce type of value '<v>' for key '<k>'",
// caused by the ConfigException (naming the resolved key) or
// IllegalArgumentException, answered as a bad request, 400 generic_error
// 40000 (Errors.badRequest): /ksql before it parses the statements
// (KsqlResource.handleKsqlStatements), /query once the statement is
// prepared (StreamedQueryResource.handleStatement), whichever way the query
// would go (confluentinc/ksql v7.9.0; apache/kafka 3.9 ConfigDef.parseType,
// ConfigDef.ValidString, ConsumerConfig auto.offset.reset).
func TestOldBodyOverridesAreTypedAsKsqlRequestTypesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM clicks (id INT KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);", nil)
	coerce := func(v, k, cause string) string {
		return "Failed to coerce type of value '" + v + "' for key '" + k + "'\nCaused by: " + cause
	}
	for _, c := range []struct {
		k, v, want string
	}{
		{"ksql.query.push.v2.enabled", "yes", coerce("yes", "ksql.query.push.v2.enabled",
			"Invalid value yes for configuration ksql.query.push.v2.enabled:\n\tExpected value to be either true or false")},
		{"ksql.streams.num.stream.threads", "x", coerce("x", "ksql.streams.num.stream.threads",
			"Invalid value x for configuration num.stream.threads: Not a number of\n\ttype INT")},
		{"ksql.query.pull.max.allowed.offset.lag", "lots", coerce("lots", "ksql.query.pull.max.allowed.offset.lag",
			"Invalid value lots for configuration\n\tksql.query.pull.max.allowed.offset.lag: Not a number of type LONG")},
		{"auto.offset.reset", "middle", coerce("middle", "auto.offset.reset",
			"Invalid value middle for configuration auto.offset.reset: String must\n\tbe one of: latest, earliest, none")},
		{"ksql.streams.auto.offset.reset", "middle", coerce("middle", "ksql.streams.auto.offset.reset",
			"Invalid value middle for configuration auto.offset.reset: String must\n\tbe one of: latest, earliest, none")},
		{"auto.offset.reset", "none", coerce("none", "auto.offset.reset",
			"'none' is not valid for this property within KSQL")},
	} {
		props := map[string]any{c.k: c.v}
		for _, r := range []struct{ path, stmt string }{
			{"/ksql", "SHOW STREAMS;"},
			{"/ksql", "SHOW STREAMS"}, // a syntax error comes second on /ksql
			{"/query", "SELECT * FROM clicks EMIT CHANGES;"},
			{"/query", "SELECT * FROM clicks;"},
		} {
			code, body := post(t, url, r.path, r.stmt, props)
			var e map[string]any
			_ = json.Unmarshal(body, &e)
			if code != 400 || e["@type"] != "generic_error" || e["error_code"] != 40000.0 || e["message"] != c.want {
				t.Errorf("%s %q %v: %d %s\nwant 400 40000 %q", r.path, r.stmt, props, code, body, c.want)
			}
		}
	}
	// /query prepares the statement first
	code, body := post(t, url, "/query", "SELECT * FROM nope EMIT CHANGES;", map[string]any{"auto.offset.reset": "middle"})
	var e map[string]any
	_ = json.Unmarshal(body, &e)
	if code != 400 || e["message"] != "Exception while preparing statement: NOPE does not exist." {
		t.Errorf("/query on an unknown source: %d %s", code, body)
	}
}

// /query-stream hands its properties over uncoerced (QueryStreamArgs): a
// push query's planning parses every override (EngineExecutor.planQuery:
// SessionConfig.getConfig(true), KsqlConfig.cloneWithPropertyOverwrite,
// ConfigItem.Resolved.parseValue), and the ConfigException, no
// KsqlException, is an internal error to ServerUtils.handleEndpointException
// (500, 50000); a pull query on a table never applies the overrides
// (EngineExecutor.executeTablePullQuery: getConfig(false)), so it answers
// (confluentinc/ksql v7.9.0).
func TestQueryStreamOverridesAreParsedAsThePushQueryIsPlanned(t *testing.T) {
	url := countsByID(t, "INT", intKey(1))
	for _, props := range []map[string]any{
		{"auto.offset.reset": "middle"},
		{"ksql.streams.num.stream.threads": "x"},
	} {
		code, ct, e := queryStreamErr(t, url, "SELECT * FROM clicks EMIT CHANGES;", "", props)
		if code != 500 || len(ct) != 0 || e["error_code"] != 50000.0 || e["message"] != errInternalQuery.Error() {
			t.Errorf("push query %v: %d %v", props, code, e)
		}
		if code, body := postQuery(t, url, "/query-stream", "SELECT * FROM counts;", props); code != 200 {
			t.Errorf("table pull query %v: %d %s", props, code, body)
		}
	}
}

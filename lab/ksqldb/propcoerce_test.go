package ksqldb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
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

// A request property no ConfigDef knows is refused: KsqlRequest's
// getConfigOverrides resolves each name strictly (LocalPropertyParser.parse:
// KsqlConfigResolver.resolve(name, true)), and a name it cannot resolve is
// a PropertyNotFoundException, an IllegalArgumentException and no
// KsqlException (PropertyNotFoundException.java, confluentinc/ksql v7.9.0).
// Each endpoint answers it as its catch-all does:
//   - /ksql: KsqlResource.handleKsqlStatements' last catch,
//     Errors.serverErrorForStatement: 500 statement_error 50000 naming the
//     request's statements, no entities;
//   - /query (old API): StreamedQueryResource.handleStatement catches only
//     KsqlExceptions, so OldApiUtils.mapException answers it: 500
//     generic_error 50000;
//   - /query in compatibility mode (a delimited Accept): the
//     QueryStreamHandler reads the overrides as it reads the body
//     (getRequest), and the exception escapes the handler: Vert.x fails the
//     route with 500 ("If an exception is caught from a handler this will
//     result in a failure with status code 500", vertx-web's Router
//     documentation, "Error handling") and ServerVerticle's FailureHandler
//     writes a generic_error 50000 with the exception's own message, so a
//     value that does not parse is answered there without its cause.
//
// Names the resolver keeps without a key (a ksql.functions. setting, a
// ksql.streams.topic. setting Kafka has, Kafka Streams' internal emit
// interval) pass.
func TestAnUnknownRequestPropertyIsRefusedAsKsqlResolvesNamesStrictly(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM clicks (id INT KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);", nil)
	notFound := func(k string) string {
		return "Not recognizable as ksql, streams, consumer, or producer property: '" + k + "'"
	}
	for _, k := range []string{"foo.bar", "ksql.nope", "ksql.streams.nope", "ksql.streams.consumer.nope", "consumer.nope", "request.ksql.nope"} {
		props := map[string]any{k: "1"}
		code, body := post(t, url, "/ksql", "SHOW STREAMS;", props)
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 500 || e["@type"] != "statement_error" || e["error_code"] != 50000.0 || e["message"] != notFound(k) ||
			e["statementText"] != "SHOW STREAMS;" || fmt.Sprint(e["entities"]) != "[]" {
			t.Errorf("/ksql %v: %d %s", props, code, body)
		}
		code, body = post(t, url, "/query", "SELECT * FROM clicks;", props)
		e = nil
		_ = json.Unmarshal(body, &e)
		if code != 500 || e["@type"] != "generic_error" || e["error_code"] != 50000.0 || e["message"] != notFound(k) {
			t.Errorf("/query %v: %d %s", props, code, body)
		}
		code, e = compatQuery(t, url, "SELECT * FROM clicks;", props)
		if code != 500 || e["@type"] != "generic_error" || e["error_code"] != 50000.0 || e["message"] != notFound(k) {
			t.Errorf("/query (delimited) %v: %d %v", props, code, e)
		}
	}
	code, e := compatQuery(t, url, "SELECT * FROM clicks;", map[string]any{"ksql.query.push.v2.enabled": "yes"})
	if code != 500 || e["@type"] != "generic_error" || e["error_code"] != 50000.0 ||
		e["message"] != "Failed to coerce type of value 'yes' for key 'ksql.query.push.v2.enabled'" {
		t.Errorf("/query (delimited), a value that does not parse: %d %v", code, e)
	}
	for _, k := range []string{"ksql.functions.myudf.limit", "ksql.streams.topic.min.insync.replicas", "__emit.interval.ms.kstreams.windowed.aggregation__", "consumer.max.poll.records", "request.ksql.query.pull.partition"} {
		if code, body := post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{k: "1"}); code != 200 {
			t.Errorf("/ksql %s: %d %s", k, code, body)
		}
	}
}

// compatQuery posts the old request body to /query accepting only the
// delimited format, which ServerVerticle routes to the QueryStreamHandler in
// compatibility mode; it returns the status and the decoded error body. A
// failure there carries no Content-Type (FailureHandler.handleError sets
// none).
func compatQuery(t *testing.T, url, stmt string, props map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": props})
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query", string(body), map[string]string{"Accept": restapi.MediaDelimited})
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if r.code >= 400 && len(r.ct) != 0 {
		t.Errorf("/query (delimited) %v: a failure with Content-Type %v", props, r.ct)
	}
	return r.code, e
}

// A request property's value is the string String.valueOf makes of what
// Jackson decoded (PropertiesUtil.coerceType): a JSON number written with a
// fraction or an exponent is a Double, printed as Double.toString prints it
// (1.0 stays "1.0", 1e20 is "1.0E20"), so an INT setting given 2.0 does not
// parse, as Integer.parseInt refuses "2.0" (ConfigDef.parseType,
// apache/kafka 3.9); a whole number is an Integer or Long and prints its
// digits.
func TestARequestPropertyNumberIsTheStringJavaMakesOfIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, body := post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{"ksql.streams.num.stream.threads": json.Number("2.0")})
	var e map[string]any
	_ = json.Unmarshal(body, &e)
	want := "Failed to coerce type of value '2.0' for key 'ksql.streams.num.stream.threads'\nCaused by: Invalid value 2.0 for configuration num.stream.threads: Not a number\n\tof type INT"
	if code != 400 || e["message"] != want {
		t.Errorf("num.stream.threads 2.0: %d %s\nwant %q", code, body, want)
	}
	if code, body := post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{"ksql.streams.num.stream.threads": json.Number("2")}); code != 200 {
		t.Errorf("num.stream.threads 2: %d %s", code, body)
	}
	for lit, want := range map[string]string{"1.0": "1.0", "1e20": "1.0E20", "0.0001": "1.0E-4", "12": "12", "-0": "0", "-0.0": "-0.0"} {
		a := showProperties(t, url, map[string]any{"ksql.output.topic.name.prefix": json.Number(lit)})
		if got := a.value("ksql.output.topic.name.prefix"); got != want {
			t.Errorf("ksql.output.topic.name.prefix given %s is listed as %s, want %s", lit, got, want)
		}
	}
}

// A pull query on a stream is planned as a push query is
// (EngineExecutor.executeStreamPullQuery calls planQuery, which reads
// SessionConfig.getConfig(true), confluentinc/ksql v7.9.0): on
// /query-stream an override that does not parse is the same internal error.
func TestQueryStreamStreamPullQueryParsesItsOverridesAsItIsPlanned(t *testing.T) {
	url := countsByID(t, "INT", intKey(1))
	for _, props := range []map[string]any{
		{"auto.offset.reset": "middle"},
		{"ksql.streams.num.stream.threads": "x"},
	} {
		code, ct, e := queryStreamErr(t, url, "SELECT * FROM clicks;", "", props)
		if code != 500 || len(ct) != 0 || e["error_code"] != 50000.0 || e["message"] != errInternalQuery.Error() {
			t.Errorf("stream pull query %v: %d %v", props, code, e)
		}
	}
	if code, body := postQuery(t, url, "/query-stream", "SELECT * FROM clicks;", map[string]any{"auto.offset.reset": "earliest"}); code != 200 {
		t.Errorf("stream pull query with a good override: %d %s", code, body)
	}
}

// A request property given as a JSON object or array is the string
// String.valueOf makes of what Jackson decoded (PropertiesUtil.coerceType,
// confluentinc/ksql v7.9.0): an object is a LinkedHashMap, printed
// {name=value, ...} in the order written; an array is a List, whose
// elements are joined with commas for the parser (listToString) while the
// refusal names the list as AbstractCollection.toString prints it,
// [a, b].
func TestARequestPropertyObjectOrArrayIsTheStringJavaMakesOfIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	obj := json.RawMessage(`{"zeta":1,"alpha":"x","mid":[true,null,2.0],"in":{"b":1,"a":2}}`)
	objString := "{zeta=1, alpha=x, mid=[true, null, 2.0], in={b=1, a=2}}"
	code, body := post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{"ksql.streams.num.stream.threads": obj})
	var e map[string]any
	_ = json.Unmarshal(body, &e)
	want := "Failed to coerce type of value '" + objString + "' for key 'ksql.streams.num.stream.threads'\nCaused by: "
	if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, want) {
		t.Errorf("an object for an INT setting: %d %s\nwant a message starting %q", code, body, want)
	}
	code, body = post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{"ksql.streams.num.stream.threads": json.RawMessage(`[1, 2]`)})
	e = nil
	_ = json.Unmarshal(body, &e)
	want = "Failed to coerce type of value '[1, 2]' for key 'ksql.streams.num.stream.threads'\nCaused by: Invalid value 1,2 for configuration num.stream.threads: Not a number\n\tof type INT"
	if code != 400 || e["message"] != want {
		t.Errorf("an array for an INT setting: %d %s\nwant %q", code, body, want)
	}
	a := showProperties(t, url, map[string]any{"ksql.output.topic.name.prefix": obj})
	if got := a.value("ksql.output.topic.name.prefix"); got != objString {
		t.Errorf("an object for a STRING setting is listed as %s, want %s", got, objString)
	}
}

// An unknown request property refused on /ksql names the request as
// QueryMask.getMaskedStatement masks it (Errors.serverErrorForStatement
// with KsqlRequest.getMaskedKsql, confluentinc/ksql v7.9.0); a request that
// does not parse is masked by its fallback: the values after VALUES of an
// INSERT (each run of characters between delimiters after the last
// opening parenthesis), then every quoted property but connector.class
// given a quoted value. A request that parses has its INSERT rebuilt with
// masked values, its other statements kept as written, one per line.
func TestAnUnknownPropertyNamesTheRequestAsQueryMaskMasksIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for stmt, want := range map[string]string{
		"INSERT INTO s (a, b) VALUES ('secret', 42) garbage;":                                                   "INSERT INTO s (a, b) VALUES ('[value]','[value]')'[value]';",
		"insert into s (a) values\n(  'x'  ;":                                                                   "insert into s (a) values\n('[value]';",
		"CREATE SOURCE CONNECTOR c WITH ('connector.class'='io.x.Src', \"connection.password\" = 'pw', `k`='';": "CREATE SOURCE CONNECTOR c WITH ('connector.class'='io.x.Src', \"connection.password\"='[string]', `k`='[string]';",
		"SELEC 1;": "SELEC 1;",
		// parsed: the values masked, names as Name.toString prints them
		"SHOW STREAMS; insert into s (a, `b`) values ('secret', 42);": "SHOW STREAMS;\nINSERT INTO `S` (`A`, `b`) VALUES ('[value]', '[value]');",
	} {
		code, body := post(t, url, "/ksql", stmt, map[string]any{"no.such.property": "1"})
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 500 || e["@type"] != "statement_error" || e["statementText"] != want {
			t.Errorf("%q: %d %s\nwant statementText %q", stmt, code, body, want)
		}
	}
}

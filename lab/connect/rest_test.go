package connect

import (
	"strings"
	"testing"
)

// GET / answers the worker's Kafka build as AppInfoParser reports it:
// CP 7.9.4's "7.9.4-ccs" and the release's full commit id
// (RootResource.serverInfo; a cp-kafka-connect:7.9.0 worker answers
// {"version":"7.9.0-ccs","commit":"ebe6df624d6bc758c37aba7053cf868c1e532ccd",...},
// its tag's commit), not Apache Kafka's "3.9.0".
func TestRootAndPlugins(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)

	r := wk.do(t, "GET", "/", nil)
	var root map[string]string
	r.json(t, &root)
	if r.code != 200 || root["version"] != "7.9.4-ccs" || root["commit"] != "d2c1fa6f7a2b74ddfaf09ec2f05a91aa16c5051d" || root["kafka_cluster_id"] == "" {
		t.Errorf("GET / = %d %s", r.code, r.body)
	}
	r = wk.do(t, "GET", "/connector-plugins", nil)
	if r.code != 200 || string(r.body) != `[{"class":"io.confluent.connect.jdbc.JdbcSourceConnector","type":"source","version":"10.8.4"}]` {
		t.Errorf("GET /connector-plugins = %d %s", r.code, r.body)
	}
	r = wk.do(t, "GET", "/connectors", nil)
	if r.code != 200 || string(r.body) != `[]` {
		t.Errorf("GET /connectors = %d %s", r.code, r.body)
	}
}

func TestNotFoundShapes(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	expectError(t, wk.do(t, "GET", "/connectors/stations", nil), 404, "Connector stations not found")
	expectError(t, wk.do(t, "GET", "/connectors/stations/config", nil), 404, "Connector stations not found")
	expectError(t, wk.do(t, "GET", "/connectors/stations/tasks", nil), 404, "Connector stations not found")
	expectError(t, wk.do(t, "GET", "/connectors/stations/status", nil), 404, "No status found for connector stations")
	expectError(t, wk.do(t, "DELETE", "/connectors/stations", nil), 404, "Connector stations not found")
	expectError(t, wk.do(t, "PUT", "/connectors/stations/pause", nil), 404, "Unknown connector stations")
	expectError(t, wk.do(t, "PUT", "/connectors/stations/resume", nil), 404, "Unknown connector stations")
	expectError(t, wk.do(t, "POST", "/connectors/stations/restart", nil), 404, "Unknown connector: stations")
	expectError(t, wk.do(t, "GET", "/nope", nil), 404, "HTTP 404 Not Found")
	expectError(t, wk.do(t, "PATCH", "/connectors", nil), 405, "HTTP 405 Method Not Allowed")
}

func TestCreateRequiresConnectorClass(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	r := wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": map[string]string{"mode": "bulk"}})
	expectError(t, r, 400, "Connector config {mode=bulk, name=stations} contains no connector type")

	r = wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": map[string]string{"connector.class": "com.example.Nope"}})
	if r.code != 500 || !strings.Contains(string(r.body), "Failed to find any class that implements Connector and which name matches com.example.Nope") {
		t.Errorf("unknown class = %d %s", r.code, r.body)
	}

	r = wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": map[string]string{"connector.class": jdbcSourceClass, "name": "other"}})
	expectError(t, r, 400, "Connector name configuration (other) doesn't match connector name in the URL (stations)")
}

func TestUnsupportedMediaTypeAndBodyLimit(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	r := wk.doRaw(t, "POST", "/connectors", "text/plain", "{}")
	expectError(t, r, 415, "HTTP 415 Unsupported Media Type")
	r = wk.doRaw(t, "POST", "/connectors", "application/json", `{"name":"x","config":{"a":"`+strings.Repeat("x", 2<<20)+`"}}`)
	if r.code != 413 {
		t.Errorf("large body = %d %s", r.code, r.body)
	}
}

// Validation without a database: errors that do not need one, plus the
// connection error the table recommender reports.
func TestValidateWithoutDatabase(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := map[string]string{
		"name":            "stations",
		"connector.class": jdbcSourceClass,
		"connection.url":  "postgres://127.0.0.1:1/cta",
		"mode":            "sometimes",
		"topic.prefix":    "x.",
		"tasks.max":       "0",
		"value.converter": "io.confluent.connect.protobuf.ProtobufConverter",
	}
	r := wk.do(t, "PUT", "/connector-plugins/JdbcSourceConnector/config/validate", cfg)
	if r.code != 200 {
		t.Fatalf("validate = %d %s", r.code, r.body)
	}
	var ci configInfos
	r.json(t, &ci)
	wantErrs := []string{
		"Invalid value 0 for configuration tasks.max: Value must be at least 1",
		"Invalid value io.confluent.connect.protobuf.ProtobufConverter for configuration value.converter: Class io.confluent.connect.protobuf.ProtobufConverter could not be found.",
		"Not a valid JDBC URL: postgres://127.0.0.1:1/cta",
		"Invalid value sometimes for configuration mode: String must be one of: , bulk, timestamp, incrementing, timestamp+incrementing",
	}
	got := ci.errorMessages()
	if ci.ErrorCount != len(wantErrs) || strings.Join(got, "\n") != strings.Join(wantErrs, "\n") {
		t.Errorf("errors (%d):\n%s\nwant:\n%s", ci.ErrorCount, strings.Join(got, "\n"), strings.Join(wantErrs, "\n"))
	}
	if ci.Name != jdbcSourceClass {
		t.Errorf("name = %s", ci.Name)
	}

	r = wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg})
	expectError(t, r, 400, "Connector configuration is invalid and contains the following 4 error(s):\n"+strings.Join(wantErrs, "\n")+
		"\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")

	r = wk.do(t, "PUT", "/connector-plugins/FileStreamSource/config/validate", map[string]string{"connector.class": jdbcSourceClass})
	expectError(t, r, 400, "Included connector type "+jdbcSourceClass+" does not match request type FileStreamSource")
}

func TestValidateUnreachableDatabase(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := map[string]string{
		"name":                     "stations",
		"connector.class":          jdbcSourceClass,
		"connection.url":           "jdbc:postgresql://127.0.0.1:1/cta",
		"mode":                     "incrementing",
		"incrementing.column.name": "stop_id",
		"topic.prefix":             "x.",
		"table.whitelist":          "stations",
	}
	r := wk.do(t, "PUT", "/connector-plugins/"+jdbcSourceClass+"/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	got := ci.errorMessages()
	want := "Invalid value org.postgresql.util.PSQLException: Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections. for configuration Couldn't open connection to jdbc:postgresql://127.0.0.1:1/cta"
	if ci.ErrorCount != 2 || len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("errors = %q", got)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	if err := wk.w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := wk.w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// Jersey answers unknown paths and methods through ConnectExceptionMapper
// with {"error_code","message"} (connect/runtime/.../rest/errors/
// ConnectExceptionMapper.java); a resource path matches with or without a
// trailing slash, and a task id that is not an Integer matches no resource.
func TestRoutingAnswersInConnectShape(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	if r := wk.do(t, "GET", "/connectors/", nil); r.code != 200 || string(r.body) != `[]` {
		t.Errorf("GET /connectors/ = %d %s", r.code, r.body)
	}
	expectError(t, wk.do(t, "GET", "/connectors/stations/tasks/zero/status", nil), 404, "HTTP 404 Not Found")
	expectError(t, wk.do(t, "DELETE", "/connectors/stations/status", nil), 405, "HTTP 405 Method Not Allowed")
	expectError(t, wk.do(t, "POST", "/connector-plugins", nil), 405, "HTTP 405 Method Not Allowed")
	expectError(t, wk.do(t, "GET", "/connectors/a%2Fb", nil), 404, "Connector a/b not found")
	expectError(t, wk.do(t, "GET", "/connectors/stations/tasks/0/status", nil), 404, "No status found for task stations-0")
}

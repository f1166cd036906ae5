package ksqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/connect"
)

// serveConnect starts the lab's Kafka Connect worker on the stack's
// brokers and returns its base URL.
func (st *stack) serveConnect() string {
	st.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := connect.New(ctx, st.brokers)
	if err != nil {
		st.t.Fatalf("start connect: %v", err)
	}
	hs := httptest.NewServer(w)
	st.t.Cleanup(func() {
		hs.Close()
		_ = w.Close()
	})
	return hs.URL
}

// connectBody is the body Kafka Connect answers a request with.
func connectBody(t *testing.T, method, url string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wantGenericError checks a generic_error answer.
func wantGenericError(t *testing.T, code int, body map[string]any, status int, msg string) {
	t.Helper()
	if code != status || body["@type"] != "generic_error" || body["error_code"] != float64(status*100) || body["message"] != msg {
		t.Fatalf("got %d %v\nwant %d generic_error %d %q", code, body, status, status*100, msg)
	}
}

// SHOW CONNECTORS lists Connect's connectors as a connector_list
// (show-connectors.md; ListConnectorsExecutor).
func TestConnectorsShowEmptyList(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithConnectURL(st.serveConnect()))
	for _, text := range []string{"SHOW CONNECTORS;", "LIST SOURCE CONNECTORS;", "show sink connectors;"} {
		out := mustKSQL(t, url, text, nil)
		got, _ := json.Marshal(out)
		want := `[{"@type":"connector_list","connectors":[],"statementText":"` + text + `","warnings":[]}]`
		if string(got) != want {
			t.Errorf("%s: got %s, want %s", text, got, want)
		}
	}
}

// DROP CONNECTOR of a connector Connect does not have fails with Connect's
// status and body after "Failed to drop connector: " (DropConnectorExecutor).
func TestConnectorsDropMissingFails(t *testing.T) {
	st := newStack(t)
	cu := st.serveConnect()
	_, url := st.serve(WithConnectURL(cu))
	_, connectMsg := connectBody(t, http.MethodDelete, cu+"/connectors/GONE", nil)
	code, body := stmtErr(t, url, "DROP CONNECTOR gone;")
	wantGenericError(t, code, body, 404, "Failed to drop connector: "+connectMsg)
}

// DROP CONNECTOR IF EXISTS of a missing connector warns instead
// (DropConnectorExecutor; drop-connector.md).
func TestConnectorsDropIfExistsMissingWarns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithConnectURL(st.serveConnect()))
	out := mustKSQL(t, url, "DROP CONNECTOR IF EXISTS `gone`;", nil)
	got, _ := json.Marshal(out)
	want := `[{"@type":"warning_entity","message":"Connector 'gone' does not exist.","statementText":"DROP CONNECTOR IF EXISTS ` + "`gone`" + `;","warnings":[]}]`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// DESCRIBE CONNECTOR of a missing connector fails on its status, with
// Connect's answer (DescribeConnectorExecutor).
func TestConnectorsDescribeMissingFails(t *testing.T) {
	st := newStack(t)
	cu := st.serveConnect()
	_, url := st.serve(WithConnectURL(cu))
	_, connectMsg := connectBody(t, http.MethodGet, cu+"/connectors/GONE/status", nil)
	code, body := stmtErr(t, url, "DESCRIBE CONNECTOR gone;")
	wantGenericError(t, code, body, 404, "Failed to query connector status: "+connectMsg)
}

// A config without connector.class is refused before Connect is asked,
// naming the config as the java.util.HashMap it is built in, "name"
// included (ConnectExecutor.validateConfigs).
func TestConnectorsCreateWithoutClassRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithConnectURL(st.serveConnect()))
	code, body := stmtErr(t, url, "CREATE SOURCE CONNECTOR c WITH ('topic.prefix'='t-', 'mode'='bulk');")
	wantGenericError(t, code, body, 400, "Validation error: Connector config {mode=bulk, name=C, topic.prefix=t-} contains no connector type")
}

// A blank connector.class is refused as an empty type.
func TestConnectorsCreateBlankClassRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithConnectURL(st.serveConnect()))
	code, body := stmtErr(t, url, "CREATE SINK CONNECTOR c WITH ('connector.class'='  ');")
	wantGenericError(t, code, body, 400, "Validation error: Connector type cannot be empty")
}

// The errors Connect's validate endpoint finds in the config are listed,
// one config per line as "<name> - <errors joined by '. '>"
// (ConnectExecutor.validateConfigs).
func TestConnectorsCreateValidationErrorsListed(t *testing.T) {
	st := newStack(t)
	cu := st.serveConnect()
	_, url := st.serve(WithConnectURL(cu))
	// the resolved config ksqlDB sends: JdbcSource adds tasks.max, name is put last
	cfg := map[string]string{"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
		"connection.url": "jdbc:postgresql://127.0.0.1:1/none", "mode": "sideways", "name": "BAD", "tasks.max": "1"}
	_, vbody := connectBody(t, http.MethodPut, cu+"/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var infos struct {
		Configs []struct {
			Value struct {
				Name   string   `json:"name"`
				Errors []string `json:"errors"`
			} `json:"value"`
		} `json:"configs"`
	}
	if err := json.Unmarshal([]byte(vbody), &infos); err != nil {
		t.Fatalf("validate: %v: %s", err, vbody)
	}
	var lines []string
	for _, c := range infos.Configs {
		if len(c.Value.Errors) > 0 {
			lines = append(lines, c.Value.Name+" - "+strings.Join(c.Value.Errors, ". "))
		}
	}
	if len(lines) == 0 {
		t.Fatalf("Connect found no errors in %v: %s", cfg, vbody)
	}
	code, body := stmtErr(t, url, "CREATE SOURCE CONNECTOR bad WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', "+
		"'connection.url'='jdbc:postgresql://127.0.0.1:1/none', 'mode'='sideways');")
	wantGenericError(t, code, body, 400, "Validation error: "+strings.Join(lines, "\n"))
}

// A class Connect does not have is refused with Connect's answer to the
// validate request: use-connector-management.md's Voluble connector,
// which the lab's worker does not have.
func TestConnectorsCreateUnknownClassRefused(t *testing.T) {
	st := newStack(t)
	cu := st.serveConnect()
	_, url := st.serve(WithConnectURL(cu))
	class := "io.mdrogalis.voluble.VolubleSourceConnector"
	_, vbody := connectBody(t, http.MethodPut, cu+"/connector-plugins/"+class+"/config/validate",
		map[string]string{"connector.class": class, "genkp.people.with": "#{Internet.uuid}", "genv.people.name.with": "#{Name.full_name}",
			"genv.people.creditCardNumber.with": "#{Finance.credit_card}", "global.throttle.ms": "500", "name": "S"})
	code, body := stmtErr(t, url, `CREATE SOURCE CONNECTOR s WITH (
  'connector.class' = 'io.mdrogalis.voluble.VolubleSourceConnector',
  'genkp.people.with' = '#{Internet.uuid}',
  'genv.people.name.with' = '#{Name.full_name}',
  'genv.people.creditCardNumber.with' = '#{Finance.credit_card}',
  'global.throttle.ms' = '500'
);`)
	wantGenericError(t, code, body, 400, "Validation error: "+vbody)
}

// When Connect cannot be reached, ksqlDB answers HTTP 500 with a
// statement_error naming the whole request and the HTTP client's failure
// (DefaultConnectClient, KsqlResource, ErrorMessageUtil).
func TestConnectorsUnreachableConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	st := newStack(t)
	_, url := st.serve(WithConnectURL("http://" + addr))
	want := "io.confluent.ksql.util.KsqlServerException: org.apache.hc.client5.http.HttpHostConnectException: Connect to http://" + addr +
		" [/127.0.0.1] failed: Connection refused\nCaused by: Could not connect to the server. Please check the server details are\n\tcorrect and that the server is running."
	for _, text := range []string{"SHOW CONNECTORS;", "DESCRIBE CONNECTOR c;", "DROP CONNECTOR c;", "CREATE SOURCE CONNECTOR c WITH ('connector.class'='x');"} {
		req := "SHOW STREAMS;\n" + text
		code, body := stmtErr(t, url, req)
		if code != 500 || body["@type"] != "statement_error" || body["error_code"] != float64(50000) || body["message"] != want {
			t.Errorf("%s: got %d %v", text, code, body)
			continue
		}
		wantText := req
		if strings.HasPrefix(text, "CREATE") {
			wantText = "SHOW STREAMS;\nCREATE SOURCE CONNECTOR c WITH ('connector.class'='x');"
		}
		if body["statementText"] != wantText || len(body["entities"].([]any)) != 0 {
			t.Errorf("%s: statementText %q entities %v", text, body["statementText"], body["entities"])
		}
	}
}

// The statement text of a CREATE CONNECTOR answer hides every property
// value but connector.class's (QueryMask).
func TestConnectorsCreateStatementTextMasked(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	st := newStack(t)
	_, url := st.serve(WithConnectURL("http://" + addr))
	code, body := stmtErr(t, url, "CREATE SINK CONNECTOR IF NOT EXISTS \"sink\"  WITH (\"connector.class\" = 'x',\n 'connection.password'='secret', retries=3);")
	if code != 500 || body["statementText"] != `CREATE SINK CONNECTOR IF NOT EXISTS "sink" WITH ("connector.class"='x', 'connection.password'='[string]', retries='[string]');` {
		t.Errorf("got %d %v", code, body)
	}
}

// SHOW CONNECTOR PLUGINS lists the worker's connector plugins, Connect's
// "class" as className, in a connector_plugins_list whose list is named
// connectorsPlugins (ListConnectorPluginsExecutor, ConnectorPluginsList).
func TestConnectorsShowPlugins(t *testing.T) {
	st := newStack(t)
	cu := st.serveConnect()
	_, url := st.serve(WithConnectURL(cu))
	_, plugins := connectBody(t, http.MethodGet, cu+"/connector-plugins", nil)
	var fromConnect []map[string]string
	if err := json.Unmarshal([]byte(plugins), &fromConnect); err != nil || len(fromConnect) == 0 {
		t.Fatalf("connector plugins: %v: %s", err, plugins)
	}
	var want []map[string]string
	for _, p := range fromConnect {
		want = append(want, map[string]string{"className": p["class"], "type": p["type"], "version": p["version"]})
	}
	wantJSON, _ := json.Marshal(want)
	_, body := post(t, url, "/ksql", "LIST CONNECTOR PLUGINS;", nil)
	if w := `[{"@type":"connector_plugins_list","statementText":"LIST CONNECTOR PLUGINS;","warnings":[],"connectorsPlugins":` + string(wantJSON) + `}]`; string(body) != w {
		t.Errorf("got %s\nwant %s", body, w)
	}
}

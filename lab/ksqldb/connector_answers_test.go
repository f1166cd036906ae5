package ksqldb

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// connectStub answers Connect REST requests from a table of method+path
// to status and body; each answer may be a list, the last one repeated.
type connectStub struct {
	mu      sync.Mutex
	answers map[string][]stubAnswer
	calls   map[string]int
	auth    []string
}

type stubAnswer struct {
	code int
	body string
}

func (st *stack) serveConnectStub(answers map[string][]stubAnswer) (*connectStub, string) {
	st.t.Helper()
	cs := &connectStub{answers: answers, calls: map[string]int{}}
	hs := httptest.NewServer(cs)
	st.t.Cleanup(hs.Close)
	return cs, hs.URL
}

func (cs *connectStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cs.mu.Lock()
	key := r.Method + " " + r.URL.Path
	n := cs.calls[key]
	cs.calls[key]++
	cs.auth = append(cs.auth, r.Header.Get("Authorization"))
	as := cs.answers[key]
	cs.mu.Unlock()
	if len(as) == 0 {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error_code":404,"message":"HTTP 404 Not Found"}`))
		return
	}
	a := as[min(n, len(as)-1)]
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.code)
	_, _ = w.Write([]byte(a.body))
}

func (cs *connectStub) count(key string) int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.calls[key]
}

func connectorInfoJSON(name, class, typ string) string {
	return `{"name":"` + name + `","config":{"connector.class":"` + class + `","name":"` + name + `"},"tasks":[],"type":"` + typ + `"}`
}

func statusJSON(name, state, typ string, tasks ...string) string {
	out := `{"name":"` + name + `","connector":{"state":"` + state + `","worker_id":"w:8083"},"tasks":[`
	for i, t := range tasks {
		if i > 0 {
			out += ","
		}
		out += `{"id":` + string(rune('0'+i)) + `,"state":"` + t + `","worker_id":"w:8083"}`
	}
	return out + `],"type":"` + typ + `"}`
}

// SHOW CONNECTORS sums up each connector's state: a RUNNING connector with
// its count of RUNNING tasks, WARNING when none of its tasks runs, any
// other state as it is; a connector Connect cannot describe is listed as
// unknown with a warning, after DefaultConnectClient's three attempts
// (ListConnectorsExecutor.summarizeState, DefaultConnectClient.withRetries).
func TestConnectorsShowSummarizesStates(t *testing.T) {
	st := newStack(t)
	broken := `{"error_code":500,"message":"Request timed out"}`
	cs, cu := st.serveConnectStub(map[string][]stubAnswer{
		"GET /connectors":               {{200, `["up","stuck","paused","broken","sink"]`}},
		"GET /connectors/up":            {{200, connectorInfoJSON("up", "a.Source", "source")}},
		"GET /connectors/up/status":     {{200, statusJSON("up", "RUNNING", "source", "RUNNING", "FAILED")}},
		"GET /connectors/stuck":         {{200, connectorInfoJSON("stuck", "a.Source", "source")}},
		"GET /connectors/stuck/status":  {{200, statusJSON("stuck", "RUNNING", "source", "FAILED", "UNASSIGNED")}},
		"GET /connectors/paused":        {{200, connectorInfoJSON("paused", "a.Source", "source")}},
		"GET /connectors/paused/status": {{200, statusJSON("paused", "PAUSED", "source", "PAUSED")}},
		"GET /connectors/broken":        {{500, broken}},
		"GET /connectors/sink":          {{200, connectorInfoJSON("sink", "b.Sink", "sink")}},
		"GET /connectors/sink/status":   {{200, statusJSON("sink", "RUNNING", "sink")}},
	})
	_, url := st.serve(WithConnectURL(cu))
	out := mustKSQL(t, url, "SHOW CONNECTORS;", nil)
	got, _ := json.Marshal(out[0]["connectors"])
	want := `[{"className":"a.Source","name":"up","state":"RUNNING (1/2 tasks RUNNING)","type":"source"},` +
		`{"className":"a.Source","name":"stuck","state":"WARNING (0/2 tasks RUNNING)","type":"source"},` +
		`{"className":"a.Source","name":"paused","state":"PAUSED","type":"source"},` +
		`{"name":"broken","type":"unknown"},` +
		`{"className":"b.Sink","name":"sink","state":"RUNNING (0/0 tasks RUNNING)","type":"sink"}]`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	warns, _ := json.Marshal(out[0]["warnings"])
	if w := `[{"message":"Could not describe connector broken: ` + jsonEscaped(broken) + `"}]`; string(warns) != w {
		t.Errorf("warnings %s, want %s", warns, w)
	}
	if n := cs.count("GET /connectors/broken"); n != 3 {
		t.Errorf("asked Connect %d times for the broken connector, want 3", n)
	}
}

// SHOW SOURCE CONNECTORS leaves out sinks and the connectors it could not
// describe, but still warns of the latter (ListConnectorsExecutor.inScope).
func TestConnectorsShowSourceScope(t *testing.T) {
	st := newStack(t)
	_, cu := st.serveConnectStub(map[string][]stubAnswer{
		"GET /connectors":            {{200, `["src","snk","gone"]`}},
		"GET /connectors/src":        {{200, connectorInfoJSON("src", "a.Source", "source")}},
		"GET /connectors/src/status": {{200, statusJSON("src", "RUNNING", "source", "RUNNING")}},
		"GET /connectors/snk":        {{200, connectorInfoJSON("snk", "b.Sink", "sink")}},
		"GET /connectors/gone":       {{404, `{"error_code":404,"message":"Connector gone not found"}`}},
	})
	_, url := st.serve(WithConnectURL(cu))
	out := mustKSQL(t, url, "LIST SOURCE CONNECTORS;", nil)
	got, _ := json.Marshal(out[0])
	want := `{"@type":"connector_list","connectors":[{"className":"a.Source","name":"src","state":"RUNNING (1/1 tasks RUNNING)","type":"source"}],` +
		`"statementText":"LIST SOURCE CONNECTORS;","warnings":[{"message":"Could not describe connector gone: {\"error_code\":404,\"message\":\"Connector gone not found\"}"}]}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// DESCRIBE CONNECTOR of a connector ksqlDB has no template for lists no
// topics or sources, and does not ask Connect for its topics
// (DescribeConnectorExecutor, Connectors.from).
func TestConnectorsDescribeOtherClass(t *testing.T) {
	st := newStack(t)
	cs, cu := st.serveConnectStub(map[string][]stubAnswer{
		"GET /connectors/s":        {{200, connectorInfoJSON("s", "b.Sink", "sink")}},
		"GET /connectors/s/status": {{200, `{"name":"s","connector":{"state":"FAILED","worker_id":"w:8083","trace":"boom"},"tasks":[],"type":"sink"}`}},
		"GET /connectors/s/topics": {{200, `{"s":{"topics":["t"]}}`}},
	})
	_, url := st.serve(WithConnectURL(cu))
	_, body := post(t, url, "/ksql", "DESCRIBE CONNECTOR `s`;", nil)
	want := `[{"@type":"connector_description","statementText":"DESCRIBE CONNECTOR ` + "`s`" + `;","connectorClass":"b.Sink",` +
		`"status":{"name":"s","connector":{"state":"FAILED","worker_id":"w:8083","trace":"boom"},"tasks":[],"type":"sink"},` +
		`"sources":[],"topics":[],"warnings":[]}]`
	if string(body) != want {
		t.Errorf("got %s\nwant %s", body, want)
	}
	if n := cs.count("GET /connectors/s/topics"); n != 0 {
		t.Errorf("asked for topics %d times", n)
	}
}

// For a JDBC source connector, a Connect without the topics endpoint (404)
// leaves the topics empty without a warning; another failure is warned of
// (DescribeConnectorExecutor).
func TestConnectorsDescribeTopicsFailure(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  stubAnswer
		warning string
	}{
		{"404 is not warned of", stubAnswer{404, `{"error_code":404,"message":"HTTP 404 Not Found"}`}, ""},
		{"403 is warned of", stubAnswer{403, `{"error_code":403,"message":"no"}`}, `Could not list related topics due to error: {"error_code":403,"message":"no"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStack(t)
			_, cu := st.serveConnectStub(map[string][]stubAnswer{
				"GET /connectors/j":        {{200, connectorInfoJSON("j", jdbcSourceClass, "source")}},
				"GET /connectors/j/status": {{200, statusJSON("j", "RUNNING", "source", "RUNNING")}},
				"GET /connectors/j/topics": {tc.answer},
			})
			_, url := st.serve(WithConnectURL(cu))
			d := mustKSQL(t, url, "DESCRIBE CONNECTOR `j`;", nil)[0]
			topics, _ := json.Marshal(d["topics"])
			warns, _ := json.Marshal(d["warnings"])
			wantWarns := `[]`
			if tc.warning != "" {
				wantWarns = `[{"message":"` + jsonEscaped(tc.warning) + `"}]`
			}
			if string(topics) != `[]` || string(warns) != wantWarns {
				t.Errorf("topics %s warnings %s, want [] and %s", topics, warns, wantWarns)
			}
		})
	}
}

// A 409 from Connect (a rebalance) is retried: DROP CONNECTOR succeeds on
// the third attempt (DefaultConnectClient.withRetries).
func TestConnectorsRetriesConflict(t *testing.T) {
	st := newStack(t)
	rebalance := stubAnswer{409, `{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration"}`}
	cs, cu := st.serveConnectStub(map[string][]stubAnswer{
		"DELETE /connectors/D": {rebalance, rebalance, {204, ""}},
	})
	_, url := st.serve(WithConnectURL(cu))
	out := mustKSQL(t, url, "DROP CONNECTOR d;", nil)
	if out[0]["@type"] != "drop_connector" || out[0]["connectorName"] != "D" {
		t.Errorf("got %v", out)
	}
	if n := cs.count("DELETE /connectors/D"); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// Connect's failure after the third attempt is the answer: status and
// body (DefaultConnectClient.withRetries returns the last result).
func TestConnectorsLastFailureAnswered(t *testing.T) {
	st := newStack(t)
	_, cu := st.serveConnectStub(map[string][]stubAnswer{
		"GET /connectors": {{503, `{"error_code":503,"message":"busy"}`}},
	})
	_, url := st.serve(WithConnectURL(cu))
	code, body := stmtErr(t, url, "SHOW CONNECTORS;")
	wantGenericError(t, code, body, 503, `Failed to list connectors: {"error_code":503,"message":"busy"}`)
}

// ksql.connect.basic.auth.credentials.source=FILE with
// ksql.connect.basic.auth.credentials.file naming a properties file that
// holds username and password: the credentials go to Connect as a basic
// Authorization header, and SHOW PROPERTIES lists the two settings as the
// server's own (DefaultConnectClientFactory.buildBasicAuthHeader, KsqlConfig,
// confluentinc/ksql v7.9.0).
func TestConnectorsBasicAuth(t *testing.T) {
	st := newStack(t)
	cs, cu := st.serveConnectStub(map[string][]stubAnswer{"GET /connectors": {{200, `[]`}}})
	creds := filepath.Join(t.TempDir(), "connect-credentials.properties")
	if err := os.WriteFile(creds, []byte("# Connect's basic auth\nusername=user\npassword: pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, url := st.serve(WithConnectURL(cu), WithConnectBasicAuthFile(creds))
	mustKSQL(t, url, "SHOW CONNECTORS;", nil)
	if len(cs.auth) != 1 || cs.auth[0] != "Basic dXNlcjpwdw==" {
		t.Errorf("Authorization %v", cs.auth)
	}
	a := showProperties(t, url, nil)
	for name, want := range map[string]string{
		"ksql.connect.basic.auth.credentials.source": "FILE",
		"ksql.connect.basic.auth.credentials.file":   creds,
		"ksql.connect.basic.auth.credentials.reload": "false",
	} {
		if got := a.value(name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	if len(a.overwritten) != 0 {
		t.Errorf("overwrittenProperties %v", a.overwritten)
	}
	for _, n := range a.defaults {
		if n == "ksql.connect.basic.auth.credentials.source" || n == "ksql.connect.basic.auth.credentials.file" {
			t.Errorf("%s among defaultProperties", n)
		}
	}
}

// A credentials file the server cannot read, or one without username and
// password, leaves the requests to Connect without an Authorization header
// (buildBasicAuthHeader logs the failure and gives none); an empty file
// name with the source FILE is a ConfigException.
func TestConnectorsBasicAuthFileUnusable(t *testing.T) {
	st := newStack(t)
	cs, cu := st.serveConnectStub(map[string][]stubAnswer{"GET /connectors": {{200, `[]`}, {200, `[]`}}})
	noPassword := filepath.Join(t.TempDir(), "creds.properties")
	if err := os.WriteFile(noPassword, []byte("username=user\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "missing.properties"), noPassword} {
		_, url := st.serve(WithConnectURL(cu), WithConnectBasicAuthFile(path))
		mustKSQL(t, url, "SHOW CONNECTORS;", nil)
	}
	if len(cs.auth) != 2 || cs.auth[0] != "" || cs.auth[1] != "" {
		t.Errorf("Authorization %q, want none twice", cs.auth)
	}
	_, err := New(t.Context(), st.brokers, st.reg.URL(), WithConnectBasicAuthFile(""))
	want := "'ksql.connect.basic.auth.credentials.file' cannot be empty if 'ksql.connect.basic.auth.credentials.source' is set to 'FILE'"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	b := jsonString(s)
	return string(b[1 : len(b)-1])
}

// With no credentials configured (source NONE), ksqlDB sends Connect the
// Authorization header of the request that ran the connector statement
// (DefaultConnectClientFactory.buildAuthHeader: "if no custom auth is
// configured, then forward incoming request header"; the header is the
// request's, DefaultApiSecurityContext, confluentinc/ksql v7.9.0); with a
// credentials file, the file's header goes instead.
func TestConnectorsForwardTheRequestsAuthorizationWithoutCredentials(t *testing.T) {
	st := newStack(t)
	cs, cu := st.serveConnectStub(map[string][]stubAnswer{"GET /connectors": {{200, `[]`}, {200, `[]`}, {200, `[]`}}})
	_, url := st.serve(WithConnectURL(cu))
	show := func(url string, hdr map[string]string) {
		t.Helper()
		hdr["Accept"] = restapi.MediaKSQL
		if r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql", `{"ksql":"SHOW CONNECTORS;"}`, hdr); r.code != 200 {
			t.Fatalf("SHOW CONNECTORS: %d %s", r.code, r.body)
		}
	}
	show(url, map[string]string{"Authorization": "Bearer a-token"})
	show(url, map[string]string{})
	creds := filepath.Join(t.TempDir(), "connect-credentials.properties")
	if err := os.WriteFile(creds, []byte("username=user\npassword=pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve(WithConnectURL(cu), WithConnectBasicAuthFile(creds))
	show(url, map[string]string{"Authorization": "Bearer a-token"})
	if want := []string{"Bearer a-token", "", "Basic dXNlcjpwdw=="}; !slices.Equal(cs.auth, want) {
		t.Errorf("Authorization sent to Connect %q, want %q", cs.auth, want)
	}
}

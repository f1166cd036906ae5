package ksqldb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// h2c is a client that speaks HTTP/2 without TLS with prior knowledge, as
// ksqlDB's Java client and curl --http2-prior-knowledge do.
func h2c() *http.Client {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: p}}
}

type rawResp struct {
	code   int
	ct     []string
	proto  int
	body   []byte
	header http.Header
}

func do(t *testing.T, cl *http.Client, method, url, body string, hdr map[string]string) rawResp {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResp{code: resp.StatusCode, ct: resp.Header.Values("Content-Type"), proto: resp.ProtoMajor, body: b, header: resp.Header}
}

// ServerVerticle routes /ksql with produces() only, never consumes(): the
// body is JSON whatever Content-Type the request names, or none.
func TestKSQLReadsJSONBodyWhateverTheContentType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, ct := range []string{"", "application/x-www-form-urlencoded", "text/plain", "application/vnd.ksql.v1+json"} {
		hdr := map[string]string{"Accept": restapi.MediaKSQL}
		if ct != "" {
			hdr["Content-Type"] = ct
		}
		r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql", `{"ksql":"LIST STREAMS;"}`, hdr)
		var ents []map[string]any
		if r.code != 200 || json.Unmarshal(r.body, &ents) != nil || len(ents) != 1 || ents[0]["@type"] != "streams" {
			t.Errorf("Content-Type %q: %d %s", ct, r.code, r.body)
		}
		// OldApiUtils.handleOldApiResponse: application/json whatever was accepted
		if len(r.ct) != 1 || r.ct[0] != restapi.MediaJSON {
			t.Errorf("Content-Type %q: response Content-Type %v, want application/json", ct, r.ct)
		}
	}
}

// A body that is not JSON fails in ServerUtils.deserialiseObject and is
// answered by FailureHandler: 400, generic error 40000, no Content-Type.
func TestInvalidJSONBodyIsA40000WithoutContentType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, path := range []string{"/ksql", "/query", "/query-stream", "/close-query"} {
		r := do(t, http.DefaultClient, http.MethodPost, url+path, `ksql=LIST STREAMS`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		var e map[string]any
		_ = json.Unmarshal(r.body, &e)
		msg, _ := e["message"].(string)
		if r.code != 400 || e["@type"] != "generic_error" || e["error_code"] != 40000.0 || !strings.HasPrefix(msg, "Invalid JSON in request: ") || len(r.ct) != 0 {
			t.Errorf("%s: %d %v %s", path, r.code, r.ct, r.body)
		}
	}
}

// ServerVerticle's last route answers whatever no other route matched (path,
// method or Accept) with 404 and the text "Not Found".
func TestUnmatchedRequestsAnswerNotFound(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	cases := []struct{ method, path, accept string }{
		{http.MethodGet, "/nope", ""},
		{http.MethodGet, "/ksql", ""},
		{http.MethodPost, "/info", ""},
		{http.MethodDelete, "/query-stream", ""},
		{http.MethodPost, "/ksql", "text/html"},
		{http.MethodGet, "/info", "application/xml"},
	}
	if r := do(t, http.DefaultClient, http.MethodHead, url+"/info", "", nil); r.code != 404 {
		t.Errorf("HEAD /info: %d", r.code)
	}
	for _, c := range cases {
		r := do(t, http.DefaultClient, c.method, url+c.path, `{"ksql":"LIST STREAMS;"}`, map[string]string{"Accept": c.accept})
		if r.code != 404 || string(r.body) != "Not Found" {
			t.Errorf("%s %s (Accept %q): %d %q", c.method, c.path, c.accept, r.code, r.body)
		}
	}
	// GET / redirects to /info
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if r := do(t, cl, http.MethodGet, url+"/", "", nil); r.code != http.StatusTemporaryRedirect || r.header.Get("Location") != "/info" {
		t.Errorf("GET /: %d %v", r.code, r.header)
	}
}

// turnstileTable starts a server holding the project's TURNSTILE stream and
// its TURNSTILE_SUMMARY table over three events.
func turnstileTable(t *testing.T, opts ...Option) (*stack, string) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"}})
	_, url := st.serve(opts...)
	mustKSQL(t, url, projectStatements, earliest())
	st.consume("TURNSTILE_SUMMARY", 3)
	return st, url
}

// The streaming-endpoint page: the delimited format is a metadata object and
// one JSON array per line; application/json is one JSON array of both.
func TestQueryStreamFormatsOverHTTP1AndHTTP2(t *testing.T) {
	_, url := turnstileTable(t)
	pull := `{"sql":"SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;"}`
	push := `{"sql":"SELECT * FROM TURNSTILE_SUMMARY EMIT CHANGES LIMIT 3;","properties":{"auto.offset.reset":"earliest"}}`
	for _, c := range []struct {
		name  string
		cl    *http.Client
		proto int
	}{{"HTTP/1.1", http.DefaultClient, 1}, {"h2c", h2c(), 2}} {
		t.Run(c.name, func(t *testing.T) {
			// no Accept header: delimited is the default
			r := do(t, c.cl, http.MethodPost, url+"/query-stream", pull, nil)
			lines := strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n")
			if r.code != 200 || r.proto != c.proto || len(r.ct) != 1 || r.ct[0] != restapi.MediaDelimited || len(lines) != 2 {
				t.Fatalf("pull: %d proto %d %v %q", r.code, r.proto, r.ct, r.body)
			}
			var md restapi.QueryMetadata
			if err := json.Unmarshal([]byte(lines[0]), &md); err != nil || md.QueryID == "" ||
				strings.Join(md.ColumnNames, ",") != "STATION_ID,COUNT" || strings.Join(md.ColumnTypes, ",") != "INTEGER,BIGINT" {
				t.Errorf("pull metadata %q", lines[0])
			}
			if lines[1] != "[40010,2]" {
				t.Errorf("pull row %q", lines[1])
			}

			r = do(t, c.cl, http.MethodPost, url+"/query-stream", push, map[string]string{"Accept": restapi.MediaDelimited})
			lines = strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n")
			if r.code != 200 || len(lines) != 4 || strings.Join(lines[1:], " ") != "[40010,1] [40020,1] [40010,2]" {
				t.Fatalf("push delimited: %d %q", r.code, r.body)
			}
			if err := json.Unmarshal([]byte(lines[0]), &md); err != nil || !strings.HasPrefix(md.QueryID, "transient_TURNSTILE_SUMMARY_") {
				t.Errorf("push metadata %q", lines[0])
			}

			r = do(t, c.cl, http.MethodPost, url+"/query-stream", push, map[string]string{"Accept": restapi.MediaJSON})
			var arr []json.RawMessage
			if r.code != 200 || len(r.ct) != 1 || r.ct[0] != restapi.MediaJSON || json.Unmarshal(r.body, &arr) != nil || len(arr) != 4 {
				t.Fatalf("push json: %d %v %q", r.code, r.ct, r.body)
			}
			if string(arr[1]) != "[40010,1]" || string(arr[3]) != "[40010,2]" || !strings.Contains(string(arr[0]), `"columnNames":["STATION_ID","COUNT"]`) {
				t.Errorf("push json body %s", r.body)
			}
		})
	}
}

// OldApiUtils refuses the chunked /query response over HTTP/2 with 405, on
// the old path a request takes with ksql.endpoint.migrate.query=false.
func TestOldQueryEndpointOverHTTP2IsMethodNotAllowed(t *testing.T) {
	_, url := turnstileTable(t)
	r := do(t, h2c(), http.MethodPost, url+"/query", `{"ksql":"SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;","streamsProperties":{"ksql.endpoint.migrate.query":false}}`,
		map[string]string{"Accept": restapi.MediaKSQL})
	if r.code != http.StatusMethodNotAllowed || r.proto != 2 || len(r.body) != 0 {
		t.Errorf("/query over h2c: %d proto %d %q", r.code, r.proto, r.body)
	}
	// with the delimited type, /query is the query-stream handler and works over HTTP/2
	r = do(t, h2c(), http.MethodPost, url+"/query", `{"ksql":"SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;"}`, map[string]string{"Accept": restapi.MediaDelimited})
	if r.code != 200 || !strings.HasSuffix(string(r.body), "\n[40010,2]\n") {
		t.Errorf("/query delimited over h2c: %d %q", r.code, r.body)
	}
}

// Statement failures on /query-stream are statement_error bodies whose
// message ends with the statement (KsqlStatementException.getUnloggedMessage).
func TestQueryStreamStatementErrors(t *testing.T) {
	_, url := turnstileTable(t)
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", `{"sql":"SHOW STREAMS;"}`, nil)
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if r.code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 ||
		e["message"] != "Neither a query nor a print statement\nStatement: SHOW STREAMS;" || e["statementText"] != "SHOW STREAMS;" {
		t.Errorf("SHOW on /query-stream: %d %s", r.code, r.body)
	}
	for _, path := range []string{"/query-stream", "/query"} {
		r = do(t, http.DefaultClient, http.MethodPost, url+path, `{"sql":"SELECT * FROM TURNSTILE_SUMMARY;","ksql":"SELECT * FROM TURNSTILE_SUMMARY;"}`,
			map[string]string{"Accept": restapi.MediaProtobuf})
		if r.code != http.StatusNotImplemented || !strings.Contains(string(r.body), "is not supported by this ksqlDB server") {
			t.Errorf("protobuf on %s: %d %s", path, r.code, r.body)
		}
	}
	r = do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", `{"ksql":"SELECT * FROM TURNSTILE_SUMMARY;"}`, nil)
	if r.code != 400 || !strings.Contains(string(r.body), "Missing required creator property 'sql'") {
		t.Errorf("no sql field: %d %s", r.code, r.body)
	}
}

// readLine reads one newline-terminated line or fails the test at the deadline.
func readLine(t *testing.T, rd *bufio.Reader) string {
	t.Helper()
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := rd.ReadString('\n')
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("read line: %q %v", r.s, r.err)
		}
		return strings.TrimSuffix(r.s, "\n")
	case <-time.After(30 * time.Second):
		t.Fatal("no line within 30s")
	}
	return ""
}

func openQueryStream(t *testing.T, cl *http.Client, url, sql string) (*http.Response, *bufio.Reader, string) {
	t.Helper()
	return openQueryStreamWith(t, cl, url, sql, map[string]any{"auto.offset.reset": "earliest"})
}

// openQueryStreamWith is openQueryStream with the request's properties.
func openQueryStreamWith(t *testing.T, cl *http.Client, url, sql string, props map[string]any) (*http.Response, *bufio.Reader, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"sql": sql, "properties": props})
	resp, err := cl.Post(url+"/query-stream", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("query-stream %q: %d %s", sql, resp.StatusCode, b)
	}
	rd := bufio.NewReader(resp.Body)
	var md restapi.QueryMetadata
	if err := json.Unmarshal([]byte(readLine(t, rd)), &md); err != nil {
		t.Fatal(err)
	}
	return resp, rd, md.QueryID
}

// /close-query ends a push query's response; an unknown id is a 400.
func TestCloseQueryEndsThePushQueryResponse(t *testing.T) {
	_, url := turnstileTable(t)
	for _, c := range []struct {
		name string
		cl   *http.Client
	}{{"HTTP/1.1", http.DefaultClient}, {"h2c", h2c()}} {
		t.Run(c.name, func(t *testing.T) {
			resp, rd, qid := openQueryStream(t, c.cl, url, "SELECT * FROM TURNSTILE_SUMMARY EMIT CHANGES;")
			for range 3 {
				readLine(t, rd)
			}
			r := do(t, c.cl, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil)
			if r.code != 200 || len(r.body) != 0 {
				t.Fatalf("close-query: %d %s", r.code, r.body)
			}
			rest, err := io.ReadAll(rd)
			if err != nil || len(rest) != 0 {
				t.Errorf("after close: %q %v", rest, err)
			}
			_ = resp
			r = do(t, c.cl, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil)
			if r.code != 400 || !strings.Contains(string(r.body), `"message":"No query with id `+qid+`"`) || !strings.Contains(string(r.body), `"error_code":40000`) {
				t.Errorf("second close-query: %d %s", r.code, r.body)
			}
		})
	}
	// /query with the delimited type is the query-stream handler: its push
	// queries are closable too
	req, _ := http.NewRequest(http.MethodPost, url+"/query", strings.NewReader(`{"ksql":"SELECT * FROM TURNSTILE_SUMMARY EMIT CHANGES;","streamsProperties":{"auto.offset.reset":"earliest"}}`))
	req.Header.Set("Accept", restapi.MediaDelimited)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/query delimited: %v %v", resp, err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	var md restapi.QueryMetadata
	if err := json.Unmarshal([]byte(readLine(t, rd)), &md); err != nil {
		t.Fatal(err)
	}
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+md.QueryID+`"}`, nil); r.code != 200 {
		t.Errorf("close a /query delimited push query: %d %s", r.code, r.body)
	}
	if _, err := io.ReadAll(rd); err != nil {
		t.Errorf("after close: %v", err)
	}
}

// A client that goes away ends its push query, which then no longer counts
// against ksql.max.push.queries.
func TestPushQueryEndsWhenTheClientLeaves(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM riders (id INT KEY, name STRING) WITH (KAFKA_TOPIC='riders', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	for _, c := range []struct {
		name string
		cl   *http.Client
	}{{"HTTP/1.1", http.DefaultClient}, {"h2c", h2c()}} {
		resp, _, _ := openQueryStream(t, c.cl, url, "SELECT * FROM riders EMIT CHANGES;")
		old, err := http.Post(url+"/query", restapi.MediaKSQL, strings.NewReader(`{"ksql":"SELECT * FROM riders EMIT CHANGES;"}`))
		if err != nil || old.StatusCode != 200 {
			t.Fatalf("%s: /query push: %v %v", c.name, old, err)
		}
		waitFor(t, func() bool { return srv.push.count() == 2 }, c.name+": two push queries running")
		resp.Body.Close()
		old.Body.Close()
		waitFor(t, func() bool { return srv.push.count() == 0 }, c.name+": push queries end with their clients")
	}
}

// TERMINATE with a push query's id ends that query on this server
// (TerminateQueryExecutor, confluentinc/ksql v7.9.0): the request answers
// a terminate_query entity with the id as parsed (an unquoted identifier is
// upper-cased; query ids compare without case, QueryId.equals), the push
// query's response ends, nothing is written to the command topic, and an
// id with "transient_" that no query has fails with the KsqlException
// "Failed to terminate query with query ID: '<id>'", which KsqlResource
// answers as a bad request (400, generic_error 40000).
func TestTerminateEndsAPushQuery(t *testing.T) {
	_, url := turnstileTable(t)
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT * FROM TURNSTILE_SUMMARY EMIT CHANGES;")
	readLine(t, rd)
	before := mustKSQL(t, url, "SHOW QUERIES;", nil)
	stmt := "TERMINATE " + qid + ";"
	r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql", `{"ksql":"`+stmt+`"}`, nil)
	want := `[{"@type":"terminate_query","statementText":"` + stmt + `","queryId":"` + strings.ToUpper(qid) + `","wasTerminated":true,"warnings":[]}]`
	if r.code != 200 || string(r.body) != want {
		t.Errorf("TERMINATE %s: %d %s\nwant 200 %s", qid, r.code, r.body, want)
	}
	if _, err := io.ReadAll(rd); err != nil {
		t.Errorf("the push query's response after TERMINATE: %v", err)
	}
	// a persistent query's TERMINATE is a command; this one is not
	after := mustKSQL(t, url, "SHOW QUERIES;", nil)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("SHOW QUERIES changed: %v -> %v", before, after)
	}
	r = do(t, http.DefaultClient, http.MethodPost, url+"/ksql", `{"ksql":"`+stmt+`"}`, nil)
	wantErr := `"@type":"generic_error","error_code":40000,"message":"Failed to terminate query with query ID: '` + strings.ToUpper(qid) + `'"`
	if r.code != 400 || !strings.Contains(string(r.body), wantErr) {
		t.Errorf("TERMINATE of an ended push query: %d %s\nwant 400 with %s", r.code, r.body, wantErr)
	}
}

package ksqldb

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/testtools"
)

// The curl commands of ksqlDB's REST API pages, verbatim but for the host
// (docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/ksql-endpoint/,
// .../query-endpoint/ and .../streaming-endpoint/; docs/developer-guide/ksqldb-rest-api/*.md
// of github.com/confluentinc/ksql at 0.29.0-ksqldb).
const (
	docKSQLCurl = `curl --http1.1 \
     -X "POST" "http://<ksqldb-host-name>:8088/ksql" \
     -H "Accept: application/vnd.ksql.v1+json" \
     -H "Content-Type: application/json" \
     -d $'{
  "ksql": "LIST STREAMS;",
  "streamsProperties": {}
}'`
	docQueryCurl = `curl --http1.1 \
     -X "POST" "http://<ksqldb-host-name>:8088/query" \
     -H "Accept: application/vnd.ksql.v1+json" \
     -d $'{
  "ksql": "SELECT * FROM USERS EMIT CHANGES;",
  "streamsProperties": {}
}'`
	docQueryStreamCurl = `curl -X "POST" "http://<ksqldb-host-name>:8088/query-stream" \
     -d $'{
  "sql": "SELECT * FROM PAGEVIEWS EMIT CHANGES;",
  "streamsProperties": {}
}'`
	// the short form of the quick-start, which sends application/x-www-form-urlencoded
	quickKSQLCurl = `curl -X POST localhost:8088/ksql -H 'Accept: application/vnd.ksql.v1+json' -d '{"ksql":"LIST STREAMS;"}'`
)

func needCurl(t *testing.T) {
	t.Helper()
	testtools.Program(t, "curl")
}

// shellCommand turns a documented command into one for the test server: the
// host is replaced and, for h2, curl is told to speak HTTP/2 with prior knowledge.
func shellCommand(doc, url string, h2 bool) string {
	host := strings.TrimPrefix(url, "http://")
	cmd := strings.ReplaceAll(doc, "<ksqldb-host-name>:8088", host)
	cmd = strings.ReplaceAll(cmd, "localhost:8088", host)
	if h2 {
		cmd = strings.Replace(strings.Replace(cmd, "curl --http1.1", "curl", 1), "curl", "curl --http2-prior-knowledge", 1)
	}
	return cmd
}

func runCurl(t *testing.T, cmd string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", "-c", cmd+" -s -w '\\n%{http_code} %{http_version}'").Output()
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return string(out)
}

// startCurl runs a command that streams; it is killed at cleanup.
func startCurl(t *testing.T, cmd string) *bufio.Reader {
	t.Helper()
	c := exec.Command("bash", "-c", cmd+" -s -N")
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		_ = c.Wait()
	})
	return bufio.NewReader(out)
}

// readUntil reads lines until one satisfies ok, failing at the deadline.
func readUntil(t *testing.T, rd *bufio.Reader, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		line := readLine(t, rd)
		if ok(line) {
			return line
		}
	}
	t.Fatal("no matching line before the deadline")
	return ""
}

func TestDocumentedCurlForKSQLEndpoint(t *testing.T) {
	needCurl(t)
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM users (name STRING, age INT) WITH (KAFKA_TOPIC='users', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	for _, c := range []struct {
		name, cmd, version string
	}{
		{"docs HTTP/1.1", shellCommand(docKSQLCurl, url, false), "1.1"},
		{"docs h2c", shellCommand(docKSQLCurl, url, true), "2"},
		{"form-encoded quick form", shellCommand(quickKSQLCurl, url, false), "1.1"},
		{"form-encoded quick form h2c", shellCommand(quickKSQLCurl, url, true), "2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := runCurl(t, c.cmd)
			body, status := strings.TrimSpace(out[:strings.LastIndex(out, "\n")]), strings.TrimSpace(out[strings.LastIndex(out, "\n")+1:])
			if status != "200 "+c.version {
				t.Fatalf("status %q: %s", status, body)
			}
			// the documented LIST STREAMS response: an array of one "streams"
			// entity with statementText, streams and warnings
			var ents []map[string]any
			if err := json.Unmarshal([]byte(body), &ents); err != nil || len(ents) != 1 {
				t.Fatalf("body %s: %v", body, err)
			}
			e := ents[0]
			streams, _ := e["streams"].([]any)
			if e["@type"] != "streams" || e["statementText"] != "LIST STREAMS;" || e["warnings"] == nil || len(streams) != 1 {
				t.Fatalf("entity %v", e)
			}
			s := streams[0].(map[string]any)
			if s["type"] != "STREAM" || s["name"] != "USERS" || s["topic"] != "users" {
				t.Errorf("stream %v", s)
			}
		})
	}
}

func TestDocumentedCurlForQueryEndpoint(t *testing.T) {
	needCurl(t)
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM users (name STRING, age INT) WITH (KAFKA_TOPIC='users', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)

	rd := startCurl(t, shellCommand(docQueryCurl, url, false))
	// documented: a header with queryId and schema, then rows of columns
	// (the page's example header is hand-written; ksqlDB names the type of an INT
	// column INTEGER, as SqlBaseType.INTEGER does)
	first := readLine(t, rd)
	var hdr struct {
		Header struct {
			QueryID string `json:"queryId"`
			Schema  string `json:"schema"`
		} `json:"header"`
	}
	if !strings.HasPrefix(first, "[") || json.Unmarshal([]byte(first[1:]), &hdr) != nil || hdr.Header.QueryID == "" || hdr.Header.Schema != "`NAME` STRING, `AGE` INTEGER" {
		t.Fatalf("header line %q", first)
	}
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "users", Value: []byte(`{"NAME":"alice","AGE":30}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	row := readUntil(t, rd, func(l string) bool { return strings.HasPrefix(l, `{"row"`) })
	var r struct {
		Row struct {
			Columns []any `json:"columns"`
		} `json:"row"`
	}
	if json.Unmarshal([]byte(strings.TrimSuffix(row, ",")), &r) != nil || len(r.Row.Columns) != 2 || r.Row.Columns[0] != "alice" || r.Row.Columns[1] != 30.0 {
		t.Errorf("row line %q", row)
	}

	// over HTTP/2 too: with ksql.endpoint.migrate.query at its default the
	// query-stream handler runs the query (RestApiTest.shouldExecutePullQuery_allTypes)
	h2 := startCurl(t, shellCommand(docQueryCurl, url, true))
	if line := readLine(t, h2); !strings.HasPrefix(line, `[{"header":{"queryId":"`) {
		t.Errorf("/query with --http2-prior-knowledge: %q", line)
	}
}

func TestDocumentedCurlForQueryStreamEndpoint(t *testing.T) {
	needCurl(t)
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR, pageid VARCHAR) WITH (KAFKA_TOPIC='pageviews', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	for _, h2 := range []bool{false, true} {
		rd := startCurl(t, shellCommand(docQueryStreamCurl, url, h2))
		// documented: a header object with queryId, columnNames and columnTypes ...
		var md map[string]any
		line := readLine(t, rd)
		if err := json.Unmarshal([]byte(line), &md); err != nil || md["queryId"] == nil ||
			asJSON(md["columnNames"]) != `["VIEWTIME","USERID","PAGEID"]` || asJSON(md["columnTypes"]) != `["BIGINT","STRING","STRING"]` {
			t.Fatalf("h2=%v header %q", h2, line)
		}
		if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "pageviews", Value: []byte(`{"VIEWTIME":1,"USERID":"User_1","PAGEID":"Page_9"}`)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		// ... followed by one JSON array per row
		if line := readLine(t, rd); line != `[1,"User_1","Page_9"]` {
			t.Errorf("h2=%v row %q", h2, line)
		}
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

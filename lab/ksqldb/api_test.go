package ksqldb

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

func getJSON(t *testing.T, url string) (int, string, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), out
}

// GET /info's version is AppInfo.getVersion of CP 7.9.4's ksqlDB, "7.9.4"
// (ServerInfoResource; confluentinc/ksql tag v7.9.4 ksqldb/version.properties).
func TestInfoHealthStatusAndContentTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithServiceID("ctalab_"), WithMaxBodyBytes(4096))

	code, ct, info := getJSON(t, url+"/info")
	si, _ := info["KsqlServerInfo"].(map[string]any)
	if code != 200 || ct != restapi.MediaJSON || si["ksqlServiceId"] != "ctalab_" || si["serverStatus"] != "RUNNING" || si["version"] != "7.9.4" || si["kafkaClusterId"] == "" {
		t.Errorf("/info: %d %s %v", code, ct, info)
	}
	code, _, health := getJSON(t, url+"/healthcheck")
	if code != 200 || health["isHealthy"] != true {
		t.Errorf("/healthcheck: %d %v", code, health)
	}

	// application/json in and out; SET applies to later statements of the same request
	body, _ := json.Marshal(map[string]any{"ksql": `CREATE STREAM s (id INT KEY, v STRING) WITH (KAFKA_TOPIC='s', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM s_copy (id INT KEY, v STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
SET 'auto.offset.reset'='earliest';
SHOW PROPERTIES;`})
	req, _ := http.NewRequest(http.MethodPost, url+"/ksql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != restapi.MediaJSON {
		t.Fatalf("json request: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	var ents []map[string]any
	_ = json.Unmarshal(b, &ents)
	if len(ents) != 3 || ents[2]["@type"] != "properties" || !strings.Contains(string(b), `"overwrittenProperties":["ksql.streams.auto.offset.reset"]`) {
		t.Errorf("entities: %s", b)
	}

	code, _, stat := getJSON(t, url+"/status/stream/%60S%60/create")
	if code != 200 || stat["status"] != "SUCCESS" || stat["message"] != "Stream created" {
		t.Errorf("/status: %d %v", code, stat)
	}
	if code, _, _ := getJSON(t, url+"/status/stream/%60NOPE%60/create"); code != 404 {
		t.Errorf("/status unknown: %d", code)
	}

	topics := mustKSQL(t, url, "SHOW TOPICS;", nil)[0]["topics"].([]any)
	if len(topics) != 1 || topics[0].(map[string]any)["name"] != "s" || len(topics[0].(map[string]any)["replicaInfo"].([]any)) != 2 {
		t.Errorf("SHOW TOPICS: %v", topics)
	}
	sd := mustKSQL(t, url, "DESCRIBE s EXTENDED;", nil)[0]["sourceDescription"].(map[string]any)
	if sd["partitions"] != 2.0 || sd["extended"] != true {
		t.Errorf("DESCRIBE EXTENDED: %v", sd)
	}

	// a statement that fails validation stops the whole request: nothing before it ran
	code, e := stmtErr(t, url, `CREATE STREAM fresh (a INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
CREATE TABLE turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO', KEY='station_id');`)
	if code != 400 || e["error_code"] != 40001.0 || !strings.HasPrefix(e["statementText"].(string), "CREATE TABLE turnstile") {
		t.Errorf("legacy KEY: %d %v", code, e)
	}
	streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any)
	if len(streams) != 2 {
		t.Errorf("streams %v", streams)
	}

	// request bodies are size-limited
	big := strings.Repeat("x", 5000)
	code, _ = post(t, url, "/ksql", big, nil)
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", code)
	}
	// non-SELECT on /query
	code, b = post(t, url, "/query", "SHOW STREAMS;", nil)
	if code != 400 || !strings.Contains(string(b), "statement_error") {
		t.Errorf("/query with SHOW: %d %s", code, b)
	}
	// pull query on a table nobody materialises
	mustKSQL(t, url, "CREATE TABLE plain (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');", nil)
	code, b = post(t, url, "/query", "SELECT * FROM plain WHERE id = 1;", nil)
	if code != 400 || !strings.Contains(string(b), "isn't queryable") {
		t.Errorf("pull on plain table: %d %s", code, b)
	}
}

func TestTerminateAllAndIfExists(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	ents := mustKSQL(t, url, `CREATE STREAM s (id INT KEY, v STRING) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM IF NOT EXISTS s (id INT KEY, v STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
CREATE STREAM a AS SELECT * FROM s;
CREATE TABLE c AS SELECT v, COUNT(*) AS n FROM s GROUP BY v;
DROP TABLE IF EXISTS nope;`, nil)
	if len(ents) != 5 || ents[4]["commandStatus"].(map[string]any)["message"] != "Source `NOPE` does not exist." {
		t.Fatalf("entities %v", ents)
	}
	if q := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any); len(q) != 2 {
		t.Fatalf("queries %v", q)
	}
	mustKSQL(t, url, "TERMINATE ALL; DROP STREAM a DELETE TOPIC; DROP TABLE c; DROP STREAM s;", nil)
	if q := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any); len(q) != 0 {
		t.Fatalf("queries after TERMINATE ALL %v", q)
	}
	code, e := stmtErr(t, url, "TERMINATE CTAS_C_3;")
	if code != 400 || e["message"] != "Unknown queryId: CTAS_C_3" {
		t.Errorf("terminate unknown: %d %v", code, e)
	}
}

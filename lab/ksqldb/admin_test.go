package ksqldb

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// is_valid_property-endpoint page: true, or for a denied property the
// documented generic_error 40000.
func TestIsValidPropertyDeniesOnlyTheServiceID(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	r := do(t, http.DefaultClient, http.MethodGet, url+"/is_valid_property/ksql.streams.auto.offset.reset", "", nil)
	if r.code != 200 || string(r.body) != "true" {
		t.Errorf("allowed property: %d %s", r.code, r.body)
	}
	r = do(t, http.DefaultClient, http.MethodGet, url+"/is_valid_property/ksql.service.id", "", nil)
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if r.code != 400 || e["@type"] != "generic_error" || e["error_code"] != 40000.0 ||
		e["message"] != "One or more properties overrides set locally are prohibited by the KSQL server (use UNSET to reset their default value): [ksql.service.id]" {
		t.Errorf("denied property: %d %s", r.code, r.body)
	}
}

// Without ksql.heartbeat.enable (off by default) ksqlDB has no cluster status
// resource: 404 with an empty body.
func TestClusterStatusIsNotFoundWithoutHeartbeats(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	r := do(t, http.DefaultClient, http.MethodGet, url+"/clusterStatus", "", nil)
	if r.code != 404 || len(r.body) != 0 {
		t.Errorf("/clusterStatus: %d %q", r.code, r.body)
	}
	for _, path := range []string{"/heartbeat", "/lag"} {
		if r := do(t, http.DefaultClient, http.MethodPost, url+path, `{}`, nil); r.code != 404 || len(r.body) != 0 {
			t.Errorf("%s: %d %q", path, r.code, r.body)
		}
	}
}

// ServerMetadataResource and StatusResource. The version is AppInfo's,
// ksqldb/version.properties' Maven project version in the release the
// containers provider runs: "7.9.4" (confluentinc/ksql tag v7.9.4).
func TestMetadataAndStatuses(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithServiceID("ctalab_"))
	mustKSQL(t, url, "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	code, _, md := getJSON(t, url+"/v1/metadata")
	scope, _ := md["clusterId"].(map[string]any)["scope"].(map[string]any)
	clusters, _ := scope["clusters"].(map[string]any)
	if code != 200 || md["version"] != "7.9.4" || clusters["ksql-cluster"] != "ctalab_" || clusters["kafka-cluster"] == "" || clusters["kafka-cluster"] == nil {
		t.Errorf("/v1/metadata: %d %v", code, md)
	}
	code, _, id := getJSON(t, url+"/v1/metadata/id")
	if code != 200 || id["id"] != "" || id["scope"] == nil {
		t.Errorf("/v1/metadata/id: %d %v", code, id)
	}
	code, _, all := getJSON(t, url+"/status")
	if code != 200 || all["stream/`S`/create"] != "SUCCESS" {
		t.Errorf("/status: %d %v", code, all)
	}
	code, _, e := getJSON(t, url+"/status/stream/%60NOPE%60/create")
	if code != 404 || e["error_code"] != 40400.0 || e["message"] != "Command not found" {
		t.Errorf("unknown status: %d %v", code, e)
	}
}

// terminate-endpoint page: TERMINATE CLUSTER stops every query, deletes the
// command topic and the sink topics of queries matching deleteTopicList (and
// only those), after which the server is shut down.
func TestTerminateClusterDeletesMatchingSinkTopicsAndShutsDown(t *testing.T) {
	st, url := turnstileTable(t)
	mustKSQL(t, url, "CREATE STREAM foo WITH (VALUE_FORMAT='JSON') AS SELECT * FROM turnstile; CREATE STREAM keep WITH (VALUE_FORMAT='JSON') AS SELECT * FROM turnstile;", earliest())
	st.consume("FOO", 3)
	st.consume("KEEP", 3)
	resp, rd, _ := openQueryStream(t, http.DefaultClient, url, "SELECT * FROM turnstile EMIT CHANGES;")
	readLine(t, rd)

	r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql/terminate", `{"deleteTopicList":["FOO","TURN.*","org\\..*"]}`,
		map[string]string{"Accept": restapi.MediaKSQL, "Content-Type": restapi.MediaKSQL})
	var ents []map[string]any
	if r.code != 200 || json.Unmarshal(r.body, &ents) != nil || len(ents) != 1 || ents[0]["statementText"] != "TERMINATE CLUSTER;" ||
		ents[0]["commandId"] != "cluster/TerminateCluster/terminate" {
		t.Fatalf("terminate: %d %s", r.code, r.body)
	}
	// the push query's response ends
	if _, err := io.ReadAll(rd); err != nil {
		t.Errorf("push query after terminate: %v", err)
	}
	resp.Body.Close()

	topics, err := st.adm.ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"FOO", "TURNSTILE_SUMMARY", "_confluent-ksql-default__command_topic"} {
		if topics.Has(gone) {
			t.Errorf("topic %s survived", gone)
		}
	}
	for _, kept := range []string{"KEEP", turnstileTopic} {
		if !topics.Has(kept) {
			t.Errorf("topic %s was deleted", kept)
		}
	}
	for _, path := range []string{"/info", "/healthcheck", "/nope"} {
		r = do(t, http.DefaultClient, http.MethodGet, url+path, "", nil)
		var e map[string]any
		_ = json.Unmarshal(r.body, &e)
		if r.code != 503 || e["error_code"] != 50304.0 || e["message"] != "The server is shut down" {
			t.Errorf("%s after terminate: %d %s", path, r.code, r.body)
		}
	}
}

// An invalid pattern is refused before anything happens.
func TestTerminateClusterRefusesAnInvalidPattern(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql/terminate", `{"deleteTopicList":["("]}`, nil)
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if r.code != 400 || e["error_code"] != 40000.0 || e["message"] != "Invalid pattern: (" {
		t.Errorf("invalid pattern: %d %s", r.code, r.body)
	}
	if code, _, _ := getJSON(t, url+"/info"); code != 200 {
		t.Errorf("/info after refused terminate: %d", code)
	}
}

package ksqldb

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// CREATE STREAM and CREATE TABLE with declared columns register the key
// and value schemas of their registry formats at CREATE, before any
// record is written, under <topic>-key and <topic>-value, unless the
// subject already holds a schema; the sandbox that validates a request
// registers nothing. Sources: confluentinc/ksql v7.9.0
// ksqldb-engine/.../schema/ksql/inference/SchemaRegisterInjector.java
// (registerForCreateSource: registerIfSchemaExists false) and
// SchemaRegisterInjectorTest.java (the AVRO_SCHEMA and unwrapped "string"
// key schema it expects, and that an existing subject is not replaced).

// subjectVersions is GET /subjects/{subject}/versions: nil when the
// subject does not exist.
func subjectVersions(t *testing.T, regURL, subject string) []int {
	t.Helper()
	resp, err := http.Get(regURL + "/subjects/" + subject + "/versions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	b, _ := io.ReadAll(resp.Body)
	var vs []int
	if err := json.Unmarshal(b, &vs); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("versions of %s: %d %s", subject, resp.StatusCode, b)
	}
	return vs
}

func TestCreateRegistersADeclaredAvroKeyAndValueBeforeAnyWrite(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM sink (id VARCHAR KEY, f1 VARCHAR) WITH (kafka_topic='expectedName', key_format='AVRO', value_format='AVRO', partitions=1);", nil)
	_, key := latestSchema(t, regURL, "expectedName-key")
	if !sameJSON(t, key, `"string"`) {
		t.Errorf("expectedName-key: %s", key)
	}
	_, value := latestSchema(t, regURL, "expectedName-value")
	want := `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas",` +
		`"fields":[{"name":"F1","type":["null","string"],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	if !sameJSON(t, value, want) {
		t.Errorf("expectedName-value:\n got %s\nwant %s", value, want)
	}
}

func TestCreateRegistersADeclaredProtobufTableValue(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE TABLE source (id INT PRIMARY KEY, f1 TIMESTAMP) WITH (kafka_topic='expectedName', value_format='PROTOBUF', partitions=1);", nil)
	if vs := subjectVersions(t, regURL, "expectedName-key"); vs != nil {
		t.Errorf("a KAFKA key registered a schema: versions %v", vs)
	}
	id := subjectLatestID(t, regURL, "expectedName-value")
	typ, text := registeredSchema(t, regURL, uint32(id))
	if typ != "PROTOBUF" || !strings.Contains(text, "message ConnectDefault1") || !strings.Contains(text, "google.protobuf.Timestamp F1 = 1;") {
		t.Errorf("expectedName-value: %s %s", typ, text)
	}
}

func TestCreateKeepsTheSchemaAnExistingSubjectHolds(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	old := `{"type":"record","name":"Other","fields":[{"name":"x","type":"long"}]}`
	id := registerSchema(t, regURL, "expectedName-value", old)
	mustKSQL(t, url, "CREATE STREAM sink (f1 VARCHAR) WITH (kafka_topic='expectedName', value_format='AVRO', partitions=1);", nil)
	if vs := subjectVersions(t, regURL, "expectedName-value"); len(vs) != 1 {
		t.Errorf("versions of expectedName-value after CREATE: %v", vs)
	}
	if got := subjectLatestID(t, regURL, "expectedName-value"); got != id {
		t.Errorf("latest id %d, was %d", got, id)
	}
}

func TestCreateRefusedInValidationRegistersNothing(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	code, _ := stmtErr(t, url, `CREATE STREAM sink (f1 VARCHAR) WITH (kafka_topic='expectedName', value_format='JSON_SR', partitions=1);
DROP STREAM nothing;`)
	if code != http.StatusBadRequest {
		t.Fatalf("request: status %d", code)
	}
	if vs := subjectVersions(t, regURL, "expectedName-value"); vs != nil {
		t.Errorf("the sandbox registered expectedName-value: versions %v", vs)
	}
}

// A registry that refuses the schema fails the CREATE, which creates no
// stream. The injector wraps SchemaRegistryUtil.registerSchema's
// KsqlException ("Could not register schema for topic: " and the
// RestClientException's message, "<message>; error code: <code>") in its
// own "Could not register schema for topic: " (SchemaRegisterInjector
// .registerSchema; SchemaRegisterInjectorTest
// .shouldPropagateErrorOnSRClientError pins the inner message).
func TestCreateRefusedByTheRegistryFailsWithKsqlDBsMessage(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	req, err := http.NewRequest(http.MethodPut, regURL+"/mode/expectedName-value", strings.NewReader(`{"mode":"READONLY"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT /mode: %d", resp.StatusCode)
	}
	code, e := stmtErr(t, url, "CREATE STREAM sink (f1 VARCHAR) WITH (kafka_topic='expectedName', value_format='AVRO', partitions=1);")
	want := "Could not register schema for topic: Could not register schema for topic: Subject expectedName-value in context  is in read-only mode; error code: 42205"
	if code != http.StatusBadRequest || e["message"] != want {
		t.Errorf("CREATE: %d %v", code, e["message"])
	}
	if streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 0 {
		t.Errorf("streams after the refused CREATE: %v", streams)
	}
}

// A restart replays the CREATE from the command topic without running the
// injectors again (the command holds the statement as executed), so a
// subject deleted after the CREATE stays deleted.
func TestCreateReplayedOnRestartRegistersNothing(t *testing.T) {
	st := newStack(t)
	srv1, url1 := st.serve()
	mustKSQL(t, url1, "CREATE STREAM sink (f1 VARCHAR) WITH (kafka_topic='expectedName', value_format='AVRO', partitions=1);", nil)
	if vs := subjectVersions(t, st.reg.URL(), "expectedName-value"); len(vs) != 1 {
		t.Fatalf("versions of expectedName-value after CREATE: %v", vs)
	}
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodDelete, st.reg.URL()+"/subjects/expectedName-value", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE subject: %d", resp.StatusCode)
	}
	_, url2 := st.serve()
	if streams := mustKSQL(t, url2, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 1 {
		t.Fatalf("streams after restart: %v", streams)
	}
	if vs := subjectVersions(t, st.reg.URL(), "expectedName-value"); vs != nil {
		t.Errorf("the replay registered expectedName-value again: versions %v", vs)
	}
}

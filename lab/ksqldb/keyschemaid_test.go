package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// registerTyped registers a schema of a given type under subject.
func registerTyped(t *testing.T, regURL, subject, schemaType, schema string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"schema": schema, "schemaType": schemaType})
	resp, err := http.Post(regURL+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID int `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("register %s: %d %v", subject, resp.StatusCode, err)
	}
	return out.ID
}

func wireJSON(id int, text string) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), text...)
}

// CREATE TABLE ... WITH (FORMAT='JSON_SR', KEY_SCHEMA_ID=k, VALUE_SCHEMA_ID=v)
// takes a primitive key schema as the single key column ROWKEY
// (SerdeUtils.wrapSingle) and the value columns from schema v; the key
// schema is registered under <topic>-key with the same id and keys are
// written under it. Expected rows: query-validation-tests table.json
// "JSON_SR schema and schema id" (confluentinc/ksql v7.9.0).
func TestJSONSRKeySchemaIDGivesTheRowkeyColumn(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	kid := registerTyped(t, regURL, "keys", "JSON", `{"type":"string"}`)
	vid := registerTyped(t, regURL, "values", "JSON", `{"type":"object","properties":{"ID":{"type":"number"},"NAME":{"type":"string"},"VALUE":{"type":"integer"}}}`)
	st.createTopic("test_topic", 1)
	mustKSQL(t, url, fmt.Sprintf("CREATE TABLE test WITH (KAFKA_TOPIC='test_topic', FORMAT='JSON_SR', KEY_SCHEMA_ID=%d, VALUE_SCHEMA_ID=%d);", kid, vid), nil)
	if got := subjectLatestID(t, regURL, "test_topic-key"); got != kid {
		t.Errorf("test_topic-key latest id %d, want %d", got, kid)
	}
	schema, _ := rawDescribeSchema(t, url, "TEST")
	if want := "`ROWKEY` STRING KEY, `ID` DOUBLE, `NAME` STRING, `VALUE` BIGINT"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
	recs := []*kgo.Record{
		{Topic: "test_topic", Key: wireJSON(kid, `"1"`), Value: wireJSON(vid, `{"ID":1,"NAME":"one","VALUE":100}`)},
		{Topic: "test_topic", Key: wireJSON(kid, `"1"`), Value: wireJSON(vid, `{"ID":2,"NAME":"two","VALUE":200}`)},
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE TABLE t1 AS SELECT ROWKEY, NAME, VALUE FROM test;", earliest())
	out := st.consumeRecords("T1", 2)
	for i, want := range []string{`{"NAME":"one","VALUE":100}`, `{"NAME":"two","VALUE":200}`} {
		if string(out[i].Key[5:]) != `"1"` || string(out[i].Value[5:]) != want {
			t.Errorf("T1 record %d: key %q value %q, want \"1\" and %s", i, out[i].Key, out[i].Value, want)
		}
	}
	mustKSQL(t, url, "INSERT INTO test (ROWKEY, ID, NAME, VALUE) VALUES ('2', 3, 'three', 300);", nil)
	recs2 := st.consumeRecords("test_topic", 3)
	if k := recs2[2].Key; len(k) < 5 || int(binary.BigEndian.Uint32(k[1:5])) != kid || string(k[5:]) != `"2"` {
		t.Errorf("inserted key %q, want schema id %d and \"2\"", k, kid)
	}
}

// KEY_SCHEMA_ID is checked as ksqlDB checks it (query-validation-tests
// elements.json: "validate key schema id wrong format without elements
// FAILS", "validate key schema id with table elements FAILS").
func TestKeySchemaIDRefusalsUseKsqlDBMessages(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	kid := registerTyped(t, regURL, "keys", "JSON", `{"type":"string"}`)
	st.createTopic("input", 1)
	for stmt, want := range map[string]string{
		fmt.Sprintf("CREATE STREAM s1 WITH (KAFKA_TOPIC='input', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', KEY_SCHEMA_ID=%d);", kid):                         "KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is KAFKA.",
		fmt.Sprintf("CREATE STREAM s2 (k STRING KEY, v INT) WITH (KAFKA_TOPIC='input', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON', KEY_SCHEMA_ID=%d);", kid): "Table elements and KEY_SCHEMA_ID cannot both exist for create statement.",
	} {
		code, body := stmtErr(t, url, stmt)
		if code != 400 || body["message"] != want {
			t.Errorf("%s\n got %d %v\nwant %s", stmt, code, body, want)
		}
	}
}

// rawDescribeSchema is DESCRIBE's field list as "`NAME` TYPE[ KEY], ...".
func rawDescribeSchema(t *testing.T, url, name string) (string, []any) {
	t.Helper()
	ent := mustKSQL(t, url, "DESCRIBE "+name+";", nil)[0]
	sd, _ := ent["sourceDescription"].(map[string]any)
	fields, _ := sd["fields"].([]any)
	var parts []string
	for _, f := range fields {
		m := f.(map[string]any)
		s := fmt.Sprintf("`%s` %s", m["name"], m["schema"].(map[string]any)["type"])
		if m["type"] == "KEY" {
			s += " KEY"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", "), fields
}

// With PROTOBUF, KEY_SCHEMA_ID's message fields are the key columns (a
// PROTOBUF key is always a message), and keys are written under that id
// (query-validation-tests table.json "PROTOBUF schema and schema id").
func TestProtobufKeySchemaIDGivesTheMessageFieldsAsKeys(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	kid := registerTyped(t, regURL, "keys", "PROTOBUF", `syntax = "proto3"; message ProtobufKey2 {string K = 1;}`)
	vid := registerTyped(t, regURL, "values", "PROTOBUF", `syntax = "proto3"; message ProtobufValue2 {uint64 ID = 1; string NAME = 2; uint32 VALUE = 3;}`)
	st.createTopic("test_topic", 1)
	mustKSQL(t, url, fmt.Sprintf("CREATE TABLE test WITH (KAFKA_TOPIC='test_topic', FORMAT='PROTOBUF', KEY_SCHEMA_ID=%d, VALUE_SCHEMA_ID=%d);", kid, vid), nil)
	if schema, _ := rawDescribeSchema(t, url, "TEST"); schema != "`K` STRING KEY, `ID` BIGINT, `NAME` STRING, `VALUE` BIGINT" {
		t.Errorf("schema %s", schema)
	}
	mustKSQL(t, url, "INSERT INTO test (K, ID, NAME, VALUE) VALUES ('1', 1, 'one', 100);", nil)
	r := st.consumeRecords("test_topic", 1)[0]
	if len(r.Key) < 5 || int(binary.BigEndian.Uint32(r.Key[1:5])) != kid {
		t.Errorf("key %q, want schema id %d", r.Key, kid)
	}
	if got := subjectLatestID(t, regURL, "test_topic-key"); got != kid {
		t.Errorf("test_topic-key latest id %d, want %d", got, kid)
	}
}

// KEY_SCHEMA_ID naming a JSON_SR object schema gives the single key column
// ROWKEY of STRUCT type, its fields named as in the schema: ksqlDB reads
// keys unwrapped, so SerdeUtils.wrapSingle wraps the whole schema as
// ROWKEY, and schema ids keep the schema's field names
// (confluentinc/ksql v7.9.0 ConnectFormatSchemaTranslator.toColumns,
// SchemaRegistryTopicSchemaSupplier: ORIGINAL_FIELD_NAME). Keys are read as
// that struct and written under the schema id.
func TestJSONSRObjectKeySchemaIDIsAStructRowkey(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	kid := registerTyped(t, regURL, "keys", "JSON", `{"type":"object","properties":{"stop":{"type":"integer"},"dir":{"type":"string"}}}`)
	vid := registerTyped(t, regURL, "values", "JSON", `{"type":"object","properties":{"LINE":{"type":"string"}}}`)
	st.createTopic("s", 1)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "s", Key: wireJSON(kid, `{"stop":30173,"dir":"N"}`), Value: wireJSON(vid, `{"LINE":"Red"}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM s WITH (KAFKA_TOPIC='s', FORMAT='JSON_SR', KEY_SCHEMA_ID=%d, VALUE_SCHEMA_ID=%d);", kid, vid), nil)
	schema, rows := pushRows(t, url, "SELECT * FROM s EMIT CHANGES LIMIT 1;", 1)
	if want := "`ROWKEY` STRUCT<`stop` BIGINT, `dir` STRING>, `LINE` STRING"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
	// pushRows re-encodes objects with their keys sorted
	if want := `[{"dir":"N","stop":30173},"Red"]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
	}
	mustKSQL(t, url, "INSERT INTO s (ROWKEY, LINE) VALUES (STRUCT(`stop` := CAST(30174 AS BIGINT), `dir` := 'S'), 'Blue');", nil)
	k := st.consumeRecords("s", 2)[1].Key
	if len(k) < 5 || int(binary.BigEndian.Uint32(k[1:5])) != kid || !sameJSON(t, string(k[5:]), `{"stop":30174,"dir":"S"}`) {
		t.Errorf("inserted key %q, want schema id %d and {\"stop\":30174,\"dir\":\"S\"}", k, kid)
	}
}

package ksqldb

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// subjectLatestID is the id of the latest schema under subject.
func subjectLatestID(t *testing.T, regURL, subject string) int {
	t.Helper()
	resp, err := http.Get(regURL + "/subjects/" + subject + "/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID int `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("latest %s: %d %v", subject, resp.StatusCode, err)
	}
	return out.ID
}

// CREATE STREAM ... WITH (VALUE_SCHEMA_ID=n) takes its value columns from
// schema n, registers that schema under <topic>-value (the registry answers
// with the same id) and writes values under id n with the schema's own
// field names, which python3-confluent-kafka's JSONDeserializer validates.
// Sources: confluentinc/ksql v0.29.0 DefaultSchemaInjector.java,
// SchemaRegisterInjector.registerRawSchema, KsqlJsonSerdeFactory
// (use.schema.id, auto.register.schemas false), ConnectSRSchemaDataTranslator;
// https://docs.ksqldb.io/en/0.29.0-ksqldb/operate-and-deploy/schema-registry-integration/#schema-id
func TestJSONSRValueSchemaIDWritesUnderTheGivenSchema(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonJSONSR(t, &w, "write", regURL, "trains")
	b, _ := hex.DecodeString(w.Wire)
	id := int(binary.BigEndian.Uint32(b[1:5]))
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM copy WITH (KAFKA_TOPIC='copy', PARTITIONS=1, VALUE_FORMAT='JSON_SR', VALUE_SCHEMA_ID=%d);", id), nil)
	if got := subjectLatestID(t, regURL, "copy-value"); got != id {
		t.Errorf("copy-value latest id %d, want %d", got, id)
	}
	// The columns carry the schema's own (lower-case) names, so they are quoted.
	mustKSQL(t, url, "INSERT INTO copy (`run`, `line`) VALUES (802, 'blue');", nil)
	r := st.consumeRecords("copy", 1)[0]
	if int(binary.BigEndian.Uint32(r.Value[1:5])) != id || string(r.Value[5:]) != `{"run":802,"line":"blue"}` {
		t.Fatalf("value %q, want id %d and the schema's field names", r.Value, id)
	}
	var got struct {
		Record map[string]any `json:"record"`
	}
	runPythonJSONSR(t, &got, "read", regURL, "copy", hex.EncodeToString(r.Value))
	if want := map[string]any{"run": 802.0, "line": "blue"}; !reflect.DeepEqual(got.Record, want) {
		t.Errorf("python read %v, want %v", got.Record, want)
	}
}

// VALUE_SCHEMA_ID with PROTOBUF writes the schema's first message, each
// column into the field of its name: run (1) "802", next_station (2) 40390.
func TestProtobufValueSchemaIDWritesTheSchemasMessage(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonProtobuf(t, &w, "write", regURL, "trains")
	b, _ := hex.DecodeString(w.Wire)
	id := int(binary.BigEndian.Uint32(b[1:5]))
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM copy WITH (KAFKA_TOPIC='copy', PARTITIONS=1, VALUE_FORMAT='PROTOBUF', VALUE_SCHEMA_ID=%d);", id), nil)
	// The columns carry the schema's own (lower-case) field names, so they are quoted.
	mustKSQL(t, url, "INSERT INTO copy (`next_station`, `run`) VALUES (40390, '802');", nil)
	r := st.consumeRecords("copy", 1)[0]
	// 0, id, index [0]; field 1 "802" (0a 03 38 30 32), field 2 40390 (10 c6 bb 02)
	if want := fmt.Sprintf("00%08x00", id) + "0a03383032" + "10c6bb02"; hex.EncodeToString(r.Value) != want {
		t.Errorf("value %x, want %s", r.Value, want)
	}
	if got := subjectLatestID(t, regURL, "copy-value"); got != id {
		t.Errorf("copy-value latest id %d, want %d", got, id)
	}
}

// The statements DefaultSchemaInjector.shouldInferSchema and
// SchemaRegistryTopicSchemaSupplier refuse, with their messages; a CREATE
// names its topic and the schema id (sourceMsg).
func TestValueSchemaIDRefusals(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonJSONSR(t, &w, "write", regURL, "trains")
	b, _ := hex.DecodeString(w.Wire)
	id := int(binary.BigEndian.Uint32(b[1:5]))
	for _, c := range []struct{ stmt, msg string }{
		{fmt.Sprintf("CREATE STREAM a (`RUN` BIGINT) WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='JSON_SR', VALUE_SCHEMA_ID=%d);", id),
			"Table elements and VALUE_SCHEMA_ID cannot both exist for create statement."},
		{fmt.Sprintf("CREATE STREAM a WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='JSON', VALUE_SCHEMA_ID=%d);", id),
			"VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is JSON."},
		{fmt.Sprintf("CREATE STREAM a WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='PROTOBUF', VALUE_SCHEMA_ID=%d);", id),
			fmt.Sprintf("Value schema is not in the expected format. You may want to set VALUE_FORMAT to 'JSON'.\ntopic: a, schema id: %d\nexpected format: PROTOBUF\nactual format from Schema Registry: JSON", id)},
	} {
		code, body := stmtErr(t, url, c.stmt)
		if code != 400 || body["message"] != c.msg {
			t.Errorf("%s\n got %d %q\nwant %q", c.stmt, code, body["message"], c.msg)
		}
	}
}

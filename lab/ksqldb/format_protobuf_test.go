package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/testtools"
)

// runPythonProtobuf runs testdata/python/protobuf.py (python3-confluent-kafka's
// ProtobufSerializer / ProtobufDeserializer) and decodes what it prints.
func runPythonProtobuf(t *testing.T, into any, args ...string) {
	t.Helper()
	python := testtools.Python(t, "confluent_kafka.schema_registry.protobuf")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, append([]string{"testdata/python/protobuf.py"}, args...)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("protobuf.py %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("protobuf.py %v: %v", args, err)
	}
	if err := json.Unmarshal(out, into); err != nil {
		t.Fatalf("protobuf.py printed %q: %v", out, err)
	}
}

// A PROTOBUF source registers, as schemaType PROTOBUF, the proto3 file
// ProtobufData.fromConnectSchema makes of its columns: the unnamed Connect
// struct becomes message ConnectDefault1, fields numbered from 1 in column
// order, no wrappers for nullable fields (ProtobufProperties: no
// nullableRepresentation), an ARRAY a repeated field. PROTOBUF supports
// WRAP_SINGLES only, so even a single key column is written inside a
// ConnectDefault1 message. The wire format is magic byte 0, the schema id,
// the message-index array [0] as the single byte 0, then the message.
// Sources: confluentinc/ksql v0.29.0 ksqldb-serde/.../protobuf/ProtobufFormat.java,
// ProtobufSchemaTranslator.java, ProtobufProperties.java,
// SerdeFeaturesFactory.getKeyWrapping; confluentinc/schema-registry v7.9.9
// protobuf-converter/.../ProtobufData.java (DEFAULT_SCHEMA_NAME
// "ConnectDefault", messageDefinitionFromConnectSchema,
// dataTypeFromConnectSchema); https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#protobuf
func TestProtobufSourceRegistersConnectDefault1AndPythonReadsItsRecords(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR, delay DOUBLE, cars BIGINT, late BOOLEAN, stops ARRAY<STRING>) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "INSERT INTO trains (id, line, delay, cars, late, stops) VALUES (5, 'brown', 1.5, 8, true, ARRAY['Clark/Lake', 'State/Lake']);", nil)
	r := st.consumeRecords("trains", 1)[0]

	if len(r.Value) < 6 || r.Value[0] != 0 || r.Value[5] != 0 {
		t.Fatalf("value %x is not magic, id, message index [0]", r.Value)
	}
	typ, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	wantValue := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  string LINE = 1;\n  double DELAY = 2;\n  int64 CARS = 3;\n  bool LATE = 4;\n  repeated string STOPS = 5;\n}\n"
	if typ != "PROTOBUF" || text != wantValue {
		t.Errorf("value schema (%s)\n got %q\nwant %q", typ, text, wantValue)
	}
	typ, text = registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Key[1:5]))
	if want := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  int32 ID = 1;\n}\n"; typ != "PROTOBUF" || text != want {
		t.Errorf("key schema (%s) %q, want %q", typ, text, want)
	}
	// key: 0, id, index 0, then field 1 varint 5 (08 05)
	if got := hex.EncodeToString(r.Key[5:]); got != "000805" {
		t.Errorf("key message %s, want 000805", got)
	}

	var got struct {
		Magic      int            `json:"magic"`
		SchemaType string         `json:"schema_type"`
		Record     map[string]any `json:"record"`
	}
	runPythonProtobuf(t, &got, "read", regURL, "trains", hex.EncodeToString(r.Value))
	want := map[string]any{"LINE": "brown", "DELAY": 1.5, "CARS": "8", "LATE": true, "STOPS": []any{"Clark/Lake", "State/Lake"}}
	if got.Magic != 0 || got.SchemaType != "PROTOBUF" || !reflect.DeepEqual(got.Record, want) {
		t.Errorf("python read %+v, want record %v", got, want)
	}
}

// A stream declared without columns over a PROTOBUF topic takes its value
// columns from the first message of the latest <topic>-value schema
// (ProtobufData.toConnectSchema: string STRING, int32 INTEGER; field names
// upper-cased) and reads what python3-confluent-kafka's ProtobufSerializer
// wrote.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/operate-and-deploy/schema-registry-integration/#schema-inference
func TestProtobufStreamInfersColumnsAndReadsAPythonProtobufSerializersRecords(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonProtobuf(t, &w, "write", regURL, "trains")
	b, err := hex.DecodeString(w.Wire)
	if err != nil {
		t.Fatal(err)
	}
	st.createTopic("trains", 1)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "trains", Value: b}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM trains WITH (KAFKA_TOPIC='trains', VALUE_FORMAT='PROTOBUF');", nil)
	code, body := post(t, url, "/query", "SELECT * FROM trains EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 {
		t.Fatalf("want header, 1 row, final message: %v %s", err, body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`RUN` STRING, `NEXT_STATION` INTEGER" {
		t.Errorf("schema %v", s)
	}
	if row := fmt.Sprint(out[1]["row"].(map[string]any)["columns"]); row != "[801 40380]" {
		t.Errorf("row %v, want [801 40380]", row)
	}
}

// A proto3 field without presence reads as its default when the writer
// left it out, as ProtobufData.toConnectData gives it (a null column is
// written as no field at all); a nested STRUCT is a nested message
// ConnectDefault2, read back into the struct column.
func TestProtobufRoundTripsNullsAsDefaultsAndNestedStructs(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM trains (line VARCHAR, cars INT, next STRUCT<name STRING, dist INT>) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "INSERT INTO trains (line, next) VALUES ('pink', STRUCT(name := 'Polk', dist := 3));", nil)
	r := st.consumeRecords("trains", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	want := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  string LINE = 1;\n  int32 CARS = 2;\n  ConnectDefault2 NEXT = 3;\n\n  message ConnectDefault2 {\n    string NAME = 1;\n    int32 DIST = 2;\n  }\n}\n"
	if text != want {
		t.Errorf("schema\n got %q\nwant %q", text, want)
	}
	code, body := post(t, url, "/query", "SELECT * FROM trains EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 {
		t.Fatalf("want header, 1 row, final message: %v %s", err, body)
	}
	if row := fmt.Sprint(out[1]["row"].(map[string]any)["columns"]); row != "[pink 0 map[DIST:3 NAME:Polk]]" {
		t.Errorf("row %v", row)
	}
}

// PROTOBUF has no UNWRAP_SINGLES: WRAP_SINGLE_VALUE=false is refused with
// SerdeFeaturesFactory.validateExplicitValueWrapping's message.
func TestProtobufRefusesWrapSingleValueFalse(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, body := stmtErr(t, url, "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='PROTOBUF', WRAP_SINGLE_VALUE=false);")
	if code != 400 || body["message"] != "Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'." {
		t.Errorf("%d %v", code, body)
	}
}

// A persistent query writes its sink in the formats its WITH clause names:
// here a JSON source into a PROTOBUF sink and a JSON_SR sink, each
// registering its schemas under the sink topic's subjects.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-stream-as-select/
func TestPersistentQueriesWriteJSONSRAndProtobufSinks(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR, cars INT) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM trains_pb WITH (KAFKA_TOPIC='trains_pb', FORMAT='PROTOBUF') AS SELECT id, line, cars * 2 AS seats FROM trains;", earliest())
	mustKSQL(t, url, "CREATE STREAM trains_js WITH (KAFKA_TOPIC='trains_js', VALUE_FORMAT='JSON_SR') AS SELECT id, UCASE(line) AS line FROM trains;", earliest())
	mustKSQL(t, url, "INSERT INTO trains (id, line, cars) VALUES (5, 'brown', 8);", nil)

	pb := st.consumeRecords("trains_pb", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(pb.Value[1:5]))
	if want := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  string LINE = 1;\n  int32 SEATS = 2;\n}\n"; text != want {
		t.Errorf("protobuf sink schema %q, want %q", text, want)
	}
	// 0, id, index 0; LINE (0a 05 "brown"), SEATS 16 (10 10)
	if got := hex.EncodeToString(pb.Value[5:]); got != "00"+"0a05"+hex.EncodeToString([]byte("brown"))+"1010" {
		t.Errorf("protobuf sink value %s", got)
	}
	if got := hex.EncodeToString(pb.Key[5:]); got != "000805" {
		t.Errorf("protobuf sink key %s, want 000805", got)
	}

	js := st.consumeRecords("trains_js", 1)[0]
	typ, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(js.Value[1:5]))
	if typ != "JSON" || text != `{"type":"object","properties":{"LINE":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]}}}` {
		t.Errorf("json_sr sink schema (%s) %s", typ, text)
	}
	if string(js.Value[5:]) != `{"LINE":"BROWN"}` {
		t.Errorf("json_sr sink value %s", js.Value[5:])
	}
}

// TIMESTAMP and BYTES in PROTOBUF: ProtobufData writes a Timestamp as the
// well-known google.protobuf.Timestamp (importing its file) and BYTES as
// bytes; a stream over the topic infers and reads them back. The Timestamp
// bytes for 2021-01-02T12:34:56.789Z (seconds 1609590896, nanos 789000000)
// are python3-protobuf's timestamp_pb2 serialisation, 08f0d0c1ff0510c0de9cf802.
func TestProtobufTimestampAndBytesColumns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM ev (`AT` TIMESTAMP, raw BYTES) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "INSERT INTO ev (`AT`, raw) VALUES ('2021-01-02T12:34:56.789', 'AP8=');", nil)
	r := st.consumeRecords("ev", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	if want := "syntax = \"proto3\";\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage ConnectDefault1 {\n  google.protobuf.Timestamp AT = 1;\n  bytes RAW = 2;\n}\n"; text != want {
		t.Errorf("schema %q\nwant   %q", text, want)
	}
	// index 0; field 1 message of 12 bytes; field 2 bytes 00 ff
	if got, want := hex.EncodeToString(r.Value[5:]), "00"+"0a0c"+"08f0d0c1ff0510c0de9cf802"+"120200ff"; got != want {
		t.Errorf("value %s, want %s", got, want)
	}
	mustKSQL(t, url, "CREATE STREAM ev2 WITH (KAFKA_TOPIC='ev', VALUE_FORMAT='PROTOBUF');", nil)
	schema, rows := pushRows(t, url, "SELECT * FROM ev2 EMIT CHANGES LIMIT 1;", 1)
	if want := "`AT` TIMESTAMP, `RAW` BYTES"; schema != want {
		t.Errorf("inferred %s, want %s", schema, want)
	}
	if want := `["2021-01-02T12:34:56.789","AP8="]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
	}
}

// A column name that is no Protobuf identifier makes no schema
// (ProtobufData leaves names unscrubbed by default): the CREATE is refused
// instead of every later write failing.
func TestProtobufRefusesColumnNamesThatAreNoProtobufIdentifiers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, body := stmtErr(t, url, "CREATE STREAM s (`next stop` STRING) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');")
	if msg, _ := body["message"].(string); code != 400 || !strings.HasPrefix(msg, "Failed to convert the columns to a PROTOBUF schema: ") {
		t.Errorf("%d %v", code, body)
	}
}

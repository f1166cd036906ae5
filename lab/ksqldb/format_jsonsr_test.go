package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	labregistry "github.com/ctalab/ctalab/lab/registry"
	"github.com/ctalab/ctalab/lab/testtools"
)

// serveLabRegistry starts the lab's Schema Registry stand-in on the
// stack's brokers and a Server that uses it: unlike the fake, it keeps a
// JSON schema's text as the client sent it, property order included, as
// Confluent's registry does.
func (st *stack) serveLabRegistry() (regURL, ksqlURL string) {
	st.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg, err := labregistry.New(ctx, st.brokers)
	if err != nil {
		st.t.Fatalf("start registry: %v", err)
	}
	rs := httptest.NewServer(reg)
	s, err := New(ctx, st.brokers, rs.URL, WithSessionTimeout(6*time.Second))
	if err != nil {
		st.t.Fatalf("new server: %v", err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.Config.Protocols = s.Protocols()
	hs.Start()
	st.t.Cleanup(func() {
		hs.Close()
		_ = s.Close()
		rs.Close()
		_ = reg.Close()
	})
	return rs.URL, hs.URL
}

// registeredSchema is GET /schemas/ids/{id} of a registry.
func registeredSchema(t *testing.T, regURL string, id uint32) (schemaType, text string) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/schemas/ids/%d", regURL, id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("schema %d: %d %v", id, resp.StatusCode, err)
	}
	if out.SchemaType == "" {
		out.SchemaType = "AVRO"
	}
	return out.SchemaType, out.Schema
}

// sameJSON compares two JSON texts as values.
func sameJSON(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("not JSON: %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %s: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

// runPythonJSONSR runs testdata/python/jsonsr.py (python3-confluent-kafka's
// JSONSerializer / JSONDeserializer) and decodes what it prints.
func runPythonJSONSR(t *testing.T, into any, args ...string) {
	t.Helper()
	python := testtools.Python(t, "confluent_kafka.schema_registry.json_schema")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, append([]string{"testdata/python/jsonsr.py"}, args...)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("jsonsr.py %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("jsonsr.py %v: %v", args, err)
	}
	if err := json.Unmarshal(out, into); err != nil {
		t.Fatalf("jsonsr.py printed %q: %v", out, err)
	}
}

// A JSON_SR source writes its value in the Confluent wire format (magic
// byte 0, the schema id, then the JSON) under the schema that
// JsonSchemaData.fromConnectSchema makes of the columns' Connect schema
// (ConnectSchemas.columnsToConnectSchema: an unnamed struct whose fields
// are all optional), registered as schemaType JSON under <topic>-value; the
// single key column is written unwrapped under <topic>-key.
// Sources: confluentinc/ksql v0.29.0 ksqldb-serde/.../json/JsonSchemaFormat.java,
// KsqlJsonSerdeFactory.java (JsonSchemaConverter, decimal.format NUMERIC),
// connect/ConnectSchemas.java, ksqldb-common/.../SchemaConverters.java
// (SQL_TO_CONNECT: every type optional); confluentinc/schema-registry
// v7.9.9 json-schema-converter/.../JsonSchemaData.java
// (rawSchemaFromConnectSchema: an optional schema is oneOf null and the
// type, a field's index as connect.index, connect.type for integers and
// numbers); https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#json
func TestJSONSRSourceWritesTheSchemaJsonSchemaDataDerivesFromItsColumns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR, delay DOUBLE, cars BIGINT, late BOOLEAN, stops ARRAY<STRING>, next STRUCT<name STRING, dist INT>) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, FORMAT='JSON_SR');", nil)
	mustKSQL(t, url, "INSERT INTO trains (id, line, delay, cars, late, stops, next) VALUES (5, 'brown', 1.5, 8, true, ARRAY['Clark/Lake'], STRUCT(name := 'Merchandise Mart', dist := 2));", nil)
	r := st.consumeRecords("trains", 1)[0]

	if len(r.Value) < 5 || r.Value[0] != 0 {
		t.Fatalf("value %q is not in the wire format", r.Value)
	}
	typ, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	opt := func(s string, i int) string {
		return fmt.Sprintf(`{"connect.index":%d,"oneOf":[{"type":"null"},%s]}`, i, s)
	}
	// the properties in java.util.HashMap order of the names (everit's
	// ObjectSchema.Builder), each with its column's connect.index
	wantValue := `{"type":"object","properties":{` +
		`"CARS":` + opt(`{"type":"integer","connect.type":"int64"}`, 2) +
		`,"LATE":` + opt(`{"type":"boolean"}`, 3) +
		`,"LINE":` + opt(`{"type":"string"}`, 0) +
		`,"NEXT":` + opt(`{"type":"object","properties":{"DIST":`+opt(`{"type":"integer","connect.type":"int32"}`, 1)+`,"NAME":`+opt(`{"type":"string"}`, 0)+`}}`, 5) +
		`,"STOPS":` + opt(`{"type":"array","items":{"oneOf":[{"type":"null"},{"type":"string"}]}}`, 4) +
		`,"DELAY":` + opt(`{"type":"number","connect.type":"float64"}`, 1) +
		`}}`
	if typ != "JSON" || text != wantValue {
		t.Errorf("value schema (%s)\n got %s\nwant %s", typ, text, wantValue)
	}
	if want := `{"LINE":"brown","DELAY":1.5,"CARS":8,"LATE":true,"STOPS":["Clark/Lake"],"NEXT":{"NAME":"Merchandise Mart","DIST":2}}`; string(r.Value[5:]) != want {
		t.Errorf("value JSON %s, want %s", r.Value[5:], want)
	}

	if len(r.Key) < 5 || r.Key[0] != 0 {
		t.Fatalf("key %q is not in the wire format", r.Key)
	}
	typ, text = registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Key[1:5]))
	if want := `{"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]}`; typ != "JSON" || text != want {
		t.Errorf("key schema (%s) %s, want %s", typ, text, want)
	}
	if string(r.Key[5:]) != "5" {
		t.Errorf("key JSON %s, want 5", r.Key[5:])
	}
	if binary.BigEndian.Uint32(r.Key[1:5]) == binary.BigEndian.Uint32(r.Value[1:5]) {
		t.Errorf("key and value share schema id %d", binary.BigEndian.Uint32(r.Key[1:5]))
	}
}

// python3-confluent-kafka's JSONDeserializer reads a JSON_SR record ksqlDB
// wrote, validating it against the registered schema; a null column is
// written as JSON null (JsonSchemaData.fromConnectData: an optional field
// with no value is a NullNode).
func TestPythonJSONDeserializerReadsWhatAJSONSRStreamWrote(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR, delay DOUBLE, cars BIGINT) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='JSON_SR');", nil)
	mustKSQL(t, url, "INSERT INTO trains (id, line, delay) VALUES (5, 'brown', 1.5);", nil)
	r := st.consumeRecords("trains", 1)[0]
	var got struct {
		Magic      int            `json:"magic"`
		SchemaType string         `json:"schema_type"`
		Record     map[string]any `json:"record"`
	}
	runPythonJSONSR(t, &got, "read", regURL, "trains", hex.EncodeToString(r.Value))
	want := map[string]any{"LINE": "brown", "DELAY": 1.5, "CARS": nil}
	if got.Magic != 0 || got.SchemaType != "JSON" || !reflect.DeepEqual(got.Record, want) {
		t.Errorf("python read %+v, want record %v", got, want)
	}
	// the KAFKA key format is untouched by VALUE_FORMAT
	if len(r.Key) != 4 || binary.BigEndian.Uint32(r.Key) != 5 {
		t.Errorf("key %x, want the 4-byte integer 5", r.Key)
	}
}

// A stream declared without columns over a JSON_SR topic takes its value
// columns from the latest schema of <topic>-value (SerdeFeature
// SCHEMA_INFERENCE): JsonSchemaData.toConnectSchema maps an "integer"
// without connect.type to int64 (BIGINT) and names are upper-cased
// (SchemaTranslationPolicy.UPPERCASE_FIELD_NAME); the stream reads what
// python3-confluent-kafka's JSONSerializer wrote.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/operate-and-deploy/schema-registry-integration/#schema-inference
func TestJSONSRStreamInfersColumnsAndReadsAPythonJSONSerializersRecords(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonJSONSR(t, &w, "write", regURL, "trains")
	b, err := hex.DecodeString(w.Wire)
	if err != nil {
		t.Fatal(err)
	}
	st.createTopic("trains", 1)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "trains", Value: b}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM trains WITH (KAFKA_TOPIC='trains', VALUE_FORMAT='JSON_SR');", nil)
	code, body := post(t, url, "/query", "SELECT * FROM trains EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 {
		t.Fatalf("want header, 1 row, final message: %v %s", err, body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`RUN` BIGINT, `LINE` STRING" {
		t.Errorf("schema %v", s)
	}
	if row := fmt.Sprint(out[1]["row"].(map[string]any)["columns"]); row != "[801 red]" {
		t.Errorf("row %v, want [801 red]", row)
	}
}

// A declared INT column cannot read a JSON Schema "integer" (Connect int64):
// ConnectDataTranslator.validateSchema accepts only int8/16/32 for INTEGER,
// and the record is skipped rather than read wrong; a BIGINT column reads it.
func TestJSONSRRefusesAnInt64IntoAnIntegerColumn(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonJSONSR(t, &w, "write", regURL, "trains")
	b, _ := hex.DecodeString(w.Wire)
	st.createTopic("trains", 1)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "trains", Value: b}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cols, err := formats.NewSerde(formats.JSONSR, []types.Column{{Name: "RUN", Type: types.Integer}}, false, "trains", mustRegistry(t, regURL)).Decode(context.Background(), b)
	if err == nil || err.Error() != "Cannot deserialize type int64 as type int32 for path: ->RUN" {
		t.Errorf("decode into INT = %v, %v; want ConnectDataTranslator's type mismatch", cols, err)
	}
	cols, err = formats.NewSerde(formats.JSONSR, []types.Column{{Name: "RUN", Type: types.Bigint}, {Name: "LINE", Type: types.String}, {Name: "MISSING", Type: types.String}}, false, "trains", mustRegistry(t, regURL)).Decode(context.Background(), b)
	if err != nil || !reflect.DeepEqual(cols, []any{int64(801), "red", nil}) {
		t.Errorf("decode into BIGINT = %#v, %v", cols, err)
	}
	_ = url
}

func mustRegistry(t *testing.T, url string) *formats.Registry {
	t.Helper()
	r, err := formats.NewRegistry(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// WRAP_SINGLE_VALUE=false writes a JSON_SR value as its bare column, under
// the column's own optional schema (JsonSchemaFormat supports both
// WRAP_SINGLES and UNWRAP_SINGLES).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#single-field-unwrapping
func TestJSONSRWrapSingleValueFalseWritesTheBareColumn(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM lines (line VARCHAR) WITH (KAFKA_TOPIC='lines', PARTITIONS=1, VALUE_FORMAT='JSON_SR', WRAP_SINGLE_VALUE=false);", nil)
	mustKSQL(t, url, "INSERT INTO lines (line) VALUES ('pink');", nil)
	r := st.consumeRecords("lines", 1)[0]
	if len(r.Value) < 5 || string(r.Value[5:]) != `"pink"` {
		t.Fatalf("value %q, want magic, id and \"pink\"", r.Value)
	}
	typ, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	if want := `{"oneOf":[{"type":"null"},{"type":"string"}]}`; typ != "JSON" || text != want {
		t.Errorf("schema (%s) %s, want %s", typ, text, want)
	}
}

// Without ksql.schema.registry.url a JSON_SR source is refused as ksqlDB
// refuses any Schema Registry format (DefaultSchemaInjector /
// SchemaRegisterInjector).
func TestJSONSRRefusals(t *testing.T) {
	st := newStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := New(ctx, st.brokers, "", WithSessionTimeout(6*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); _ = s.Close() })
	code, body := stmtErr(t, hs.URL, "CREATE STREAM t (a INT) WITH (KAFKA_TOPIC='t', PARTITIONS=1, VALUE_FORMAT='JSON_SR');")
	if code != 428 || body["message"] != "Cannot create topic 't' with format JSON_SR without configuring 'ksql.schema.registry.url'" {
		t.Errorf("no registry: %d %v", code, body)
	}

}

// TIMESTAMP, DATE, TIME and BYTES in JSON_SR: the Connect logical types
// become JSON Schemas titled with their Connect names, connect.version 1
// (JsonSchemaData.rawSchemaFromConnectSchema: the schema name is the
// title), values are written as JsonConverter's logical converters do
// (epoch milliseconds, epoch days, milliseconds of the day, base64), and a
// stream over the topic infers the same column types back.
func TestJSONSRTimeAndBytesColumns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM ev (`AT` TIMESTAMP, day DATE, tod TIME, raw BYTES) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON_SR');", nil)
	mustKSQL(t, url, "INSERT INTO ev (`AT`, day, tod, raw) VALUES ('2021-01-02T12:34:56.789', '2021-01-02', '12:34:56', 'AP8=');", nil)
	r := st.consumeRecords("ev", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	opt := func(s string, i int) string {
		return fmt.Sprintf(`{"connect.index":%d,"oneOf":[{"type":"null"},%s]}`, i, s)
	}
	want := `{"type":"object","properties":{` +
		`"AT":` + opt(`{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1,"connect.type":"int64"}`, 0) +
		`,"TOD":` + opt(`{"type":"integer","title":"org.apache.kafka.connect.data.Time","connect.version":1,"connect.type":"int32"}`, 2) +
		`,"RAW":` + opt(`{"type":"string","connect.type":"bytes"}`, 3) +
		`,"DAY":` + opt(`{"type":"integer","title":"org.apache.kafka.connect.data.Date","connect.version":1,"connect.type":"int32"}`, 1) + `}}`
	if text != want {
		t.Errorf("schema\n got %s\nwant %s", text, want)
	}
	if v := `{"AT":1609590896789,"DAY":18629,"TOD":45296000,"RAW":"AP8="}`; string(r.Value[5:]) != v {
		t.Errorf("value %s, want %s", r.Value[5:], v)
	}
	mustKSQL(t, url, "CREATE STREAM ev2 WITH (KAFKA_TOPIC='ev', VALUE_FORMAT='JSON_SR');", nil)
	schema, rows := pushRows(t, url, "SELECT * FROM ev2 EMIT CHANGES LIMIT 1;", 1)
	if want := "`AT` TIMESTAMP, `DAY` DATE, `TOD` TIME, `RAW` BYTES"; schema != want {
		t.Errorf("inferred %s, want %s", schema, want)
	}
	if want := `["2021-01-02T12:34:56.789","2021-01-02","12:34:56","AP8="]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
	}
}

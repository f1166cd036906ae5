package connect

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/registry"
)

// A connector config of the kind published course solutions use (CP 7.x):
// JsonSchemaConverter for key and value, ValueToKey then ExtractField$Key on
// stop_id. Each record is the Confluent wire format (magic 0, the 4-byte id
// of a schema registered with schemaType JSON under <topic>-key or
// <topic>-value) followed by the JSON JsonSchemaData writes: the row as
// JsonConverter writes it schemaless, the key as the bare integer
// (https://docs.confluent.io/platform/7.9/schema-registry/connect.html,
// .../fundamentals/serdes-develop/index.html#wire-format).
func TestJSONSchemaConverterWritesStationsAndTheirKeysInWireFormat(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg, err := registry.New(ctx, b.addrs())
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	srv := httptest.NewServer(reg)
	t.Cleanup(func() { srv.Close(); _ = reg.Close() })
	wk := startWorker(t, b)

	cfg := referenceConfig(db)
	for k, v := range map[string]string{
		"key.converter":                       jsonSchemaConverterClass,
		"key.converter.schema.registry.url":   srv.URL,
		"value.converter":                     jsonSchemaConverterClass,
		"value.converter.schema.registry.url": srv.URL,
		"transforms":                          "createKey, extractToInt",
		"transforms.createKey.type":           "org.apache.kafka.connect.transforms.ValueToKey",
		"transforms.createKey.fields":         "stop_id",
		"transforms.extractToInt.type":        "org.apache.kafka.connect.transforms.ExtractField$Key",
		"transforms.extractToInt.field":       "stop_id",
	} {
		cfg[k] = v
	}
	createStations(t, wk, cfg)
	recs := waitKeyedRecords(t, b, stationsTopic, 230)

	var subjects = map[string]struct {
		ID         int    `json:"id"`
		SchemaType string `json:"schemaType"`
		Schema     string `json:"schema"`
	}{}
	for _, s := range []string{"-key", "-value"} {
		v := subjects[s]
		getJSON(t, srv.URL+"/subjects/"+stationsTopic+s+"/versions/latest", &v)
		if v.SchemaType != "JSON" {
			t.Fatalf("%s%s is registered as %q, want JSON", stationsTopic, s, v.SchemaType)
		}
		subjects[s] = v
	}
	header := func(b []byte, id int) []byte {
		t.Helper()
		if len(b) < 5 || b[0] != 0 || int(binary.BigEndian.Uint32(b[1:5])) != id {
			t.Fatalf("wire header = % x, want 00 + id %d", b[:min(5, len(b))], id)
		}
		return b[5:]
	}
	first := recs[0]
	if got := string(header(first.value, subjects["-value"].ID)); got != austinJSON {
		t.Errorf("value:\n got %s\nwant %s", got, austinJSON)
	}
	if got := string(header(first.key, subjects["-key"].ID)); got != strconv.Itoa(30001) {
		t.Errorf("key %q, want 30001", got)
	}
	// The registered schemas describe what was written: an int32 key, and
	// an object whose properties are the row's columns.
	var keySchema, valueSchema map[string]any
	if err := json.Unmarshal([]byte(subjects["-key"].Schema), &keySchema); err != nil {
		t.Fatal(err)
	}
	if keySchema["type"] != "integer" || keySchema["connect.type"] != "int32" {
		t.Errorf("key schema %s", subjects["-key"].Schema)
	}
	if err := json.Unmarshal([]byte(subjects["-value"].Schema), &valueSchema); err != nil {
		t.Fatal(err)
	}
	var row map[string]any
	if err := json.Unmarshal([]byte(austinJSON), &row); err != nil {
		t.Fatal(err)
	}
	props, _ := valueSchema["properties"].(map[string]any)
	if valueSchema["type"] != "object" || len(props) != len(row) {
		t.Fatalf("value schema %s", subjects["-value"].Schema)
	}
	for col := range row {
		if _, ok := props[col]; !ok {
			t.Errorf("value schema has no property %s", col)
		}
	}
}

type keyedRecord struct{ key, value []byte }

// waitKeyedRecords waits until topic holds n records and returns their keys
// and values.
func waitKeyedRecords(t *testing.T, b *broker, topic string, n int) []keyedRecord {
	t.Helper()
	var out []keyedRecord
	eventually(t, strconv.Itoa(n)+" records in "+topic, func() string {
		recs := readTopic(t, b, topic)
		out = out[:0]
		for _, r := range recs {
			out = append(out, keyedRecord{r.Key, r.Value})
		}
		if len(out) != n {
			return "have " + strconv.Itoa(len(out))
		}
		return ""
	})
	return out
}

// The JSON Schema the converter registers is the text Schema Registry
// 7.9 gives JsonSchemaData's schema: everit 1.14.3's ToStringVisitor puts
// "type" first, then the title, then the connect.* properties in the order
// of the java.util.HashMap everit copies them into, then the properties,
// in the HashMap order of the field names; an optional field is a oneOf
// with null, its connect.index on the wrapper. The expected orders were
// taken from OpenJDK 17's HashMap: the copy of {connect.type,
// connect.index} iterates connect.index first, of {connect.type,
// connect.version, connect.index} as connect.index, connect.version,
// connect.type, of {connect.type, connect.version, connect.parameters} as
// connect.version, connect.type, connect.parameters; the field names
// stop_id, stop_name, price, opened, ada as price, stop_id, opened,
// stop_name, ada; the parameters scale, connect.decimal.precision in that
// order.
func TestJSONSchemaConverterRegistersSchemaRegistrysText(t *testing.T) {
	s := &schema{Type: typeStruct, Fields: []field{
		{Name: "stop_id", Schema: schema{Type: typeInt32}},
		{Name: "stop_name", Schema: schema{Type: typeString, Optional: true}},
		{Name: "price", Schema: schema{Type: typeBytes, Optional: true, Name: logicalDecimal, Version: 1,
			Parameters: []param{{Key: "scale", Value: "2"}, {Key: "connect.decimal.precision", Value: "10"}}}},
		{Name: "opened", Schema: schema{Type: typeInt64, Name: logicalTimestamp, Version: 1}},
		{Name: "ada", Schema: schema{Type: typeBoolean, Optional: true}},
	}}
	want := `{"type":"object","properties":{` +
		`"price":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2","connect.decimal.precision":"10"}}]},` +
		`"stop_id":{"type":"integer","connect.index":0,"connect.type":"int32"},` +
		`"opened":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.index":3,"connect.version":1,"connect.type":"int64"},` +
		`"stop_name":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]},` +
		`"ada":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"boolean"}]}}}`
	var b bytes.Buffer
	if err := writeConnectJSONSchema(&b, s, -1, false); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != want {
		t.Errorf("schema:\n got %s\nwant %s", got, want)
	}
}

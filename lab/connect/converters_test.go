package connect

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"github.com/ctalab/ctalab/lab/connect/data"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"

	"github.com/ctalab/ctalab/lab/connect/transforms"
	"github.com/ctalab/ctalab/lab/registry"
)

// StringConverter writes a value's toString() in UTF-8 and a null as a null
// record part, whatever the schema (apache/kafka connect/api/src/main/java/
// org/apache/kafka/connect/storage/StringConverter.java).
func TestStringConverterWritesToStringAndNull(t *testing.T) {
	c, errs := newRecordConverter(map[string]string{"value.converter": stringConverterClass}, "value.converter", nil, network{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		s    *schema
		v    any
		want []byte
	}{
		{&schema{Type: typeString}, "Austin", []byte("Austin")},
		{&schema{Type: typeInt32}, int32(40010), []byte("40010")},
		{nil, true, []byte("true")},
		{&schema{Type: typeString, Optional: true}, nil, nil},
	}
	for _, tc := range cases {
		got, err := c.fromConnectData("t", tc.s, tc.v)
		if err != nil || !bytes.Equal(got, tc.want) || (tc.want == nil) != (got == nil) {
			t.Errorf("%v: got %q, %v; want %q", tc.v, got, err, tc.want)
		}
	}
}

// ByteArrayConverter passes bytes through and refuses other schemas and
// values with DataException (apache/kafka connect/runtime/src/main/java/
// org/apache/kafka/connect/converters/ByteArrayConverter.java).
func TestByteArrayConverterPassesBytesAndRefusesOthers(t *testing.T) {
	c, errs := newRecordConverter(map[string]string{"key.converter": byteArrayConverterClass}, "key.converter", nil, network{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got, err := c.fromConnectData("t", &schema{Type: typeBytes}, []byte{0, 1, 0xff})
	if err != nil || !bytes.Equal(got, []byte{0, 1, 0xff}) {
		t.Errorf("bytes: %q, %v", got, err)
	}
	if got, err := c.fromConnectData("t", nil, nil); err != nil || got != nil {
		t.Errorf("null: %q, %v", got, err)
	}
	_, err = c.fromConnectData("t", &schema{Type: typeStruct}, nil)
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Invalid schema type for ByteArrayConverter: STRUCT" {
		t.Errorf("struct schema: %v", err)
	}
	_, err = c.fromConnectData("t", nil, "text")
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: ByteArrayConverter is not compatible with objects of type class java.lang.String" {
		t.Errorf("string value: %v", err)
	}
	var te *transforms.Error
	if !errors.As(err, &te) {
		t.Errorf("error %T is not a Connect exception", err)
	}
}

// The number converters write the Kafka serializers' big-endian bytes and
// refuse a value of another Java type with "Failed to serialize to <type>
// (was <class>): " (apache/kafka connect/runtime/src/main/java/org/apache/
// kafka/connect/converters/NumberConverter.java; IntegerSerializer,
// LongSerializer, ShortSerializer, FloatSerializer, DoubleSerializer).
func TestNumberConvertersWriteSerializerBytes(t *testing.T) {
	cases := []struct {
		class string
		v     any
		want  []byte
	}{
		{"IntegerConverter", int32(40010), []byte{0x00, 0x00, 0x9c, 0x4a}},
		{"LongConverter", int64(-2), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}},
		{"ShortConverter", int16(258), []byte{0x01, 0x02}},
		{"FloatConverter", float32(1.5), []byte{0x3f, 0xc0, 0x00, 0x00}},
		{"DoubleConverter", float64(-2), []byte{0xc0, 0x00, 0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range cases {
		c, errs := newRecordConverter(map[string]string{"value.converter": "org.apache.kafka.connect.converters." + tc.class}, "value.converter", nil, network{})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		got, err := c.fromConnectData("t", nil, tc.v)
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%s: % x, %v; want % x", tc.class, got, err, tc.want)
		}
		if got, err := c.fromConnectData("t", nil, nil); got != nil || err != nil {
			t.Errorf("%s null: %q, %v", tc.class, got, err)
		}
	}
	c, _ := newRecordConverter(map[string]string{"value.converter": "org.apache.kafka.connect.converters.IntegerConverter"}, "value.converter", nil, network{})
	_, err := c.fromConnectData("t", nil, "40010")
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Failed to serialize to integer (was class java.lang.String): " {
		t.Errorf("string into IntegerConverter: %v", err)
	}
}

// GET /connector-plugins?connectorsOnly=false lists every installed
// converter with type "converter", sorted by class, and each class that is
// also a HeaderConverter again with type "header_converter"
// (ConnectorPluginsResource's sorted sets). Kafka's own carry
// AppInfoParser's version, CP 7.9.4's "7.9.4-ccs" (BooleanConverter,
// NumberConverter, JsonConverter, ... implement Versioned); Confluent's
// AvroConverter and JsonSchemaConverter do not implement Versioned, so
// PluginScanner.versionFor gives "undefined", which PluginInfo leaves out
// (NoVersionFilter) (apache/kafka 3.9 connect/runtime; schema-registry
// v7.9.4 avro-converter, json-schema-converter).
func TestPluginListShowsConverters(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	r := wk.do(t, "GET", "/connector-plugins?connectorsOnly=false", nil)
	var list []map[string]any
	r.json(t, &list)
	const kafka = "7.9.4-ccs"
	wantConv := []string{
		"io.confluent.connect.avro.AvroConverter", "",
		"io.confluent.connect.json.JsonSchemaConverter", "",
		"org.apache.kafka.connect.converters.BooleanConverter", kafka,
		"org.apache.kafka.connect.converters.ByteArrayConverter", kafka,
		"org.apache.kafka.connect.converters.DoubleConverter", kafka,
		"org.apache.kafka.connect.converters.FloatConverter", kafka,
		"org.apache.kafka.connect.converters.IntegerConverter", kafka,
		"org.apache.kafka.connect.converters.LongConverter", kafka,
		"org.apache.kafka.connect.converters.ShortConverter", kafka,
		"org.apache.kafka.connect.json.JsonConverter", kafka,
		"org.apache.kafka.connect.storage.StringConverter", kafka,
	}
	wantHeader := []string{
		"org.apache.kafka.connect.converters.BooleanConverter", kafka,
		"org.apache.kafka.connect.converters.ByteArrayConverter", kafka,
		"org.apache.kafka.connect.converters.DoubleConverter", kafka,
		"org.apache.kafka.connect.converters.FloatConverter", kafka,
		"org.apache.kafka.connect.converters.IntegerConverter", kafka,
		"org.apache.kafka.connect.converters.LongConverter", kafka,
		"org.apache.kafka.connect.converters.ShortConverter", kafka,
		"org.apache.kafka.connect.json.JsonConverter", kafka,
		"org.apache.kafka.connect.storage.SimpleHeaderConverter", kafka,
		"org.apache.kafka.connect.storage.StringConverter", kafka,
	}
	got := map[string][]string{}
	for _, p := range list {
		typ, _ := p["type"].(string)
		v, has := p["version"].(string)
		if has && v == "" {
			t.Errorf("%v: an empty version is left out, not written", p)
		}
		got[typ] = append(got[typ], p["class"].(string), v)
	}
	if !slices.Equal(got["converter"], wantConv) {
		t.Errorf("converters = %q\nwant %q", got["converter"], wantConv)
	}
	if !slices.Equal(got["header_converter"], wantHeader) {
		t.Errorf("header converters = %q\nwant %q", got["header_converter"], wantHeader)
	}
}

// The installed converters validate cleanly. The AvroConverter's missing
// schema.registry.url is not a validation error: CP 7.9's AvroConverter has
// the empty default Converter.config(), so Connect only meets it when the
// task configures the converter (TestAvroConverterWithoutRegistryURLValidatesAndItsTaskFails).
// Settings this worker does not build are refused.
func TestValidateConverters(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cases := []struct {
		name   string
		change map[string]string
		errs   []string
	}{
		{"avro without registry", map[string]string{"value.converter": avroConverterClass}, nil},
		{"avro with registry", map[string]string{"value.converter": avroConverterClass, "value.converter.schema.registry.url": "http://127.0.0.1:1"}, nil},
		{"string and bytes", map[string]string{"key.converter": byteArrayConverterClass, "value.converter": stringConverterClass}, nil},
		{"avro with another subject strategy", map[string]string{"value.converter": avroConverterClass, "value.converter.schema.registry.url": "http://127.0.0.1:1",
			"value.converter.value.subject.name.strategy": "io.confluent.kafka.serializers.subject.RecordNameStrategy"},
			[]string{"Invalid value io.confluent.kafka.serializers.subject.RecordNameStrategy for configuration value.subject.name.strategy: this worker's AvroConverter supports only io.confluent.kafka.serializers.subject.TopicNameStrategy"}},
		{"string in UTF-16", map[string]string{"value.converter": stringConverterClass, "value.converter.converter.encoding": "UTF-16"},
			[]string{"Invalid value UTF-16 for configuration converter.encoding: this worker's StringConverter writes UTF-8 only"}},
		{"unknown", map[string]string{"value.converter": "io.confluent.connect.protobuf.ProtobufConverter"}, []string{"Invalid value io.confluent.connect.protobuf.ProtobufConverter for configuration value.converter: Class io.confluent.connect.protobuf.ProtobufConverter could not be found."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := referenceConfig(db)
			for k, v := range c.change {
				cfg[k] = v
			}
			cfg["name"] = "stations"
			r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
			var ci configInfos
			r.json(t, &ci)
			if r.code != 200 || ci.ErrorCount != len(c.errs) || !slices.Equal(ci.errorMessages(), c.errs) {
				t.Errorf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
			}
		})
	}
}

// The stations table through the AvroConverter: the value schema is
// registered under <topic>-value (TopicNameStrategy) and every record is
// the Confluent wire format (magic 0, 4-byte schema id, Avro binary) that
// a goavro decoder of the registered schema reads back as the table row
// (https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html#wire-format).
func TestAvroConverterWritesStationsInWireFormat(t *testing.T) {
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
	cfg["value.converter"] = avroConverterClass
	cfg["value.converter.schema.registry.url"] = srv.URL
	createStations(t, wk, cfg)
	vals := waitRecords(t, b, stationsTopic, 230)

	var latest struct {
		ID     int    `json:"id"`
		Schema string `json:"schema"`
	}
	getJSON(t, srv.URL+"/subjects/"+stationsTopic+"-value/versions/latest", &latest)
	codec, err := goavro.NewCodec(latest.Schema)
	if err != nil {
		t.Fatalf("registered schema %s: %v", latest.Schema, err)
	}
	first := []byte(vals[0])
	if len(first) < 5 || first[0] != 0 || int(binary.BigEndian.Uint32(first[1:5])) != latest.ID {
		t.Fatalf("wire header = % x, want 00 + id %d", first[:min(5, len(first))], latest.ID)
	}
	native, rest, err := codec.NativeFromBinary(first[5:])
	if err != nil || len(rest) != 0 {
		t.Fatalf("decode: %v (%d bytes left)", err, len(rest))
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(austinJSON), &want); err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for k, v := range native.(map[string]any) {
		if u, ok := v.(map[string]any); ok && len(u) == 1 { // a ["null", T] union
			for _, inner := range u {
				v = inner
			}
		}
		got[k] = jsonNumber(v)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %v\nwant    %v", got, want)
	}
	for i, v := range vals {
		if _, _, err := codec.NativeFromBinary([]byte(v)[5:]); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

// The Avro schema of a Decimal, Date, Timestamp and an optional field, as
// AvroData.fromConnectSchema writes them (confluentinc/schema-registry
// avro-data/src/main/java/io/confluent/connect/avro/AvroData.java), and a
// Decimal value as BigInteger.toByteArray bytes that goavro decodes.
func TestAvroSchemaOfLogicalAndOptionalFields(t *testing.T) {
	dec := schema{Type: typeBytes, Name: logicalDecimal, Version: 1, Parameters: []param{{Key: "scale", Value: "2"}}}
	date := schema{Type: typeInt32, Name: logicalDate, Version: 1}
	ts := schema{Type: typeInt64, Name: logicalTimestamp, Version: 1, Optional: true}
	note := schema{Type: typeString, Optional: true}
	s, v := structOf([]field{{Name: "price", Schema: dec}, {Name: "day", Schema: date}, {Name: "at", Schema: ts}, {Name: "note", Schema: note}},
		decimalValue{Unscaled: big.NewInt(-12345), Scale: 2}, dateValue{Days: 19000}, timestampValue{T: time.UnixMilli(1700000000123)}, nil)
	var sb bytes.Buffer
	if err := writeAvroSchema(&sb, s, true); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[` +
		`{"name":"price","type":{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}},` +
		`{"name":"day","type":{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}},` +
		`{"name":"at","type":["null",{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],"default":null},` +
		`{"name":"note","type":["null","string"],"default":null}]}`
	if sb.String() != want {
		t.Errorf("schema\n%s\nwant\n%s", sb.String(), want)
	}
	codec, err := goavro.NewCodec(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if err := encodeAvro(&body, s, v, true); err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m := native.(map[string]any)
	if r, ok := m["price"].(*big.Rat); !ok || r.Cmp(big.NewRat(-12345, 100)) != 0 {
		t.Errorf("price = %v", m["price"])
	}
	if d, ok := m["day"].(time.Time); !ok || !d.Equal(time.Unix(19000*86400, 0).UTC()) {
		t.Errorf("day = %v", m["day"])
	}
	at, _ := m["at"].(map[string]any)
	if a, ok := at["long.timestamp-millis"].(time.Time); !ok || a.UnixMilli() != 1700000000123 {
		t.Errorf("at = %v", m["at"])
	}
	if m["note"] != nil {
		t.Errorf("note = %v", m["note"])
	}
}

func getJSON(t *testing.T, url string, into any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", url, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// jsonNumber makes decoded Avro numbers compare with encoding/json's.
func jsonNumber(v any) any {
	switch x := v.(type) {
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	}
	return v
}

// A registry that cannot be reached fails the task through the error
// handler with the AvroConverter's DataException, "Failed to serialize Avro
// data from topic <topic> :" (confluentinc/schema-registry avro-converter/
// src/main/java/io/confluent/connect/avro/AvroConverter.java), at stage
// VALUE_CONVERTER; nothing reaches the topic.
func TestAvroConverterWithoutRegistryFailsTask(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["value.converter"] = avroConverterClass
	cfg["value.converter.schema.registry.url"] = "http://127.0.0.1:1"
	createStations(t, wk, cfg)
	trace := waitTaskFailed(t, wk, "stations")
	if !strings.Contains(trace, "Tolerance exceeded in error handler") ||
		!strings.Contains(trace, "Caused by: org.apache.kafka.connect.errors.DataException: Failed to serialize Avro data from topic "+stationsTopic+" :") {
		t.Errorf("trace = %s", trace)
	}
}

// BooleanConverter writes BooleanSerializer's one byte, 1 for true and 0
// for false, a null as null, and refuses another schema type or a value
// that is not a Boolean with DataException (apache/kafka 3.9
// connect/runtime/src/main/java/org/apache/kafka/connect/converters/BooleanConverter.java,
// clients' BooleanSerializer).
func TestBooleanConverterWritesOneByte(t *testing.T) {
	c, errs := newRecordConverter(map[string]string{"value.converter": "org.apache.kafka.connect.converters.BooleanConverter"}, "value.converter", nil, network{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, tc := range []struct {
		s    *schema
		v    any
		want []byte
	}{
		{nil, true, []byte{1}},
		{&schema{Type: data.Boolean}, false, []byte{0}},
		{&schema{Type: data.Boolean, Optional: true}, nil, nil},
		{nil, nil, nil},
	} {
		got, err := c.fromConnectData("t", tc.s, tc.v)
		if err != nil || !bytes.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%v: % x, %v; want % x", tc.v, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		s    *schema
		v    any
		want string
	}{
		{&schema{Type: data.Int32}, int32(1), "org.apache.kafka.connect.errors.DataException: Invalid schema type for BooleanConverter: INT32"},
		{nil, "true", "org.apache.kafka.connect.errors.DataException: BooleanConverter is not compatible with objects of type class java.lang.String"},
	} {
		if _, err := c.fromConnectData("t", tc.s, tc.v); err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %s", tc.v, err, tc.want)
		}
	}
}

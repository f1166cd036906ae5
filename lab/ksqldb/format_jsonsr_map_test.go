package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// pythonJSONSRRecord has python3-confluent-kafka's JSONSerializer write
// record under schema (both JSON texts) for topic's value, registering the
// schema, and produces the bytes to topic; it returns them.
func pythonJSONSRRecord(t *testing.T, st *stack, regURL, topic, schema, record string) []byte {
	t.Helper()
	var w struct {
		Wire string `json:"wire"`
	}
	runPythonJSONSR(t, &w, "write", regURL, topic, schema, record)
	b, err := hex.DecodeString(w.Wire)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: b}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return b
}

// pushBody runs a push query from the earliest offset and
// returns the response's text, whose maps keep their order.
func pushBody(t *testing.T, url, query string) string {
	t.Helper()
	code, body := post(t, url, "/query", query, earliest())
	if code != 200 {
		t.Fatalf("push %s: %d %s", query, code, body)
	}
	return string(body)
}

// ksqlDB gives a MAP column the Connect schema map(optional string,
// V).optional() (SchemaConverters.ConnectFromSqlConverter.fromSqlMap), and
// JsonSchemaData.fromConnectSchema writes a map whose key schema is not a
// required STRING as an array of key/value entry objects tagged
// "connect.type":"map", the entry's key and value optional schemas at
// connect.index 0 and 1; JsonSchemaData.fromConnectData writes the value
// the same way, {"key":k,"value":v} per entry in the map's order, at any
// depth (confluentinc/ksql v7.9.0 SchemaConverters.java;
// confluentinc/schema-registry v7.9.0 JsonSchemaData.java
// rawSchemaFromConnectSchema and fromConnectData, case MAP).
func TestJSONSRMapColumnIsWrittenAsAnArrayOfKeyValueEntries(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM stations (id INT KEY, exits MAP<STRING, INT>, platforms ARRAY<MAP<STRING, DOUBLE>>, hub STRUCT<lines MAP<STRING, STRING>>) WITH (KAFKA_TOPIC='stations', PARTITIONS=1, FORMAT='JSON_SR');", nil)
	mustKSQL(t, url, "INSERT INTO stations (id, exits, platforms, hub) VALUES (1, MAP('north' := 4), ARRAY[MAP('a' := 1.5), NULL], STRUCT(lines := MAP('red' := CAST(NULL AS STRING))));", nil)
	r := st.consumeRecords("stations", 1)[0]

	opt := func(s string, i int) string {
		return fmt.Sprintf(`{"connect.index":%d,"oneOf":[{"type":"null"},%s]}`, i, s)
	}
	entries := func(v string) string {
		return `{"type":"array","connect.type":"map","items":{"type":"object","properties":{"value":` + opt(v, 1) +
			`,"key":` + opt(`{"type":"string"}`, 0) + `}}}`
	}
	want := `{"type":"object","properties":{` +
		`"EXITS":` + opt(entries(`{"type":"integer","connect.type":"int32"}`), 0) +
		`,"HUB":` + opt(`{"type":"object","properties":{"LINES":`+opt(entries(`{"type":"string"}`), 0)+`}}`, 2) +
		`,"PLATFORMS":` + opt(`{"type":"array","items":{"oneOf":[{"type":"null"},`+entries(`{"type":"number","connect.type":"float64"}`)+`]}}`, 1) +
		`}}`
	if typ, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5])); typ != "JSON" || text != want {
		t.Errorf("value schema (%s)\n got %s\nwant %s", typ, text, want)
	}
	if want := `{"EXITS":[{"key":"north","value":4}],"PLATFORMS":[[{"key":"a","value":1.5}],null],"HUB":{"LINES":[{"key":"red","value":null}]}}`; string(r.Value[5:]) != want {
		t.Errorf("value JSON\n got %s\nwant %s", r.Value[5:], want)
	}
}

// A map another client wrote as a JSON object under "connect.type":"map"
// (a required STRING key: JsonSchemaData.toConnectSchema) is read through
// JsonSchemaData.toConnectData's new HashMap<>() and
// ConnectDataTranslator.toKsqlMap's new HashMap<>(), so its entries come in
// java.util.HashMap order (hash of "east" 2, "south" 5, "north" 7, "west"
// 8 of 16 buckets), not as written; a JSON_SR sink writes them in that
// order as key/value entries, which python3-confluent-kafka's
// JSONDeserializer reads back as a list; a stream over the sink reads the
// entries back into the map, and one without columns infers MAP<STRING,
// INTEGER> from the sink's schema and MAP<STRING, BIGINT> from the
// writer's (an "integer" without connect.type is int64)
// (confluentinc/schema-registry v7.9.0 JsonSchemaData.java
// TO_CONNECT_CONVERTERS MAP, toConnectSchema; confluentinc/ksql v7.9.0
// ConnectDataTranslator.toKsqlMap, KsqlJsonSerdeFactory.createDeserializer
// with ksql.json_sr.converter.deserializer.enabled true).
func TestJSONSRMapIsReadInHashMapOrderAndWrittenAsEntries(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("exits", 1)
	schema := `{"title":"Exits","type":"object","properties":{"EXITS":{"type":"object","additionalProperties":{"type":"integer"},"connect.type":"map"}}}`
	pythonJSONSRRecord(t, st, regURL, "exits", schema, `{"EXITS":{"north":1,"south":2,"east":3,"west":4}}`)

	mustKSQL(t, url, "CREATE STREAM exits (exits MAP<STRING, BIGINT>) WITH (KAFKA_TOPIC='exits', VALUE_FORMAT='JSON_SR');", nil)
	if body := pushBody(t, url, "SELECT exits FROM exits EMIT CHANGES LIMIT 1;"); !strings.Contains(body, `[{"east":3,"south":2,"north":1,"west":4}]`) {
		t.Errorf("push query: %s", body)
	}

	mustKSQL(t, url, "CREATE STREAM out WITH (KAFKA_TOPIC='out', VALUE_FORMAT='JSON_SR') AS SELECT * FROM exits;", earliest())
	r := st.consumeRecords("out", 1)[0]
	entries := `[{"key":"east","value":3},{"key":"south","value":2},{"key":"north","value":1},{"key":"west","value":4}]`
	if string(r.Value[5:]) != `{"EXITS":`+entries+`}` {
		t.Errorf("sink value %s", r.Value[5:])
	}
	var got struct {
		Record map[string]any `json:"record"`
	}
	runPythonJSONSR(t, &got, "read", regURL, "out", hex.EncodeToString(r.Value))
	want := map[string]any{"EXITS": []any{
		map[string]any{"key": "east", "value": 3.0}, map[string]any{"key": "south", "value": 2.0},
		map[string]any{"key": "north", "value": 1.0}, map[string]any{"key": "west", "value": 4.0},
	}}
	if !reflect.DeepEqual(got.Record, want) {
		t.Errorf("python read %v, want %v", got.Record, want)
	}

	mustKSQL(t, url, "CREATE STREAM back (exits MAP<STRING, BIGINT>) WITH (KAFKA_TOPIC='out', VALUE_FORMAT='JSON_SR');", nil)
	if body := pushBody(t, url, "SELECT exits FROM back EMIT CHANGES LIMIT 1;"); !strings.Contains(body, `[{"east":3,"south":2,"north":1,"west":4}]`) {
		t.Errorf("reading the sink: %s", body)
	}
	mustKSQL(t, url, "CREATE STREAM inferred WITH (KAFKA_TOPIC='exits', VALUE_FORMAT='JSON_SR');", nil)
	mustKSQL(t, url, "CREATE STREAM inferred_out WITH (KAFKA_TOPIC='out', VALUE_FORMAT='JSON_SR');", nil)
	for src, want := range map[string]string{"INFERRED": "`EXITS` MAP<STRING, BIGINT>", "INFERRED_OUT": "`EXITS` MAP<STRING, BIGINT>"} {
		if body := pushBody(t, url, "SELECT * FROM "+src+" EMIT CHANGES LIMIT 1;"); !strings.Contains(body, `"schema":"`+want+`"`) || !strings.Contains(body, `{"east":3,"south":2,"north":1,"west":4}`) {
			t.Errorf("%s: %s", src, body)
		}
	}
}

// A map whose entries have INTEGER keys (JsonSchemaData's array form with
// an int32 key schema) is inferred as MAP<STRING, V>, as
// ConnectKsqlSchemaTranslator.toKsqlMapSchema gives every map an optional
// STRING key; each key is read as String.valueOf of the Integer, after
// JsonSchemaData.toConnectData's HashMap of Integer keys and toKsqlMap's
// of their Strings (written 10, 2, 1: Integers in buckets 10, 2, 1 of 16
// come 1, 2, 10, and "1", "2", "10" land in buckets 1, 2, 15); a
// map with "number" (float64) keys fails checkMapKeyType, and
// toKsqlStructSchema leaves its column out.
// (confluentinc/ksql v7.9.0 ConnectKsqlSchemaTranslator.java,
// ConnectDataTranslator.toKsqlValue case STRING.)
func TestJSONSRMapWithIntegerKeysIsInferredWithStringKeys(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("gates", 1)
	schema := `{"title":"Gates","type":"object","properties":{"GATES":{"type":"array","items":{"type":"object","properties":{` +
		`"key":{"type":"integer","connect.type":"int32"},"value":{"type":"string"}}},"connect.type":"map"},` +
		`"FARES":{"type":"array","items":{"type":"object","properties":{` +
		`"key":{"type":"number"},"value":{"type":"string"}}},"connect.type":"map"}}}`
	pythonJSONSRRecord(t, st, regURL, "gates", schema, `{"GATES":[{"key":10,"value":"ten"},{"key":2,"value":"two"},{"key":1,"value":"one"}],"FARES":[{"key":1.5,"value":"low"}]}`)
	mustKSQL(t, url, "CREATE STREAM gates WITH (KAFKA_TOPIC='gates', VALUE_FORMAT='JSON_SR');", nil)
	body := pushBody(t, url, "SELECT * FROM gates EMIT CHANGES LIMIT 1;")
	if !strings.Contains(body, `"schema":"`+"`GATES` MAP<STRING, STRING>"+`"`) || !strings.Contains(body, `[{"1":"one","2":"two","10":"ten"}]`) {
		t.Errorf("push query: %s", body)
	}
}

// Under a VALUE_SCHEMA_ID whose map is an object with a required STRING
// key, ksqlDB writes the map as a JSON object in the map's order
// (ConnectSRSchemaDataTranslator.toConnectRow keeps the value;
// JsonSchemaData.fromConnectData objectMode).
func TestJSONSRMapUnderASchemaIDIsWrittenAsAnObject(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("gates", 1)
	schema := `{"title":"Gates","type":"object","properties":{"GATES":{"type":"object","additionalProperties":{"type":"integer","connect.type":"int32"},"connect.type":"map"}}}`
	b := pythonJSONSRRecord(t, st, regURL, "gates", schema, `{"GATES":{"b":2}}`)
	id := binary.BigEndian.Uint32(b[1:5])
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM byid WITH (KAFKA_TOPIC='byid', PARTITIONS=1, VALUE_FORMAT='JSON_SR', VALUE_SCHEMA_ID=%d);", id), nil)
	mustKSQL(t, url, "INSERT INTO byid (gates) VALUES (MAP('a' := 7));", nil)
	r := st.consumeRecords("byid", 1)[0]
	if got := string(r.Value[5:]); binary.BigEndian.Uint32(r.Value[1:5]) != id || got != `{"GATES":{"a":7}}` {
		t.Errorf("value %x %s, want schema %d and an object", r.Value[:5], got, id)
	}
}

// A MAP whose key is not STRING is refused in JSON_SR as in JSON
// (KsqlJsonSerdeFactory.validateSchema).
func TestJSONSRRefusesAMapWithNonStringKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serveLabRegistry()
	code, body := stmtErr(t, url, "CREATE STREAM m (a MAP<INT, STRING>) WITH (KAFKA_TOPIC='m', PARTITIONS=1, VALUE_FORMAT='JSON_SR');")
	if msg, _ := body["message"].(string); code != 400 || !strings.HasSuffix(msg, "reason: JSON only supports MAP types with STRING keys") {
		t.Errorf("%d %v", code, body)
	}
}

// WRAP_SINGLE_VALUE=false writes a lone MAP column as its bare list of
// entries under the column's own optional schema, and a stream over the
// topic reads it back (json_sr.json "serialize anonymous map - value" is
// disabled upstream for expecting an object; JsonSchemaData writes ksqlDB's
// optional-STRING-keyed map as entries).
func TestJSONSRUnwrappedMapColumn(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM bare (m MAP<STRING, INT>) WITH (KAFKA_TOPIC='bare', PARTITIONS=1, VALUE_FORMAT='JSON_SR', WRAP_SINGLE_VALUE=false);", nil)
	mustKSQL(t, url, "INSERT INTO bare (m) VALUES (MAP('west' := 8));", nil)
	r := st.consumeRecords("bare", 1)[0]
	want := `{"oneOf":[{"type":"null"},{"type":"array","connect.type":"map","items":{"type":"object","properties":{` +
		`"value":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]},` +
		`"key":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]}}}}]}`
	if _, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5])); text != want {
		t.Errorf("schema\n got %s\nwant %s", text, want)
	}
	if got := string(r.Value[5:]); got != `[{"key":"west","value":8}]` {
		t.Errorf("value %s", got)
	}
	if body := pushBody(t, url, "SELECT m FROM bare EMIT CHANGES LIMIT 1;"); !strings.Contains(body, `[{"west":8}]`) {
		t.Errorf("push query: %s", body)
	}
}

// A JSON null where the writer's map schema has a required value is
// refused by JsonSchemaData.toConnectData ("Invalid null value for
// required INT64 field") and the record is skipped; an optional value
// reads as null.
func TestJSONSRMapNullForARequiredValueSkipsTheRecord(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("gates", 1)
	schema := `{"title":"Gates","type":"object","properties":{"GATES":{"type":"object","additionalProperties":{"type":"integer"},"connect.type":"map"}}}`
	b := pythonJSONSRRecord(t, st, regURL, "gates", schema, `{"GATES":{"a":1}}`)
	st.produceValues("gates", string(b[:5])+`{"GATES":{"b":null}}`, string(b[:5])+`{"GATES":{"c":3}}`)
	mustKSQL(t, url, "CREATE STREAM gates WITH (KAFKA_TOPIC='gates', VALUE_FORMAT='JSON_SR');", nil)
	body := pushBody(t, url, "SELECT * FROM gates EMIT CHANGES LIMIT 2;")
	if !strings.Contains(body, `[{"a":1}]`) || !strings.Contains(body, `[{"c":3}]`) || strings.Contains(body, `"b"`) {
		t.Errorf("push query: %s", body)
	}
}

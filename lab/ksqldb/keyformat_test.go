package ksqldb

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/linkedin/goavro/v2"
)

func latestSchema(t *testing.T, regURL, subject string) (int, string) {
	t.Helper()
	resp, err := http.Get(regURL + "/subjects/" + subject + "/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sv struct {
		ID     int    `json:"id"`
		Schema string `json:"schema"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&sv) != nil {
		t.Fatalf("subject %s: status %d", subject, resp.StatusCode)
	}
	return sv.ID, sv.Schema
}

func decodeWire(t *testing.T, b []byte, id int, schema string) any {
	t.Helper()
	if len(b) < 5 || b[0] != 0 || int(binary.BigEndian.Uint32(b[1:5])) != id {
		t.Fatalf("not Confluent wire format with schema id %d: %x", id, b)
	}
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(b[5:])
	if err != nil {
		t.Fatal(err)
	}
	return native
}

// KEY_FORMAT='AVRO': a sink registers <topic>-key next to <topic>-value; a
// single key column is written unwrapped as its bare type, several as the
// record io.confluent.ksql.avro_schemas.<Sink>Key (AvroFormat.getKeySchemaName;
// confluentinc/ksql v7.9.0 historical_plans "avro_-_INT_-_key_-_no_inference"
// and "multi-col-keys_-_select___from_stream_-_with_key_inference"); a
// source with an Avro key reads it back. Unknown formats fail as
// FormatFactory does.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/
func TestAvroKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s (id INT KEY, name STRING) WITH (KAFKA_TOPIC='s', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM a WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS SELECT id, name FROM s;
CREATE TABLE multi WITH (FORMAT='AVRO') AS SELECT id, name, COUNT(*) AS n FROM s GROUP BY id, name;`, earliest())
	st.produce("s", kv{[]byte("7"), []byte(`{"name":"Howard"}`)})

	recs := st.consume("A", 1)
	kid, ks := latestSchema(t, st.reg.URL(), "A-key")
	if ks != `"int"` {
		t.Errorf("A-key schema %s", ks)
	}
	if got := fmt.Sprint(decodeWire(t, recs[0].key, kid, ks)); got != "7" {
		t.Errorf("A key %s", got)
	}
	vid, vs := latestSchema(t, st.reg.URL(), "A-value")
	if got := fmt.Sprint(decodeWire(t, recs[0].value, vid, vs)); got != "map[NAME:map[string:Howard]]" {
		t.Errorf("A value %s", got)
	}

	mrecs := st.consume("MULTI", 1)
	mid, ms := latestSchema(t, st.reg.URL(), "MULTI-key")
	var rec struct {
		Type, Name, Namespace string
		Fields                []struct{ Name string }
	}
	_ = json.Unmarshal([]byte(ms), &rec)
	if rec.Type != "record" || rec.Namespace+"."+rec.Name != "io.confluent.ksql.avro_schemas.MultiKey" || len(rec.Fields) != 2 || rec.Fields[0].Name != "ID" || rec.Fields[1].Name != "NAME" {
		t.Errorf("MULTI-key schema %s", ms)
	}
	if got := fmt.Sprint(decodeWire(t, mrecs[0].key, mid, ms)); got != "map[ID:map[int:7] NAME:map[string:Howard]]" {
		t.Errorf("MULTI key %s", got)
	}

	// a source over the Avro-keyed topic reads the keys back
	mustKSQL(t, url, `CREATE STREAM back (id INT KEY, name STRING) WITH (KAFKA_TOPIC='A', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO');
CREATE STREAM back_json WITH (FORMAT='JSON') AS SELECT id, name FROM back;`, earliest())
	if got := st.consume("BACK_JSON", 1); string(got[0].key) != "7" || string(got[0].value) != `{"NAME":"Howard"}` {
		t.Errorf("BACK_JSON %s %s", got[0].key, got[0].value)
	}

	code, e := stmtErr(t, url, "CREATE STREAM bad (id INT KEY, v STRING) WITH (KAFKA_TOPIC='s', KEY_FORMAT='FOO', VALUE_FORMAT='JSON');")
	if code != 400 || e["message"] != "Unknown format: FOO" {
		t.Errorf("KEY_FORMAT FOO: %d %v", code, e)
	}
}

// WRAP_SINGLE_VALUE=false writes and reads a single value column without
// its wrapper (JSON value, Avro primitive schema: the bare type, as in
// historical_plans "avro_-_serialize_anonymous_primitive_-_value"); formats
// and schemas that cannot take the setting refuse it as
// SerdeFeaturesFactory does.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-stream/
func TestWrapSingleValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s (id INT KEY, name STRING) WITH (KAFKA_TOPIC='s', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM j WITH (VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false) AS SELECT id, name FROM s;
CREATE STREAM av WITH (VALUE_FORMAT='AVRO', WRAP_SINGLE_VALUE=false) AS SELECT id, name FROM s;`, earliest())
	st.produce("s", kv{[]byte("7"), []byte(`{"name":"Howard"}`)})
	if got := st.consume("J", 1); string(got[0].value) != `"Howard"` {
		t.Errorf("J value %s", got[0].value)
	}
	recs := st.consume("AV", 1)
	id, sch := latestSchema(t, st.reg.URL(), "AV-value")
	if sch != `"string"` {
		t.Errorf("AV-value schema %s", sch)
	}
	if got := fmt.Sprint(decodeWire(t, recs[0].value, id, sch)); got != "Howard" {
		t.Errorf("AV value %s", got)
	}
	mustKSQL(t, url, `CREATE STREAM raw (id INT KEY, v STRING) WITH (KAFKA_TOPIC='J', FORMAT='JSON', WRAP_SINGLE_VALUE=false);
CREATE STREAM wrapped AS SELECT id, v FROM raw;`, earliest())
	if got := st.consume("WRAPPED", 1); string(got[0].value) != `{"V":"Howard"}` {
		t.Errorf("WRAPPED value %s", got[0].value)
	}
	for stmt, msg := range map[string]string{
		"CREATE STREAM k (v INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='KAFKA', WRAP_SINGLE_VALUE=true);":        "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
		"CREATE STREAM m (a INT, b INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false);": "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
	} {
		code, e := stmtErr(t, url, stmt)
		if code != 400 || e["message"] != msg {
			t.Errorf("%s\n got %d %v\nwant %q", stmt, code, e, msg)
		}
	}
}

// Columns inferred from the registry's Avro value schema: enum is STRING,
// array, map and record are ARRAY, MAP<STRING, ...> and STRUCT with
// upper-cased field names, a union with null is its other branch; the values
// decode into those columns, and an AVRO sink writes them back.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#avro
func TestAvroInferenceOfComplexFields(t *testing.T) {
	st := newStack(t)
	st.createTopic("arrivals", 1)
	const schema = `{"type":"record","name":"arrival","namespace":"org.chicago.cta","fields":[
{"name":"line","type":{"type":"enum","name":"color","symbols":["red","blue"]}},
{"name":"stops","type":{"type":"array","items":"string"}},
{"name":"delays","type":["null",{"type":"map","values":"int"}]},
{"name":"train","type":["null",{"type":"record","name":"train","fields":[{"name":"run","type":"int"},{"name":"cars","type":{"type":"array","items":["null","long"]}}]}]}]}`
	id := registerSchema(t, st.reg.URL(), "arrivals-value", schema)
	st.produce("arrivals", kv{nil, wire(t, id, schema, map[string]any{
		"line": "blue", "stops": []any{"Howard", "Loyola"},
		"delays": goavro.Union("map", map[string]any{"Howard": int32(2)}),
		"train":  goavro.Union("org.chicago.cta.train", map[string]any{"run": int32(801), "cars": []any{goavro.Union("long", int64(5)), nil}}),
	})})
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM arrivals WITH (KAFKA_TOPIC='arrivals', VALUE_FORMAT='AVRO');
CREATE STREAM arrivals_json WITH (VALUE_FORMAT='JSON') AS SELECT line, stops[2] AS second, delays['Howard'] AS howard, train->`+"`RUN` AS `RUN`"+`, train FROM arrivals;`, earliest())
	sd := mustKSQL(t, url, "DESCRIBE arrivals;", nil)[0]["sourceDescription"].(map[string]any)
	var types []string
	for _, f := range sd["fields"].([]any) {
		types = append(types, fmt.Sprint(f.(map[string]any)["schema"].(map[string]any)["type"]))
	}
	if fmt.Sprint(types) != "[STRING ARRAY MAP STRUCT]" {
		t.Errorf("inferred types %v", types)
	}
	if got := st.consume("ARRIVALS_JSON", 1); string(got[0].value) != `{"LINE":"blue","SECOND":"Loyola","HOWARD":2,"RUN":801,"TRAIN":{"RUN":801,"CARS":[5,null]}}` {
		t.Errorf("ARRIVALS_JSON %s", got[0].value)
	}
	mustKSQL(t, url, "CREATE STREAM back WITH (VALUE_FORMAT='AVRO') AS SELECT train FROM arrivals;", earliest())
	if _, got := decodeAvroRecord(t, st.reg.URL(), st.consumeRecords("BACK", 1)[0].Value); got != `{"TRAIN":{"CARS":[5,null],"RUN":801}}` {
		t.Errorf("BACK %s", got)
	}
}

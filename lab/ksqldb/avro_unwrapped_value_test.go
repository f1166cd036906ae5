package ksqldb

import (
	"encoding/binary"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Values written under a non-record schema and read with
// WRAP_SINGLE_VALUE=false: the whole value is the one column. Expectations
// from confluentinc/ksql v7.9.0 query-validation-tests avro.json and
// json_sr.json, and ksqldb-serde's ConnectDataTranslator (a STRING column
// takes String.valueOf of a number or boolean) and
// ConnectFormatSchemaTranslator.toColumns (an unwrapped schema is the
// single column ROWVAL, a key's ROWKEY).

// avroValuesOf decodes n records of topic as plain JSON values.
func avroValuesOf(t *testing.T, st *stack, topic string, n int) []string {
	t.Helper()
	var out []string
	for _, r := range st.consumeRecords(topic, n) {
		_, v := decodeAvroRecord(t, st.reg.URL(), r.Value)
		out = append(out, v)
	}
	return out
}

func sameJSONLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records %v, want %v", what, len(got), got, want)
	}
	for i := range want {
		if !sameJSON(t, got[i], want[i]) {
			t.Errorf("%s #%d: %s, want %s", what, i, got[i], want[i])
		}
	}
}

// avro.json "deserialize anonymous map - value" and "- non-nullable": a
// map value is the MAP column, not a record whose fields are looked up.
func TestAvroUnwrappedMapValueIsTheColumn(t *testing.T) {
	for _, tc := range []struct {
		name, schema string
		entry        func(int32) any
	}{
		{"nullable values", `{"type":"map","values":["null","int"]}`, func(n int32) any { return goavro.Union("int", n) }},
		{"non-nullable values", `{"type":"map","values":"int"}`, func(n int32) any { return n }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			st.createTopic("pins", 1)
			id := registerSchema(t, st.reg.URL(), "pins-value", tc.schema)
			produceRecords(t, st,
				&kgo.Record{Topic: "pins", Value: avroWire(t, id, tc.schema, map[string]any{"north": tc.entry(4), "south": tc.entry(7)})},
				&kgo.Record{Topic: "pins", Value: avroWire(t, id, tc.schema, map[string]any{"int": tc.entry(2)})},
				&kgo.Record{Topic: "pins"})
			mustKSQL(t, url, `CREATE STREAM pins (gates MAP<STRING, INT>) WITH (WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='pins', VALUE_FORMAT='AVRO');
CREATE STREAM pins_out AS SELECT * FROM pins;`, earliest())
			sameJSONLines(t, "PINS_OUT", avroValuesOf(t, st, "PINS_OUT", 3),
				[]string{`{"GATES":{"north":4,"south":7}}`, `{"GATES":{"int":2}}`, `null`})
		})
	}
}

// avro.json "deserialize anonymous primitive - value - with coercion" and
// "deserialize anonymous map - value - with coercion": a STRING column
// reads an Avro int as its text.
func TestAvroStringColumnTakesTheTextOfANumber(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("codes", 1)
	st.createTopic("tallies", 1)
	const codeSchema = `"int"`
	const tallySchema = `{"type":"map","values":["null","int"]}`
	codeID := registerSchema(t, st.reg.URL(), "codes-value", codeSchema)
	tallyID := registerSchema(t, st.reg.URL(), "tallies-value", tallySchema)
	produceRecords(t, st,
		&kgo.Record{Topic: "codes", Value: avroWire(t, codeID, codeSchema, int32(10))},
		&kgo.Record{Topic: "tallies", Value: avroWire(t, tallyID, tallySchema, map[string]any{"a": goavro.Union("int", int32(1)), "b": nil})})
	mustKSQL(t, url, `CREATE STREAM codes (k STRING KEY, code STRING) WITH (WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='codes', VALUE_FORMAT='AVRO');
CREATE STREAM codes_out AS SELECT * FROM codes;
CREATE STREAM tallies (counts MAP<STRING, STRING>) WITH (WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='tallies', VALUE_FORMAT='AVRO');
CREATE STREAM tallies_out AS SELECT * FROM tallies;`, earliest())
	sameJSONLines(t, "CODES_OUT", avroValuesOf(t, st, "CODES_OUT", 1), []string{`{"CODE":"10"}`})
	sameJSONLines(t, "TALLIES_OUT", avroValuesOf(t, st, "TALLIES_OUT", 1), []string{`{"COUNTS":{"a":"1","b":null}}`})
}

// describedColumns is "name type" of each column DESCRIBE lists.
func describedColumns(t *testing.T, url, source string) []string {
	t.Helper()
	sd := mustKSQL(t, url, "DESCRIBE "+source+";", nil)[0]["sourceDescription"].(map[string]any)
	var out []string
	for _, f := range sd["fields"].([]any) {
		fm := f.(map[string]any)
		line := fm["name"].(string) + " " + fm["schema"].(map[string]any)["type"].(string)
		if fm["type"] == "KEY" {
			line += " KEY"
		}
		out = append(out, line)
	}
	return out
}

// avro.json "INT - key - key and anonymous value inference", "deserialize
// anonymous struct - value - inference"; elements.json "validate unwrapped
// value without elements OK - AVRO"; json_sr.json "INT - key - key and
// anonymous value inference": with WRAP_SINGLE_VALUE=false the inferred
// value is the one column ROWVAL, whatever the schema (a record too).
func TestUnwrappedValueInferenceIsOneRowvalColumn(t *testing.T) {
	t.Run("AVRO int key and value", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		st.createTopic("gates", 1)
		keyID := registerSchema(t, st.reg.URL(), "gates-key", `{"type":"int"}`)
		valID := registerSchema(t, st.reg.URL(), "gates-value", `{"type":"int"}`)
		produceRecords(t, st, &kgo.Record{Topic: "gates", Key: avroWire(t, keyID, `"int"`, int32(3)), Value: avroWire(t, valID, `"int"`, int32(40))})
		mustKSQL(t, url, `CREATE STREAM gates WITH (KAFKA_TOPIC='gates', FORMAT='AVRO', WRAP_SINGLE_VALUE=false);
CREATE STREAM gates_out AS SELECT * FROM gates;`, earliest())
		sameLines(t, "DESCRIBE GATES", describedColumns(t, url, "gates"), []string{"ROWKEY INTEGER KEY", "ROWVAL INTEGER"})
		sameJSONLines(t, "GATES_OUT", avroValuesOf(t, st, "GATES_OUT", 1), []string{`{"ROWVAL":40}`})
	})
	t.Run("AVRO record value", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		st.createTopic("lamps", 1)
		const schema = `{"type":"record","name":"lamp","fields":[{"name":"watts","type":["null","int"]}]}`
		id := registerSchema(t, st.reg.URL(), "lamps-value", schema)
		produceRecords(t, st, &kgo.Record{Topic: "lamps", Value: wire(t, id, schema, map[string]any{"watts": goavro.Union("int", int32(60))})})
		mustKSQL(t, url, `CREATE STREAM lamps WITH (KAFKA_TOPIC='lamps', VALUE_FORMAT='AVRO', WRAP_SINGLE_VALUE=false);
CREATE STREAM lamps_out AS SELECT * FROM lamps;`, earliest())
		sameLines(t, "DESCRIBE LAMPS", describedColumns(t, url, "lamps"), []string{"ROWVAL STRUCT"})
		sameJSONLines(t, "LAMPS_OUT", avroValuesOf(t, st, "LAMPS_OUT", 1), []string{`{"ROWVAL":{"WATTS":60}}`})
	})
	t.Run("JSON_SR int key and value", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		st.createTopic("dials", 1)
		keyID := registerSchemaType(t, st.reg.URL(), "dials-key", "JSON", `{"type":"integer","connect.type":"int32"}`)
		valID := registerSchemaType(t, st.reg.URL(), "dials-value", "JSON", `{"type":"integer","connect.type":"int32"}`)
		frame := func(id int, text string) []byte {
			return append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), text...)
		}
		produceRecords(t, st, &kgo.Record{Topic: "dials", Key: frame(keyID, "5"), Value: frame(valID, "12")})
		mustKSQL(t, url, `CREATE STREAM dials WITH (KAFKA_TOPIC='dials', FORMAT='JSON_SR', WRAP_SINGLE_VALUE=false);
CREATE STREAM dials_out AS SELECT * FROM dials;`, earliest())
		sameLines(t, "DESCRIBE DIALS", describedColumns(t, url, "dials"), []string{"ROWKEY INTEGER KEY", "ROWVAL INTEGER"})
		recs := st.consumeRecords("DIALS_OUT", 1)
		if got := string(recs[0].Value[5:]); got != `{"ROWVAL":12}` {
			t.Errorf("DIALS_OUT value %s, want {\"ROWVAL\":12}", got)
		}
	})
}

// Without WRAP_SINGLE_VALUE=false a non-record value schema is refused
// with SchemaRegistryTopicSchemaSupplier.notCompatible's message around
// ConnectFormatSchemaTranslator's.
func TestAnonymousValueSchemaNeedsUnwrapping(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("ticks", 1)
	registerSchema(t, st.reg.URL(), "ticks-value", `"long"`)
	code, body := stmtErr(t, url, "CREATE STREAM ticks WITH (KAFKA_TOPIC='ticks', VALUE_FORMAT='AVRO');")
	const want = "Unable to verify if the value schema for topic: ticks is compatible with ksqlDB.\n" +
		"Reason: Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.\n\n" +
		"Please see https://github.com/confluentinc/ksql/issues/ to see if this particular reason is already known.\n" +
		"If not, please log a new issue, including this full error message.\n" +
		`Schema:"long"`
	if code != 400 || body["message"] != want {
		t.Errorf("%d %q, want 400 %q", code, body["message"], want)
	}
}

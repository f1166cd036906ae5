package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// The text ksqlDB registers for a JSON_SR schema is JsonSchema.canonicalString
// of the everit schema JsonSchemaData.fromConnectSchema builds: everit's
// Schema.toString (ToStringVisitor) read into a Jackson tree and written
// back compactly, property order kept, and stored so by the registry
// (KafkaSchemaRegistry.canonicalizeSchema sets the schema to
// canonicalString). ToStringVisitor writes a schema's own keywords first
// ("type", then array, number or object limits), then the generic ones
// (title, description, default), then the unprocessed properties, then the
// sub-schemas ("required", "additionalProperties", "properties", "items",
// "oneOf"), an object's properties in the order of the java.util.HashMap
// ObjectSchema.Builder keeps them in. JsonSchemaData puts connect.type,
// connect.version, connect.parameters and connect.index in a HashMap, which everit copies
// into a new HashMap: they come out as connect.index, connect.version,
// connect.type, connect.parameters (their buckets in a java.util.HashMap),
// and a decimal's connect.parameters, copied by org.json's JSONObject into
// a HashMap, as scale, connect.decimal.precision.
// Sources: confluentinc/ksql v7.9.0 ksqldb-serde/.../json/JsonSchemaTranslator.java;
// confluentinc/schema-registry v7.9.0 json-schema-converter/.../JsonSchemaData.java
// (rawSchemaFromConnectSchema), json-schema-provider/.../JsonSchema.java
// (JsonSchema(Schema), canonicalString), json-schema-provider/.../jackson/Jackson.java
// (no sorting node factory), core/.../storage/KafkaSchemaRegistry.java
// (maybeValidateAndNormalizeSchema); everit-org/json-schema 1.14.3 (the
// json-schema.version of schema-registry 7.9.0) ToStringVisitor.java,
// Visitor.java, Schema.java (the unprocessed properties copied into a
// HashMap), ObjectSchema.java (Builder.propertySchemas a HashMap, see
// everit-org/json-schema issue 268), internal/JSONWriter.java (a Map value
// through new JSONObject).
func TestJSONSRRegisteredSchemaTextIsEveritsPropertyOrder(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()

	// registered creates a JSON_SR stream of the columns, writes a row and
	// returns the text registered for the row's value schema.
	registered := func(t *testing.T, topic, cols, insert string) string {
		t.Helper()
		mustKSQL(t, url, "CREATE STREAM "+topic+" ("+cols+") WITH (KAFKA_TOPIC='"+topic+"', PARTITIONS=1, KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON_SR');", nil)
		mustKSQL(t, url, "INSERT INTO "+topic+" "+insert+";", nil)
		r := st.consumeRecords(topic, 1)[0]
		if len(r.Value) < 5 || r.Value[0] != 0 {
			t.Fatalf("value %q is not in the wire format", r.Value)
		}
		_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
		return text
	}
	cases := []struct {
		name, topic, cols, insert, want string
	}{
		{
			// CombinedSchema: visitSchema's unprocessed connect.index, then "oneOf"
			name:   "a field's connect.index comes before its oneOf, a number's type before its connect.type",
			topic:  "ord_int",
			cols:   "n INT, big BIGINT, d DOUBLE",
			insert: "(n, big, d) VALUES (1, 2, 3.5)",
			want: `{"type":"object","properties":{` +
				`"BIG":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},` +
				`"D":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"number","connect.type":"float64"}]},` +
				`"N":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]}}}`,
		},
		{
			// NumberSchema: "type", then title, then connect.version, connect.type
			name:   "a logical time type is type, title, connect.version, connect.type",
			topic:  "ord_time",
			cols:   "`AT` TIMESTAMP, day DATE, tod TIME",
			insert: "(`AT`, day, tod) VALUES ('2021-01-02T12:34:56.789', '2021-01-02', '12:34:56')",
			want: `{"type":"object","properties":{` +
				`"AT":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1,"connect.type":"int64"}]},` +
				`"TOD":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"integer","title":"org.apache.kafka.connect.data.Time","connect.version":1,"connect.type":"int32"}]},` +
				`"DAY":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","title":"org.apache.kafka.connect.data.Date","connect.version":1,"connect.type":"int32"}]}}}`,
		},
		{
			// decimal.format NUMERIC: a NumberSchema with connect.parameters last
			name:   "a decimal is type, title, connect.version, connect.type, then connect.parameters scale before precision",
			topic:  "ord_dec",
			cols:   "dec DECIMAL(6,4)",
			insert: "(dec) VALUES (10.0)",
			want: `{"type":"object","properties":{` +
				`"DEC":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"4","connect.decimal.precision":"6"}}]}}}`,
		},
		{
			// StringSchema, BooleanSchema: "type", then connect.type
			name:   "bytes, strings and booleans are type then connect.type",
			topic:  "ord_bytes",
			cols:   "raw BYTES, s STRING, b BOOLEAN",
			insert: "(raw, s, b) VALUES ('AP8=', 'x', true)",
			want: `{"type":"object","properties":{` +
				`"B":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"boolean"}]},` +
				`"S":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]},` +
				`"RAW":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string","connect.type":"bytes"}]}}}`,
		},
		{
			// ArraySchema: "type", then connect.type, then "items"; the entry
			// object's properties in HashMap order: "value" before "key"
			name:   "a map is an array whose connect.type comes before its items, the entry's value before its key",
			topic:  "ord_map",
			cols:   "m MAP<STRING, INT>",
			insert: "(m) VALUES (MAP('a' := 1))",
			want: `{"type":"object","properties":{` +
				`"M":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"array","connect.type":"map","items":{"type":"object","properties":{` +
				`"value":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]},` +
				`"key":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]}}}}]}}}`,
		},
		{
			// ArraySchema "type" then "items"; ObjectSchema "type" then "properties"
			name:   "arrays and structs are type then items or properties at any depth",
			topic:  "ord_nest",
			cols:   "a ARRAY<STRUCT<t TIMESTAMP>>",
			insert: "(a) VALUES (ARRAY[STRUCT(t := '2021-01-02T12:34:56.789')])",
			want: `{"type":"object","properties":{` +
				`"A":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"array","items":{"oneOf":[{"type":"null"},{"type":"object","properties":{` +
				`"T":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1,"connect.type":"int64"}]}}}]}}]}}}`,
		},
		{
			// ObjectSchema.Builder keeps the property schemas in a
			// java.util.HashMap: the fields come in its order (by the bucket
			// of String.hashCode spread over a 16-bucket table), each with
			// its own connect.index, at any depth
			name:   "an object's properties come in java.util.HashMap order of the field names",
			topic:  "ord_props",
			cols:   "line VARCHAR, delay DOUBLE, cars BIGINT, late BOOLEAN, stops ARRAY<STRING>, next STRUCT<name STRING, dist INT>",
			insert: "(line) VALUES ('brown')",
			want: `{"type":"object","properties":{` +
				`"CARS":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},` +
				`"LATE":{"connect.index":3,"oneOf":[{"type":"null"},{"type":"boolean"}]},` +
				`"LINE":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]},` +
				`"NEXT":{"connect.index":5,"oneOf":[{"type":"null"},{"type":"object","properties":{` +
				`"DIST":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]},` +
				`"NAME":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]}}}]},` +
				`"STOPS":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"array","items":{"oneOf":[{"type":"null"},{"type":"string"}]}}]},` +
				`"DELAY":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"number","connect.type":"float64"}]}}}`,
		},
		{
			// the thirteenth put grows the HashMap's table to 32 buckets
			name:   "past twelve fields the properties come in the order of a 32-bucket HashMap",
			topic:  "ord_wide",
			cols:   "stop1 INT, stop2 INT, stop3 INT, stop4 INT, stop5 INT, stop6 INT, stop7 INT, stop8 INT, stop9 INT, stop10 INT, stop11 INT, stop12 INT, stop13 INT, stop14 INT",
			insert: "(stop1) VALUES (1)",
			want: func() string {
				w := `{"type":"object","properties":{`
				for i, n := range []int{14, 13, 12, 11, 10, 3, 2, 5, 4, 7, 6, 9, 8, 1} {
					if i > 0 {
						w += ","
					}
					w += fmt.Sprintf(`"STOP%d":{"connect.index":%d,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]}`, n, n-1)
				}
				return w + `}}`
			}(),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := registered(t, c.topic, c.cols, c.insert); got != c.want {
				t.Errorf("registered\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

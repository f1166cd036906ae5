package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The expectations below are upstream's: confluentinc/ksql v7.9.0,
// ksqldb-functional-tests/src/test/resources/historical_plans/<case>/*/spec.json
// (the registered schemas are the "post" topics' keySchema and valueSchema,
// the records the test case's outputs) and rest-query-validation-tests.

// plainAvro turns a goavro native value into plain JSON values, walking the
// writer schema: unions are unwrapped, an array of Connect MapEntry records
// becomes an object, a decimal becomes a number.
func plainAvro(t *testing.T, sch, v any, names map[string]any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	switch s := sch.(type) {
	case []any: // a union: {branch: value}
		m := v.(map[string]any)
		for branch, x := range m {
			for _, alt := range s {
				if avroTestBranch(alt) == branch {
					return plainAvro(t, alt, x, names)
				}
			}
			t.Fatalf("union branch %s not in %v", branch, s)
		}
	case string:
		if named, ok := names[s]; ok {
			return plainAvro(t, named, v, names)
		}
		return v
	case map[string]any:
		switch s["type"] {
		case "record":
			full := avroTestFullName(s)
			names[full] = s
			rec := v.(map[string]any)
			out := map[string]any{}
			for _, f := range s["fields"].([]any) {
				fm := f.(map[string]any)
				name := fm["name"].(string)
				out[name] = plainAvro(t, fm["type"], rec[name], names)
			}
			return out
		case "array":
			items := v.([]any)
			if rec, ok := s["items"].(map[string]any); ok && rec["connect.internal.type"] == "MapEntry" {
				out := map[string]any{}
				for _, e := range items {
					entry := plainAvro(t, rec, e, names).(map[string]any)
					out[entry["key"].(string)] = entry["value"]
				}
				return out
			}
			out := make([]any, len(items))
			for i, e := range items {
				out[i] = plainAvro(t, s["items"], e, names)
			}
			return out
		case "bytes":
			if r, ok := v.(*big.Rat); ok {
				f, _ := r.Float64()
				return f
			}
		}
		return v
	}
	return v
}

func avroTestFullName(s map[string]any) string {
	name := s["name"].(string)
	if ns, ok := s["namespace"].(string); ok && ns != "" {
		return ns + "." + name
	}
	return "io.confluent.ksql.avro_schemas." + name // the namespace every schema here inherits
}

func avroTestBranch(alt any) string {
	switch a := alt.(type) {
	case string:
		return a
	case map[string]any:
		switch a["type"] {
		case "record":
			return avroTestFullName(a)
		case "array", "map":
			return a["type"].(string)
		}
		if lt, ok := a["logicalType"].(string); ok {
			return a["type"].(string) + "." + lt
		}
		return a["type"].(string)
	}
	return ""
}

// decodeAvroRecord decodes a Confluent-framed Avro record with the writer
// schema fetched from the registry by its id, as plain JSON text; null
// bytes are "null".
func decodeAvroRecord(t *testing.T, regURL string, b []byte) (schema, plain string) {
	t.Helper()
	if b == nil {
		return "", "null"
	}
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("not Confluent wire format: %x", b)
	}
	_, schema = registeredSchema(t, regURL, binary.BigEndian.Uint32(b[1:5]))
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatalf("registered schema %s: %v", schema, err)
	}
	native, rest, err := codec.NativeFromBinary(b[5:])
	if err != nil || len(rest) != 0 {
		t.Fatalf("decode %x with %s: %v (%d bytes left)", b, schema, err, len(rest))
	}
	var sch any
	if err := json.Unmarshal([]byte(schema), &sch); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(plainAvro(t, sch, native, map[string]any{}))
	if err != nil {
		t.Fatal(err)
	}
	return schema, string(out)
}

func produceRecords(t *testing.T, st *stack, recs ...*kgo.Record) {
	t.Helper()
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// historical_plans "avro_-_serialize_nested_struct_-_value" (avro.json
// "serialize nested struct - value"): a STRUCT column is registered as the
// record KsqlDataSourceSchema_FOO nested in KsqlDataSourceSchema, both with
// connect.name, every field optional.
func TestAvroSinkWritesStructColumnAsNestedNamedRecord(t *testing.T) {
	st := newStack(t)
	regURL := st.reg.URL()
	_, url := st.serve()
	const schema = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"FOO","type":["null",{"type":"record","name":"KsqlDataSourceSchema_FOO","fields":[{"name":"F0","type":["null","int"],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_FOO"}],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	st.createTopic("input_topic", 1)
	id := registerSchema(t, regURL, "input_topic-value", schema)
	foo := func(f0 any) map[string]any {
		return map[string]any{"FOO": goavro.Union("io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_FOO", map[string]any{"F0": f0})}
	}
	produceRecords(t, st,
		&kgo.Record{Topic: "input_topic", Value: wire(t, id, schema, foo(goavro.Union("int", int32(1))))},
		&kgo.Record{Topic: "input_topic", Value: wire(t, id, schema, foo(nil))},
		&kgo.Record{Topic: "input_topic", Value: wire(t, id, schema, map[string]any{"FOO": nil})},
		&kgo.Record{Topic: "input_topic"})
	mustKSQL(t, url, `CREATE STREAM INPUT (foo STRUCT<F0 INT>) WITH (kafka_topic='input_topic', value_format='AVRO');
CREATE STREAM OUTPUT WITH (WRAP_SINGLE_VALUE=true) AS SELECT * FROM INPUT;`, earliest())
	recs := st.consumeRecords("OUTPUT", 4)
	for i, want := range []string{`{"FOO":{"F0":1}}`, `{"FOO":{"F0":null}}`, `{"FOO":null}`, `null`} {
		sch, got := decodeAvroRecord(t, regURL, recs[i].Value)
		if !sameJSON(t, got, want) {
			t.Errorf("OUTPUT record %d: %s, want %s", i, got, want)
		}
		if sch != "" && !sameJSON(t, sch, schema) {
			t.Errorf("OUTPUT-value schema\n got %s\nwant %s", sch, schema)
		}
	}
}

// historical_plans "multiple-avro-maps_-_project_multiple_avro_maps"
// (multiple-avro-maps.json): a MAP<STRING, V> column is written as Connect's
// MapEntry array (AvroData: the key schema is an optional STRING), its
// record named after the column; a source reads such a column back as a MAP.
func TestAvroSinkWritesMapColumnsAsMapEntryArrays(t *testing.T) {
	st := newStack(t)
	regURL := st.reg.URL()
	_, url := st.serve()
	entry := func(col, v string) string {
		return `{"name":"` + col + `","type":["null",{"type":"array","items":{"type":"record","name":"KsqlDataSourceSchema_` + col + `","fields":[` +
			`{"name":"key","type":["null","string"],"default":null},{"name":"value","type":["null","` + v + `"],"default":null}],` +
			`"connect.internal.type":"MapEntry"},"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_` + col + `"}],"default":null}`
	}
	schema := `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		entry("M1", "int") + `,` + entry("M2", "string") + `],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	st.createTopic("test_topic", 1)
	id := registerSchema(t, regURL, "test_topic-value", schema)
	kv := func(k string, branch string, v any) any {
		return []any{map[string]any{"key": goavro.Union("string", k), "value": goavro.Union(branch, v)}}
	}
	produceRecords(t, st, &kgo.Record{Topic: "test_topic", Key: []byte("0"), Value: wire(t, id, schema, map[string]any{
		"M1": goavro.Union("array", kv("K1", "int", int32(123))),
		"M2": goavro.Union("array", kv("K2", "string", "FOO")),
	})})
	mustKSQL(t, url, `CREATE STREAM TEST (M1 MAP<STRING, INT>, M2 MAP<STRING, STRING>) WITH (kafka_topic='test_topic', value_format='AVRO');
CREATE STREAM SINK as SELECT * FROM test;`, earliest())
	recs := st.consumeRecords("SINK", 1)
	sch, got := decodeAvroRecord(t, regURL, recs[0].Value)
	if want := `{"M1":{"K1":123},"M2":{"K2":"FOO"}}`; !sameJSON(t, got, want) {
		t.Errorf("SINK value %s, want %s", got, want)
	}
	if !sameJSON(t, sch, schema) {
		t.Errorf("SINK-value schema\n got %s\nwant %s", sch, schema)
	}
}

// historical_plans "collect-list_-_collect_list_with_arrays,_structs,_and_maps_-_AVRO"
// (collect-list.json): an ARRAY of ARRAY of STRUCT holding a MAP and a
// DECIMAL; arrays carry optional items and no name, the struct is named
// after the column (arrays add no name part), its map after the column and
// the field.
func TestAvroSinkWritesNestedArraysOfStructsWithMaps(t *testing.T) {
	st := newStack(t)
	regURL := st.reg.URL()
	_, url := st.serve()
	const dec = `{"type":"bytes","scale":1,"precision":4,"connect.version":1,"connect.parameters":{"scale":"1","connect.decimal.precision":"4"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`
	structOf := func(name string) string {
		return `{"type":"record","name":"` + name + `","fields":[{"name":"A","type":["null","string"],"default":null},` +
			`{"name":"M","type":["null",{"type":"array","items":{"type":"record","name":"` + name + `_M","fields":[` +
			`{"name":"key","type":["null","string"],"default":null},{"name":"value","type":["null","double"],"default":null}],` +
			`"connect.internal.type":"MapEntry"},"connect.name":"io.confluent.ksql.avro_schemas.` + name + `_M"}],"default":null},` +
			`{"name":"D","type":["null",` + dec + `],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.` + name + `"}`
	}
	record := func(field, typ string) string {
		return `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
			`{"name":"` + field + `","type":["null",` + typ + `],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	}
	inSchema := record("F0", `{"type":"array","items":["null",`+structOf("KsqlDataSourceSchema_F0")+`]}`)
	outSchema := record("COLLECTED", `{"type":"array","items":["null",{"type":"array","items":["null",`+structOf("KsqlDataSourceSchema_COLLECTED")+`]}]}`)

	st.createTopic("test_topic", 1)
	id := registerSchema(t, regURL, "test_topic-value", inSchema)
	elem := func(a string, m string, mv float64, d *big.Rat) any {
		var dv any
		if d != nil {
			dv = goavro.Union("bytes.decimal", d)
		}
		return goavro.Union("io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_F0", map[string]any{
			"A": goavro.Union("string", a),
			"M": goavro.Union("array", []any{map[string]any{"key": goavro.Union("string", m), "value": goavro.Union("double", mv)}}),
			"D": dv,
		})
	}
	key0 := binary.BigEndian.AppendUint64(nil, 0)
	produceRecords(t, st,
		&kgo.Record{Topic: "test_topic", Key: key0, Value: wire(t, id, inSchema, map[string]any{"F0": goavro.Union("array", []any{
			elem("Early0", "Early0", 1.234, big.NewRat(1234, 10)), elem("Early2", "Early2", 1.23456, nil)})})},
		&kgo.Record{Topic: "test_topic", Key: key0, Value: wire(t, id, inSchema, map[string]any{"F0": goavro.Union("array", []any{
			elem("Early1", "Early0", 2.345, big.NewRat(2345, 10))})})})
	mustKSQL(t, url, `CREATE STREAM INPUT (ID BIGINT KEY, F0 ARRAY<STRUCT<A VARCHAR, M MAP<STRING, DOUBLE>, D DECIMAL(4,1)>>) WITH (kafka_topic='test_topic', value_format='AVRO');
CREATE TABLE OUTPUT AS SELECT ID, collect_list(F0) AS COLLECTED FROM INPUT GROUP BY ID;`, earliest())
	recs := st.consumeRecords("OUTPUT", 2)
	first := `[{"A":"Early0","M":{"Early0":1.234},"D":123.4},{"A":"Early2","M":{"Early2":1.23456},"D":null}]`
	for i, want := range []string{
		`{"COLLECTED":[` + first + `]}`,
		`{"COLLECTED":[` + first + `,[{"A":"Early1","M":{"Early0":2.345},"D":234.5}]]}`,
	} {
		sch, got := decodeAvroRecord(t, regURL, recs[i].Value)
		if !sameJSON(t, got, want) {
			t.Errorf("OUTPUT record %d: %s\nwant %s", i, got, want)
		}
		if !sameJSON(t, sch, outSchema) {
			t.Errorf("OUTPUT-value schema\n got %s\nwant %s", sch, outSchema)
		}
	}
}

// historical_plans "avro_-_INT_-_key_-_no_inference",
// "avro_-_ARRAY_-_key_-_no_inference" and "avro_-_STRUCT_-_key_-_no_inference"
// (avro.json): a single key column is registered as its bare type (the root
// schema is never optional), a STRUCT as the record <Sink>Key
// (AvroFormat.getKeySchemaName); a null key is written as null bytes.
func TestAvroKeysRegisterTheBareKeyTypeNamedAfterTheSink(t *testing.T) {
	cases := []struct {
		name, keyType, inKeySchema, outKeySchema string
		keys                                     []any // goavro natives under inKeySchema, nil for a null key
		want                                     []string
	}{
		{
			name: "INT", keyType: "INT", inKeySchema: `"int"`, outKeySchema: `"int"`,
			keys: []any{int32(10), int32(12), nil}, want: []string{`10`, `12`, `null`},
		},
		{
			name: "ARRAY", keyType: "ARRAY<VARCHAR>",
			inKeySchema:  `{"type":"array","items":["null","string"]}`,
			outKeySchema: `{"type":"array","items":["null","string"]}`,
			keys:         []any{[]any{goavro.Union("string", "foo")}, []any{nil}, nil}, want: []string{`["foo"]`, `[null]`, `null`},
		},
		{
			name: "STRUCT", keyType: "STRUCT<F1 VARCHAR>",
			inKeySchema:  `{"type":"record","name":"InputKey","namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"F1","type":["null","string"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.InputKey"}`,
			outKeySchema: `{"type":"record","name":"OutputKey","namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"F1","type":["null","string"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.OutputKey"}`,
			keys:         []any{map[string]any{"F1": goavro.Union("string", "foo")}, map[string]any{"F1": nil}, nil}, want: []string{`{"F1":"foo"}`, `{"F1":null}`, `null`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			regURL := st.reg.URL()
			_, url := st.serve()
			const valSchema = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"FOO","type":["null","int"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
			st.createTopic("input_topic", 1)
			kid := registerSchema(t, regURL, "input_topic-key", c.inKeySchema)
			vid := registerSchema(t, regURL, "input_topic-value", valSchema)
			kcodec, err := goavro.NewCodec(c.inKeySchema)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range c.keys {
				var kb []byte
				if k != nil {
					kb, err = kcodec.BinaryFromNative(binary.BigEndian.AppendUint32([]byte{0}, uint32(kid)), k)
					if err != nil {
						t.Fatal(err)
					}
				}
				produceRecords(t, st, &kgo.Record{Topic: "input_topic", Key: kb, Value: wire(t, vid, valSchema, map[string]any{"FOO": goavro.Union("int", int32(10))})})
			}
			mustKSQL(t, url, fmt.Sprintf(`CREATE STREAM INPUT (K %s KEY, foo INT) WITH (kafka_topic='input_topic', format='AVRO');
CREATE STREAM OUTPUT AS SELECT * FROM INPUT;`, c.keyType), earliest())
			recs := st.consumeRecords("OUTPUT", len(c.want))
			for i, want := range c.want {
				sch, got := decodeAvroRecord(t, regURL, recs[i].Key)
				if got != want && !sameJSON(t, got, want) {
					t.Errorf("OUTPUT key %d: %s, want %s", i, got, want)
				}
				if sch != "" && !sameJSON(t, sch, c.outKeySchema) {
					t.Errorf("OUTPUT-key schema %s, want %s", sch, c.outKeySchema)
				}
				if _, v := decodeAvroRecord(t, regURL, recs[i].Value); v != `{"FOO":10}` {
					t.Errorf("OUTPUT value %d: %s", i, v)
				}
			}
		})
	}
}

// rest-query-validation-tests/insert-values.json "AVRO array key format" and
// "AVRO struct key format": INSERT INTO ... VALUES writes ARRAY and STRUCT
// keys in AVRO, the struct registered as <Source>Key
// (CreateSourceProperties.getKeyFormatProperties, AvroFormat.getKeySchemaName).
func TestInsertValuesWritesArrayAndStructAvroKeys(t *testing.T) {
	st := newStack(t)
	regURL := st.reg.URL()
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRUCT<F1 STRING> KEY, ID INT) WITH (kafka_topic='test_topic', format='AVRO', partitions=1);
CREATE STREAM TEST2 (K ARRAY<INT> KEY, ID INT) WITH (kafka_topic='test_topic2', format='AVRO', partitions=1);
INSERT INTO TEST (ID, ROWTIME, K) VALUES (10, 1234, STRUCT(f1:='key'));
INSERT INTO TEST2 (ID, ROWTIME, K) VALUES (10, 1234, ARRAY[12, 22]);`, nil)
	for topic, want := range map[string]struct{ key, schema string }{
		"test_topic":  {`{"F1":"key"}`, `{"type":"record","name":"TestKey","namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"F1","type":["null","string"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.TestKey"}`},
		"test_topic2": {`[12,22]`, `{"type":"array","items":["null","int"]}`},
	} {
		r := st.consumeRecords(topic, 1)[0]
		sch, key := decodeAvroRecord(t, regURL, r.Key)
		if !sameJSON(t, key, want.key) || !sameJSON(t, sch, want.schema) {
			t.Errorf("%s key %s under %s\nwant %s under %s", topic, key, sch, want.key, want.schema)
		}
		if _, v := decodeAvroRecord(t, regURL, r.Value); v != `{"ID":10}` || r.Timestamp.UnixMilli() != 1234 {
			t.Errorf("%s value %s at %d", topic, v, r.Timestamp.UnixMilli())
		}
	}
}

// historical_plans "avro_-_serialize_anonymous_primitive_-_value"
// (avro.json "serialize anonymous primitive - value"): with
// WRAP_SINGLE_VALUE=false the value schema is the bare "boolean", and a null
// column, which it cannot hold, is written as a null value.
func TestAvroUnwrappedNullValueIsWrittenAsNull(t *testing.T) {
	st := newStack(t)
	regURL := st.reg.URL()
	_, url := st.serve()
	const schema = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"FOO","type":["null","boolean"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	st.createTopic("input_topic", 1)
	id := registerSchema(t, regURL, "input_topic-value", schema)
	produceRecords(t, st,
		&kgo.Record{Topic: "input_topic", Value: wire(t, id, schema, map[string]any{"FOO": goavro.Union("boolean", true)})},
		&kgo.Record{Topic: "input_topic", Value: wire(t, id, schema, map[string]any{"FOO": nil})},
		&kgo.Record{Topic: "input_topic"})
	mustKSQL(t, url, `CREATE STREAM INPUT (K STRING KEY, foo BOOLEAN) WITH (kafka_topic='input_topic', value_format='AVRO');
CREATE STREAM OUTPUT WITH (WRAP_SINGLE_VALUE=false) AS SELECT * FROM INPUT;`, earliest())
	recs := st.consumeRecords("OUTPUT", 3)
	for i, want := range []string{`true`, `null`, `null`} {
		sch, got := decodeAvroRecord(t, regURL, recs[i].Value)
		if got != want || (sch != "" && sch != `"boolean"`) {
			t.Errorf("OUTPUT record %d: %s under %s, want %s under \"boolean\"", i, got, sch, want)
		}
	}
}

// A STRUCT held as a MAP's value is named after the map and MapValue
// (AvroSchemas.buildAvroCompatibleMap: Context.with(MAP_VALUE_NAME); no
// upstream test case writes one, so the expectation is read from that
// source).
func TestAvroStructMapValueIsNamedMapValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s (id INT KEY, m MAP<STRING, STRUCT<x INT>>) WITH (kafka_topic='s', partitions=1, value_format='AVRO');
INSERT INTO s (id, m) VALUES (1, MAP('a' := STRUCT(x := 5)));`, nil)
	sch, got := decodeAvroRecord(t, st.reg.URL(), st.consumeRecords("s", 1)[0].Value)
	if got != `{"M":{"a":{"X":5}}}` {
		t.Errorf("s value %s", got)
	}
	const want = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"M","type":["null",{"type":"array","items":{"type":"record","name":"KsqlDataSourceSchema_M","fields":[` +
		`{"name":"key","type":["null","string"],"default":null},` +
		`{"name":"value","type":["null",{"type":"record","name":"KsqlDataSourceSchema_M_MapValue","fields":[{"name":"X","type":["null","int"],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_M_MapValue"}],"default":null}],` +
		`"connect.internal.type":"MapEntry"},"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_M"}],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	if sch != want {
		t.Errorf("s-value schema\n got %s\nwant %s", sch, want)
	}
}

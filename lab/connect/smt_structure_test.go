package connect

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/connect/data"
	"github.com/ctalab/ctalab/lab/connect/transforms"
)

// https://docs.confluent.io/platform/current/connect/transforms/maskfield.html:
// fields "string_field" turns {"integer_field":22, "string_field":"foo"}
// into {"integer_field":22, "string_field":""}; a replacement is converted
// to the field's type.
func TestMaskFieldBlanksOrReplacesFields(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "MaskField",
		"transforms.MaskField.type", "org.apache.kafka.connect.transforms.MaskField$Value",
		"transforms.MaskField.fields", "string_field"))
	s, v := structOf([]field{{Name: "integer_field", Schema: schema{Type: typeInt32}}, {Name: "string_field", Schema: schema{Type: typeString}}}, int32(22), "foo")
	out := runChain(t, stages, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "with schema", jsonOf(out.ValueSchema, out.Value, false), `{"integer_field":22,"string_field":""}`)
	// Schemaless: new HashMap<>(m) of two entries has 4 buckets:
	// string_field (bucket 2) before integer_field (bucket 3).
	out = runChain(t, stages, &transforms.Record{Value: mapOf("integer_field", int32(22), "string_field", "foo")})
	expectJSON(t, "schemaless", jsonOf(out.ValueSchema, out.Value, false), `{"string_field":"","integer_field":22}`)

	repl := stagesOf(t, transformsOf("transforms", "m",
		"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value",
		"transforms.m.fields", "integer_field,string_field", "transforms.m.replacement", "7"))
	out = runChain(t, repl, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "replacement", jsonOf(out.ValueSchema, out.Value, false), `{"integer_field":7,"string_field":"7"}`)
	bad := stagesOf(t, transformsOf("transforms", "m",
		"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value",
		"transforms.m.fields", "integer_field", "transforms.m.replacement", "x"))
	if err := chainErr(bad, &transforms.Record{ValueSchema: s, Value: v}); err == nil || !strings.HasPrefix(err.Error(), "org.apache.kafka.connect.errors.DataException: Unable to convert x") {
		t.Errorf("non-numeric replacement: %v", err)
	}
}

// https://docs.confluent.io/platform/current/connect/transforms/flatten.html:
// {"content":{"id":42,"name":{"first":"David","middle":null,"last":"Wong"}}}
// flattens to {"content.id":42,"content.name.first":"David",
// "content.name.middle":null,"content.name.last":"Wong"}.
func TestFlattenJoinsNestedFieldNames(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "flatten",
		"transforms.flatten.type", "org.apache.kafka.connect.transforms.Flatten$Value",
		"transforms.flatten.delimiter", "."))
	want := `{"content.id":42,"content.name.first":"David","content.name.middle":null,"content.name.last":"Wong"}`
	in := mapOf("content", mapOf("id", int32(42), "name", mapOf("first", "David", "middle", nil, "last", "Wong")))
	out := runChain(t, stages, &transforms.Record{Value: in})
	expectJSON(t, "schemaless", jsonOf(out.ValueSchema, out.Value, false), want)

	nameS := schema{Type: typeStruct, Optional: true, Fields: []field{
		{Name: "first", Schema: schema{Type: typeString}},
		{Name: "middle", Schema: schema{Type: typeString, Optional: true}},
		{Name: "last", Schema: schema{Type: typeString}},
	}}
	contentS := schema{Type: typeStruct, Fields: []field{{Name: "id", Schema: schema{Type: typeInt32}}, {Name: "name", Schema: nameS}}}
	s := &schema{Type: typeStruct, Name: "person", Fields: []field{{Name: "content", Schema: contentS}}}
	v := &structValue{Schema: s, Values: []any{&structValue{Schema: &contentS, Values: []any{int32(42), &structValue{Schema: &nameS, Values: []any{"David", nil, "Wong"}}}}}}
	out = runChain(t, stages, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "with schema", jsonOf(out.ValueSchema, out.Value, false), want)
	// Fields under an optional struct become optional; the name is kept.
	expectJSON(t, "flattened schema", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"content.id"},{"type":"string","optional":true,"field":"content.name.first"},{"type":"string","optional":true,"field":"content.name.middle"},{"type":"string","optional":true,"field":"content.name.last"}],"optional":false,"name":"person"},"payload":`+want+`}`)

	under := stagesOf(t, transformsOf("transforms", "f", "transforms.f.type", "org.apache.kafka.connect.transforms.Flatten$Value", "transforms.f.delimiter", "_"))
	out = runChain(t, under, &transforms.Record{Value: in})
	expectJSON(t, "underscore", jsonOf(out.ValueSchema, out.Value, false), `{"content_id":42,"content_name_first":"David","content_name_middle":null,"content_name_last":"Wong"}`)
}

// SetSchemaMetadata sets the schema name and version (Kafka 3.9 docs,
// #connect_transforms) and needs a schema.
func TestSetSchemaMetadataRenamesTheSchema(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "meta",
		"transforms.meta.type", "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
		"transforms.meta.schema.name", "com.example.Station", "transforms.meta.schema.version", "3"))
	s, v := structOf([]field{{Name: "id", Schema: schema{Type: typeInt32}}}, int32(1))
	s.Name = "stations"
	out := runChain(t, stages, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "with schema", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"com.example.Station","version":3},"payload":{"id":1}}`)
	err := chainErr(stages, &transforms.Record{Value: mapOf("id", int32(1))})
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Schema required for [updating schema metadata]" {
		t.Errorf("schemaless: %v", err)
	}
	if _, err := buildStages(transformsOf("transforms", "m", "transforms.m.type", "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value")); err == nil || !strings.HasSuffix(err.Error(), "Neither schema name nor version configured") {
		t.Errorf("nothing configured: %v", err)
	}
}

// TimestampConverter between string, unix, Date, Time and Timestamp
// (Kafka 3.9 docs, #connect_transforms; expected values worked by hand:
// 2024-03-15T13:45:30.123Z is 1710510330123 ms, day 19797).
func TestTimestampConverterConvertsBetweenRepresentations(t *testing.T) {
	ts := data.Timestamp{T: time.UnixMilli(1710510330123).UTC()}
	tsSchema := schema{Type: typeInt64, Name: logicalTimestamp, Version: 1}
	s, v := structOf([]field{{Name: "id", Schema: schema{Type: typeInt32}}, {Name: "ts", Schema: tsSchema}}, int32(1), ts)

	toString := stagesOf(t, transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value",
		"transforms.c.field", "ts", "transforms.c.target.type", "string", "transforms.c.format", "yyyy-MM-dd HH:mm:ss.SSS"))
	out := runChain(t, toString, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "to string", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":false,"field":"ts"}],"optional":false},"payload":{"id":1,"ts":"2024-03-15 13:45:30.123"}}`)

	toDate := stagesOf(t, transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value", "transforms.c.target.type", "Date"))
	out = runChain(t, toDate, &transforms.Record{ValueSchema: &schema{Type: typeInt64}, Value: int64(1710510330123)})
	expectJSON(t, "unix to Date", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":19797}`)

	toUnix := stagesOf(t, transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value",
		"transforms.c.field", "day", "transforms.c.target.type", "unix", "transforms.c.format", "yyyy-MM-dd"))
	out = runChain(t, toUnix, &transforms.Record{Value: mapOf("day", "2024-03-15")})
	expectJSON(t, "string to unix", jsonOf(out.ValueSchema, out.Value, false), `{"day":1710460800000}`)
	err := chainErr(toUnix, &transforms.Record{Value: mapOf("day", "15/03/2024")})
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Could not parse timestamp: value (15/03/2024) does not match pattern (yyyy-MM-dd)" {
		t.Errorf("unparsable: %v", err)
	}

	seconds := stagesOf(t, transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value",
		"transforms.c.field", "ts", "transforms.c.target.type", "unix", "transforms.c.unix.precision", "seconds"))
	out = runChain(t, seconds, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "to unix seconds", jsonOf(out.ValueSchema, out.Value, false), `{"id":1,"ts":1710510330}`)

	if _, err := buildStages(transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value", "transforms.c.target.type", "string")); err == nil ||
		!strings.HasSuffix(err.Error(), "TimestampConverter requires format option to be specified when using string timestamps") {
		t.Errorf("string without format: %v", err)
	}
}

// DropHeaders removes headers by name, InsertHeader adds a literal one and
// HeaderFrom moves or copies fields into headers (Kafka 3.9 docs,
// #connect_transforms). Header bytes are SimpleHeaderConverter's text.
func TestHeaderTransformations(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "drop,add,from",
		"transforms.drop.type", "org.apache.kafka.connect.transforms.DropHeaders",
		"transforms.drop.headers", "secret",
		"transforms.add.type", "org.apache.kafka.connect.transforms.InsertHeader",
		"transforms.add.header", "source", "transforms.add.value.literal", "cta",
		"transforms.from.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value",
		"transforms.from.fields", "id,name", "transforms.from.headers", "h_id,h_name", "transforms.from.operation", "move"))
	s, v := structOf([]field{{Name: "id", Schema: schema{Type: typeInt32}}, {Name: "name", Schema: schema{Type: typeString}}, {Name: "line", Schema: schema{Type: typeString}}}, int32(7), "Austin", "blue")
	in := &transforms.Record{Topic: "t", ValueSchema: s, Value: v, Headers: []transforms.Header{{Key: "secret", Value: "x"}, {Key: "keep", Value: "y"}}}
	out := runChain(t, stages, in)
	expectJSON(t, "moved value", jsonOf(out.ValueSchema, out.Value, true), `{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"line"}],"optional":false},"payload":{"line":"blue"}}`)
	var hs []string
	for _, h := range out.Headers {
		hs = append(hs, h.Key+"="+transforms.ValuesString(h.Value))
	}
	if got := strings.Join(hs, ","); got != "keep=y,source=cta,h_id=7,h_name=Austin" {
		t.Errorf("headers = %s", got)
	}
	if len(in.Headers) != 2 {
		t.Errorf("input headers changed: %v", in.Headers)
	}

	copyFrom := stagesOf(t, transformsOf("transforms", "from",
		"transforms.from.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value",
		"transforms.from.fields", "id", "transforms.from.headers", "h_id", "transforms.from.operation", "copy"))
	out = runChain(t, copyFrom, &transforms.Record{Value: mapOf("id", int32(7))})
	expectJSON(t, "copied value", jsonOf(out.ValueSchema, out.Value, false), `{"id":7}`)
	if len(out.Headers) != 1 || out.Headers[0].Key != "h_id" || out.Headers[0].Value != int32(7) {
		t.Errorf("copied headers = %+v", out.Headers)
	}
	if _, err := buildStages(transformsOf("transforms", "f",
		"transforms.f.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value",
		"transforms.f.fields", "a,b", "transforms.f.headers", "x", "transforms.f.operation", "copy")); err == nil ||
		!strings.HasSuffix(err.Error(), "'fields' config must have the same number of elements as 'headers' config.") {
		t.Errorf("length mismatch: %v", err)
	}
}

// Values.convertToString, which SimpleHeaderConverter writes: embedded
// strings quoted, structs and maps as {"k":v}, lists as [a,b].
func TestHeaderValuesAreWrittenAsValuesConvertToString(t *testing.T) {
	_, v := structOf([]field{{Name: "a", Schema: schema{Type: typeInt32}}, {Name: "b", Schema: schema{Type: typeString}}}, int32(1), `x"y`)
	for _, c := range []struct {
		in   any
		want string
	}{
		{"plain", "plain"}, {int64(5), "5"}, {true, "true"}, {1.5, "1.5"},
		{v, `{"a":1,"b":"x\"y"}`}, {[]any{"a", int32(2)}, `["a",2]`},
		{data.Date{Days: 19797}, "2024-03-15"},
	} {
		if got := transforms.ValuesString(c.in); got != c.want {
			t.Errorf("%v: got %s, want %s", c.in, got, c.want)
		}
	}
}

// GET /connector-plugins/{plugin}/config describes a transformation's own
// keys as ConfigKeyInfo (AbstractHerder.connectorPluginConfig), in
// definition order and without a group.
func TestPluginConfigOfATransformation(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	r := wk.do(t, "GET", "/connector-plugins/org.apache.kafka.connect.transforms.ValueToKey/config", nil)
	want := `[{"name":"fields","type":"LIST","required":true,"default_value":null,"importance":"HIGH","documentation":"Field names on the record value to extract as the record key.","group":null,"order_in_group":-1,"width":"NONE","display_name":"fields","dependents":[]},` +
		`{"name":"replace.null.with.default","type":"BOOLEAN","required":false,"default_value":"true","importance":"MEDIUM","documentation":"Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.","group":null,"order_in_group":-1,"width":"NONE","display_name":"replace.null.with.default","dependents":[]}]`
	if r.code != 200 || strings.TrimSpace(string(r.body)) != want {
		t.Errorf("GET config = %d %s", r.code, r.body)
	}
	r = wk.do(t, "GET", "/connector-plugins/org.example.Nope/config", nil)
	expectError(t, r, 404, "Unknown plugin org.example.Nope.")
}

// field.syntax.version=V2 (KIP-821, ExtractField in Kafka 3.9) reads
// nested fields with dotted paths and backticks around names with dots.
func TestExtractFieldFollowsNestedPathsUnderV2(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "x",
		"transforms.x.type", "org.apache.kafka.connect.transforms.ExtractField$Value",
		"transforms.x.field", "`foo.bar`.baz", "transforms.x.field.syntax.version", "V2"))
	inner := schema{Type: typeStruct, Fields: []field{{Name: "baz", Schema: schema{Type: typeInt32}}}}
	s := &schema{Type: typeStruct, Fields: []field{{Name: "foo.bar", Schema: inner}}}
	v := &structValue{Schema: s, Values: []any{&structValue{Schema: &inner, Values: []any{int32(5)}}}}
	out := runChain(t, stages, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "with schema", jsonOf(out.ValueSchema, out.Value, true), `{"schema":{"type":"int32","optional":false},"payload":5}`)
	out = runChain(t, stages, &transforms.Record{Value: mapOf("foo.bar", mapOf("baz", int32(5)))})
	expectJSON(t, "schemaless", jsonOf(out.ValueSchema, out.Value, false), `5`)

	// Under V1 the same text is one field name.
	v1 := stagesOf(t, transformsOf("transforms", "x",
		"transforms.x.type", "org.apache.kafka.connect.transforms.ExtractField$Value", "transforms.x.field", "a.b"))
	out = runChain(t, v1, &transforms.Record{Value: mapOf("a.b", "flat")})
	expectJSON(t, "V1", jsonOf(out.ValueSchema, out.Value, false), `"flat"`)

	_, err := buildStages(transformsOf("transforms", "x",
		"transforms.x.type", "org.apache.kafka.connect.transforms.ExtractField$Value",
		"transforms.x.field", "`foo.bar", "transforms.x.field.syntax.version", "V2"))
	if err == nil || !strings.HasSuffix(err.Error(), "Incomplete backtick pair in path: [`foo.bar], consider adding a backslash before backtick at position 0 to escape it") {
		t.Errorf("open backtick: %v", err)
	}
}

// header.converter picks how header values are written: SimpleHeaderConverter
// (Values.convertToString), StringConverter (toString) or JsonConverter
// (with its envelope unless header.converter.schemas.enable=false), as
// Kafka 3.9 documents the header.converter key.
func TestHeaderConverterChoices(t *testing.T) {
	s, v := structOf([]field{{Name: "a", Schema: schema{Type: typeInt32}}}, int32(1))
	hs := []transforms.Header{{Key: "n", Schema: &schema{Type: typeInt32}, Value: int32(7)}, {Key: "s", Schema: s, Value: v}, {Key: "nil"}}
	for _, c := range []struct {
		props map[string]string
		want  []string
	}{
		{map[string]string{}, []string{"7", `{"a":1}`, "<nil>"}},
		{map[string]string{"header.converter": "org.apache.kafka.connect.storage.StringConverter"}, []string{"7", "Struct{a=1}", "<nil>"}},
		{map[string]string{"header.converter": "org.apache.kafka.connect.json.JsonConverter"}, []string{
			`{"schema":{"type":"int32","optional":false},"payload":7}`,
			`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"}],"optional":false},"payload":{"a":1}}`, "<nil>"}},
		{map[string]string{"header.converter": "org.apache.kafka.connect.json.JsonConverter", "header.converter.schemas.enable": "false"}, []string{"7", `{"a":1}`, "<nil>"}},
	} {
		hc, err := newHeaderConverter(c.props)
		if err != nil {
			t.Fatalf("%v: %v", c.props, err)
		}
		for i, h := range hs {
			got := "<nil>"
			if b := hc.fromConnectHeader(h); b != nil {
				got = string(b)
			}
			if got != c.want[i] {
				t.Errorf("%v header %s = %s, want %s", c.props, h.Key, got, c.want[i])
			}
		}
	}
}

// Cast takes a JDBC NUMERIC (Connect Decimal, a java.math.BigDecimal) as a
// Number: doubleValue, intValue and toString (Cast.castValueToType); a
// Timestamp becomes its epoch milliseconds, or the text of
// Values.dateFormatFor (a whole-day instant prints as a date).
func TestCastDecimalAndTimestampFields(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value",
		"transforms.c.spec", "price:float64,qty:int32,label:string,at:int64,day:string"))
	dec := schema{Type: typeBytes, Name: logicalDecimal, Version: 1, Parameters: []param{{Key: "scale", Value: "2"}}}
	ts := schema{Type: typeInt64, Name: logicalTimestamp, Version: 1}
	s, v := structOf([]field{
		{Name: "price", Schema: dec}, {Name: "qty", Schema: dec}, {Name: "label", Schema: dec},
		{Name: "at", Schema: ts}, {Name: "day", Schema: ts},
	}, decimalValue{Unscaled: big.NewInt(12345), Scale: 2}, decimalValue{Unscaled: big.NewInt(-799), Scale: 2}, decimalValue{Unscaled: big.NewInt(5), Scale: 8},
		timestampValue{T: time.UnixMilli(1710510330123).UTC()}, timestampValue{T: time.UnixMilli(1710460800000).UTC()})
	out := runChain(t, stages, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "cast", jsonOf(out.ValueSchema, out.Value, false), `{"price":123.45,"qty":-7,"label":"5E-8","at":1710510330123,"day":"2024-03-15"}`)
}

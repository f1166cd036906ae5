package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/encoding/protowire"
)

// VALUE_PROTOBUF_NULLABLE_REPRESENTATION, as the serialization reference
// describes it and ksqlDB's recorded test cases show it
// (query-validation-tests/protobuf.json "protobuf primitives with null and
// nullable as wrapper" / "... as optional" and their PROTOBUF_NOSR twins;
// historical_plans/protobuf_-_protobuf_primitives_with_null_and_nullable_as_*
// /spec.json hold the schemas ksqlDB registered). The messages here are
// written and read field by field with protowire, not with the server's
// serde.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#protobuf

// nullableCase is one record of the recorded cases: I INTEGER, L BIGINT,
// D DOUBLE, B BOOLEAN, S STRING, nil for null.
type nullableCase struct {
	i, l, d, b, s any
}

var nullableInputs = []nullableCase{
	{i: nil, l: int64(0), d: nil, b: false, s: nil},
	{i: int32(0), l: nil, d: 0.0, b: nil, s: ""},
}

// scalarField appends field n holding v as a plain proto3 scalar (present
// even when v is the default, as an optional field writes it).
func scalarField(b []byte, n protowire.Number, v any) []byte {
	switch x := v.(type) {
	case int32:
		return protowire.AppendVarint(protowire.AppendTag(b, n, protowire.VarintType), uint64(int64(x)))
	case int64:
		return protowire.AppendVarint(protowire.AppendTag(b, n, protowire.VarintType), uint64(x))
	case float64:
		return protowire.AppendFixed64(protowire.AppendTag(b, n, protowire.Fixed64Type), math.Float64bits(x))
	case bool:
		return protowire.AppendVarint(protowire.AppendTag(b, n, protowire.VarintType), protowire.EncodeBool(x))
	case string:
		return protowire.AppendString(protowire.AppendTag(b, n, protowire.BytesType), x)
	}
	panic("no scalar")
}

// wrapperField appends field n as a google.protobuf wrapper message whose
// field 1 is v; a default value leaves the wrapper empty (proto3).
func wrapperField(b []byte, n protowire.Number, v any) []byte {
	var inner []byte
	switch x := v.(type) {
	case int32:
		if x != 0 {
			inner = scalarField(nil, 1, x)
		}
	case int64:
		if x != 0 {
			inner = scalarField(nil, 1, x)
		}
	case float64:
		if x != 0 {
			inner = scalarField(nil, 1, x)
		}
	case bool:
		if x {
			inner = scalarField(nil, 1, x)
		}
	case string:
		if x != "" {
			inner = scalarField(nil, 1, x)
		}
	}
	return protowire.AppendBytes(protowire.AppendTag(b, n, protowire.BytesType), inner)
}

// encodeNullable writes c with each non-null field present, as a wrapper
// or as an optional scalar.
func encodeNullable(c nullableCase, wrapper bool) []byte {
	var b []byte
	for n, v := range []any{c.i, c.l, c.d, c.b, c.s} {
		if v == nil {
			continue
		}
		if wrapper {
			b = wrapperField(b, protowire.Number(n+1), v)
		} else {
			b = scalarField(b, protowire.Number(n+1), v)
		}
	}
	return b
}

// decodedFields reads a message's top-level fields: number -> raw bytes of
// a LEN field, or the varint/fixed64 value.
func decodedFields(t *testing.T, b []byte) map[protowire.Number]any {
	t.Helper()
	out := map[protowire.Number]any{}
	for len(b) > 0 {
		n, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			t.Fatalf("bad tag in %x", b)
		}
		b = b[k:]
		switch typ {
		case protowire.VarintType:
			v, k := protowire.ConsumeVarint(b)
			out[n], b = v, b[k:]
		case protowire.Fixed64Type:
			v, k := protowire.ConsumeFixed64(b)
			out[n], b = v, b[k:]
		case protowire.BytesType:
			v, k := protowire.ConsumeBytes(b)
			out[n], b = string(v), b[k:]
		default:
			t.Fatalf("unexpected wire type %d", typ)
		}
		if k < 0 {
			t.Fatalf("bad field %d", n)
		}
	}
	return out
}

// produceWire writes message m to topic in the Schema Registry wire format
// under schema id (message index [0]).
func (st *stack) produceWire(topic string, id int, m []byte) {
	st.t.Helper()
	v := binary.BigEndian.AppendUint32([]byte{0}, uint32(id))
	v = append(append(v, 0), m...)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: v}).FirstErr(); err != nil {
		st.t.Fatal(err)
	}
}

const (
	wrapperSchema  = "syntax = \"proto3\";\n\nimport \"google/protobuf/wrappers.proto\";\n\nmessage ConnectDefault1 {\n  google.protobuf.Int32Value I = 1;\n  google.protobuf.Int64Value L = 2;\n  google.protobuf.DoubleValue D = 3;\n  google.protobuf.BoolValue B = 4;\n  google.protobuf.StringValue S = 5;\n}\n"
	optionalSchema = "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  optional int32 I = 1;\n  optional int64 L = 2;\n  optional double D = 3;\n  optional bool B = 4;\n  optional string S = 5;\n}\n"
)

func runNullableCase(t *testing.T, rep, wantSchema string, wrapper bool) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	mustKSQL(t, url, "CREATE STREAM INPUT (K STRING KEY, i INTEGER, l BIGINT, d DOUBLE, b BOOLEAN, s STRING) WITH (kafka_topic='input', value_format='PROTOBUF', value_protobuf_nullable_representation='"+rep+"');", nil)
	id, text := latestSchema(t, regURL, "input-value")
	if text != wantSchema {
		t.Errorf("input-value\n got %q\nwant %q", text, wantSchema)
	}
	for _, c := range nullableInputs {
		st.produceWire("input", id, encodeNullable(c, wrapper))
	}
	mustKSQL(t, url, "CREATE STREAM OUTPUT WITH (value_format='PROTOBUF', value_protobuf_nullable_representation='"+rep+"') as SELECT * FROM input;", earliest())
	recs := st.consumeRecords("OUTPUT", len(nullableInputs))
	outID, outText := latestSchema(t, regURL, "OUTPUT-value")
	if outText != wantSchema {
		t.Errorf("OUTPUT-value\n got %q\nwant %q", outText, wantSchema)
	}
	for i, r := range recs {
		if len(r.Value) < 6 || int(binary.BigEndian.Uint32(r.Value[1:5])) != outID || r.Value[5] != 0 {
			t.Fatalf("record %d: %x is not under schema %d", i, r.Value, outID)
		}
		got := decodedFields(t, r.Value[6:])
		want := decodedFields(t, encodeNullable(nullableInputs[i], wrapper))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d fields %v, want %v", i, got, want)
		}
	}
	rows := streamRows(t, url, "SELECT * FROM OUTPUT EMIT CHANGES;", 2)
	if want := []string{`[null,null,0,null,false,null]`, `[null,0,null,0.0,null,""]`}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
}

func TestProtobufNullableAsWrapperRegistersWrappersAndKeepsNullApartFromDefault(t *testing.T) {
	runNullableCase(t, "WRAPPER", wrapperSchema, true)
}

func TestProtobufNullableAsOptionalRegistersOptionalFieldsAndKeepsNullApartFromDefault(t *testing.T) {
	runNullableCase(t, "OPTIONAL", optionalSchema, false)
}

// Without the property a null and a default are the same on the wire: the
// second record's 0, 0.0 and "" come back as they were written, and the
// first record's null INTEGER reads as 0 (protobuf.json "protobuf
// primitives with null" without nullableRepresentation).
func TestProtobufWithoutNullableRepresentationReadsAbsentFieldsAsDefaults(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	mustKSQL(t, url, "CREATE STREAM INPUT (K STRING KEY, i INTEGER, l BIGINT, d DOUBLE, b BOOLEAN, s STRING) WITH (kafka_topic='input', value_format='PROTOBUF');", nil)
	id, _ := latestSchema(t, regURL, "input-value")
	st.produceWire("input", id, nil)
	rows := streamRows(t, url, "SELECT * FROM INPUT EMIT CHANGES;", 1)
	if rows[0] != `[null,0,0,0.0,false,""]` {
		t.Errorf("row %s", rows[0])
	}
}

// PROTOBUF_NOSR takes the property too (ProtobufNoSRSerdeFactory passes it
// to ProtobufData as optional.for.nullables / wrapper.for.nullables): the
// bare messages keep null apart from defaults. A sink of the same format
// inherits the source's representation (Analyzer.buildFormatInfo; every
// PROTOBUF_NOSR property is inheritable), and a PROTOBUF sink does not
// (ProtobufProperties.INHERITABLE_PROPERTIES is the full schema name only).
func TestProtobufNoSRNullableRepresentationIsKeptAndInheritedBySinksOfTheSameFormat(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	mustKSQL(t, url, "CREATE STREAM INPUT (K STRING KEY, i INTEGER, l BIGINT, d DOUBLE, b BOOLEAN, s STRING) WITH (kafka_topic='input', value_format='PROTOBUF_NOSR', value_protobuf_nullable_representation='WRAPPER');", nil)
	for _, c := range nullableInputs {
		if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "input", Value: encodeNullable(c, true)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	mustKSQL(t, url, "CREATE STREAM OUTPUT WITH (value_format='PROTOBUF_NOSR') as SELECT * FROM input;", earliest())
	for i, r := range st.consumeRecords("OUTPUT", len(nullableInputs)) {
		if got, want := decodedFields(t, r.Value), decodedFields(t, encodeNullable(nullableInputs[i], true)); !reflect.DeepEqual(got, want) {
			t.Errorf("NOSR record %d fields %v, want %v", i, got, want)
		}
	}
	rows := streamRows(t, url, "SELECT * FROM INPUT EMIT CHANGES;", 2)
	if want := []string{`[null,null,0,null,false,null]`, `[null,0,null,0.0,null,""]`}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
	mustKSQL(t, url, "CREATE STREAM OUTPUT_SR WITH (value_format='PROTOBUF') as SELECT * FROM input;", earliest())
	st.consumeRecords("OUTPUT_SR", 1)
	if _, text := latestSchema(t, regURL, "OUTPUT_SR-value"); text != "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  int32 I = 1;\n  int64 L = 2;\n  double D = 3;\n  bool B = 4;\n  string S = 5;\n}\n" {
		t.Errorf("PROTOBUF sink of a PROTOBUF_NOSR WRAPPER source registered %q", text)
	}
}

// The reference's example with its WITH clause completed (a topic, one
// partition): string and integer columns become google.protobuf.StringValue
// and Int32Value.
func TestDocsSerializationProtobufNullableAsWrapperExampleRegistersWrapperTypes(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM USERS (ID STRING KEY, i INTEGER, s STRING) WITH (VALUE_FORMAT='PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER', KAFKA_TOPIC='users', PARTITIONS=1);", nil)
	want := "syntax = \"proto3\";\n\nimport \"google/protobuf/wrappers.proto\";\n\nmessage ConnectDefault1 {\n  google.protobuf.Int32Value I = 1;\n  google.protobuf.StringValue S = 2;\n}\n"
	if _, text := latestSchema(t, regURL, "users-value"); text != want {
		t.Errorf("users-value\n got %q\nwant %q", text, want)
	}
}

// Refusals: CreateSourceProperties.handleProtobufNullableProperty for a
// format that is not PROTOBUF or PROTOBUF_NOSR; the config validator
// (ConfigValidators.enumValues, case-insensitive) for an unknown value,
// its "configuration" turned into "property" by CreateSourceProperties.from;
// ProtobufNullableConfigValues.valueOf for a value not in upper case.
func TestProtobufNullableRepresentationRefusalsCarryKsqlDBsMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("t", 1)
	for stmt, want := range map[string]string{
		"CREATE STREAM A (ID STRING KEY, S STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER');":     "Property VALUE_PROTOBUF_NULLABLE_REPRESENTATION can only be enabled with protobuf format",
		"CREATE STREAM A (ID STRING KEY, S STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='PROTOBUF', KEY_PROTOBUF_NULLABLE_REPRESENTATION='OPTIONAL');":  "Property KEY_PROTOBUF_NULLABLE_REPRESENTATION can only be enabled with protobuf format",
		"CREATE STREAM A (ID STRING KEY, S STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='FOO');":     "Invalid value FOO for property VALUE_PROTOBUF_NULLABLE_REPRESENTATION: String must be one of: OPTIONAL, WRAPPER, null",
		"CREATE STREAM A (ID STRING KEY, S STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='wrapper');": "No enum constant io.confluent.ksql.properties.with.CommonCreateConfigs.ProtobufNullableConfigValues.wrapper",
	} {
		code, out := stmtErr(t, url, stmt)
		if msg, _ := out["message"].(string); code != 400 || msg != want {
			t.Errorf("%s\n got %d %q\nwant %q", stmt, code, msg, want)
		}
	}
}

// python3-confluent-kafka's ProtobufDeserializer, given the message class
// the recorded schema describes (google.protobuf wrappers from the
// protobuf library's own wrappers.proto, or proto3 optional fields), reads
// the sink's records: the fields set are exactly the non-null columns, a
// default value (0, false, "") included.
func TestPythonReadsNullableRepresentationsAsTheRecordedSchemasDescribe(t *testing.T) {
	for _, rep := range []string{"WRAPPER", "OPTIONAL"} {
		t.Run(rep, func(t *testing.T) {
			st := newStack(t)
			regURL, url := st.serveLabRegistry()
			mustKSQL(t, url, "CREATE STREAM INPUT (K STRING KEY, i INTEGER, l BIGINT, d DOUBLE, b BOOLEAN, s STRING) WITH (kafka_topic='input', partitions=1, value_format='PROTOBUF', value_protobuf_nullable_representation='"+rep+"');", nil)
			mustKSQL(t, url, `INSERT INTO INPUT (K, i, l, d, b, s) VALUES ('a', NULL, 0, NULL, false, NULL);
INSERT INTO INPUT (K, i, l, d, b, s) VALUES ('b', 0, NULL, 0.0, NULL, '');`, nil)
			mustKSQL(t, url, "CREATE STREAM OUTPUT WITH (value_format='PROTOBUF', value_protobuf_nullable_representation='"+rep+"') AS SELECT * FROM input;", earliest())
			want := []map[string]any{{"L": float64(0), "B": false}, {"I": float64(0), "D": float64(0), "S": ""}}
			for i, r := range st.consumeRecords("OUTPUT", 2) {
				var got struct {
					SchemaType string         `json:"schema_type"`
					Set        map[string]any `json:"set"`
				}
				runPythonProtobuf(t, &got, "read-nullable", regURL, "OUTPUT", hex.EncodeToString(r.Value), strings.ToLower(rep))
				if got.SchemaType != "PROTOBUF" || !reflect.DeepEqual(got.Set, want[i]) {
					t.Errorf("record %d: python read %+v, want fields %v", i, got, want[i])
				}
			}
		})
	}
}

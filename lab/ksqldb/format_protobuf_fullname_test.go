package ksqldb

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/encoding/protowire"
)

// KEY_SCHEMA_FULL_NAME and VALUE_SCHEMA_FULL_NAME name the message of a
// PROTOBUF schema a source reads and the message a sink's schema is
// generated as (confluentinc/ksql v7.9.0 CommonCreateConfigs, the
// FULL_SCHEMA_NAME property of ProtobufProperties; query-validation-tests
// protobuf.json "specify a protobuf schema name with SCHEMA_FULL_NAME" and
// "specify a protobuf schema from multiple protobuf schema definitions",
// whose schemas and records these are). Without a name, a schema of
// several messages is refused as DefaultSchemaInjector.throwOnMultiSchemaDefinitions
// refuses it.

// protoWireRecord is m in the Schema Registry wire format under schema id,
// the message at index idx of the schema's file.
func protoWireRecord(id, idx int, m []byte) []byte {
	b := binary.BigEndian.AppendUint32([]byte{0}, uint32(id))
	if idx == 0 {
		b = append(b, 0) // the first message: an empty index array
	} else {
		b = binary.AppendVarint(binary.AppendVarint(b, 1), int64(idx))
	}
	return append(b, m...)
}

func TestProtobufSchemaFullNamesPickAndNameMessages(t *testing.T) {
	t.Run("specify a protobuf schema from multiple protobuf schema definitions", func(t *testing.T) {
		st := newStack(t)
		regURL, url := st.serveLabRegistry()
		st.createTopic("input", 1)
		keyID := registerSchemaType(t, regURL, "input-key", "PROTOBUF", `syntax = "proto3"; message ProtobufKey1 {uint32 k1 = 1;} message ProtobufKey2 {string k1 = 1;}`)
		valID := registerSchemaType(t, regURL, "input-value", "PROTOBUF", `syntax = "proto3"; message ProtobufValue1 {float c1 = 1; uint32 c2 = 2;} message ProtobufValue2 {uint32 c1 = 1;}`)
		key := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "A")
		val := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 100)
		if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "input", Key: protoWireRecord(keyID, 1, key), Value: protoWireRecord(valID, 1, val)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		mustKSQL(t, url, `CREATE STREAM INPUT WITH (kafka_topic='input', format='PROTOBUF', KEY_SCHEMA_FULL_NAME='ProtobufKey2', VALUE_SCHEMA_FULL_NAME='ProtobufValue2');`, nil)
		mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM input;", earliest())
		rec := st.records("OUTPUT", 1)[0]
		if k, v := decodedFields(t, rec.Key[6:]), decodedFields(t, rec.Value[6:]); len(k) != 1 || k[1] != "A" || len(v) != 1 || v[1] != uint64(100) {
			t.Errorf("OUTPUT record key %v value %v, want K1 \"A\" and C1 100", k, v)
		}
		// the sink inherits the names (ProtobufProperties.INHERITABLE_PROPERTIES)
		for subject, want := range map[string]string{"OUTPUT-key": "message ProtobufKey2 {\n  string K1 = 1;\n}", "OUTPUT-value": "message ProtobufValue2 {\n  int64 C1 = 1;\n}"} {
			if _, s := latestSchema(t, regURL, subject); !strings.Contains(s, want) {
				t.Errorf("%s schema\n%s\nwant one with\n%s", subject, s, want)
			}
		}
	})
	t.Run("specify a protobuf schema name with SCHEMA_FULL_NAME", func(t *testing.T) {
		st := newStack(t)
		regURL, url := st.serveLabRegistry()
		st.createTopic("input", 1)
		registerSchemaType(t, regURL, "input-key", "PROTOBUF", `syntax = "proto3"; message ProtobufKey1 {uint32 k1 = 1;}`)
		registerSchemaType(t, regURL, "input-value", "PROTOBUF", `syntax = "proto3"; message ProtobufValue1 {float c1 = 1; uint32 c2 = 2;}`)
		mustKSQL(t, url, `CREATE STREAM INPUT WITH (kafka_topic='input', format='PROTOBUF', KEY_SCHEMA_FULL_NAME='ProtobufKey1', VALUE_SCHEMA_FULL_NAME='ProtobufValue1');`, nil)
		mustKSQL(t, url, "CREATE STREAM OUTPUT WITH (format='PROTOBUF', KEY_SCHEMA_FULL_NAME='ProtobufKey2', VALUE_SCHEMA_FULL_NAME='ProtobufValue2') AS SELECT * FROM input;", earliest())
		waitFor(t, func() bool { return subjectExists(t, regURL, "OUTPUT-value") && subjectExists(t, regURL, "OUTPUT-key") }, "the sink's subjects")
		for subject, want := range map[string]string{"OUTPUT-key": "message ProtobufKey2 {", "OUTPUT-value": "message ProtobufValue2 {"} {
			if _, s := latestSchema(t, regURL, subject); !strings.Contains(s, want) || strings.Contains(s, "ConnectDefault1") {
				t.Errorf("%s schema\n%s\nwant its message named as %q", subject, s, want)
			}
		}
	})
}

// A source created with PROTOBUF schema ids and full names reads the named
// messages of those schemas (query-validation-tests elements.json
// "validate schema id and schema full name from multiple schema
// definitions OK - PROTOBUF", its schemas, record and expected schema).
func TestProtobufSchemaIDsWithFullNamesReadTheNamedMessages(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	keyID := registerSchemaType(t, regURL, "other-key", "PROTOBUF", `syntax = "proto3"; message KeySchema1 { int32 K0 = 1; } message KeySchema2 { int32 K1 = 1; }`)
	valID := registerSchemaType(t, regURL, "other-value", "PROTOBUF", `syntax = "proto3"; message ValueSchema1 { int32 C0 = 1; } message ValueSchema2 { int32 C1 = 1; }`)
	key := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 42)
	val := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 4)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "input", Key: protoWireRecord(keyID, 1, key), Value: protoWireRecord(valID, 1, val)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM INPUT WITH (kafka_topic='input', format='PROTOBUF', key_schema_id=%d, key_schema_full_name='KeySchema2', value_schema_id=%d, value_schema_full_name='ValueSchema2');", keyID, valID), nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM input;", earliest())
	rec := st.records("OUTPUT", 1)[0]
	if k, v := decodedFields(t, rec.Key[6:]), decodedFields(t, rec.Value[6:]); len(k) != 1 || k[1] != uint64(42) || len(v) != 1 || v[1] != uint64(4) {
		t.Errorf("OUTPUT record key %v value %v, want K1 42 and C1 4", k, v)
	}
	if got, _ := describeSchema(t, url, "OUTPUT"); got != "K1 INTEGER KEY, C1 INTEGER" {
		t.Errorf("OUTPUT columns %s, want K1 INT KEY, C1 INT", got)
	}
}

// A PROTOBUF schema of several messages, read without a name, and a
// name no message of the schema has, are refused.
func TestProtobufSchemaOfSeveralMessagesNeedsAFullName(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	registerSchemaType(t, regURL, "input-value", "PROTOBUF", `syntax = "proto3"; message ProtobufValue1 {float c1 = 1; uint32 c2 = 2;} message ProtobufValue2 {uint32 c1 = 1;}`)
	code, e := stmtErr(t, url, "CREATE STREAM INPUT WITH (kafka_topic='input', value_format='PROTOBUF');")
	want := "Value schema has multiple schema definitions. \n\n- ProtobufValue1\n- ProtobufValue2\n\nPlease specify a schema full name in the WITH clause using VALUE_SCHEMA_FULL_NAME"
	if msg, _ := e["message"].(string); code != 400 || msg != want {
		t.Errorf("inference from two messages: %d %q, want %q", code, msg, want)
	}
	code, e = stmtErr(t, url, "CREATE STREAM INPUT WITH (kafka_topic='input', value_format='PROTOBUF', VALUE_SCHEMA_FULL_NAME='ProtobufValue1000');")
	if msg, _ := e["message"].(string); code != 400 || !strings.Contains(msg, "ProtobufValue1000") {
		t.Errorf("an unknown message name: %d %q", code, msg)
	}
	code, e = stmtErr(t, url, "CREATE STREAM J (A INT) WITH (kafka_topic='input', value_format='JSON', VALUE_SCHEMA_FULL_NAME='x.Y');")
	if msg, _ := e["message"].(string); code != 400 || msg != "JSON does not support the following configs: [fullSchemaName]" {
		t.Errorf("JSON with VALUE_SCHEMA_FULL_NAME: %d %q", code, msg)
	}
	code, e = stmtErr(t, url, "CREATE STREAM A (A INT) WITH (kafka_topic='input', value_format='AVRO', VALUE_AVRO_SCHEMA_FULL_NAME='x.Y', VALUE_SCHEMA_FULL_NAME='x.Z');")
	if msg, _ := e["message"].(string); code != 400 || msg != "Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' properties. Please only set 'VALUE_SCHEMA_FULL_NAME'." {
		t.Errorf("both Avro names: %d %q", code, msg)
	}
}

// subjectExists reports a subject with a version in the registry at regURL.
func subjectExists(t *testing.T, regURL, subject string) bool {
	t.Helper()
	resp, err := http.Get(regURL + "/subjects/" + subject + "/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

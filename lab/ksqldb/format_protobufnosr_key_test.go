package ksqldb

import (
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// The expectations here come from upstream's sources, as no query-validation
// test writes PROTOBUF_NOSR keys (confluentinc/ksql v7.9.0):
// ProtobufNoSRFormat.SUPPORTED_FEATURES holds UNWRAP_SINGLES, so
// SerdeFeaturesFactory.buildKeyFeatures unwraps a single key column;
// ProtobufNoSRConverter writes ProtobufData.fromConnectData's message bare;
// and ProtobufData (confluentinc/schema-registry v7.9.9) makes a primitive
// root a google.protobuf wrapper message (descriptorFromConnectSchema,
// isWrapper), a STRUCT root the message ConnectDefault1 of its fields, and
// refuses an ARRAY or MAP root ("Unsupported root schema of type ARRAY").

func nosrKeyMessage(t *testing.T, text string) protoreflect.MessageDescriptor {
	t.Helper()
	ps, err := protoschema.Parse(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	md, err := ps.FirstMessage()
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// decodeNoSRKey decodes bare message bytes into md and prints its fields.
func decodeNoSRKey(t *testing.T, md protoreflect.MessageDescriptor, b []byte) string {
	t.Helper()
	m := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatalf("decode % x as %s: %v", b, md.FullName(), err)
	}
	out := ""
	fds := md.Fields()
	for i := 0; i < fds.Len(); i++ {
		out += fmt.Sprintf("%s=%v;", fds.Get(i).Name(), m.Get(fds.Get(i)))
	}
	return out
}

// A single PROTOBUF_NOSR key column is written unwrapped: a STRING as
// google.protobuf.StringValue, an INTEGER as Int32Value, a null key as null
// bytes; a source reads such keys back.
func TestProtobufNoSRSingleKeyIsAWrapperMessage(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (k STRING KEY, v INT) WITH (KAFKA_TOPIC='input', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM by_k WITH (KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON') AS SELECT * FROM input;
CREATE STREAM by_v WITH (KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON') AS SELECT * FROM input PARTITION BY v;`, earliest())
	st.produce("input", kv{[]byte(`"Howard"`), []byte(`{"V":7}`)}, kv{nil, []byte(`{"V":8}`)})

	recs := st.consumeRecords("BY_K", 2)
	var s wrapperspb.StringValue
	if err := proto.Unmarshal(recs[0].Key, &s); err != nil || s.GetValue() != "Howard" || string(recs[0].Value) != `{"V":7}` {
		t.Errorf("BY_K key % x (%v) value %s, want StringValue Howard", recs[0].Key, err, recs[0].Value)
	}
	if recs[1].Key != nil {
		t.Errorf("BY_K null key written as % x", recs[1].Key)
	}
	vrecs := st.consumeRecords("BY_V", 1)
	var i wrapperspb.Int32Value
	if err := proto.Unmarshal(vrecs[0].Key, &i); err != nil || i.GetValue() != 7 || string(vrecs[0].Value) != `{"K":"Howard"}` {
		t.Errorf("BY_V key % x (%v) value %s, want Int32Value 7", vrecs[0].Key, err, vrecs[0].Value)
	}

	mustKSQL(t, url, `CREATE STREAM back (k STRING KEY, v INT) WITH (KAFKA_TOPIC='BY_K', KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON');
CREATE STREAM back_json WITH (FORMAT='JSON') AS SELECT * FROM back;`, earliest())
	if got := st.consume("BACK_JSON", 1); string(got[0].key) != `"Howard"` {
		t.Errorf("BACK_JSON key %s, want \"Howard\"", got[0].key)
	}
}

// Several PROTOBUF_NOSR key columns are the message ConnectDefault1 of the
// key columns, numbered in order; a single STRUCT key column is the
// message of its fields.
func TestProtobufNoSRStructAndMultiColumnKeysAreMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (k STRING KEY, v INT) WITH (KAFKA_TOPIC='input', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE counts WITH (KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON') AS SELECT k, v, COUNT(*) AS n FROM input GROUP BY k, v;
CREATE STREAM by_struct WITH (KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON') AS SELECT STRUCT(a := k, b := v) AS s, v FROM input PARTITION BY STRUCT(a := k, b := v);`, earliest())
	st.produce("input", kv{[]byte(`"Howard"`), []byte(`{"V":7}`)})

	multi := nosrKeyMessage(t, "syntax = \"proto3\";\nmessage ConnectDefault1 {\n  string K = 1;\n  int32 V = 2;\n}\n")
	if got := decodeNoSRKey(t, multi, st.consumeRecords("COUNTS", 1)[0].Key); got != "K=Howard;V=7;" {
		t.Errorf("COUNTS key %s", got)
	}
	r := st.consumeRecords("BY_STRUCT", 1)[0]
	strct := nosrKeyMessage(t, "syntax = \"proto3\";\nmessage ConnectDefault1 {\n  string A = 1;\n  int32 B = 2;\n}\n")
	if got := decodeNoSRKey(t, strct, r.Key); got != "A=Howard;B=7;" {
		t.Errorf("BY_STRUCT key %s", got)
	}
}

// ProtobufData has no root message for an ARRAY or MAP: a single key
// column of those types is refused as not supported here (ksqlDB fails
// each record instead), naming the column type.
func TestProtobufNoSRArrayKeyIsRefusedAsUnsupported(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, e := stmtErr(t, url, "CREATE STREAM s (k ARRAY<STRING> KEY, v INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON');")
	want := "a single 'PROTOBUF_NOSR' key column of type ARRAY<STRING> is not supported by this ksqlDB server"
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 40001 %q", code, e["message"], want)
	}
}

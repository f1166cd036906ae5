package console

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/ctalab/ctalab/srclient"
)

func header(id int) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return b
}

// decodeWith decodes b through a registry seeded with schemas (id 1, 2, ...).
func decodeWith(t *testing.T, b []byte, schemas ...sr.Schema) (decoded, error) {
	t.Helper()
	reg := srfake.New()
	t.Cleanup(reg.Close)
	for i, s := range schemas {
		reg.SeedSchema("s-value", i+1, i+1, s)
	}
	cl, err := srclient.New(reg.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return newDecoder(cl).decode(context.Background(), b)
}

const arrivalProto = `syntax = "proto3";
package cta;
message Other { int32 x = 1; }
message Arrival {
  string station = 1;
  int64 ts = 2;
  message Train { string id = 1; bool late = 2; }
  Train train = 3;
  repeated int32 cars = 4;
  Train spare = 5;
}
`

// Protobuf values decode as the ProtobufMessageFormatter prints them:
// the message the indexes name, JsonFormat with default values and no
// whitespace (int64 as a string, field names in lowerCamelCase, an unset
// message field left out). The payload is built by hand with protowire.
func TestConsumeDecodesProtobufByMessageIndexes(t *testing.T) {
	var train []byte
	train = protowire.AppendTag(train, 1, protowire.BytesType)
	train = protowire.AppendString(train, "t1")
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	msg = protowire.AppendString(msg, "Clark")
	msg = protowire.AppendTag(msg, 2, protowire.VarintType)
	msg = protowire.AppendVarint(msg, 5)
	msg = protowire.AppendTag(msg, 3, protowire.BytesType)
	msg = protowire.AppendBytes(msg, train)
	msg = protowire.AppendTag(msg, 4, protowire.BytesType)
	msg = protowire.AppendBytes(msg, []byte{1, 2})
	// Message indexes [1]: count 1 and index 1, each zigzag-encoded (2, 2).
	b := append(append(header(1), 2, 2), msg...)
	d, err := decodeWith(t, b, sr.Schema{Schema: arrivalProto, Type: sr.TypeProtobuf})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"station":"Clark","ts":"5","train":{"id":"t1","late":false},"cars":[1,2]}`; string(d.text) != want || d.format != "protobuf" {
		t.Errorf("decoded %s (%s), want %s", d.text, d.format, want)
	}
	// A single 0 for the indexes is the first message.
	d, err = decodeWith(t, append(header(1), 0), sr.Schema{Schema: arrivalProto, Type: sr.TypeProtobuf})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"x":0}`; string(d.text) != want {
		t.Errorf("first message: decoded %s, want %s", d.text, want)
	}
	// Indexes that name no message are an error, not a guess.
	if _, err := decodeWith(t, append(header(1), 2, 8), sr.Schema{Schema: arrivalProto, Type: sr.TypeProtobuf}); err == nil || !strings.Contains(err.Error(), "no such message") {
		t.Errorf("index 4: err %v, want no such message", err)
	}
}

// JSON Schema values are the JSON document after the header.
func TestConsumeDecodesJSONSchemaValuesAsTheirJSON(t *testing.T) {
	d, err := decodeWith(t, append(header(1), `{"a":1}`...), sr.Schema{Schema: `{"type":"object"}`, Type: sr.TypeJSON})
	if err != nil {
		t.Fatal(err)
	}
	if string(d.text) != `{"a":1}` || d.format != "json-schema" || d.schemaID != 1 {
		t.Errorf("decoded %s (%s, id %d)", d.text, d.format, d.schemaID)
	}
}

// Bytes that claim a schema the registry does not know are an error
// naming the id, not printed as if they were text.
func TestConsumeUnknownSchemaIDIsAnError(t *testing.T) {
	_, err := decodeWith(t, append(header(42), 1, 2, 3))
	if err == nil || !strings.Contains(err.Error(), "schema 42") || !strings.Contains(err.Error(), "404") {
		t.Errorf("err %v, want the registry's 404 for schema 42", err)
	}
}

package console

import (
	"encoding/json"
	"testing"
)

// Whatever bytes a record holds, the Avro decoder returns JSON or an
// error: it never panics, loops or allocates without bound.
func FuzzAvroToJSON(f *testing.F) {
	schema := `{"type":"record","name":"r","fields":[
		{"name":"a","type":["null","string",{"type":"record","name":"n","fields":[{"name":"x","type":"int"}]}]},
		{"name":"m","type":{"type":"map","values":{"type":"array","items":"double"}}},
		{"name":"e","type":{"type":"enum","name":"e","symbols":["A","B"]}},
		{"name":"f","type":{"type":"fixed","name":"f","size":2}},
		{"name":"b","type":"boolean"},{"name":"fl","type":"float"}]}`
	t, err := (&avroParser{named: map[string]*avroType{}}).parseText(schema)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{2, 2, 'h', 'i', 0, 0, 'x', 'y', 1, 0, 0, 0x80, 0x3f})
	f.Add([]byte{4, 6, 1, 2, 'k', 1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 2, 'x', 'y', 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0x81, 0x80, 0x80, 0x80, 0x10})
	f.Fuzz(func(t2 *testing.T, b []byte) {
		out, err := avroToJSON(t, b)
		if err == nil && !json.Valid(out) {
			t2.Fatalf("decoded %x to invalid JSON %s", b, out)
		}
	})
}

// An array of nulls takes no bytes per item: a huge item count is an
// error, not a long loop.
func TestAvroArrayOfNullsWithAHugeCountIsAnError(t *testing.T) {
	at, err := (&avroParser{named: map[string]*avroType{}}).parseText(`{"type":"array","items":"null"}`)
	if err != nil {
		t.Fatal(err)
	}
	// count 2^40 (zigzag varint), then the end of the array
	if _, err := avroToJSON(at, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0}); err == nil {
		t.Error("2^40 nulls decoded")
	}
	out, err := avroToJSON(at, []byte{6, 0})
	if err != nil || string(out) != "[null,null,null]" {
		t.Errorf("three nulls: %s, %v", out, err)
	}
}

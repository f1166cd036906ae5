package formats

import (
	"bytes"
	"testing"

	"github.com/linkedin/goavro/v2"
)

// A schema whose maps have defaults, sit in unions or hold maps still gets
// the codec that keeps entry order, and a record written through it is the
// bytes the plain codec writes for the same one-entry maps.
func TestAvroOrderedCodecTakesDefaultsUnionsAndNestedMaps(t *testing.T) {
	const schema = `{"type":"record","name":"R","fields":[` +
		`{"name":"a","type":{"type":"map","values":"int"},"default":{"x":1}},` +
		`{"name":"b","type":["null",{"type":"map","values":{"type":"map","values":"string"}}],"default":null}]}`
	ordered := avroOrderedCodec(schema)
	if ordered == nil {
		t.Fatal("no ordered codec")
	}
	plain, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	want, err := plain.BinaryFromNative(nil, map[string]any{
		"a": map[string]any{"k": int32(7)},
		"b": goavro.Union("map", map[string]any{"o": map[string]any{"i": "v"}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ordered.BinaryFromNative(nil, map[string]any{
		"a": []any{map[string]any{"key": "k", "value": int32(7)}},
		"b": goavro.Union("array", []any{map[string]any{"key": "o", "value": []any{map[string]any{"key": "i", "value": "v"}}}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ordered % x, plain % x", got, want)
	}
}

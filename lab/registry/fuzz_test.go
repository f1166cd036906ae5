package registry

import (
	"encoding/json"
	"testing"
)

// FuzzCanonical checks, for any text the parser accepts, that the canonical
// string is valid JSON, parses again to the same canonical string (a fixed
// point), and that a schema can always read its own data.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		`"string"`,
		`{"type":"string","avro.java.string":"String"}`,
		`["null","long"]`,
		weatherV1,
		weatherV2,
		`{"type":"record","name":"Node","namespace":"n","fields":[{"name":"next","type":["null","Node"],"default":null}]}`,
		`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","namespace":"","fields":[]}}]}`,
		`{"type":"fixed","name":"F","size":16,"aliases":["G"]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := parseAvro(text, nil)
		if err != nil {
			return
		}
		canon := canonicalString(s, nil)
		if !json.Valid([]byte(canon)) {
			t.Fatalf("canonical form is not JSON: %s", canon)
		}
		again, err := parseAvro(canon, nil)
		if err != nil {
			t.Fatalf("canonical form %s does not parse: %v", canon, err)
		}
		if c2 := canonicalString(again, nil); c2 != canon {
			t.Fatalf("not a fixed point:\n%s\n%s", canon, c2)
		}
		found, err := canRead(s, s)
		if err != nil || len(found) > 0 {
			t.Fatalf("schema cannot read itself: %v %+v", err, found)
		}
	})
}

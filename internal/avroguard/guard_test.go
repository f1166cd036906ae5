package avroguard

import (
	"errors"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"
)

func codec(t testing.TB, schema string) *goavro.Codec {
	t.Helper()
	c, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func long(t testing.TB, v int64) []byte {
	t.Helper()
	b, err := codec(t, `"long"`).BinaryFromNative(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goavro allocates an array's or a map's block count before it reads an
// item; six bytes claiming 2^31-1 items would ask for 32 GiB, which ends a
// Go process. The guard refuses them first.
func TestABlockCountLargerThanItsDataIsRefusedBeforeGoavroAllocatesIt(t *testing.T) {
	for schema, data := range map[string][]byte{
		`{"type":"array","items":"int"}`:  append(long(t, 1<<31-1), 0),
		`{"type":"array","items":"null"}`: append(long(t, 1<<31-1), 0),
		`{"type":"map","values":"null"}`:  append(long(t, 1<<31-1), 0),
		`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"long"}}]}`: append(long(t, -(1<<31-1)), append(long(t, 5), 0)...),
	} {
		if _, _, err := Decode(codec(t, schema), data); !errors.Is(err, ErrRefused) {
			t.Errorf("%s, %x: %v, want a refusal", schema, data, err)
		}
	}
}

// A schema that refers to itself lets data nest as deep as it is long;
// goavro recurses a few frames a level, and ten million levels overflow
// the goroutine stack, which ends a Go process. The guard refuses data
// deeper than MaxDepth, and lets shallower data through to goavro.
func TestDataOfARecursiveSchemaDeeperThanMaxDepthIsRefused(t *testing.T) {
	c := codec(t, `{"type":"record","name":"N","namespace":"x","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","N"]}]}`)
	nested := func(levels int) []byte {
		// each level: v=1 (zigzag 2), then the union's branch 1; the last level's branch 0 (null)
		b := make([]byte, 0, 2*levels)
		for i := 0; i < levels; i++ {
			b = append(b, 2, 2)
		}
		return append(b[:len(b)-1], 0)
	}
	if _, _, err := Decode(c, nested(10_000_000)); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("ten million levels: %v, want refused as too deep", err)
	}
	v, rest, err := Decode(c, nested(100))
	if err != nil || len(rest) != 0 {
		t.Fatalf("a hundred levels: %v (%d bytes left)", err, len(rest))
	}
	depth := 0
	for m, ok := v.(map[string]any); ok; m, ok = m["next"].(map[string]any)["x.N"].(map[string]any) {
		depth++
		if m["next"] == nil {
			break
		}
	}
	if depth != 100 {
		t.Errorf("a hundred levels decoded to %d", depth)
	}
}

// Data goavro itself wrote passes the guard whole, whatever the schema
// holds.
func TestDataGoavroWritesPassesTheGuard(t *testing.T) {
	schema := `{"type":"record","name":"T","namespace":"a.b","fields":[
		{"name":"tags","type":{"type":"array","items":"string"}},
		{"name":"attrs","type":{"type":"map","values":["null","double",{"type":"array","items":"null"}]}},
		{"name":"id","type":{"type":"fixed","name":"Id","size":4}},
		{"name":"other","type":"Id"},
		{"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B"]}},
		{"name":"flag","type":"boolean"},
		{"name":"f","type":"float"},
		{"name":"blob","type":"bytes"},
		{"name":"empty","type":{"type":"array","items":"int"}},
		{"name":"child","type":["null","T"]}]}`
	c := codec(t, schema)
	leaf := map[string]any{"tags": []any{"x", "yy"}, "attrs": map[string]any{"n": nil, "d": goavro.Union("double", 1.5), "z": goavro.Union("array", []any{nil, nil, nil})},
		"id": []byte("abcd"), "other": []byte("efgh"), "kind": "B", "flag": true, "f": float32(2.5), "blob": []byte{1, 2, 3}, "empty": []any{}, "child": nil}
	top := map[string]any{}
	for k, v := range leaf {
		top[k] = v
	}
	top["child"] = goavro.Union("a.b.T", leaf)
	b, err := c.BinaryFromNative(nil, top)
	if err != nil {
		t.Fatal(err)
	}
	g, err := For(c.CanonicalSchema())
	if err != nil || g == nil {
		t.Fatalf("guard of a schema with arrays: %v, %v", g, err)
	}
	if err := g.Check(b); err != nil {
		t.Errorf("goavro's own encoding refused: %v", err)
	}
	for cut := 0; cut < len(b); cut++ {
		_ = g.Check(b[:cut]) // a truncated record may be refused or left to goavro, never a panic
	}
}

// The pipeline's flat records need no walk.
func TestAFlatRecordSchemaHasNoGuard(t *testing.T) {
	g, err := For(`{"type":"record","name":"turnstile","namespace":"com.udacity","fields":[{"name":"station_id","type":"int"},{"name":"station_name","type":"string"},{"name":"line","type":{"type":"enum","name":"line","symbols":["blue","red","green"]}},{"name":"at","type":["null","long"]}]}`)
	if err != nil || g != nil {
		t.Errorf("flat record: guard %v, %v; want none", g, err)
	}
}

func FuzzCheckNeverPanics(f *testing.F) {
	schema := `{"type":"record","name":"T","fields":[{"name":"m","type":{"type":"map","values":{"type":"array","items":["null","T"]}}},{"name":"s","type":"string"}]}`
	g, err := For(schema)
	if err != nil {
		f.Fatal(err)
	}
	c := codec(f, schema)
	f.Add([]byte{0, 0})
	f.Add([]byte{2, 2, 'k', 2, 2, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if g.Check(b) == nil {
			_, _, _ = c.NativeFromBinary(b)
		}
	})
}

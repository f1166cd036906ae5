package formats

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The direct Avro writer of flat records writes the bytes goavro writes
// for the same record under the schema this package registers for it:
// 2,000 random records of every primitive type, nulls and edge values
// included.
func TestFlatAvroRecordsAreWrittenAsGoavroWritesThem(t *testing.T) {
	cols := []types.Column{{Name: "B", Type: types.Boolean}, {Name: "I", Type: types.Integer},
		{Name: "L", Type: types.Bigint}, {Name: "D", Type: types.Double}, {Name: "S", Type: types.String}}
	s := NewSerde(Avro, cols, false, "t", nil)
	codec, err := goavro.NewCodec(s.avroSchemaFor())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	ints := []int64{0, 1, -1, 63, 64, -64, -65, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64}
	doubles := []float64{0, math.Copysign(0, -1), 1.5, -2.25e300, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1)}
	strs := []string{"", "a", "Clark/Lake", "Ñandú 🚆", strings.Repeat("x", 200)}
	for n := range 2000 {
		vals := make([]any, len(cols))
		native := map[string]any{}
		for i, c := range cols {
			if r.IntN(4) == 0 {
				native[c.Name] = nil
				continue
			}
			var v any
			switch c.Type {
			case types.Boolean:
				v = r.IntN(2) == 0
				native[c.Name] = goavro.Union("boolean", v)
			case types.Integer:
				v = int32(ints[r.IntN(len(ints))])
				if r.IntN(2) == 0 {
					v = r.Int32() - math.MaxInt32/2
				}
				native[c.Name] = goavro.Union("int", v)
			case types.Bigint:
				v = ints[r.IntN(len(ints))]
				if r.IntN(2) == 0 {
					v = r.Int64() - math.MaxInt64/2
				}
				native[c.Name] = goavro.Union("long", v)
			case types.Double:
				v = doubles[r.IntN(len(doubles))]
				if r.IntN(2) == 0 {
					v = r.NormFloat64() * 1e6
				}
				native[c.Name] = goavro.Union("double", v)
			case types.String:
				v = strs[r.IntN(len(strs))]
				native[c.Name] = goavro.Union("string", v)
			}
			vals[i] = v
		}
		want, err := codec.BinaryFromNative(nil, native)
		if err != nil {
			t.Fatalf("goavro: %v", err)
		}
		got, ok := appendAvroFlat(nil, cols, vals)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("record %d %v: wrote % x (ok %v), goavro % x", n, vals, got, ok, want)
		}
		// and the direct reader reads goavro's bytes back as the values
		if !flatReadable(codec.Schema(), cols) {
			t.Fatalf("the schema written for flat records is not read directly: %s", codec.Schema())
		}
		read, err := readAvroFlat(want, cols, make([]any, len(cols)))
		if err != nil || !reflect.DeepEqual(read, vals) {
			t.Fatalf("record %d: read % x as %v (%v), want %v", n, want, read, err, vals)
		}
		if _, err := readAvroFlat(want[:len(want)-1], cols, make([]any, len(cols))); err == nil {
			t.Fatalf("record %d: a truncated record was read", n)
		}
	}
}

// Only the schema the flat writer registers, field for field, is read
// directly; other writers' schemas go through goavro's schema resolution.
func TestFlatAvroReadsOnlyTheFlatWritersShape(t *testing.T) {
	cols := []types.Column{{Name: "I", Type: types.Integer}, {Name: "S", Type: types.String}}
	for _, schema := range []string{
		`{"type":"record","name":"r","fields":[{"name":"S","type":["null","string"]},{"name":"I","type":["null","int"]}]}`,
		`{"type":"record","name":"r","fields":[{"name":"I","type":"int"},{"name":"S","type":["null","string"]}]}`,
		`{"type":"record","name":"r","fields":[{"name":"I","type":["null",{"type":"int","logicalType":"date"}]},{"name":"S","type":["null","string"]}]}`,
		`{"type":"record","name":"r","fields":[{"name":"I","type":["null","long"]},{"name":"S","type":["null","string"]}]}`,
		`{"type":"record","name":"r","fields":[{"name":"i","type":["null","int"]},{"name":"S","type":["null","string"]}]}`,
		`{"type":"record","name":"r","fields":[{"name":"I","type":["null","int"]},{"name":"S","type":["null","string"]},{"name":"X","type":["null","int"]}]}`,
		`{"type":"record","name":"r","fields":[{"name":"I","type":["int","null"]},{"name":"S","type":["null","string"]}]}`,
	} {
		if flatReadable(schema, cols) {
			t.Errorf("read directly: %s", schema)
		}
	}
	if !flatReadable(`{"type":"record","name":"r","fields":[{"name":"I","type":["null","int"],"default":null},{"name":"S","type":["null","string"],"default":null}]}`, cols) {
		t.Error("the flat shape is not read directly")
	}
}

// A value of a Go type the direct writer does not know is left to goavro.
func TestFlatAvroLeavesOtherValuesToGoavro(t *testing.T) {
	cols := []types.Column{{Name: "I", Type: types.Integer}}
	if _, ok := appendAvroFlat(nil, cols, []any{int64(1)}); ok {
		t.Error("an int64 in an INT column was written directly")
	}
	if avroFlat([]types.Column{{Name: "T", Type: types.Timestamp}}) {
		t.Error("a TIMESTAMP column counts as flat")
	}
}

package formats

import (
	"encoding/binary"
	"math"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// avroFlat reports columns that appendAvroFlat writes: every one BOOLEAN,
// INT, BIGINT, DOUBLE or STRING, each an optional field of the record.
func avroFlat(cols []types.Column) bool {
	for _, c := range cols {
		switch c.Type {
		case types.Boolean, types.Integer, types.Bigint, types.Double, types.String:
		default:
			return false
		}
	}
	return len(cols) > 0
}

// appendAvroFlat appends vals as the Avro binary encoding of a record of
// optional primitive fields, each ["null", type] as avroWriterSchema
// writes it: the union's branch as a zig-zag varint (0 for null, 1 for the
// type), then the value, a zig-zag varint for int and long, one byte for a
// boolean, eight little-endian bytes for a double and a length-prefixed
// UTF-8 string ("Binary Encoding" in the Avro 1.11 specification). ok is
// false for a value of a Go type other than its column's, which the caller
// then writes the general way.
func appendAvroFlat(b []byte, cols []types.Column, vals []any) (_ []byte, ok bool) {
	for i := range cols {
		v := vals[i]
		if v == nil {
			b = append(b, 0)
			continue
		}
		b = append(b, 2) // branch 1, zig-zag encoded
		switch x := v.(type) {
		case bool:
			if cols[i].Type != types.Boolean {
				return b, false
			}
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case int32:
			if cols[i].Type != types.Integer {
				return b, false
			}
			b = binary.AppendVarint(b, int64(x))
		case int64:
			if cols[i].Type != types.Bigint {
				return b, false
			}
			b = binary.AppendVarint(b, x)
		case float64:
			if cols[i].Type != types.Double {
				return b, false
			}
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		case string:
			if cols[i].Type != types.String {
				return b, false
			}
			b = binary.AppendVarint(b, int64(len(x)))
			b = append(b, x...)
		default:
			return b, false
		}
	}
	return b, true
}

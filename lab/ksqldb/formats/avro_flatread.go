package formats

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// flatReadable reports whether a writer's schema (its JSON text) is the
// flat record readAvroFlat reads into cols: a record whose i-th field is
// named as the i-th column and typed ["null", <the column's primitive>],
// the shape appendAvroFlat writes (avroWriterSchema). Anything else
// (other names or order, other unions, logical types, defaults that
// schema resolution would fill) goes the general way.
func flatReadable(schema string, cols []types.Column) bool {
	if !avroFlat(cols) {
		return false
	}
	var rec struct {
		Type   any
		Fields []struct {
			Name string
			Type any
		}
	}
	if err := json.Unmarshal([]byte(schema), &rec); err != nil || rec.Type != "record" || len(rec.Fields) != len(cols) {
		return false
	}
	for i, f := range rec.Fields {
		u, ok := f.Type.([]any)
		if f.Name != cols[i].Name || !ok || len(u) != 2 || u[0] != "null" || u[1] != avroPrimitive[cols[i].Type] {
			return false
		}
	}
	return true
}

var errAvroShort = errors.New("decode avro: input too short")

// readAvroFlat decodes the Avro binary encoding of a flat record into one
// value per column of cols (the inverse of appendAvroFlat, "Binary
// Encoding" in the Avro 1.11 specification), as goavro and avroValue
// would decode it under a schema flatReadable accepts.
func readAvroFlat(b []byte, cols []types.Column, out []any) ([]any, error) {
	for i, c := range cols {
		branch, n := binary.Varint(b)
		if n <= 0 {
			return nil, errAvroShort
		}
		b = b[n:]
		switch branch {
		case 0:
			out[i] = nil
			continue
		case 1:
		default:
			return nil, fmt.Errorf("decode avro: field %s: union branch %d out of range", c.Name, branch)
		}
		switch c.Type {
		case types.Boolean:
			if len(b) < 1 {
				return nil, errAvroShort
			}
			switch b[0] {
			case 0:
				out[i] = false
			case 1:
				out[i] = true
			default:
				return nil, fmt.Errorf("decode avro: field %s: boolean byte %d", c.Name, b[0])
			}
			b = b[1:]
		case types.Integer, types.Bigint:
			v, n := binary.Varint(b)
			if n <= 0 {
				return nil, errAvroShort
			}
			b = b[n:]
			if c.Type == types.Bigint {
				out[i] = v
				continue
			}
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, fmt.Errorf("decode avro: field %s: int %d out of range", c.Name, v)
			}
			out[i] = int32(v)
		case types.Double:
			if len(b) < 8 {
				return nil, errAvroShort
			}
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b))
			b = b[8:]
		case types.String:
			l, n := binary.Varint(b)
			if n <= 0 || l < 0 || l > int64(len(b)-n) {
				return nil, errAvroShort
			}
			out[i] = string(b[n : n+int(l)])
			b = b[n+int(l):]
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("decode avro: %d trailing bytes", len(b))
	}
	return out, nil
}

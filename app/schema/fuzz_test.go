package schema

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
)

// FuzzWireDecode feeds arbitrary payloads to SplitWire and DecodeBody with
// each of the pipeline's six schemas. Neither may panic; SplitWire refuses
// only with ErrNotWireFormat. A body in Avro's canonical binary encoding
// (every varint minimal) decodes, and re-encodes to exactly the payload.
// Avro decoders also accept non-minimal varints (the same value in more
// bytes) and varints wider than their type (the excess bits are dropped):
// such a body re-encodes to canonical bytes that are no longer, and that
// are a fixed point of decoding and encoding.
func FuzzWireDecode(f *testing.F) {
	for _, s := range All() {
		b, err := AppendEncoded(nil, 7, s.codec, sampleValues[s.Name])
		if err != nil {
			f.Fatalf("encode a sample %s: %v", s.Name, err)
		}
		f.Add(b)
	}
	trees := map[*Schema]any{}
	for _, s := range All() {
		var tree any
		if err := json.Unmarshal([]byte(s.Text), &tree); err != nil {
			f.Fatalf("parse schema %s: %v", s.Name, err)
		}
		trees[s] = tree
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		id, body, err := SplitWire(payload)
		if err != nil {
			if !errors.Is(err, ErrNotWireFormat) {
				t.Fatalf("SplitWire(% x): %v, want ErrNotWireFormat", payload, err)
			}
			return
		}
		for _, s := range All() {
			canonical, err := isCanonical(trees[s], body)
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			native, err := DecodeBody(s.codec, body)
			if err != nil {
				if canonical {
					t.Fatalf("%s: canonical body % x refused: %v", s.Name, body, err)
				}
				continue
			}
			again, err := AppendEncoded(nil, id, s.codec, native)
			if err != nil {
				t.Fatalf("%s: re-encode %v: %v", s.Name, native, err)
			}
			if canonical {
				if !bytes.Equal(again, payload) {
					t.Fatalf("%s: % x decodes to %v, which re-encodes to % x", s.Name, payload, native, again)
				}
				continue
			}
			if ok, err := isCanonical(trees[s], again[headerSize:]); err != nil || !ok || len(again) > len(payload) {
				t.Fatalf("%s: non-canonical % x re-encodes to % x, not to canonical bytes as short (%v)", s.Name, payload, again, err)
			}
			native2, err := DecodeBody(s.codec, again[headerSize:])
			if err != nil {
				t.Fatalf("%s: re-encoding % x does not decode: %v", s.Name, again, err)
			}
			if third, err := AppendEncoded(nil, id, s.codec, native2); err != nil || !bytes.Equal(third, again) {
				t.Fatalf("%s: % x is not a fixed point: % x (%v)", s.Name, again, third, err)
			}
		}
	})
}

// sampleValues are one native value per schema, as the producers send.
var sampleValues = map[string]any{
	"arrival_key": map[string]any{"timestamp": int64(1764028800000)},
	"arrival_value": map[string]any{
		"station_id": int32(40380), "train_id": "BL003", "direction": "a", "line": "blue", "train_status": "in_service",
		"prev_station_id": map[string]any{"int": int32(40370)}, "prev_direction": map[string]any{"string": "a"},
	},
	"turnstile_key":   map[string]any{"timestamp": int64(1764028800000)},
	"turnstile_value": map[string]any{"station_id": int32(40380), "station_name": "Clark/Lake", "line": "green"},
	"weather_key":     map[string]any{"timestamp": int64(1764028800000)},
	"weather_value":   map[string]any{"temperature": float32(-3.5), "status": "precipitation"},
}

// isCanonical reports whether body is exactly one value of schema in Avro's
// canonical binary encoding: minimal varints, in-range ints and indexes,
// nothing left over. It reads the schema's JSON tree and supports the types
// the pipeline's schemas use; others are an error.
func isCanonical(schema any, body []byte) (bool, error) {
	n, ok, err := canonicalPrefix(schema, body)
	return ok && n == len(body), err
}

// canonicalPrefix returns how many bytes at the start of b are one
// canonical value of schema.
func canonicalPrefix(schema any, b []byte) (int, bool, error) {
	switch s := schema.(type) {
	case string:
		return primitivePrefix(s, b)
	case []any: // union: a long branch index, then the branch
		idx, n, ok := minimalVarint(b, 64)
		if !ok || idx < 0 || idx >= int64(len(s)) {
			return 0, false, nil
		}
		m, ok, err := canonicalPrefix(s[idx], b[n:])
		return n + m, ok, err
	case map[string]any:
		switch s["type"] {
		case "record":
			fields, _ := s["fields"].([]any)
			n := 0
			for _, fl := range fields {
				m, ok, err := canonicalPrefix(fl.(map[string]any)["type"], b[n:])
				if !ok || err != nil {
					return 0, false, err
				}
				n += m
			}
			return n, true, nil
		case "enum":
			symbols, _ := s["symbols"].([]any)
			idx, n, ok := minimalVarint(b, 32)
			return n, ok && idx >= 0 && idx < int64(len(symbols)), nil
		case "fixed", "array", "map":
			return 0, false, fmt.Errorf("schema type %v is not supported by the canonical-form check", s["type"])
		default:
			if t, ok := s["type"].(string); ok {
				return primitivePrefix(t, b)
			}
		}
	}
	return 0, false, fmt.Errorf("schema %v is not supported by the canonical-form check", schema)
}

func primitivePrefix(t string, b []byte) (int, bool, error) {
	switch t {
	case "null":
		return 0, true, nil
	case "boolean":
		return 1, len(b) >= 1 && b[0] <= 1, nil
	case "int":
		_, n, ok := minimalVarint(b, 32)
		return n, ok, nil
	case "long":
		_, n, ok := minimalVarint(b, 64)
		return n, ok, nil
	case "float":
		return 4, len(b) >= 4, nil
	case "double":
		return 8, len(b) >= 8, nil
	case "string", "bytes":
		size, n, ok := minimalVarint(b, 64)
		if !ok || size < 0 || size > int64(len(b)-n) {
			return 0, false, nil
		}
		return n + int(size), true, nil
	}
	return 0, false, fmt.Errorf("schema type %q is not supported by the canonical-form check", t)
}

// minimalVarint reads a zig-zag varint of the given width (32 or 64 bits)
// and reports whether it is complete, minimal (no trailing zero groups)
// and within the width.
func minimalVarint(b []byte, bits int) (int64, int, bool) {
	u, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, false
	}
	if n > 1 && b[n-1] == 0 {
		return 0, 0, false
	}
	if bits == 32 && u > math.MaxUint32 {
		return 0, 0, false
	}
	return int64(u>>1) ^ -int64(u&1), n, true
}

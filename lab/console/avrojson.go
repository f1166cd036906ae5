package console

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/javanum"
)

// avroType is one node of a parsed Avro schema, enough to read Avro's
// binary encoding and write Avro's JSON encoding
// (https://avro.apache.org/docs/1.11.1/specification/#json-encoding), as
// Avro's JsonEncoder writes it for kafka-avro-console-consumer
// (schema-registry AvroMessageFormatter -> AvroSchemaUtils.toJson, which
// uses a compact, not pretty, encoder).
type avroType struct {
	kind     string // null boolean int long float double bytes string record enum array map union fixed
	name     string // full name of a named type; the primitive name otherwise
	fields   []avroField
	symbols  []string
	items    *avroType // array items, map values
	branches []*avroType
	size     int // fixed
}

type avroField struct {
	name string
	t    *avroType
}

var errAvroData = errors.New("malformed Avro data")

// parseText parses a schema text with the named types p already knows.
func (p *avroParser) parseText(text string) (*avroType, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("parse Avro schema: %w", err)
	}
	return p.parse(v, "")
}

type avroParser struct{ named map[string]*avroType }

var avroPrimitives = map[string]bool{"null": true, "boolean": true, "int": true, "long": true, "float": true, "double": true, "bytes": true, "string": true}

func fullName(name, ns string) string {
	if strings.Contains(name, ".") || ns == "" {
		return name
	}
	return ns + "." + name
}

func (p *avroParser) parse(v any, ns string) (*avroType, error) {
	switch s := v.(type) {
	case string:
		if avroPrimitives[s] {
			return &avroType{kind: s, name: s}, nil
		}
		if t, ok := p.named[fullName(s, ns)]; ok {
			return t, nil
		}
		if t, ok := p.named[s]; ok {
			return t, nil
		}
		return nil, fmt.Errorf("parse Avro schema: unknown type %q", s)
	case []any:
		u := &avroType{kind: "union", name: "union"}
		for _, b := range s {
			t, err := p.parse(b, ns)
			if err != nil {
				return nil, err
			}
			u.branches = append(u.branches, t)
		}
		return u, nil
	case map[string]any:
		kind, _ := s["type"].(string)
		switch kind {
		case "record", "error", "enum", "fixed":
			name, _ := s["name"].(string)
			if name == "" {
				return nil, fmt.Errorf("parse Avro schema: %s without a name", kind)
			}
			if nsv, ok := s["namespace"].(string); ok && !strings.Contains(name, ".") {
				ns = nsv
			}
			full := fullName(name, ns)
			if i := strings.LastIndex(full, "."); i >= 0 {
				ns = full[:i]
			} else {
				ns = ""
			}
			t := &avroType{kind: kind, name: full}
			if kind == "error" {
				t.kind = "record"
			}
			p.named[full] = t
			switch kind {
			case "enum":
				syms, _ := s["symbols"].([]any)
				for _, sym := range syms {
					str, _ := sym.(string)
					t.symbols = append(t.symbols, str)
				}
			case "fixed":
				n, _ := s["size"].(json.Number)
				size, err := n.Int64()
				if err != nil || size < 0 {
					return nil, fmt.Errorf("parse Avro schema: fixed %s: bad size", full)
				}
				t.size = int(size)
			default:
				fields, _ := s["fields"].([]any)
				for _, f := range fields {
					fm, _ := f.(map[string]any)
					fname, _ := fm["name"].(string)
					ft, err := p.parse(fm["type"], ns)
					if err != nil {
						return nil, err
					}
					t.fields = append(t.fields, avroField{name: fname, t: ft})
				}
			}
			return t, nil
		case "array", "map":
			key := "items"
			if kind == "map" {
				key = "values"
			}
			it, err := p.parse(s[key], ns)
			if err != nil {
				return nil, err
			}
			return &avroType{kind: kind, name: kind, items: it}, nil
		default:
			// A primitive with attributes (logical types among them): the
			// JSON encoding is the underlying type's.
			if avroPrimitives[kind] {
				return &avroType{kind: kind, name: kind}, nil
			}
			if m, ok := s["type"].(map[string]any); ok {
				return p.parse(m, ns)
			}
			if kind != "" {
				return p.parse(kind, ns)
			}
		}
	}
	return nil, fmt.Errorf("parse Avro schema: unexpected %v", v)
}

// avroReader reads Avro binary data.
type avroReader struct {
	b []byte
	// items bounds the array and map items of one datum, since an item of
	// a zero-size type (null, an empty record) takes no bytes at all.
	items int
}

func (r *avroReader) long() (int64, error) {
	u, n := binary.Uvarint(r.b)
	if n <= 0 {
		return 0, errAvroData
	}
	r.b = r.b[n:]
	return int64(u>>1) ^ -int64(u&1), nil
}

func (r *avroReader) take(n int64) ([]byte, error) {
	if n < 0 || n > int64(len(r.b)) {
		return nil, errAvroData
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out, nil
}

// avroToJSON decodes one datum of type t from data and returns its Avro
// JSON encoding. Bytes left over after the datum are an error.
func avroToJSON(t *avroType, data []byte) ([]byte, error) {
	r := &avroReader{b: data, items: len(data) + 1<<16}
	var out bytes.Buffer
	if err := writeAvroJSON(&out, t, r, 0); err != nil {
		return nil, err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the datum", errAvroData, len(r.b))
	}
	return out.Bytes(), nil
}

const maxAvroDepth = 200

func writeAvroJSON(w *bytes.Buffer, t *avroType, r *avroReader, depth int) error {
	if depth > maxAvroDepth {
		return fmt.Errorf("%w: nested deeper than %d", errAvroData, maxAvroDepth)
	}
	switch t.kind {
	case "null":
		w.WriteString("null")
	case "boolean":
		b, err := r.take(1)
		if err != nil {
			return err
		}
		if b[0] > 1 {
			return errAvroData
		}
		w.WriteString(strconv.FormatBool(b[0] == 1))
	case "int", "long":
		v, err := r.long()
		if err != nil {
			return err
		}
		if t.kind == "int" && (v < math.MinInt32 || v > math.MaxInt32) {
			return errAvroData
		}
		w.WriteString(strconv.FormatInt(v, 10))
	case "float":
		b, err := r.take(4)
		if err != nil {
			return err
		}
		f := math.Float32frombits(binary.LittleEndian.Uint32(b))
		writeJavaNumber(w, float64(f), javanum.FormatFloat(f))
	case "double":
		b, err := r.take(8)
		if err != nil {
			return err
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b))
		writeJavaNumber(w, f, javanum.FormatDouble(f))
	case "bytes", "string":
		n, err := r.long()
		if err != nil {
			return err
		}
		b, err := r.take(n)
		if err != nil {
			return err
		}
		if t.kind == "string" {
			writeJSONString(w, string(b))
		} else {
			writeLatin1(w, b)
		}
	case "fixed":
		b, err := r.take(int64(t.size))
		if err != nil {
			return err
		}
		writeLatin1(w, b)
	case "enum":
		i, err := r.long()
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(t.symbols)) {
			return fmt.Errorf("%w: enum %s index %d", errAvroData, t.name, i)
		}
		writeJSONString(w, t.symbols[i])
	case "record":
		w.WriteByte('{')
		for i, f := range t.fields {
			if i > 0 {
				w.WriteByte(',')
			}
			writeJSONString(w, f.name)
			w.WriteByte(':')
			if err := writeAvroJSON(w, f.t, r, depth+1); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	case "array", "map":
		open, close := byte('['), byte(']')
		if t.kind == "map" {
			open, close = '{', '}'
		}
		w.WriteByte(open)
		first := true
		for {
			n, err := r.long()
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
			if n < 0 {
				if n == math.MinInt64 {
					return errAvroData
				}
				n = -n
				if _, err := r.long(); err != nil { // the block's size in bytes
					return err
				}
			}
			if r.items -= int(min(n, int64(r.items)+1)); r.items < 0 {
				return fmt.Errorf("%w: more array or map items than the data can hold", errAvroData)
			}
			for range n {
				if !first {
					w.WriteByte(',')
				}
				first = false
				if t.kind == "map" {
					kl, err := r.long()
					if err != nil {
						return err
					}
					k, err := r.take(kl)
					if err != nil {
						return err
					}
					writeJSONString(w, string(k))
					w.WriteByte(':')
				}
				if err := writeAvroJSON(w, t.items, r, depth+1); err != nil {
					return err
				}
			}
		}
		w.WriteByte(close)
	case "union":
		i, err := r.long()
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(t.branches)) {
			return fmt.Errorf("%w: union branch %d of %d", errAvroData, i, len(t.branches))
		}
		b := t.branches[i]
		if b.kind == "null" {
			w.WriteString("null")
			return nil
		}
		w.WriteByte('{')
		writeJSONString(w, b.name)
		w.WriteByte(':')
		if err := writeAvroJSON(w, b, r, depth+1); err != nil {
			return err
		}
		w.WriteByte('}')
	default:
		return fmt.Errorf("avro type %q not supported", t.kind)
	}
	return nil
}

// writeJavaNumber writes a float as Jackson does: Java's toString for
// finite values, and NaN and the infinities quoted (Jackson's
// QUOTE_NON_NUMERIC_NUMBERS, on by default).
func writeJavaNumber(w *bytes.Buffer, f float64, java string) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.WriteString(`"` + java + `"`)
		return
	}
	w.WriteString(java)
}

// writeLatin1 writes bytes as Avro's JSON encoding does: a string whose
// code points 0-255 are the bytes.
func writeLatin1(w *bytes.Buffer, b []byte) {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	writeJSONString(w, string(rs))
}

// writeJSONString writes s as a JSON string the way Jackson escapes it:
// quote, backslash and control characters, short forms where JSON has them.
func writeJSONString(w *bytes.Buffer, s string) {
	w.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			w.WriteString(`\"`)
		case r == '\\':
			w.WriteString(`\\`)
		case r == '\n':
			w.WriteString(`\n`)
		case r == '\r':
			w.WriteString(`\r`)
		case r == '\t':
			w.WriteString(`\t`)
		case r == '\b':
			w.WriteString(`\b`)
		case r == '\f':
			w.WriteString(`\f`)
		case r < 0x20:
			fmt.Fprintf(w, `\u%04X`, r)
		default:
			w.WriteRune(r)
		}
	}
	w.WriteByte('"')
}

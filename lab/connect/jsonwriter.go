package connect

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// jsonString appends s as a JSON string the way Jackson writes it: quotes,
// backslashes and control characters escaped, everything else verbatim UTF-8.
func jsonString(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\uFFFD`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// javaDouble formats f as Jackson writes a Java float or double: the
// digits of Double.toString (Float.toString when bits is 32), with NaN and
// the infinities quoted.
func javaDouble(f float64, bits int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return `"` + data.FormatJavaDouble(f, bits) + `"`
	}
	return data.FormatJavaDouble(f, bits)
}

// compactJSON writes v (maps, slices, strings, numbers, bools, nil) with
// object keys in the given order for the top level map, sorted below it.
// It is used for the worker's internal topics, whose values are small
// string-keyed maps.
func compactJSON(v any) []byte {
	var b bytes.Buffer
	writeAny(&b, v)
	return b.Bytes()
}

// orderedMap is a JSON object with a fixed key order.
type orderedMap []kv

type kv struct {
	k string
	v any
}

func writeAny(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		jsonString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(javaDouble(x, 64))
	case json.Number:
		b.WriteString(x.String())
	case orderedMap:
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, e.k)
			b.WriteByte(':')
			writeAny(b, e.v)
		}
		b.WriteByte('}')
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, k)
			b.WriteByte(':')
			jsonString(b, x[k])
		}
		b.WriteByte('}')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, k)
			b.WriteByte(':')
			writeAny(b, x[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeAny(b, e)
		}
		b.WriteByte(']')
	default:
		raw, err := json.Marshal(x)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(raw)
	}
}

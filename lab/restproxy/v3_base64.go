package restproxy

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// jacksonBytes binds a byte[] (PrimitiveArrayDeserializers.ByteDeser): a
// base64 string in Jackson's default variant, or an array of numbers.
func jacksonBytes(raw json.RawMessage) ([]byte, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "String":
		b, e := jacksonBase64(string(raw[1 : len(raw)-1]))
		if b == nil && e == nil {
			b = []byte{}
		}
		return b, e
	case "Array":
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, jacksonError("%s", jsonErrorText(err))
		}
		out := make([]byte, 0, len(elems))
		for _, el := range elems {
			b, e := jacksonByte(el)
			if e != nil {
				return nil, e
			}
			out = append(out, b)
		}
		return out, nil
	}
	return nil, mismatched("[B", raw)
}

// jacksonByte is one element of a byte[] given as numbers: -128 to 255,
// floats truncated, null 0.
func jacksonByte(raw json.RawMessage) (byte, *apiError) {
	text := string(raw)
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return 0, nil
	case "String":
		_ = json.Unmarshal(raw, &text)
		if _, err := strconv.ParseInt(javaTrim(text), 10, 32); err != nil {
			return 0, weirdString("byte[]", text, "not a valid `byte` value")
		}
		text = javaTrim(text)
	case "Integer", "Floating-point":
	default:
		return 0, mismatched("byte", raw)
	}
	f, _ := strconv.ParseFloat(text, 64)
	n := math.Trunc(f)
	if n < -128 || n > 255 {
		return 0, jacksonError("Numeric value (%s) out of range of Java byte", text)
	}
	return byte(int(n)), nil
}

// base64 decoding as jackson-core's UTF8StreamJsonParser._decodeBase64
// does for Base64Variants.MIME_NO_LINEFEEDS (padding required, white space
// only between 4-character units), on the string as written in the JSON.
const (
	b64Prefix  = "Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): "
	b64Padding = "Unexpected end of base64-encoded String: base64 variant 'MIME-NO-LINEFEEDS' expects padding (one or more '=' characters) at the end. This Base64Variant might have been incorrectly configured"
	b64Chars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func b64Value(ch int) int {
	if ch == '=' {
		return -2
	}
	if ch < 0 || ch > 127 {
		return -1
	}
	return strings.IndexByte(b64Chars, byte(ch))
}

// jsonStringReader yields the characters of a JSON string's body, escapes
// decoded, as the parser meets them.
type jsonStringReader struct {
	s string
	i int
}

func (r *jsonStringReader) next() (ch int, escaped, end bool) {
	if r.i >= len(r.s) {
		return 0, false, true
	}
	c := r.s[r.i]
	if c != '\\' || r.i+1 >= len(r.s) {
		r.i++
		return int(c), false, false
	}
	esc := r.s[r.i+1]
	r.i += 2
	switch esc {
	case 'b':
		return '\b', true, false
	case 'f':
		return '\f', true, false
	case 'n':
		return '\n', true, false
	case 'r':
		return '\r', true, false
	case 't':
		return '\t', true, false
	case 'u':
		if r.i+4 <= len(r.s) {
			v, err := strconv.ParseUint(r.s[r.i:r.i+4], 16, 16)
			if err == nil {
				r.i += 4
				return int(v), true, false
			}
		}
	}
	return int(esc), true, false
}

// rest is the string's remaining text, which Jackson's message quotes.
func (r *jsonStringReader) rest() string {
	var s string
	_ = json.Unmarshal([]byte(`"`+r.s[r.i:]+`"`), &s)
	return s
}

func jacksonBase64(body string) ([]byte, *apiError) {
	r := &jsonStringReader{s: body}
	var out []byte
	illegal := func(ch, index int, extra string) *apiError {
		var msg string
		switch {
		case ch <= ' ':
			msg = fmt.Sprintf("Illegal white space character (code 0x%x) as character #%d of 4-char base64 unit: can only used between units", ch, index+1)
		case ch == '=':
			msg = fmt.Sprintf("Unexpected padding character ('=') as character #%d of 4-char base64 unit: padding only legal as 3rd or 4th character", index+1)
		case ch >= 0x7f && ch <= 0x9f:
			msg = fmt.Sprintf("Illegal character (code 0x%x) in base64 content", ch)
		default:
			msg = fmt.Sprintf("Illegal character '%c' (code 0x%x) in base64 content", rune(ch), ch)
		}
		if extra != "" {
			msg += ": " + extra
		}
		return weirdString("byte[]", r.rest(), b64Prefix+msg)
	}
	noPadding := func() *apiError { return weirdString("byte[]", "", b64Padding) }
	// unit reads the character at index of a unit: its bits, -2 for
	// padding, or an error.
	unit := func(index int) (bits int, end bool, e *apiError) {
		ch, _, end := r.next()
		if end {
			return 0, true, nil
		}
		bits = b64Value(ch)
		if bits == -1 || (bits == -2 && index < 2) {
			return 0, false, illegal(ch, index, "")
		}
		return bits, false, nil
	}
	for {
		// first character: white space between units is skipped
		var bits int
		for {
			ch, escaped, end := r.next()
			if end {
				return out, nil
			}
			if ch <= ' ' {
				continue
			}
			bits = b64Value(ch)
			if bits < 0 {
				if escaped && bits == -2 {
					continue
				}
				return nil, illegal(ch, 0, "")
			}
			break
		}
		data := bits
		b, end, e := unit(1)
		if e != nil {
			return nil, e
		}
		if end {
			return nil, illegal('"', 1, "")
		}
		data = data<<6 | b
		b, end, e = unit(2)
		switch {
		case e != nil:
			return nil, e
		case end:
			return nil, noPadding()
		case b == -2:
			ch, escaped, end := r.next()
			if end {
				return nil, illegal('"', 3, "expected padding character '='")
			}
			if ch != '=' {
				if !escaped || b64Value(ch) == -1 {
					return nil, illegal(ch, 3, "")
				}
				return nil, illegal('\\', 3, "expected padding character '='")
			}
			out = append(out, byte(data>>4))
			continue
		}
		data = data<<6 | b
		b, end, e = unit(3)
		switch {
		case e != nil:
			return nil, e
		case end:
			return nil, noPadding()
		case b == -2:
			data >>= 2
			out = append(out, byte(data>>8), byte(data))
			continue
		}
		data = data<<6 | b
		out = append(out, byte(data>>16), byte(data>>8), byte(data))
	}
}

package functions

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Encodings and digests: ENCODE, MD5 and UUID (ksqldb-engine/.../udf/string/
// {Encode,MD5,Uuid}.java) and the conversions INT_FROM_BYTES,
// BIGINT_FROM_BYTES and DOUBLE_FROM_BYTES (udf/conversions/).

// encodeDecoders turn ENCODE's input text into bytes, by encoding, or
// give the message of what they throw.
var encodeDecoders = map[string]func(string) ([]byte, string){
	"hex":   func(s string) ([]byte, string) { return decodeHex(hexStrip(s)) },
	"utf8":  func(s string) ([]byte, string) { return []byte(s), "" },
	"ascii": func(s string) ([]byte, string) { return asciiBytes(s), "" },
	"base64": func(s string) ([]byte, string) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, "" // commons-codec's decoder skips what it cannot read; NULL here
		}
		return b, ""
	},
}

// decodeHex is commons-codec Hex.decodeHex: pairs of hex digits, the
// length counted in UTF-16 units, and its DecoderException's message.
func decodeHex(s string) ([]byte, string) {
	units := utf16.Encode([]rune(s))
	if len(units)%2 != 0 {
		return nil, "Odd number of characters."
	}
	out := make([]byte, len(units)/2)
	for i := 0; i < len(units); i += 2 {
		h, l := hexDigit(units[i]), hexDigit(units[i+1])
		switch {
		case h < 0:
			return nil, fmt.Sprintf("Illegal hexadecimal character %c at index %d", rune(units[i]), i)
		case l < 0:
			return nil, fmt.Sprintf("Illegal hexadecimal character %c at index %d", rune(units[i+1]), i+1)
		}
		out[i/2] = byte(h<<4 | l)
	}
	return out, ""
}

// encodeEncoders turn bytes into ENCODE's output text, by encoding;
// Hex.encodeHexString writes lower case.
var encodeEncoders = map[string]func([]byte) string{
	"hex":    hex.EncodeToString,
	"utf8":   func(b []byte) string { return strings.ToValidUTF8(string(b), string(utf8.RuneError)) },
	"ascii":  asciiText,
	"base64": base64.StdEncoding.EncodeToString,
}

// hexStrip is Encode.hexStrip: a 0x prefix (odd digits get a leading 0)
// or an X'...' wrapper is removed.
func hexStrip(s string) string {
	switch {
	case strings.HasPrefix(s, "0x"):
		if len(s)%2 != 0 {
			return "0" + s[2:]
		}
		return s[2:]
	case len(s) >= 3 && (s[0] == 'x' || s[0] == 'X') && s[1] == '\'' && s[len(s)-1] == '\'':
		return s[2 : len(s)-1]
	}
	return s
}

// asciiBytes is String.getBytes(US_ASCII): other characters become '?'.
func asciiBytes(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 127 {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return b
}

// asciiText is new String(bytes, US_ASCII): bytes above 127 become U+FFFD.
func asciiText(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		if c > 127 {
			r[i] = utf8.RuneError
		} else {
			r[i] = rune(c)
		}
	}
	return string(r)
}

// encode is Encode.encode: NULL for a NULL argument; an unknown pair of
// encodings (or the same one twice) throws its KsqlFunctionException, as
// does hex input Hex.decodeHex refuses (its message, no cause).
func encode(a []any) (any, []string) {
	if a[0] == nil || a[1] == nil || a[2] == nil {
		return nil, nil
	}
	in, out := strings.ToLower(a[1].(string)), strings.ToLower(a[2].(string))
	dec, okIn := encodeDecoders[in]
	enc, okOut := encodeEncoders[out]
	if !okIn || !okOut || in == out {
		return nil, threw("Supported input and output encodings are: hex, utf8, ascii and base64")
	}
	b, msg := dec(a[0].(string))
	switch {
	case msg != "":
		return nil, threw(msg)
	case b == nil:
		return nil, nil
	}
	return enc(b), nil
}

// fromBytes builds X_FROM_BYTES: BYTES of exactly size bytes read in the
// byte order given (BIG_ENDIAN when omitted, case-insensitive). The order
// is read first, NULL value or not (BytesUtils.byteOrderType's
// KsqlException), then a length other than size throws
// (BytesUtils.checkBytesSize). method is the class and method, javaType
// the boxed result type.
func fromBytes(name, method, javaType string, size int, ret types.Type, read func(binary.ByteOrder, []byte) any) *UDF {
	conv := func(b any, order any) (any, []string) {
		var bo binary.ByteOrder
		switch o, _ := order.(string); {
		case order == nil:
			return nil, threw("Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order 'null'.")
		case strings.EqualFold(o, "BIG_ENDIAN"):
			bo = binary.BigEndian
		case strings.EqualFold(o, "LITTLE_ENDIAN"):
			bo = binary.LittleEndian
		default:
			return nil, threw("Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order '" + o + "'.")
		}
		if b == nil {
			return nil, nil
		}
		if n := len(b.([]byte)); n != size {
			return nil, threw(fmt.Sprintf("Number of bytes must be equal to %d, but found %d", size, n))
		}
		return read(bo, b.([]byte)), nil
	}
	m := "public " + javaType + " io.confluent.ksql.function.udf.conversions." + method + "(java.nio.ByteBuffer"
	return &UDF{name: name, overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Bytes, "value")}, Ret: ret, Method: m + ")",
			Throwing: func(a []any) (any, []string) { return conv(a[0], "BIG_ENDIAN") }}),
		throwing(Overload{Params: []Param{p(types.Bytes, "value"), p(types.String, "byteOrder")}, Ret: ret, Method: m + ",java.lang.String)",
			Throwing: func(a []any) (any, []string) { return conv(a[0], a[1]) }}),
	}}
}

// uuidText is java.util.UUID.toString of the 16 bytes as two longs.
func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// randomUUID is UUID.randomUUID: version 4, IETF variant.
func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuidText(b)
}

func init() {
	register(&UDF{name: "encode", overloads: []Overload{throwing(Overload{Params: []Param{
		p(types.String, "str"), p(types.String, "inputEncoding"), p(types.String, "outputEncoding")}, Ret: types.String, Throwing: encode,
		Method: "public java.lang.String io.confluent.ksql.function.udf.string.Encode.encode(java.lang.String,java.lang.String,java.lang.String)"})}})
	register(&UDF{name: "md5", overloads: []Overload{{Params: []Param{p(types.String, "s")}, Ret: types.String,
		Fn: str1(func(s string) any { return fmt.Sprintf("%x", md5.Sum([]byte(s))) })}}})
	register(&UDF{name: "UUID", overloads: []Overload{
		{Ret: types.String, Fn: func([]any) any { return randomUUID() }},
		{Params: []Param{p(types.Bytes, "bytes")}, Ret: types.String, Fn: func(a []any) any {
			b, ok := a[0].([]byte)
			if !ok || len(b) != 16 {
				return nil
			}
			return uuidText(b)
		}},
	}})
	register(fromBytes("int_from_bytes", "IntFromBytes.intFromBytes", "java.lang.Integer", 4, types.Integer, func(o binary.ByteOrder, b []byte) any { return int32(o.Uint32(b)) }))
	register(fromBytes("bigint_from_bytes", "BigIntFromBytes.bigIntFromBytes", "java.lang.Long", 8, types.Bigint, func(o binary.ByteOrder, b []byte) any { return int64(o.Uint64(b)) }))
	register(fromBytes("double_from_bytes", "DoubleFromBytes.doubleFromBytes", "java.lang.Double", 8, types.Double, func(o binary.ByteOrder, b []byte) any {
		return math.Float64frombits(o.Uint64(b))
	}))
}

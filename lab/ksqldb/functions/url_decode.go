package functions

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// urlDecoderDecode is java.net.URLDecoder.decode(text, UTF-8) (JDK 17), as
// UrlDecodeParam calls it (confluentinc/ksql v7.9.0 ksqldb-engine
// .../udf/url/UrlDecodeParam.java): '+' is a space, a run of %xy escapes
// is bytes decoded as UTF-8 (a malformed byte replaced), each xy read by
// Integer.parseInt(text, i+1, i+3, 16), which takes a sign; the messages
// are those of the IllegalArgumentException it throws.
func urlDecoderDecode(text string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case '+':
			out.WriteByte(' ')
			i++
		case '%':
			var raw []byte
			for i+2 < len(text) && text[i] == '%' {
				v, err := parseHexPair(text[i+1 : i+3])
				if err != nil {
					return "", err
				}
				raw = append(raw, byte(v))
				i += 3
			}
			if i < len(text) && text[i] == '%' {
				return "", errors.New("URLDecoder: Incomplete trailing escape (%) pattern")
			}
			for len(raw) > 0 {
				r, n := utf8.DecodeRune(raw)
				out.WriteRune(r)
				raw = raw[n:]
			}
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), nil
}

// parseHexPair is Integer.parseInt of two characters in radix 16: an
// optional sign, then digits; a negative value URLDecoder refuses itself.
func parseHexPair(s string) (int, error) {
	const illegal = "URLDecoder: Illegal hex characters in escape (%) pattern - "
	neg, start := false, 0
	if s[0] == '-' || s[0] == '+' {
		neg, start = s[0] == '-', 1
	}
	v := 0
	for j := start; j < len(s); j++ {
		d := strings.IndexByte("0123456789abcdef", lowerASCII(s[j]))
		if d < 0 {
			// NumberFormatException.forCharSequence; a multi-byte
			// character is read as UTF-16 here only in its first byte
			return 0, fmt.Errorf("%sError at index %d in: \"%s\"", illegal, j, s)
		}
		v = v*16 + d
	}
	if neg {
		v = -v
	}
	if v < 0 {
		return 0, errors.New(illegal + "negative value")
	}
	return v, nil
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

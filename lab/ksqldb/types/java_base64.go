package types

import "strconv"

// javaBase64 is Base64.getDecoder().decode(text) (JDK 17): the text read
// as ISO-8859-1 bytes (other characters as '?'), padding optional, and
// the IllegalArgumentException it throws.
func javaBase64(text string) ([]byte, Thrown) {
	src := make([]byte, 0, len(text))
	for _, r := range text {
		if r > 0xff {
			r = '?'
		}
		src = append(src, byte(r))
	}
	if len(src) == 1 {
		return nil, Thrown{"Input byte[] should at least have 2 bytes for base64 bytes"}
	}
	out := make([]byte, 0, len(src)/4*3+2)
	bits, shift, sp := 0, 18, 0
	for sp < len(src) {
		c := src[sp]
		sp++
		v := base64Value(c)
		if v == -2 { // '='
			if shift == 6 && (sp == len(src) || src[sp] != '=') || shift == 18 {
				return nil, Thrown{"Input byte array has wrong 4-byte ending unit"}
			}
			if shift == 6 {
				sp++
			}
			break
		}
		if v < 0 {
			return nil, Thrown{"Illegal base64 character " + strconv.FormatInt(int64(int8(c)), 16)}
		}
		bits |= v << shift
		shift -= 6
		if shift < 0 {
			out = append(out, byte(bits>>16), byte(bits>>8), byte(bits))
			bits, shift = 0, 18
		}
	}
	switch shift {
	case 6:
		out = append(out, byte(bits>>16))
	case 0:
		out = append(out, byte(bits>>16), byte(bits>>8))
	case 12:
		return nil, Thrown{"Last unit does not have enough valid bits"}
	}
	if sp < len(src) {
		return nil, Thrown{"Input byte array has incorrect ending byte at " + strconv.Itoa(sp)}
	}
	return out, nil
}

// base64Value is the value of a character of the basic alphabet, -2 for
// '=', -1 for any other.
func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	case c == '=':
		return -2
	}
	return -1
}

// JavaBase64 is Base64.getDecoder().decode(text) (JDK 17), the messages of
// the IllegalArgumentException it throws.
func JavaBase64(text string) ([]byte, Thrown) { return javaBase64(text) }

package javamap

import "unicode/utf16"

// StringHashCode is java.lang.String.hashCode: s[0]*31^(n-1) + ... over
// the UTF-16 code units.
func StringHashCode(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// String is the Hasher of String keys: String.hashCode, and the string
// itself as its identity.
func String(s string) (int32, any) { return StringHashCode(s), s }

// spread is HashMap.hash: the hash code's high half folded into its low.
func spread(h int32) int32 { return h ^ int32(uint32(h)>>16) }

// tableSizeFor is HashMap.tableSizeFor: the power of two at or above c.
func tableSizeFor(c int) int {
	n := 1
	for n < c {
		n <<= 1
	}
	return n
}

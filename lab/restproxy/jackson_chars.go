package restproxy

import (
	"fmt"

	"github.com/ctalab/ctalab/internal/jackson"
)

// How jackson-core 2.16's UTF8StreamJsonParser reads a body's bytes for
// its messages: where a token, comma or colon should start it takes one
// byte, named as the ISO-8859-1 character it would be; a word, a name's
// odd first character and an escaped character it decodes as UTF-8
// (_decodeCharForError), checking only each byte's leading bits, and
// keeps the low 16 bits of what it decodes, as a Java char.

// utf8Needed is how many continuation bytes a UTF-8 first byte c calls
// for, as Jackson tells them apart; false for a byte that cannot start
// a character.
func utf8Needed(c byte) (int, bool) {
	switch {
	case c < 0x80:
		return 0, true
	case c&0xe0 == 0xc0:
		return 1, true
	case c&0xf0 == 0xe0:
		return 2, true
	case c&0xf8 == 0xf0:
		return 3, true
	}
	return 0, false
}

// decodeForError is _decodeCharForError for the character starting at i
// of b (and _finishString's UTF-8 decoding, which refuses alike): the
// character, where reading it ended, and Jackson's refusal ("" for none;
// eof at the end of input).
func decodeForError(b []byte, i int, eof string) (c int, end int, refusal string) {
	needed, ok := utf8Needed(b[i])
	if !ok {
		return 0, i + 1, fmt.Sprintf("Invalid UTF-8 start byte 0x%x", b[i])
	}
	c, end = int(b[i]), i+1
	if needed > 0 {
		c &= 0xff >> (needed + 2)
	}
	for range needed {
		if end >= len(b) {
			return 0, end, eof
		}
		d := b[end]
		end++
		if d&0xc0 != 0x80 {
			return 0, end, fmt.Sprintf("Invalid UTF-8 middle byte 0x%x", d)
		}
		c = c<<6 | int(d&0x3f)
	}
	return c, end, ""
}

// jacksonUTF8 reports whether Jackson decodes b without refusing a byte.
func jacksonUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		_, end, refusal := decodeForError(b, i, "eof")
		if refusal != "" {
			return false
		}
		i = end
	}
	return true
}

// invalidTokenAt is _reportInvalidToken: the word Jackson refuses,
// matched so far, read on from i to the first character that is not a
// Java identifier's, which it reads too, or to the length it reports.
func (s *syntaxScan) invalidTokenAt(matched string, i int) (syntaxRefusal, bool) {
	word := []rune(matched)
	j := i
	for j < len(s.body) {
		c, end, refusal := decodeForError(s.body, j, "Unexpected end-of-input in "+s.curr)
		j = end
		if refusal != "" {
			return s.at(refusal, j)
		}
		r := rune(uint16(c))
		if !jackson.IsJavaIdentifierPart(r) {
			break
		}
		word = append(word, r)
		if len(word) >= jackson.MaxErrorToken {
			word = append(word, '.', '.', '.')
			break
		}
	}
	return s.at(jackson.InvalidToken(string(word)), j)
}

// matchToken is _matchToken: the word match read on from its k-th
// character at i; end is where it ends when Jackson takes it.
// _checkMatchEnd then looks at the byte after it: a Java identifier's
// character makes the whole a word it refuses, and a byte outside ASCII
// is refused for its UTF-8, _decodeCharForError reading a first byte
// again as its own second.
func (s *syntaxScan) matchToken(match string, k, i int) (end int, r syntaxRefusal, refused bool) {
	j := i
	for ; k < len(match); k++ {
		if j >= len(s.body) || s.body[j] != match[k] {
			r, _ = s.invalidTokenAt(match[:k], j)
			return 0, r, true
		}
		j++
	}
	if j >= len(s.body) {
		return j, r, false
	}
	switch ch := s.body[j]; {
	case ch < '0' || ch == ']' || ch == '}':
	case ch >= 0x80:
		if needed, ok := utf8Needed(ch); ok && needed > 0 {
			r, _ = s.at(fmt.Sprintf("Invalid UTF-8 middle byte 0x%x", ch), j+1)
		} else {
			r, _ = s.at(fmt.Sprintf("Invalid UTF-8 start byte 0x%x", ch), j)
		}
		return 0, r, true
	case jackson.IsJavaIdentifierPart(rune(ch)):
		r, _ = s.invalidTokenAt(match, j)
		return 0, r, true
	}
	return j, r, false
}

// appendJavaChar appends c in UTF-8, as parseEscapedName packs an escaped
// character of a name (a surrogate on its own too).
func appendJavaChar(b []byte, c uint16) []byte {
	switch {
	case c < 0x80:
		return append(b, byte(c))
	case c < 0x800:
		return append(b, 0xc0|byte(c>>6), 0x80|byte(c&0x3f))
	}
	return append(b, 0xe0|byte(c>>12), 0x80|byte(c>>6&0x3f), 0x80|byte(c&0x3f))
}

// jacksonNameUTF8 is UTF8StreamJsonParser.addName's decoding of a name's
// bytes once read whole, packed four to a Java int: "" when it takes
// them, else its refusal, whose middle byte keeps what the int's
// arithmetic shift leaves above it.
func jacksonNameUTF8(name []byte) string {
	n := len(name)
	at := func(ix int) int32 { // the int holding byte ix, shifted down to it
		var q int32
		for k := range 4 {
			q <<= 8
			if j := ix&^3 + k; j < n {
				q |= int32(name[j])
			}
		}
		return q >> ((3 - ix&3) * 8)
	}
	for ix := 0; ix < n; {
		ch := byte(at(ix))
		ix++
		needed, ok := utf8Needed(ch)
		switch {
		case !ok:
			return fmt.Sprintf("Invalid UTF-8 start byte 0x%x", ch)
		case ix+needed > n:
			return "Unexpected end-of-input in field name"
		}
		for k := range needed {
			ch2 := at(ix)
			ix++
			if k == 2 {
				ch2 &= 0xff
			}
			if ch2&0xc0 != 0x80 {
				return fmt.Sprintf("Invalid UTF-8 middle byte 0x%x", uint32(ch2))
			}
		}
	}
	return ""
}

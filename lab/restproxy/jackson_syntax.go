package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/ctalab/ctalab/internal/jackson"
)

// A body that is not JSON is refused by kafka-rest with the
// JsonParseException jackson-core 2.16 throws reading it: ObjectMapper's
// createParser over the entity stream is a UTF8StreamJsonParser, whose
// messages (json/UTF8StreamJsonParser.java; base/ParserMinimalBase.java
// _reportUnexpectedChar, _getCharDesc, _reportInvalidEOF;
// base/ParserBase.java _handleEOF, _reportMismatchedEndMarker,
// _throwUnquotedSpace) are given here. The body is read with the same
// reader as the binders (encoding/json's Decoder, token by token) up to
// the last token it takes; the refusal is then worded from what follows
// that token: its separators, the one token the reader refused, and the
// character after it.

// syntaxRefusal is Jackson's refusal of a body that is not JSON.
type syntaxRefusal struct {
	// msg is the exception's getOriginalMessage(): no "at [Source…]"
	// suffix.
	msg string
	// member names the member of the root object whose value holds the
	// refusal; "" when it lies in the root object's own names and
	// separators, or in a root value that is not an object.
	member string
	// deep is true when the refusal lies past the first token of that
	// member's value: inside an array or object it opens, or in a
	// string's content, which the parser reads only when a deserializer
	// asks for it. The first token itself is read with the member's name
	// (UTF8StreamJsonParser.nextToken), by the bean deserializer, outside
	// its error wrapping.
	deep bool
	// root is true when no array or object is open at the refusal: a
	// stream's MappingIterator meets it looking for the next value.
	root bool
	// read is the body as far as Jackson has read values whole before
	// the refusal, its open arrays and objects closed, each open object
	// ending in openMember or nextMember (readPrefix); nil when the
	// refusal lies outside the root value.
	read []byte
	// next is where the parser stands once it has thrown: past what it
	// read to word the refusal. frames are the arrays and objects then
	// open, each expecting a comma or its close if the refusal lay in
	// one of its entries. A stream's MappingIterator resyncs from there
	// (jacksonResync).
	next   int
	frames []syntaxFrame
}

// syntaxOrigin is where a scanned piece of a stream starts: the lines
// before it and the bytes before it on its first line.
type syntaxOrigin struct{ lines, col int }

// advance is the origin of what follows b, read from o.
func (o syntaxOrigin) advance(b []byte) syntaxOrigin {
	for i, c := range b {
		switch {
		case c == '\n' || c == '\r' && (i+1 == len(b) || b[i+1] != '\n'):
			o.lines, o.col = o.lines+1, 0
		case c != '\r':
			o.col++
		}
	}
	return o
}

// syntaxFrame is an array or object open where the refusal lies.
type syntaxFrame struct {
	object bool
	start  int // offset of its bracket
	n      int // members or elements read whole
	keyed  bool
}

// jacksonSyntax finds where Jackson refuses the first JSON value of body;
// ok is false when that value is JSON as far as the reader goes. A number
// or literal the reader ended before a character Jackson reads on into
// (a digit after a leading zero, a letter after true, anything but white
// space after a root number) is read again from its start.
func jacksonSyntax(body []byte) (syntaxRefusal, bool) {
	return jacksonSyntaxAt(body, syntaxOrigin{})
}

// jacksonSyntaxAt is jacksonSyntax for a piece of a stream that starts at
// origin.
func jacksonSyntaxAt(body []byte, origin syntaxOrigin) (syntaxRefusal, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	s := syntaxScan{body: body, curr: "null", origin: origin}
	var scalar *syntaxScan // the scan before the last token, a scalar
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			if scalar != nil && before == s.pos && before < len(body) && !isJacksonSpace(body[before]) {
				s = *scalar
			} else {
				s.pos = before
			}
			return s.refuse()
		}
		if _, str := tok.(string); str && !jacksonUTF8(body[before:dec.InputOffset()]) {
			// the reader takes bytes that are not UTF-8 in a string
			s.pos = before
			return s.refuse()
		}
		if _, delim := tok.(json.Delim); delim {
			scalar = nil
		} else {
			snap := s
			snap.frames = slices.Clone(s.frames)
			snap.open = slices.Clone(s.open)
			snap.pos = before
			scalar = &snap
		}
		s.take(tok, int(dec.InputOffset()))
		s.pos = int(dec.InputOffset())
		if len(s.frames) == 0 {
			if scalar != nil {
				s = *scalar
				return s.value(true)
			}
			return syntaxRefusal{}, false
		}
	}
}

func isJacksonSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// syntaxScan follows the reader's tokens: the open arrays and objects,
// the root member being read, and Jackson's current token.
type syntaxScan struct {
	body   []byte
	pos    int
	frames []syntaxFrame
	member string
	curr   string // JsonToken name of the last token, as _currToken
	origin syntaxOrigin
	// cut is where the last value read whole, or the last array or
	// object opened, ends; open is what is open there.
	cut  int
	open []syntaxFrame
	// resync has the scan read on through arrays and objects as
	// MappingIterator._resync does, until the last open one closes at
	// synced; more asks refuse to read the next token.
	resync bool
	synced int
	more   bool
}

// readWhole notes that a value, or an array's or object's opening, ends
// at end.
func (s *syntaxScan) readWhole(end int) {
	s.cut = end
	s.open = append(s.open[:0], s.frames...)
}

// Members that end an object Jackson had not finished reading at a
// syntax error, in syntaxRefusal.read: the binders stop there, refusing
// nothing that Jackson checks only at an object's end (errReadOpen).
// nextMember marks an object whose last member Jackson did not finish
// reading, or whose next token after it Jackson refused:
// BeanDeserializer reads that token (_deserializeUsingPropertyBased's
// nextToken) before a creator that last member completes can build.
const (
	openMember = "\x00open"
	nextMember = "\x00next"
)

// readPrefix is the body as far as Jackson read it whole, what is open
// there closed; next is true when the refusal lies in the token after the
// innermost object's last member. An object holding an open array or
// object has not finished its last member.
func (s *syntaxScan) readPrefix(next bool) []byte {
	b := slices.Clone(bytes.TrimLeft(s.body[:s.cut], " \t\r\n"))
	for i := len(s.open) - 1; i >= 0; i-- {
		f := s.open[i]
		if !f.object {
			b = append(b, ']')
			continue
		}
		if f.n > 0 || f.keyed {
			b = append(b, ',')
		}
		mark := nextMember
		if !next && i == len(s.open)-1 {
			mark = openMember
		}
		name, _ := json.Marshal(mark)
		b = append(append(b, name...), ":null}"...)
	}
	return b
}

func (s *syntaxScan) top() *syntaxFrame {
	if len(s.frames) == 0 {
		return nil
	}
	return &s.frames[len(s.frames)-1]
}

// take follows one token the reader returned, ending at end.
func (s *syntaxScan) take(tok json.Token, end int) {
	f := s.top()
	if d, ok := tok.(json.Delim); ok {
		switch d {
		case '{', '[':
			s.frames = append(s.frames, syntaxFrame{object: d == '{', start: end - 1})
			s.curr = map[json.Delim]string{'{': "START_OBJECT", '[': "START_ARRAY"}[d]
			s.readWhole(end)
			return
		}
		s.frames = s.frames[:len(s.frames)-1]
		s.curr = map[json.Delim]string{'}': "END_OBJECT", ']': "END_ARRAY"}[d]
		if f := s.top(); f != nil {
			f.n++
			f.keyed = false
		}
		if len(s.frames) == 1 {
			s.member = ""
		}
		s.readWhole(end)
		return
	}
	if name, ok := tok.(string); ok && f != nil && f.object && !f.keyed {
		f.keyed = true
		s.curr = "FIELD_NAME"
		if len(s.frames) == 1 {
			s.member = name
		}
		return
	}
	switch v := tok.(type) {
	case string:
		s.curr = "VALUE_STRING"
	case json.Number:
		s.curr = "VALUE_NUMBER_INT"
		if isJSONFloat(json.RawMessage(v)) {
			s.curr = "VALUE_NUMBER_FLOAT"
		}
	case bool:
		s.curr = map[bool]string{true: "VALUE_TRUE", false: "VALUE_FALSE"}[v]
	case nil:
		s.curr = "VALUE_NULL"
	}
	if f != nil {
		f.n++
		f.keyed = false
		if len(s.frames) == 1 {
			s.member = ""
		}
		s.readWhole(end)
	}
}

// refuse words the refusal at or after s.pos, where the reader stopped.
func (s *syntaxScan) refuse() (syntaxRefusal, bool) {
	for {
		r, ok := s.step()
		if !s.more {
			return r, ok
		}
		s.more = false
	}
}

// step reads the next token at s.pos, or words its refusal; more is set
// when the scan goes on past it.
func (s *syntaxScan) step() (syntaxRefusal, bool) {
	f := s.top()
	if f == nil {
		return s.value(true)
	}
	if f.object && f.keyed {
		return s.colonThenValue()
	}
	i, ok := s.skipWS()
	if !ok {
		return s.endOfInput()
	}
	s.pos = i
	c := s.body[i]
	switch {
	case (c == '}' && f.object || c == ']' && !f.object) && s.resync:
		s.frames = s.frames[:len(s.frames)-1]
		s.curr = map[byte]string{'}': "END_OBJECT", ']': "END_ARRAY"}[c]
		if len(s.frames) == 0 {
			s.synced = i + 1
			return syntaxRefusal{}, false
		}
		return s.after(i+1, s.curr)
	case c == '}' && f.object || c == ']' && !f.object:
		// a close the reader takes: it refused nothing here
		return syntaxRefusal{}, false
	case c == '}' && !f.object || c == ']' && f.object:
		return s.mismatched(i)
	case f.n > 0 && c != ',':
		return s.at(s.unexpected(i, "was expecting comma to separate "+f.typeDesc()+" entries"), i+1)
	case f.n > 0:
		s.pos = i + 1
		j, ok := s.skipWS()
		if !ok {
			return s.within()
		}
		s.pos = j
	}
	if f.object {
		return s.name()
	}
	return s.value(false)
}

func (f *syntaxFrame) typeDesc() string {
	if f.object {
		return "Object"
	}
	return "Array"
}

// at is a refusal where the scan stands, in the root structure or the
// root member being read, after which the parser stands at next, the
// innermost array or object having counted the entry it refused.
func (s *syntaxScan) at(msg string, next int) (syntaxRefusal, bool) {
	r, ok := s.atClose(msg, next)
	if f := len(r.frames) - 1; f >= 0 {
		r.frames[f].n++
		r.frames[f].keyed = false
	}
	return r, ok
}

// atClose is at for a refusal of a close marker, which counts no entry.
func (s *syntaxScan) atClose(msg string, next int) (syntaxRefusal, bool) {
	r := syntaxRefusal{msg: msg, member: s.member, deep: len(s.frames) > 1, root: len(s.frames) == 0,
		next: next, frames: slices.Clone(s.frames)}
	if len(s.frames) > 0 {
		r.read = s.readPrefix(true)
	}
	return r, true
}

// inContent is a refusal inside a string's content: past its member's
// first token when the string is that member's value.
func (s *syntaxScan) inContent(msg string, name bool, next int) (syntaxRefusal, bool) {
	r, _ := s.at(msg, next)
	if !name && r.read != nil {
		// a string's content is read when its deserializer asks
		r.read = s.readPrefix(false)
	}
	r.deep = r.deep || (len(s.frames) == 1 && !name)
	r.root = false // the string is read by the deserializer
	return r, true
}

// skipWS skips Jackson's white space from s.pos; false at the end of
// input. A control character there is refused by _skipWS itself, which
// the caller meets as the next character.
func (s *syntaxScan) skipWS() (int, bool) {
	i := s.pos
	for i < len(s.body) && isJacksonSpace(s.body[i]) {
		i++
	}
	return i, i < len(s.body)
}

// unexpected is _reportUnexpectedChar for the byte at i, where white
// space may precede it: a control character is _throwInvalidSpace's.
func (s *syntaxScan) unexpected(i int, comment string) string {
	if c := s.body[i]; c < ' ' {
		return jackson.InvalidSpace(int(c))
	}
	return jackson.UnexpectedChar(int(s.body[i]), comment)
}

// illegalSpace is unexpected for a control character at i where an
// entry's first token should start: _skipWSOrEnd refuses it before the
// array or object counts the entry, unless a comma or colon came first.
func (s *syntaxScan) illegalSpace(i int, comment string) (syntaxRefusal, bool) {
	if f := s.top(); f != nil && f.n == 0 && !f.keyed {
		return s.atClose(s.unexpected(i, comment), i+1)
	}
	return s.at(s.unexpected(i, comment), i+1)
}

// location is a JsonLocation as a message prints it: its line and
// column, counted in bytes from 1, a "\r\n" or lone "\r" ending a line as
// "\n" does (_skipCR).
func (s *syntaxScan) location(at int) string {
	o := s.origin.advance(s.body[:at])
	return jackson.Location(o.lines+1, o.col+1)
}

// mismatched is _reportMismatchedEndMarker for the close marker at i.
func (s *syntaxScan) mismatched(i int) (syntaxRefusal, bool) {
	c := s.body[i]
	f := s.top()
	if f == nil {
		want := map[byte]byte{'}': ']', ']': '}'}[c]
		return s.at(fmt.Sprintf("Unexpected close marker '%c': expected '%c' (for root starting at %s)", c, want, jackson.Location(1, 0)), i+1)
	}
	want := byte(']')
	if f.object {
		want = '}'
	}
	return s.atClose(fmt.Sprintf("Unexpected close marker '%c': expected '%c' (for %s starting at %s)", c, want, f.typeDesc(), s.location(f.start)), i+1)
}

// within is the end of input after a member's name or colon, or after a
// comma (_skipColon, _skipWS).
func (s *syntaxScan) within() (syntaxRefusal, bool) {
	return s.at("Unexpected end-of-input within/between "+s.top().typeDesc()+" entries", len(s.body))
}

// endOfInput is the end of input where a token may end the innermost
// array or object (_handleEOF).
func (s *syntaxScan) endOfInput() (syntaxRefusal, bool) {
	f := s.top()
	if f == nil {
		return s.at("Unexpected end-of-input in "+s.curr, len(s.body))
	}
	return s.at(fmt.Sprintf("Unexpected end-of-input: expected close marker for %s (start marker at %s)", f.typeDesc(), s.location(f.start)), len(s.body))
}

// name reads a member's name at s.pos, then its colon and value.
func (s *syntaxScan) name() (syntaxRefusal, bool) {
	i := s.pos
	if s.body[i] < ' ' {
		return s.illegalSpace(i, "was expecting double-quote to start field name")
	}
	if s.body[i] != '"' {
		// _handleOddName decodes the character
		c, end, refusal := decodeForError(s.body, i, "Unexpected end-of-input in "+s.curr)
		if refusal != "" {
			return s.at(refusal, end)
		}
		return s.at(jackson.UnexpectedChar(int(uint16(c)), "was expecting double-quote to start field name"), end)
	}
	end, r, refused := s.str(i, true)
	if refused {
		return r, true
	}
	var name string
	_ = json.Unmarshal(s.body[i:end], &name)
	s.top().keyed = true
	s.curr = "FIELD_NAME"
	if len(s.frames) == 1 {
		s.member = name
	}
	s.pos = end
	return s.colonThenValue()
}

// colonThenValue reads the colon after a member's name, then its value.
func (s *syntaxScan) colonThenValue() (syntaxRefusal, bool) {
	i, ok := s.skipWS()
	if !ok {
		return s.within()
	}
	if s.body[i] != ':' {
		return s.at(s.unexpected(i, "was expecting a colon to separate field name and value"), i+1)
	}
	s.pos = i + 1
	j, ok := s.skipWS()
	if !ok {
		return s.within()
	}
	s.pos = j
	return s.value(false)
}

// str reads the string whose quote is at i; end is just past its closing
// quote.
func (s *syntaxScan) str(i int, name bool) (end int, r syntaxRefusal, refused bool) {
	what, eof := "string value", "Unexpected end-of-input in VALUE_STRING"
	if name {
		what, eof = "name", "Unexpected end-of-input in field name"
	}
	refuse := func(msg string, next int) (int, syntaxRefusal, bool) {
		r, _ := s.inContent(msg, name, next)
		return 0, r, true
	}
	const escapeEOF = "Unexpected end-of-input in character escape sequence"
	b := s.body
	var bytes []byte // a name's, unescaped
	for j := i + 1; ; j++ {
		if j >= len(b) {
			return refuse(eof, len(b))
		}
		switch c := b[j]; {
		case c == '"' && name:
			if refusal := jacksonNameUTF8(bytes); refusal != "" {
				return refuse(refusal, j+1)
			}
			return j + 1, syntaxRefusal{}, false
		case c == '"':
			return j + 1, syntaxRefusal{}, false
		case c < ' ':
			return refuse(jackson.UnquotedSpace(int(c), what), j+1)
		case c == '\\':
			j++
			if j >= len(b) {
				return refuse(escapeEOF, len(b))
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				bytes = append(bytes, map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[b[j]])
			case 'u':
				for k := 0; k < 4; k++ {
					j++
					if j >= len(b) {
						return refuse(escapeEOF, len(b))
					}
					if !isHex(b[j]) {
						return refuse(jackson.UnexpectedChar(int(b[j]), "expected a hex-digit for character escape sequence"), j+1)
					}
				}
				v, _ := strconv.ParseUint(string(b[j-3:j+1]), 16, 16)
				bytes = appendJavaChar(bytes, uint16(v))
			default:
				c, end, refusal := decodeForError(b, j, escapeEOF)
				if refusal != "" {
					return refuse(refusal, end)
				}
				return refuse("Unrecognized character escape "+jackson.CharDesc(int(uint16(c))), end)
			}
		case c >= 0x80 && !name:
			_, end, refusal := decodeForError(b, j, eof)
			if refusal != "" {
				return refuse(refusal, end)
			}
			j = end - 1
		default:
			bytes = append(bytes, c)
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// value reads a value at s.pos (after white space), then what follows it.
func (s *syntaxScan) value(root bool) (syntaxRefusal, bool) {
	i := s.pos
	if root {
		j, ok := s.skipWS()
		if !ok {
			return syntaxRefusal{}, false
		}
		i = j
	}
	f := s.top()
	c := s.body[i]
	switch {
	case c == '"':
		end, r, refused := s.str(i, false)
		if refused {
			return r, true
		}
		return s.after(end, "VALUE_STRING")
	case c == '-' || c >= '0' && c <= '9':
		return s.number(i)
	case (c == '{' || c == '[') && s.resync:
		s.frames = append(s.frames, syntaxFrame{object: c == '{', start: i})
		s.curr = map[byte]string{'{': "START_OBJECT", '[': "START_ARRAY"}[c]
		s.pos = i + 1
		s.more = true
		return syntaxRefusal{}, false
	case c == '{' || c == '[':
		// the reader took no bracket here: it refused nothing in it
		return syntaxRefusal{}, false
	case (c == '}' || c == ']') && f == nil:
		return s.mismatched(i)
	case c == ',' || c == '}' || c == ']' && !f.object:
		return s.at(s.unexpected(i, "expected a value"), i+1)
	case c == '+':
		if i+1 >= len(s.body) {
			return s.at("Unexpected end-of-input in a Number value", len(s.body))
		}
		return s.invalidNumberStart(int(s.body[i+1]), false, i+2)
	case c < ' ':
		return s.illegalSpace(i, "expected a valid value "+jackson.ValidValues)
	case c == 't' || c == 'f' || c == 'n':
		literal := map[byte]string{'t': "true", 'f': "false", 'n': "null"}[c]
		end, r, refused := s.matchToken(literal, 1, i+1)
		if refused {
			return r, true
		}
		return s.after(end, map[byte]string{'t': "VALUE_TRUE", 'f': "VALUE_FALSE", 'n': "VALUE_NULL"}[c])
	case c == 'N' || c == 'I':
		word := map[byte]string{'N': "NaN", 'I': "Infinity"}[c]
		end, r, refused := s.matchToken(word, 1, i+1)
		if refused {
			return r, true
		}
		return s.at(jackson.NonNumeric(word), end)
	case jackson.IsJavaIdentifierStart(rune(c)):
		// _handleUnexpectedValue: a byte outside ASCII as its
		// ISO-8859-1 character
		return s.invalidTokenAt(string(rune(c)), i+1)
	}
	return s.at(s.unexpected(i, "expected a valid value "+jackson.ValidValues), i+1)
}

// invalidNumberStart is _handleInvalidNumberStart for ch, the byte after a
// sign (neg: a minus), read up to next: "I" starts -INF, +INF, -Infinity
// or +Infinity, each refused as non-standard; otherwise the sign is.
func (s *syntaxScan) invalidNumberStart(ch int, neg bool, next int) (syntaxRefusal, bool) {
	sign := map[bool]string{true: "-", false: "+"}[neg]
	if ch == 'I' {
		if next >= len(s.body) {
			return s.at("Unexpected end-of-input in a Number value", next)
		}
		ch = int(int8(s.body[next])) // a Java byte
		next++
		if match, ok := map[int]string{'N': sign + "INF", 'n': sign + "Infinity"}[ch]; ok {
			end, r, refused := s.matchToken(match, 3, next)
			if refused {
				return r, true
			}
			return s.at(jackson.NonNumeric(match), end)
		}
	}
	if !neg {
		return s.at(jackson.PlusSign, next)
	}
	return s.at(jackson.UnexpectedNumberChar(ch, "expected digit (0-9) to follow minus sign, for valid numeric value"), next)
}

// number reads a number at i as _parseUnsignedNumber and
// _parseSignedNumber do, then what follows it.
func (s *syntaxScan) number(i int) (syntaxRefusal, bool) {
	b := s.body
	numberChar := func(j int, comment string) (syntaxRefusal, bool) {
		return s.at(jackson.UnexpectedNumberChar(int(b[j]), comment), min(j+1, len(b)))
	}
	digit := func(j int) bool { return j < len(b) && b[j] >= '0' && b[j] <= '9' }
	eof := func() (syntaxRefusal, bool) { return s.at("Unexpected end-of-input in "+s.curr, len(b)) }
	j := i
	if b[j] == '-' {
		j++
		if j >= len(b) {
			return eof()
		}
		switch c := b[j]; {
		case c == '.':
			// _parseFloatThatStartsWithPeriod: no leading point allowed
			return s.at(jackson.UnexpectedChar('.', "expected a valid value "+jackson.ValidValues), j+1)
		case !digit(j):
			return s.invalidNumberStart(int(c), true, j+1)
		}
	}
	if b[j] == '0' && digit(j+1) {
		return s.at("Invalid numeric value: Leading zeroes not allowed", j+1)
	}
	for digit(j) {
		j++
	}
	kind := "VALUE_NUMBER_INT"
	if j < len(b) && b[j] == '.' {
		kind = "VALUE_NUMBER_FLOAT"
		j++
		if j >= len(b) {
			return numberChar(j-1, "Decimal point not followed by a digit")
		}
		if !digit(j) {
			return numberChar(j, "Decimal point not followed by a digit")
		}
		for digit(j) {
			j++
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		kind = "VALUE_NUMBER_FLOAT"
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j >= len(b) {
			return eof()
		}
		if !digit(j) {
			return numberChar(j, "Exponent indicator not followed by a digit")
		}
		for digit(j) {
			j++
		}
	}
	if s.top() == nil && j < len(b) {
		switch b[j] {
		case ' ', '\t', '\n', '\r':
		default:
			// _verifyRootSpace
			return s.at(jackson.UnexpectedChar(int(b[j]), "Expected space separating root-level values"), j+1)
		}
	}
	return s.after(j, kind)
}

// after goes on past a scalar read whole, ending at end: the array or
// object holding it goes on.
func (s *syntaxScan) after(end int, token string) (syntaxRefusal, bool) {
	f := s.top()
	if f == nil {
		return syntaxRefusal{}, false
	}
	f.n++
	f.keyed = false
	s.curr = token
	s.pos = end
	if len(s.frames) == 1 {
		s.member = ""
	}
	s.readWhole(end)
	s.more = true
	return syntaxRefusal{}, false
}

// notJSONEntity answers a body Jersey reads as one entity (v2 produce,
// records:batch) that the reader refused with err. Jackson binds as it
// reads, so a member written before the refusal that bind refuses for
// its type is answered first (restUtilsMapped); what bind checks only as
// an object or list ends (an unknown member, a null element, a missing
// or bad id) is not, as the object being read has not ended. Where databind met the
// refusal inside the value of a member its bean deserializer binds
// (known), BeanDeserializerBase.wrapAndThrow wraps it into a
// JsonMappingException, which rest-utils' JsonMappingExceptionMapper
// answers 400 with the message sanitised (restUtilsSanitized); anywhere
// else, including a member the bean lacks, which
// _deserializeUsingPropertyBased buffers as it reads it, the
// JsonParseException itself reaches rest-utils' JsonParseExceptionMapper:
// 400 and the message as it is (rest-utils v7.9.0
// core/.../exceptions/JsonParseExceptionMapper.java). A refusal the scan
// cannot place keeps the reader's own text; with no err (a root scalar the
// reader took), nil when Jackson takes it too.
func notJSONEntity(body []byte, err error, bind func(json.RawMessage) *apiError, known ...string) *apiError {
	r, ok := jacksonSyntax(body)
	switch {
	case !ok && err == nil:
		return nil
	case !ok:
		return jsonError("%s", jsonErrorText(err))
	}
	if r.read != nil {
		if e := bind(r.read); refusedBefore(e) {
			return restUtilsMapped(e)
		}
	}
	if r.deep && slices.Contains(known, r.member) {
		return jsonError("%s", restUtilsSanitized(r.msg))
	}
	return jsonError("%s", r.msg)
}

// decodeEntity reads the JSON value of a body Jersey hands rest-utils'
// JacksonMessageBodyProvider: nil for a body that is empty or JSON null,
// a body that is not JSON refused as notJSONEntity refuses it (bind binds
// what Jackson read of it, known names the members holding lists of
// beans). Content after the value is ignored.
func decodeEntity(body []byte, bind func(json.RawMessage) *apiError, known ...string) (json.RawMessage, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, notJSONEntity(body, err, bind, known...)
	}
	if isJSONScalar(raw) || !utf8.Valid(raw) {
		// Jackson reads on past a root number or literal the reader
		// ends, and refuses strings the reader takes that are not UTF-8
		// as it decodes them
		if e := notJSONEntity(body, nil, bind, known...); e != nil {
			return nil, e
		}
	}
	if isNull(raw) {
		return nil, nil
	}
	return raw, nil
}

// refusedBefore reports whether e, a binder's answer to what Jackson read
// whole before a syntax error (syntaxRefusal.read), is a refusal Jackson
// makes before it meets the syntax error: one made as it reads a member,
// or as an object it finished reading ends (an unknown member, a null
// element, a creator's check), not the end of an object still open.
func refusedBefore(e *apiError) bool {
	return e != nil && e != errReadOpen
}

// isJSONScalar reports whether raw is a number or literal.
func isJSONScalar(raw json.RawMessage) bool {
	switch raw[0] {
	case '{', '[', '"':
		return false
	}
	return true
}

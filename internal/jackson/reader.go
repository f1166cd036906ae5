package jackson

import (
	"fmt"
	"unicode/utf16"
)

// How ObjectReader.readTree(String) and ObjectMapper.readValue(String,
// List<JsonNode>) read a Java String (jackson-core 2.16.0
// json/ReaderBasedJsonParser.java over one char buffer holding the whole
// text, so _loadMore never loads more; jackson-databind 2.16.0
// ObjectReader._bindAndCloseAsTree, JsonNodeDeserializer,
// CollectionDeserializer): the first JSON value is read, what follows it
// is not (FAIL_ON_TRAILING_TOKENS is off) except that a root number must
// be followed by white space (_verifyRootSpace). Each refusal is the
// JsonProcessingException's getMessage: its message, "\n at " and where
// the parser stood. Without a feature enabled: no comments, single
// quotes, unquoted names, leading zeros, NaN or a leading '+'.
// StreamReadConstraints' defaults apply to nesting (1000) and number
// length (1000 characters).

const (
	maxNestingDepth = 1000
	maxNumberLength = 1000
)

// ReadTree reports how readTree takes s: missing is true for a text with
// no value (a MissingNode), and refusal is the exception's message when
// Jackson refuses it ("" when it takes it).
func ReadTree(s string) (missing bool, refusal string) {
	p := newParser(s)
	defer p.recover(&refusal)
	t := p.nextToken()
	if t == tokNone {
		return true, ""
	}
	p.readValue(t)
	return false, ""
}

// Refusal is a refusal of readValue into a List<JsonNode>: Msgs is the
// chain of messages (the outermost first), Null is set for a JSON null,
// which reads as a null list.
type Refusal struct {
	Msgs []string
	Null bool
}

// ReadNodeList reads s as ObjectMapper.readValue(s, new
// TypeReference<List<JsonNode>>() {}) does: the elements' JSON texts, or
// how it refuses. What the parser refuses inside an element's value past
// its first token, CollectionDeserializer wraps in a JsonMappingException
// naming the element (" (through reference chain: java.util.ArrayList[i])").
// It is nil when Jackson takes s as a list.
func ReadNodeList(s string) (refused *Refusal) {
	p := newParser(s)
	var refusal string
	wrapped := -1
	defer func() {
		if refusal == "" {
			return
		}
		refused = &Refusal{Msgs: []string{refusal}}
		if wrapped >= 0 {
			refused.Msgs = []string{fmt.Sprintf("%s (through reference chain: java.util.ArrayList[%d])", refusal, wrapped), refusal}
		}
	}()
	defer p.recover(&refusal)
	t := p.nextToken()
	switch t {
	case tokNone:
		// _initForReading: no token at all
		return &Refusal{Msgs: []string{"No content to map due to end-of-input\n at " + Location(p.tokRow, 0)}}
	case tokNull:
		return &Refusal{Null: true}
	case tokStartArray:
	case tokString:
		// CollectionDeserializer reads the text, for an empty String's
		// coercion, before it refuses the shape
		p.finishString()
		fallthrough
	default:
		return &Refusal{Msgs: []string{fmt.Sprintf("Cannot deserialize value of type `java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>` from %s (token `JsonToken.%s`)\n at %s",
			tokenShape[t], tokenNames[t], Location(p.tokRow, p.tokCol))}}
	}
	for i := 0; ; i++ {
		t = p.nextToken()
		if t == tokEndArray {
			return nil
		}
		wrapped = i
		p.readValue(t)
		wrapped = -1
	}
}

type token int

const (
	tokNone token = iota
	tokStartObject
	tokEndObject
	tokStartArray
	tokEndArray
	tokFieldName
	tokString
	tokInt
	tokFloat
	tokTrue
	tokFalse
	tokNull
)

var tokenNames = map[token]string{tokStartObject: "START_OBJECT", tokEndObject: "END_OBJECT", tokStartArray: "START_ARRAY",
	tokEndArray: "END_ARRAY", tokFieldName: "FIELD_NAME", tokString: "VALUE_STRING", tokInt: "VALUE_NUMBER_INT",
	tokFloat: "VALUE_NUMBER_FLOAT", tokTrue: "VALUE_TRUE", tokFalse: "VALUE_FALSE", tokNull: "VALUE_NULL"}

// tokenShape is how DeserializationContext names a token's shape
// (ClassUtil / _shapeForToken).
var tokenShape = map[token]string{tokStartObject: "Object value", tokString: "String value", tokInt: "Integer value",
	tokFloat: "Floating-point value", tokTrue: "Boolean value", tokFalse: "Boolean value"}

// context is a JsonReadContext: an array or object open, where it
// started, and its index (expectComma).
type context struct {
	object   bool
	row, col int
	index    int
}

// parser is ReaderBasedJsonParser's state: the input as Java chars, the
// next char's index, the current line and where it starts.
type parser struct {
	in       []uint16
	ptr      int
	row      int
	rowStart int
	ctx      []context
	// next is the value token read with a field name (_nextToken)
	next token
	// where the last token starts (_updateLocation), its column from 1,
	// and its first char's index in the input
	tokRow, tokCol int
	tokStart       int
}

func newParser(s string) *parser {
	return &parser{in: utf16.Encode([]rune(s)), row: 1, tokRow: 1}
}

// refusal is a JsonProcessingException thrown while parsing.
type refusal struct{ msg string }

func (p *parser) recover(out *string) {
	if r := recover(); r != nil {
		rf, ok := r.(refusal)
		if !ok {
			panic(r)
		}
		*out = rf.msg
	}
}

// fail throws msg where the parser stands.
func (p *parser) fail(msg string) {
	panic(refusal{msg + "\n at " + Location(p.row, p.ptr-p.rowStart+1)})
}

// failBare throws a StreamConstraintsException, which has no location.
func failBare(msg string) { panic(refusal{msg}) }

func (p *parser) eof() bool { return p.ptr >= len(p.in) }

func (p *parser) inRoot() bool { return len(p.ctx) == 0 }

func (p *parser) top() *context { return &p.ctx[len(p.ctx)-1] }

func typeDesc(c *context) string {
	if c.object {
		return "Object"
	}
	return "Array"
}

// readValue reads the rest of a value whose first token is t, as
// JsonNodeDeserializer does: a string's content as it asks for its text.
func (p *parser) readValue(t token) {
	depth := 0
	for {
		switch t {
		case tokString:
			p.finishString()
		case tokStartArray, tokStartObject:
			depth++
		case tokEndArray, tokEndObject:
			depth--
		}
		if depth == 0 && t != tokFieldName {
			return
		}
		t = p.nextToken()
	}
}

// nextToken is ReaderBasedJsonParser.nextToken.
func (p *parser) nextToken() token {
	if p.next != tokNone {
		t := p.next
		p.next = tokNone
		if t == tokStartArray || t == tokStartObject {
			p.push(t == tokStartObject)
		}
		return t
	}
	i := p.skipWSOrEnd()
	if i < 0 {
		return tokNone
	}
	if i == ']' || i == '}' {
		p.updateLocation()
		return p.closeScope(i)
	}
	inObject := false
	if !p.inRoot() {
		c := p.top()
		c.index++
		if c.index > 0 {
			i = p.skipComma(i)
		}
		inObject = c.object
	}
	if inObject {
		if i == '"' {
			p.parseName()
		} else {
			// _handleOddName: no single quotes, no unquoted names
			p.fail(UnexpectedChar(i, "was expecting double-quote to start field name"))
		}
		i = p.skipColon()
	}
	p.updateLocation()
	var t token
	switch {
	case i == '"':
		t = tokString
	case i == '[' || i == '{':
		t = tokStartArray
		if i == '{' {
			t = tokStartObject
		}
		if !inObject {
			p.push(i == '{')
		}
	case i == '}':
		p.fail(UnexpectedChar(i, "expected a value"))
	case i == 't':
		p.matchToken("true", 1)
		t = tokTrue
	case i == 'f':
		p.matchToken("false", 1)
		t = tokFalse
	case i == 'n':
		p.matchToken("null", 1)
		t = tokNull
	case i == '-':
		t = p.parseSignedNumber()
	case i >= '0' && i <= '9':
		t = p.parseUnsignedNumber(i)
	default:
		// '+' and '.' too: ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS and
		// ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS are off
		t = p.handleOddValue(i)
	}
	if inObject {
		p.next = t
		return tokFieldName
	}
	return t
}

// updateLocation is _updateLocation: the token starts at the char just
// read.
func (p *parser) updateLocation() {
	p.tokRow, p.tokCol = p.row, p.ptr-p.rowStart
	p.tokStart = p.ptr - 1
}

// push opens an array or object at the token's location
// (createChildArrayContext, validateNestingDepth).
func (p *parser) push(object bool) {
	if len(p.ctx)+1 > maxNestingDepth {
		failBare(fmt.Sprintf("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)", len(p.ctx)+1, maxNestingDepth))
	}
	p.ctx = append(p.ctx, context{object: object, row: p.tokRow, col: p.tokCol, index: -1})
}

// closeScope is _closeScope and _reportMismatchedEndMarker.
func (p *parser) closeScope(i int) token {
	object := i == '}'
	if p.inRoot() || p.top().object != object {
		other := map[int]rune{']': '}', '}': ']'}[i]
		if p.inRoot() {
			p.fail(fmt.Sprintf("Unexpected close marker '%c': expected '%c' (for root starting at %s)", rune(i), other, Location(1, 0)))
		}
		c := p.top()
		p.fail(fmt.Sprintf("Unexpected close marker '%c': expected '%c' (for %s starting at %s)", rune(i), other, typeDesc(c), Location(c.row, c.col)))
	}
	p.ctx = p.ctx[:len(p.ctx)-1]
	if object {
		return tokEndObject
	}
	return tokEndArray
}

// space skips one white-space char c just read (its line counted), or
// refuses a control char (_throwInvalidSpace).
func (p *parser) space(c int) {
	switch c {
	case ' ', '\t':
	case '\n':
		p.row++
		p.rowStart = p.ptr
	case '\r':
		// _skipCR
		if !p.eof() && p.in[p.ptr] == '\n' {
			p.ptr++
		}
		p.row++
		p.rowStart = p.ptr
	default:
		p.fail(InvalidSpace(c))
	}
}

// comment refuses a '/' just read: ALLOW_COMMENTS is off.
func (p *parser) comment() {
	p.fail(UnexpectedChar('/', "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)"))
}

// skipWS reads the next char past white space; -1 at the end of input.
// A '#' is returned (ALLOW_YAML_COMMENTS is off).
func (p *parser) skipWS() int {
	for !p.eof() {
		c := int(p.in[p.ptr])
		p.ptr++
		switch {
		case c == '/':
			p.comment()
		case c > ' ':
			return c
		default:
			p.space(c)
		}
	}
	return -1
}

// skipWSOrEnd is _skipWSOrEnd, the end of input inside an array or
// object refused by _handleEOF.
func (p *parser) skipWSOrEnd() int {
	i := p.skipWS()
	if i < 0 && !p.inRoot() {
		c := p.top()
		p.fail(fmt.Sprintf("Unexpected end-of-input: expected close marker for %s (start marker at %s)", typeDesc(c), Location(c.row, c.col)))
	}
	return i
}

// skipComma is _skipComma for the char i just read.
func (p *parser) skipComma(i int) int {
	if i != ',' {
		p.fail(UnexpectedChar(i, "was expecting comma to separate "+typeDesc(p.top())+" entries"))
	}
	j := p.skipWS()
	if j < 0 {
		p.fail("Unexpected end-of-input within/between " + typeDesc(p.top()) + " entries")
	}
	return j
}

// skipColon is _skipColon: the colon after a name, then the value's
// first char.
func (p *parser) skipColon() int {
	i := p.skipWS()
	if i >= 0 && i != ':' {
		p.fail(UnexpectedChar(i, "was expecting a colon to separate field name and value"))
	}
	if i >= 0 {
		i = p.skipWS()
	}
	if i < 0 {
		p.fail("Unexpected end-of-input within/between " + typeDesc(p.top()) + " entries")
	}
	return i
}

// parseName reads a name after its quote (_parseName, _parseName2).
func (p *parser) parseName() { p.quoted("name", "Unexpected end-of-input in field name") }

// finishString reads a string value's content (_finishString2).
func (p *parser) finishString() {
	p.quoted("string value", "Unexpected end-of-input: was expecting closing quote for a string value")
}

func (p *parser) quoted(what, eofMsg string) {
	for {
		if p.eof() {
			p.fail(eofMsg)
		}
		c := int(p.in[p.ptr])
		p.ptr++
		switch {
		case c == '"':
			return
		case c == '\\':
			p.decodeEscaped()
		case c < ' ':
			p.fail(UnquotedSpace(c, what))
		}
	}
}

// decodeEscaped is _decodeEscaped after a backslash.
func (p *parser) decodeEscaped() {
	const eofMsg = "Unexpected end-of-input in character escape sequence"
	if p.eof() {
		p.fail(eofMsg)
	}
	c := int(p.in[p.ptr])
	p.ptr++
	switch c {
	case 'b', 't', 'n', 'f', 'r', '"', '/', '\\':
		return
	case 'u':
	default:
		p.fail("Unrecognized character escape " + CharDesc(c))
	}
	for range 4 {
		if p.eof() {
			p.fail(eofMsg)
		}
		ch := int(p.in[p.ptr])
		p.ptr++
		if !(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F') {
			p.fail(UnexpectedChar(ch, "expected a hex-digit for character escape sequence"))
		}
	}
}

// matchToken is _matchToken: the rest of match from its i-th char, then
// _checkMatchEnd.
func (p *parser) matchToken(match string, i int) {
	for ; i < len(match); i++ {
		if p.eof() || p.in[p.ptr] != uint16(match[i]) {
			p.invalidToken(match[:i])
		}
		p.ptr++
	}
	if p.eof() {
		return
	}
	if ch := p.in[p.ptr]; ch >= '0' && ch != ']' && ch != '}' && IsJavaIdentifierPart(rune(ch)) {
		p.invalidToken(match)
	}
}

// invalidToken is _reportInvalidToken: the word read on while its chars
// are a Java identifier's, up to MaxErrorToken chars.
func (p *parser) invalidToken(matched string) {
	word := utf16.Encode([]rune(matched))
	for !p.eof() {
		c := p.in[p.ptr]
		if !IsJavaIdentifierPart(rune(c)) {
			break
		}
		p.ptr++
		word = append(word, c)
		if len(word) >= MaxErrorToken {
			word = append(word, '.', '.', '.')
			break
		}
	}
	p.fail(InvalidToken(string(utf16.Decode(word))))
}

// handleOddValue is _handleOddValue for the char i just read.
func (p *parser) handleOddValue(i int) token {
	switch i {
	case 'N':
		p.matchToken("NaN", 1)
		p.fail(NonNumeric("NaN"))
	case 'I':
		p.matchToken("Infinity", 1)
		p.fail(NonNumeric("Infinity"))
	case '+':
		if p.eof() {
			p.fail("Unexpected end-of-input in a Number value")
		}
		c := int(p.in[p.ptr])
		p.ptr++
		p.invalidNumberStart(c, false, true)
	}
	if IsJavaIdentifierStart(rune(i)) {
		p.invalidToken(string(rune(i)))
	}
	p.fail(UnexpectedChar(i, "expected a valid value "+ValidValues))
	return tokNone
}

// invalidNumberStart is _handleInvalidNumberStart for ch, the char read
// where a number's digits should start.
func (p *parser) invalidNumberStart(ch int, neg, hasSign bool) {
	sign := "+"
	if neg {
		sign = "-"
	}
	if ch == 'I' {
		if p.eof() {
			p.fail("Unexpected end-of-input in a Number value")
		}
		ch = int(p.in[p.ptr])
		p.ptr++
		switch ch {
		case 'N':
			p.matchToken(sign+"INF", 3)
			p.fail(NonNumeric(sign + "INF"))
		case 'n':
			p.matchToken(sign+"Infinity", 3)
			p.fail(NonNumeric(sign + "Infinity"))
		}
	}
	if hasSign && !neg {
		p.fail(PlusSign)
	}
	if neg {
		p.fail(UnexpectedNumberChar(ch, "expected digit (0-9) to follow minus sign, for valid numeric value"))
	}
	p.fail(UnexpectedNumberChar(ch, "expected digit (0-9) for valid numeric value"))
}

func isDigit(c int) bool { return c >= '0' && c <= '9' }

// parseUnsignedNumber is _parseUnsignedNumber for the digit ch just read.
func (p *parser) parseUnsignedNumber(ch int) token {
	start := p.ptr - 1
	if ch == '0' {
		return p.parseNumber2(false, start)
	}
	return p.integerPart(start, p.ptr, false)
}

// parseSignedNumber is _parseSignedNumber after a '-'.
func (p *parser) parseSignedNumber() token {
	ptr := p.ptr
	start := ptr - 1
	if ptr >= len(p.in) {
		return p.parseNumber2(true, start)
	}
	ch := int(p.in[ptr])
	ptr++
	if !isDigit(ch) {
		p.ptr = ptr
		if ch == '.' {
			// _parseFloatThatStartsWithPeriod: no leading point
			return p.handleOddValue('.')
		}
		p.invalidNumberStart(ch, true, true)
	}
	if ch == '0' {
		return p.parseNumber2(true, start)
	}
	return p.integerPart(start, ptr, true)
}

// integerPart reads on the digits of a number from start whose first
// digit, not a zero, ends before ptr, as both number parsers do: a number
// that ends the input is read again by _parseNumber2.
func (p *parser) integerPart(start, ptr int, neg bool) token {
	n, ch, ptr, eof := p.digits(ptr)
	if eof {
		return p.parseNumber2(neg, start)
	}
	intLen := 1 + n
	if ch == '.' || ch == 'e' || ch == 'E' {
		p.ptr = ptr
		return p.parseFloat(ch, start, ptr, neg, intLen)
	}
	p.ptr = ptr - 1
	if p.inRoot() {
		p.verifyRootSpace(ch)
	}
	return resetInt(intLen)
}

// digits reads the digits from ptr: how many, the char after them and
// where it ends, or eof when the input ends first.
func (p *parser) digits(ptr int) (n, ch, next int, eof bool) {
	for ptr < len(p.in) {
		ch = int(p.in[ptr])
		ptr++
		if !isDigit(ch) {
			return n, ch, ptr, false
		}
		n++
	}
	return n, 0, ptr, true
}

// parseFloat is _parseFloat: the fraction and exponent after the integer
// part, ch the char after it, at ptr-1.
func (p *parser) parseFloat(ch, start, ptr int, neg bool, intLen int) token {
	fractLen := 0
	if ch == '.' {
		var eof bool
		fractLen, ch, ptr, eof = p.digits(ptr)
		if eof {
			return p.parseNumber2(neg, start)
		}
		if fractLen == 0 {
			p.fail(UnexpectedNumberChar(ch, "Decimal point not followed by a digit"))
		}
	}
	expLen := 0
	if ch == 'e' || ch == 'E' {
		if ptr >= len(p.in) {
			return p.parseNumber2(neg, start)
		}
		ch = int(p.in[ptr])
		ptr++
		if ch == '-' || ch == '+' {
			if ptr >= len(p.in) {
				return p.parseNumber2(neg, start)
			}
			ch = int(p.in[ptr])
			ptr++
		}
		for isDigit(ch) {
			expLen++
			if ptr >= len(p.in) {
				return p.parseNumber2(neg, start)
			}
			ch = int(p.in[ptr])
			ptr++
		}
		if expLen == 0 {
			p.fail(UnexpectedNumberChar(ch, "Exponent indicator not followed by a digit"))
		}
	}
	p.ptr = ptr - 1
	if p.inRoot() {
		p.verifyRootSpace(ch)
	}
	return resetFloat(intLen + fractLen + expLen)
}

// parseNumber2 is _parseNumber2: the number from start read again, as
// the parser does for one that ends the input.
func (p *parser) parseNumber2(neg bool, start int) token {
	p.ptr = start
	if neg {
		p.ptr++
	}
	next := func(eofMsg string) int {
		if p.eof() {
			p.fail("Unexpected end-of-input" + eofMsg)
		}
		c := int(p.in[p.ptr])
		p.ptr++
		return c
	}
	c := next("No digit following minus sign")
	if c == '0' {
		c = p.verifyNoLeadingZeroes()
	}
	intLen := 0
	eof := false
	for isDigit(c) {
		intLen++
		if p.eof() {
			c, eof = 0, true
			break
		}
		c = int(p.in[p.ptr])
		p.ptr++
	}
	if intLen == 0 {
		p.invalidNumberStart(c, neg, false)
	}
	fractLen, expLen := -1, -1
	if c == '.' {
		fractLen = 0
		for {
			if p.eof() {
				eof = true
				break
			}
			c = int(p.in[p.ptr])
			p.ptr++
			if !isDigit(c) {
				break
			}
			fractLen++
		}
		if fractLen == 0 {
			p.fail(UnexpectedNumberChar(c, "Decimal point not followed by a digit"))
		}
	}
	if c == 'e' || c == 'E' {
		expLen = 0
		c = next("expected a digit for number exponent")
		if c == '-' || c == '+' {
			c = next("expected a digit for number exponent")
		}
		for isDigit(c) {
			expLen++
			if p.eof() {
				eof = true
				break
			}
			c = int(p.in[p.ptr])
			p.ptr++
		}
		if expLen == 0 {
			p.fail(UnexpectedNumberChar(c, "Exponent indicator not followed by a digit"))
		}
	}
	if !eof {
		p.ptr--
		if p.inRoot() {
			p.verifyRootSpace(c)
		}
	}
	if fractLen < 0 && expLen < 0 {
		return resetInt(intLen)
	}
	// as resetFloat adds them: an absent part counts -1
	return resetFloat(intLen + fractLen + expLen)
}

// verifyNoLeadingZeroes is _verifyNoLeadingZeroes after a '0': another
// digit is refused (ALLOW_NUMERIC_LEADING_ZEROS is off).
func (p *parser) verifyNoLeadingZeroes() int {
	if p.eof() || !isDigit(int(p.in[p.ptr])) {
		return '0'
	}
	p.fail("Invalid numeric value: Leading zeroes not allowed")
	return 0
}

// verifyRootSpace is _verifyRootSpace for the char at p.ptr after a root
// number.
func (p *parser) verifyRootSpace(ch int) {
	p.ptr++
	switch ch {
	case ' ', '\t':
	case '\r':
		p.ptr--
	case '\n':
		p.row++
		p.rowStart = p.ptr
	default:
		p.fail(UnexpectedChar(ch, "Expected space separating root-level values"))
	}
}

func resetInt(intLen int) token {
	if intLen > maxNumberLength {
		failBare(numberTooLong(intLen))
	}
	return tokInt
}

func resetFloat(length int) token {
	if length > maxNumberLength {
		failBare(numberTooLong(length))
	}
	return tokFloat
}

func numberTooLong(n int) string {
	return fmt.Sprintf("Number value length (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNumberLength()`)", n, maxNumberLength)
}

// ElementKind is the token an array's element starts with.
type ElementKind int

const (
	ElementString ElementKind = iota
	ElementInt
	ElementFloat
	ElementTrue
	ElementFalse
	ElementNull
	ElementContainer // an array or an object, read through
)

var elementKinds = map[token]ElementKind{tokString: ElementString, tokInt: ElementInt, tokFloat: ElementFloat,
	tokTrue: ElementTrue, tokFalse: ElementFalse, tokNull: ElementNull, tokStartArray: ElementContainer, tokStartObject: ElementContainer}

// Element is an array's element as the parser reaches it: its kind and,
// for a string, its text, for a number, the number as written.
type Element struct {
	Kind ElementKind
	Text string
}

// ArrayElements reads s as a JsonParser of a JsonFactory reads it token by
// token (jackson-core 2.16.0 ReaderBasedJsonParser.nextToken,
// skipChildren): unless the first token opens an array it reads no more,
// and then hands visit each element of the array as the parser reaches it,
// an array or object read through its end, a string's text read; it stops
// where visit returns true, reading nothing after it, and where the parser
// throws (its JsonProcessingException, an IOException, not reported).
// array reports that the first token opened an array.
func ArrayElements(s string, visit func(Element) (stop bool)) (array bool) {
	p := newParser(s)
	var refused string
	defer p.recover(&refused)
	if p.nextToken() != tokStartArray {
		return false
	}
	array = true
	for {
		t := p.nextToken()
		if t == tokEndArray || t == tokNone {
			return array
		}
		e := Element{Kind: elementKinds[t]}
		switch t {
		case tokString:
			p.finishString()
			e.Text = unquote(p.in[p.tokStart:p.ptr])
		case tokInt, tokFloat:
			e.Text = string(utf16.Decode(p.in[p.tokStart:p.ptr]))
		default:
			p.readValue(t) // skipChildren
		}
		if visit(e) {
			return array
		}
	}
}

// unquote is the text of a string token the parser read, quotes
// included, its escapes decoded as _finishString decodes them.
func unquote(q []uint16) string {
	out := make([]uint16, 0, len(q))
	for i := 1; i < len(q)-1; i++ {
		c := q[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch q[i] {
		case 'b':
			out = append(out, '\b')
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'f':
			out = append(out, '\f')
		case 'r':
			out = append(out, '\r')
		case 'u':
			var v uint16
			for _, h := range q[i+1 : i+5] {
				v = v<<4 | uint16(hexValue(h))
			}
			out = append(out, v)
			i += 4
		default: // '"', '/', '\\'
			out = append(out, q[i])
		}
	}
	return string(utf16.Decode(out))
}

func hexValue(h uint16) int {
	switch {
	case h >= 'a':
		return int(h-'a') + 10
	case h >= 'A':
		return int(h-'A') + 10
	}
	return int(h - '0')
}

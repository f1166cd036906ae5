// Package javaregex checks a regular expression as
// java.util.regex.Pattern.compile does, for what ksqlDB's REGEXP_
// functions throw on a pattern Java refuses.
//
// Check walks a pattern with the control flow of the JDK 17 parser
// (openjdk/jdk17u-dev src/java.base/share/classes/java/util/regex/Pattern.java:
// RemoveQEQuoting, compile, expr, sequence, atom, ref, escape, clazz,
// range, family, groupname, group0, addFlag, closure and the escape
// helpers) without building the matcher, so it refuses what Java refuses,
// at the index Java gives (error(): the cursor less one, counted in code
// points of the pattern after \Q...\E quoting is rewritten), with the
// description Java gives. Java's decisions that need tables this package
// does not hold are taken as Java's acceptance: a Unicode block name
// (\p{InX}, \p{block=X}), a script by its four-letter alias, a character
// name (\N{...}), and whether a look-behind has an obvious maximum length.
// Matching is not this package's: the REGEXP_ functions run RE2.
package javaregex

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
)

// SyntaxError is a PatternSyntaxException.
type SyntaxError struct {
	Desc    string
	Pattern string
	Index   int // -1 when unknown
}

// Error is PatternSyntaxException.getMessage (JDK 17): the description,
// " near index <i>" for an index of 0 or more, a line separator, the
// pattern, and, for an index inside the pattern (in UTF-16 units), a line
// of that many spaces and a caret. The line separator is "\n", the JVM's
// on Linux.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString(e.Desc)
	if e.Index >= 0 {
		fmt.Fprintf(&b, " near index %d", e.Index)
	}
	b.WriteString("\n" + e.Pattern)
	if e.Index >= 0 && e.Index < len(utf16.Encode([]rune(e.Pattern))) {
		b.WriteString("\n" + strings.Repeat(" ", e.Index) + "^")
	}
	return b.String()
}

// IndexError is the ArrayIndexOutOfBoundsException the parser throws where
// it reads past the two zeros that end its copy of the pattern.
type IndexError struct{ Index, Length int }

func (e *IndexError) Error() string {
	return fmt.Sprintf("Index %d out of bounds for length %d", e.Index, e.Length)
}

// Pattern.compile's flags the parser's syntax depends on.
const (
	unixLines    = 0x01
	comments     = 0x04
	unicodeClass = 0x100
)

// Check returns nil for a pattern Pattern.compile(pattern) takes, else what
// it throws: a *SyntaxError, or an *IndexError.
func Check(pattern string) (err error) {
	p := &parser{pattern: pattern, groups: 1, named: map[string]bool{}}
	defer func() {
		switch e := recover().(type) {
		case nil:
		case *SyntaxError:
			err = e
		case *IndexError:
			err = e
		default:
			panic(e)
		}
	}()
	p.compile()
	return nil
}

type parser struct {
	pattern string
	temp    []rune // the pattern's code points and two zeros
	length  int    // patternLength
	cursor  int
	flags   int
	groups  int // capturingGroupCount
	named   map[string]bool
}

func (p *parser) fail(desc string) {
	panic(&SyntaxError{Desc: desc, Pattern: p.pattern, Index: p.cursor - 1})
}

func (p *parser) at(i int) rune {
	if i < 0 || i >= len(p.temp) {
		panic(&IndexError{Index: i, Length: len(p.temp)})
	}
	return p.temp[i]
}

func (p *parser) has(f int) bool { return p.flags&f != 0 }

func (p *parser) compile() {
	if p.pattern == "" {
		return
	}
	p.temp = append([]rune(p.pattern), 0, 0)
	p.length = len(p.temp) - 2
	p.removeQEQuoting()
	p.expr()
	if p.length != p.cursor {
		if p.peek() == ')' {
			p.fail("Unmatched closing ')'")
		}
		p.fail("Unexpected internal error")
	}
}

// removeQEQuoting rewrites \Q...\E as RemoveQEQuoting does: each character
// quoted that is not a letter or beyond ASCII escaped, a digit first in the
// quote preceded by \x3.
func (p *parser) removeQEQuoting() {
	n := p.length
	i := 0
	for i < n-1 {
		switch {
		case p.temp[i] != '\\':
			i++
		case p.temp[i+1] != 'Q':
			i += 2
		default:
			goto found
		}
	}
	return
found:
	out := append([]rune(nil), p.temp[:i]...)
	i += 2
	inQuote, beginQuote := true, true
	for i < n {
		c := p.temp[i]
		i++
		switch {
		case c >= 0x80 || isAlpha(c):
			out = append(out, c)
		case isDigit(c):
			if beginQuote {
				out = append(out, '\\', 'x', '3')
			}
			out = append(out, c)
		case c != '\\':
			if inQuote {
				out = append(out, '\\')
			}
			out = append(out, c)
		case inQuote:
			if p.temp[i] == 'E' {
				i++
				inQuote = false
			} else {
				out = append(out, '\\', '\\')
			}
		default:
			if p.temp[i] == 'Q' {
				i++
				inQuote, beginQuote = true, true
				continue
			}
			out = append(out, c)
			if i != n {
				out = append(out, p.temp[i])
				i++
			}
		}
		beginQuote = false
	}
	p.length = len(out)
	p.temp = append(out, 0, 0)
}

func (p *parser) peek() rune {
	ch := p.at(p.cursor)
	if p.has(comments) {
		ch = p.peekPastWhitespace(ch)
	}
	return ch
}

func (p *parser) read() rune {
	ch := p.at(p.cursor)
	p.cursor++
	if p.has(comments) {
		ch = p.parsePastWhitespace(ch)
	}
	return ch
}

func (p *parser) next() rune {
	p.cursor++
	ch := p.at(p.cursor)
	if p.has(comments) {
		ch = p.peekPastWhitespace(ch)
	}
	return ch
}

func (p *parser) nextEscaped() rune {
	p.cursor++
	return p.at(p.cursor)
}

func (p *parser) skip() rune {
	ch := p.at(p.cursor + 1)
	p.cursor += 2
	return ch
}

func (p *parser) unread() { p.cursor-- }

func (p *parser) accept(ch rune, desc string) {
	test := p.at(p.cursor)
	p.cursor++
	if p.has(comments) {
		test = p.parsePastWhitespace(test)
	}
	if ch != test {
		p.fail(desc)
	}
}

func (p *parser) peekPastWhitespace(ch rune) rune {
	for isSpace(ch) || ch == '#' {
		for isSpace(ch) {
			p.cursor++
			ch = p.at(p.cursor)
		}
		if ch == '#' {
			ch = p.peekPastLine()
		}
	}
	return ch
}

func (p *parser) parsePastWhitespace(ch rune) rune {
	for isSpace(ch) || ch == '#' {
		for isSpace(ch) {
			ch = p.at(p.cursor)
			p.cursor++
		}
		if ch == '#' {
			ch = p.parsePastLine()
		}
	}
	return ch
}

func (p *parser) parsePastLine() rune {
	ch := p.at(p.cursor)
	p.cursor++
	for ch != 0 && !p.lineSeparator(ch) {
		ch = p.at(p.cursor)
		p.cursor++
	}
	if ch == 0 && p.cursor > p.length {
		p.cursor = p.length
		ch = p.at(p.cursor)
		p.cursor++
	}
	return ch
}

func (p *parser) peekPastLine() rune {
	p.cursor++
	ch := p.at(p.cursor)
	for ch != 0 && !p.lineSeparator(ch) {
		p.cursor++
		ch = p.at(p.cursor)
	}
	if ch == 0 && p.cursor > p.length {
		p.cursor = p.length
		ch = p.at(p.cursor)
	}
	return ch
}

func (p *parser) lineSeparator(ch rune) bool {
	if p.has(unixLines) {
		return ch == '\n'
	}
	return ch == '\n' || ch == '\r' || ch|1 == '\u2029' || ch == '\u0085'
}

func (p *parser) expr() {
	for {
		p.sequence()
		if p.peek() != '|' {
			return
		}
		p.next()
	}
}

func (p *parser) sequence() {
	for {
		ch := p.peek()
		switch ch {
		case '(':
			p.group0() // handles its own closure
			continue
		case '[':
			p.clazz(true)
		case '\\':
			ch = p.nextEscaped()
			if ch == 'p' || ch == 'P' {
				p.property()
			} else {
				p.unread()
				p.atom()
			}
		case '^', '$', '.':
			p.next()
		case '|', ')':
			return
		case '?', '*', '+':
			p.next()
			p.fail(fmt.Sprintf("Dangling meta character '%c'", ch))
		case 0:
			if p.cursor >= p.length {
				return
			}
			p.atom()
		default: // ']' and '}' too, as literals
			p.atom()
		}
		p.closure()
	}
}

// atom reads a run of literal characters, or one escape that is not a
// literal.
func (p *parser) atom() {
	first, prev := 0, -1
	ch := p.peek()
	for {
		switch ch {
		case '*', '+', '?', '{':
			if first > 1 {
				p.cursor = prev // unwind one character
			}
		case '$', '.', '^', '(', '[', '|', ')':
		case '\\':
			ch = p.nextEscaped()
			if ch == 'p' || ch == 'P' {
				if first > 0 {
					p.unread()
					break
				}
				p.property()
				return
			}
			p.unread()
			prev = p.cursor
			if c := p.escape(false, first == 0, false); c >= 0 {
				first++
				ch = p.peek()
				continue
			} else if first == 0 {
				return
			}
			p.cursor = prev // unwind the meta escape
		case 0:
			if p.cursor >= p.length {
				break
			}
			fallthrough
		default:
			prev = p.cursor
			first++
			ch = p.next()
			continue
		}
		return
	}
}

// ref reads the digits of a back reference after its first, as long as
// they name a group that exists.
func (p *parser) ref(n int) {
	for {
		ch := p.peek()
		if !isDigit(ch) {
			return
		}
		m := n*10 + int(ch-'0')
		if p.groups-1 < m {
			return
		}
		n = m
		p.read()
	}
}

// escape is Pattern.escape: the character an escape stands for, or -1 for
// one that is a class, an anchor or a back reference.
func (p *parser) escape(inclass, create, isrange bool) rune {
	ch := p.skip()
	switch ch {
	case '0':
		return p.octal()
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if inclass {
			break
		}
		if create {
			p.ref(int(ch - '0'))
		}
		return -1
	case 'A', 'B', 'G', 'R', 'X', 'Z', 'z':
		if inclass {
			break
		}
		return -1
	case 'D', 'H', 'S', 'V', 'W', 'd', 'h', 's', 'w':
		return -1
	case 'N':
		return p.name()
	case 'a':
		return '\a'
	case 'b':
		if inclass {
			break
		}
		if create && p.peek() == '{' {
			if p.skip() == 'g' {
				if p.read() == '}' {
					return -1
				}
				break // the missing trailing }
			}
			p.unread()
			p.unread()
		}
		return -1
	case 'c':
		if p.cursor < p.length {
			return p.read() ^ 64
		}
		p.fail("Illegal control escape sequence")
	case 'e':
		return '\033'
	case 'f':
		return '\f'
	case 'k':
		if inclass {
			break
		}
		if p.read() != '<' {
			p.fail("\\k is not followed by '<' for named capturing group")
		}
		name := p.groupName(p.read())
		if !p.named[name] {
			p.fail("named capturing group <" + name + "> does not exist")
		}
		return -1
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'u':
		return p.unicode()
	case 'v':
		if isrange {
			return '\013'
		}
		return -1
	case 'x':
		return p.hex()
	default:
		if ch < 0x80 && isAlpha(ch) {
			break // the letters Java keeps for itself
		}
		return ch
	}
	p.fail("Illegal/unsupported escape sequence")
	return 0
}

// clazz reads a character class from its '[' (or, not consuming, the
// right side of an && from its first character).
func (p *parser) clazz(consume bool) {
	some := false // prev != null || hasBits
	ch := p.next()
	if ch == '^' && p.at(p.cursor-1) == '[' {
		ch = p.next()
	}
	for {
		switch ch {
		case '[':
			p.clazz(true)
			some = true
			ch = p.peek()
			continue
		case '&':
			ch = p.next()
			if ch != '&' {
				p.unread() // a literal &
				break
			}
			ch = p.next()
			right := false
			for ch != ']' && ch != '&' {
				if ch == '[' {
					p.clazz(true)
				} else {
					p.unread()
					p.clazz(false)
				}
				right = true
				ch = p.peek()
			}
			if !some && !right {
				p.fail("Bad class syntax")
			}
			some = true
			continue
		case 0:
			if p.cursor >= p.length {
				p.fail("Unclosed character class")
			}
		case ']':
			if some {
				if consume {
					p.next()
				}
				return
			}
		}
		p.rangeItem()
		some = true
		ch = p.peek()
	}
}

// rangeItem is Pattern.range: one character, escape, property or range of
// a class.
func (p *parser) rangeItem() {
	ch := p.peek()
	if ch == '\\' {
		ch = p.nextEscaped()
		if ch == 'p' || ch == 'P' {
			p.property()
			return
		}
		isrange := p.at(p.cursor+1) == '-'
		p.unread()
		if ch = p.escape(true, true, isrange); ch == -1 {
			return
		}
	} else {
		p.next()
	}
	if p.peek() == '-' {
		end := p.at(p.cursor + 1)
		if end == '[' || end == ']' {
			return
		}
		p.next()
		m := p.peek()
		if m == '\\' {
			m = p.escape(true, false, true)
		} else {
			p.next()
		}
		if m < ch {
			p.fail("Illegal character range")
		}
	}
}

// property reads \p or \P after its backslash: a one-letter name, or a
// name in braces (the { consumed if present).
func (p *parser) property() {
	one := true
	if p.next() != '{' {
		p.unread()
	} else {
		one = false
	}
	p.family(one)
}

// family reads a property's name, \pL or \p{Name}, and refuses one Java
// does not know.
func (p *parser) family(singleLetter bool) {
	p.next()
	var name string
	if singleLetter {
		name = string(p.at(p.cursor))
		p.read()
	} else {
		i := p.cursor
		p.temp[p.length] = '}'
		for p.read() != '}' {
		}
		p.temp[p.length] = 0
		j := p.cursor
		if j > p.length {
			p.fail("Unclosed character family")
		}
		if i+1 >= j {
			p.fail("Empty character family")
		}
		name = string(p.temp[i : j-1])
	}
	if k := strings.IndexByte(name, '='); k >= 0 {
		value := name[k+1:]
		name = strings.ToLower(name[:k])
		known := false
		switch name {
		case "sc", "script":
			known = script(value)
		case "blk", "block":
			known = true // a block name: not decided here
		case "gc", "general_category":
			known = properties[value]
		}
		if !known {
			p.fail("Unknown Unicode property {name=<" + name + ">, value=<" + value + ">}")
		}
		return
	}
	known := false
	switch {
	case strings.HasPrefix(name, "In"):
		known = true // a block name: not decided here
	case strings.HasPrefix(name, "Is"):
		short := name[2:]
		upper := strings.ToUpper(short)
		known = unicodeProperties[upper] || posix[upper] || properties[short] || script(short)
	default:
		known = p.has(unicodeClass) && posix[strings.ToUpper(name)] || properties[name]
	}
	if !known {
		p.fail("Unknown character property name {" + name + "}")
	}
}

// groupName reads a group's name and the '>' after it.
func (p *parser) groupName(ch rune) string {
	if !isAlpha(ch) {
		p.fail("capturing group name does not start with a Latin letter")
	}
	var b strings.Builder
	for {
		b.WriteRune(ch)
		if ch = p.read(); !isAlpha(ch) && !isDigit(ch) {
			break
		}
	}
	if ch != '>' {
		p.fail("named capturing group is missing trailing '>'")
	}
	return b.String()
}

func (p *parser) group0() {
	save := p.flags
	ch := p.next()
	if ch == '?' {
		ch = p.skip()
		switch ch {
		case ':', '=', '!', '>':
			p.expr()
		case '<':
			ch = p.read()
			if ch != '=' && ch != '!' {
				name := p.groupName(ch)
				if p.named[name] {
					p.fail("Named capturing group <" + name + "> is already defined")
				}
				p.groups++
				p.named[name] = true
			}
			p.expr()
		case '$', '@':
			p.fail("Unknown group type")
		default: // inline flags
			p.unread()
			p.addFlags()
			ch = p.read()
			if ch == ')' {
				return // the flags hold to the end of the enclosing group
			}
			if ch != ':' {
				p.fail("Unknown inline modifier")
			}
			p.expr()
		}
	} else {
		p.groups++
		p.expr()
	}
	p.accept(')', "Unclosed group")
	p.flags = save
	p.closure()
}

var flagBits = map[rune]int{'i': 0x02, 'm': 0x08, 's': 0x20, 'd': unixLines, 'u': 0x40, 'c': 0x80, 'x': comments, 'U': unicodeClass | 0x40}

func (p *parser) addFlags() {
	ch := p.peek()
	for {
		if ch == '-' {
			ch = p.next()
			for bit, ok := flagBits[ch]; ok; bit, ok = flagBits[ch] {
				p.flags &^= bit
				ch = p.next()
			}
			return
		}
		bit, ok := flagBits[ch]
		if !ok {
			return
		}
		p.flags |= bit
		ch = p.next()
	}
}

// qtype reads a quantifier's ? or + after it.
func (p *parser) qtype() {
	if ch := p.next(); ch == '?' || ch == '+' {
		p.next()
	}
}

const maxInt32 = 1<<31 - 1

// closure reads a quantifier after an atom, if there is one.
func (p *parser) closure() {
	switch p.peek() {
	case '?', '*', '+':
		p.qtype()
	case '{':
		ch := p.skip()
		if !isDigit(ch) {
			p.fail("Illegal repetition")
		}
		cmin, cmax := 0, 0
		overflow := func(n int, d rune) int {
			n = n*10 + int(d-'0')
			if n > maxInt32 {
				p.fail("Illegal repetition range") // Math.multiplyExact, addExact
			}
			return n
		}
		for {
			cmin = overflow(cmin, ch)
			if ch = p.read(); !isDigit(ch) {
				break
			}
		}
		if ch == ',' {
			if ch = p.read(); ch == '}' {
				p.unread()
				p.qtype()
				return
			}
			for isDigit(ch) {
				cmax = overflow(cmax, ch)
				ch = p.read()
			}
		} else {
			cmax = cmin
		}
		if ch != '}' {
			p.fail("Unclosed counted closure")
		}
		if cmax < cmin {
			p.fail("Illegal repetition range")
		}
		p.unread()
		p.qtype()
	}
}

func (p *parser) octal() rune {
	isOctal := func(c rune) bool { return c >= '0' && c <= '7' }
	n := p.read()
	if !isOctal(n) {
		p.fail("Illegal octal escape sequence")
	}
	m := p.read()
	if !isOctal(m) {
		p.unread()
		return n - '0'
	}
	o := p.read()
	if isOctal(o) && n <= '3' {
		return (n-'0')*64 + (m-'0')*8 + (o - '0')
	}
	p.unread()
	return (n-'0')*8 + (m - '0')
}

func (p *parser) hex() rune {
	n := p.read()
	if isHex(n) {
		if m := p.read(); isHex(m) {
			return hexValue(n)*16 + hexValue(m)
		}
	} else if n == '{' && isHex(p.peek()) {
		ch := rune(0)
		for n = p.read(); isHex(n); n = p.read() {
			ch = ch<<4 + hexValue(n)
			if ch > unicode.MaxRune {
				p.fail("Hexadecimal codepoint is too big")
			}
		}
		if n != '}' {
			p.fail("Unclosed hexadecimal escape sequence")
		}
		return ch
	}
	p.fail("Illegal hexadecimal escape sequence")
	return 0
}

func (p *parser) uxxxx() rune {
	n := rune(0)
	for range 4 {
		ch := p.read()
		if !isHex(ch) {
			p.fail("Illegal Unicode escape sequence")
		}
		n = n*16 + hexValue(ch)
	}
	return n
}

func (p *parser) unicode() rune {
	n := p.uxxxx()
	if n >= 0xD800 && n <= 0xDBFF {
		cur := p.cursor
		if p.read() == '\\' && p.read() == 'u' {
			if n2 := p.uxxxx(); n2 >= 0xDC00 && n2 <= 0xDFFF {
				return utf16.DecodeRune(n, n2)
			}
		}
		p.cursor = cur
	}
	return n
}

// name reads \N{name}; whether Java knows a name that is not empty
// (Character.codePointOf) is not decided here.
func (p *parser) name() rune {
	if p.read() != '{' {
		p.fail("Illegal character name escape sequence")
	}
	i := p.cursor
	for p.read() != '}' {
		if p.cursor >= p.length {
			p.fail("Unclosed character name escape sequence")
		}
	}
	if p.cursor-i == 1 {
		p.fail("Unknown character name []") // no character has no name
	}
	return 0
}

func isAlpha(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c rune) bool { return c >= '0' && c <= '9' }
func isSpace(c rune) bool { return c == ' ' || c >= '\t' && c <= '\r' }
func isHex(c rune) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexValue(c rune) rune {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

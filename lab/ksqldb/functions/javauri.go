package functions

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// javaURI is a java.net.URI as new URI(text) parses it: JDK 17's
// URI.Parser (openjdk/jdk17u src/java.base/share/classes/java/net/URI.java),
// RFC 2396 with its deviations, over the text's UTF-16 units. A component
// is nil where URI leaves it undefined.
type javaURI struct {
	scheme, host, path, query, fragment *string
	port                                int
}

// uriSyntaxError is a URISyntaxException; its Error is getMessage's
// "<reason>[ at index <i>]: <input>".
type uriSyntaxError struct {
	input, reason string
	index         int
}

func (e *uriSyntaxError) Error() string {
	if e.index > -1 {
		return fmt.Sprintf("%s at index %d: %s", e.reason, e.index, e.input)
	}
	return e.reason + ": " + e.input
}

// uriMask is one of URI's character classes: bits for the characters below
// 64 and for those from 64 to 127; bit 0 of lo stands for escapes and
// visible non-ASCII characters (L_ESCAPED).
type uriMask struct{ lo, hi uint64 }

func maskOf(chars string, with ...uriMask) uriMask {
	var m uriMask
	for _, c := range chars {
		if c < 64 {
			m.lo |= 1 << c
		} else {
			m.hi |= 1 << (c - 64)
		}
	}
	for _, w := range with {
		m.lo |= w.lo
		m.hi |= w.hi
	}
	return m
}

func (m uriMask) match(c uint16) bool {
	switch {
	case c == 0:
		return false
	case c < 64:
		return m.lo&(1<<c) != 0
	case c < 128:
		return m.hi&(1<<(c-64)) != 0
	}
	return false
}

// The classes of URI's grammar (RFC 2396, and RFC 2732's brackets).
var (
	uriDigit      = maskOf("0123456789")
	uriAlpha      = maskOf("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	uriAlphanum   = maskOf("", uriDigit, uriAlpha)
	uriHex        = maskOf("abcdefABCDEF", uriDigit)
	uriUnreserved = maskOf("-_.!~*'()", uriAlphanum)
	uriEscaped    = uriMask{lo: 1}
	uriURIC       = maskOf(";/?:@&=+$,[]", uriUnreserved, uriEscaped)
	uriPath       = maskOf(":@&=+$,;/", uriUnreserved, uriEscaped)
	uriDash       = maskOf("-")
	uriDot        = maskOf(".")
	uriUserInfo   = maskOf(";:&=+$,", uriUnreserved, uriEscaped)
	uriRegName    = maskOf("$,;:@&=+", uriUnreserved, uriEscaped)
	uriServer     = maskOf(".:@[]", uriUserInfo, uriAlphanum, uriDash)
	uriServerPct  = maskOf("%", uriServer)
	uriScheme     = maskOf("+-.", uriAlpha, uriDigit)
	uriScopeID    = maskOf("_.", uriAlphanum)
)

// numberFormatError is a NumberFormatException.
type numberFormatError string

func (e numberFormatError) Error() string { return string(e) }

// uriThrown is what new URI throws: a *uriSyntaxError, or a
// numberFormatError where the digits of an IPv4 part of an IPv6 address
// overflow an int.
func uriThrown(r any) (error, bool) {
	switch e := r.(type) {
	case *uriSyntaxError:
		return e, true
	case numberFormatError:
		return e, true
	}
	return nil, false
}

// parseJavaURI is new URI(text): the URI, or what it throws.
func parseJavaURI(text string) (u *javaURI, err error) {
	p := &uriParser{text: text, in: utf16.Encode([]rune(text)), u: &javaURI{port: -1}}
	defer func() {
		if r := recover(); r != nil {
			e, ok := uriThrown(r)
			if !ok {
				panic(r)
			}
			u, err = nil, e
		}
	}()
	p.parse()
	return p.u, nil
}

type uriParser struct {
	text string
	in   []uint16
	u    *javaURI
	ipv6 int // ipv6byteCount
}

func (p *uriParser) fail(reason string, at int) {
	panic(&uriSyntaxError{input: p.text, reason: reason, index: at})
}

func (p *uriParser) sub(from, to int) *string {
	s := string(utf16.Decode(p.in[from:to]))
	return &s
}

func (p *uriParser) at(i, n int, c uint16) bool { return i < n && p.in[i] == c }

func (p *uriParser) atPair(i, n int, c uint16) bool {
	return 2 <= n-i && p.in[i] == c && p.in[i+1] == c
}

func inSet(c uint16, set string) bool {
	for i := 0; i < len(set); i++ {
		if uint16(set[i]) == c {
			return true
		}
	}
	return false
}

// scanErr scans to the first of stop, -1 at the first of errs.
func (p *uriParser) scanErr(start, n int, errs, stop string) int {
	for i := start; i < n; i++ {
		switch c := p.in[i]; {
		case inSet(c, errs):
			return -1
		case inSet(c, stop):
			return i
		}
	}
	return n
}

func (p *uriParser) scanTo(start, n int, stop string) int { return p.scanErr(start, n, "", stop) }

func (p *uriParser) scanChar(start, n int, c uint16) int {
	if p.at(start, n, c) {
		return start + 1
	}
	return start
}

// scanEscape is an escape pair or a visible non-ASCII character.
func (p *uriParser) scanEscape(i, n int, c uint16) int {
	if c == '%' {
		if i+3 <= n && uriHex.match(p.in[i+1]) && uriHex.match(p.in[i+2]) {
			return i + 3
		}
		p.fail("Malformed escape pair", i)
	}
	r := rune(c)
	if c > 128 && !unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) && !(c <= 0x9f) {
		return i + 1
	}
	return i
}

func (p *uriParser) scan(start, n int, m uriMask) int {
	i := start
	for i < n {
		c := p.in[i]
		if m.match(c) {
			i++
			continue
		}
		if m.lo&1 != 0 {
			if q := p.scanEscape(i, n, c); q > i {
				i = q
				continue
			}
		}
		break
	}
	return i
}

func (p *uriParser) checkChars(start, end int, m uriMask, what string) {
	if i := p.scan(start, end, m); i < end {
		p.fail("Illegal character in "+what, i)
	}
}

func (p *uriParser) parse() {
	n := len(p.in)
	i := p.scanErr(0, n, "/?#", ":")
	if i >= 0 && p.at(i, n, ':') {
		if i == 0 {
			p.fail("Expected scheme name", 0)
		}
		p.checkChars(0, 1, uriAlpha, "scheme name")
		p.checkChars(1, i, uriScheme, "scheme name")
		p.u.scheme = p.sub(0, i)
		i++
		if p.at(i, n, '/') {
			i = p.parseHierarchical(i, n)
		} else { // opaque
			q := p.scanTo(i, n, "#")
			if q <= i {
				p.fail("Expected scheme-specific part", i)
			}
			p.checkChars(i, q, uriURIC, "opaque part")
			i = q
		}
	} else {
		i = p.parseHierarchical(0, n)
	}
	if p.at(i, n, '#') {
		p.checkChars(i+1, n, uriURIC, "fragment")
		p.u.fragment = p.sub(i+1, n)
		i = n
	}
	if i < n {
		p.fail("end of URI", i)
	}
}

func (p *uriParser) parseHierarchical(start, n int) int {
	i := start
	if p.atPair(i, n, '/') {
		i += 2
		q := p.scanTo(i, n, "/?#")
		switch {
		case q > i:
			i = p.parseAuthority(i, q)
		case q < n: // an empty authority before a path, query or fragment
		default:
			p.fail("Expected authority", i)
		}
	}
	q := p.scanTo(i, n, "?#")
	p.checkChars(i, q, uriPath, "path")
	p.u.path = p.sub(i, q)
	i = q
	if p.at(i, n, '?') {
		i++
		q = p.scanTo(i, n, "#")
		p.checkChars(i, q, uriURIC, "query")
		p.u.query = p.sub(i, q)
		i = q
	}
	return i
}

// parseAuthority takes the authority as a server where it parses as one,
// else as a registry name where its characters allow, else throws.
func (p *uriParser) parseAuthority(start, n int) int {
	var server bool
	if p.scanTo(start, n, "]") > start {
		server = p.scan(start, n, uriServerPct) == n
	} else {
		server = p.scan(start, n, uriServer) == n
	}
	reg := p.scan(start, n, uriRegName) == n
	if reg && !server {
		return n
	}
	skip := reg // !requireServerAuthority && regChars
	q := start
	var thrown any
	if server {
		func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(*uriSyntaxError); !ok {
						panic(r)
					}
					thrown, q = r, start
				}
			}()
			q = p.parseServer(start, n, skip)
			if q < n {
				if !skip {
					p.fail("Expected end of authority", q)
				}
				q = start
			}
		}()
		if q == start {
			p.u.host, p.u.port = nil, -1
		}
	}
	if q < n {
		switch {
		case reg:
		case thrown != nil:
			panic(thrown)
		default:
			p.fail("Illegal character in authority", q)
		}
	}
	return n
}

func (p *uriParser) parseServer(start, n int, skip bool) int {
	i := start
	if q := p.scanErr(i, n, "/?#", "@"); q >= i && p.at(q, n, '@') {
		p.checkChars(i, q, uriUserInfo, "user info")
		i = q + 1
	}
	if p.at(i, n, '[') {
		i++
		q := p.scanErr(i, n, "/?#", "]")
		if q <= i || !p.at(q, n, ']') {
			p.fail("Expected closing bracket for IPv6 address", q)
		}
		if r := p.scanTo(i, q, "%"); r > i {
			p.parseIPv6(i, r)
			if r+1 == q {
				p.fail("scope id expected", -1)
			}
			p.checkChars(r+1, q, uriScopeID, "scope id")
		} else {
			p.parseIPv6(i, q)
		}
		p.u.host = p.sub(i-1, q+1)
		i = q + 1
	} else {
		q := p.parseIPv4(i, n)
		if q <= i {
			q = p.parseHostname(i, n, skip)
		}
		i = q
	}
	if p.at(i, n, ':') {
		i++
		if q := p.scanTo(i, n, "/"); q > i {
			p.checkChars(i, q, uriDigit, "port number")
			port, err := strconv.ParseInt(string(utf16.Decode(p.in[i:q])), 10, 32)
			if err != nil {
				p.fail("Malformed port number", i)
			}
			p.u.port = int(port)
			i = q
		}
	} else if i < n && skip {
		return i
	}
	if i < n {
		p.fail("Expected port number", i)
	}
	return i
}

// scanByte scans decimal digits whose value fits in a byte; digits past
// an int are Integer.parseInt's NumberFormatException, at the digit that
// overflows.
func (p *uriParser) scanByte(start, n int) int {
	q := p.scan(start, n, uriDigit)
	if q <= start {
		return q
	}
	digits := string(utf16.Decode(p.in[start:q]))
	v := int64(0)
	for i := range len(digits) {
		if v = v*10 + int64(digits[i]-'0'); v > 1<<31-1 {
			panic(numberFormatError(fmt.Sprintf("Error at index %d in: \"%s\"", i, digits)))
		}
	}
	if v > 255 {
		return start
	}
	return q
}

func (p *uriParser) scanIPv4(start, n int, strict bool) int {
	m := p.scan(start, n, maskOf("", uriDigit, uriDot))
	if m <= start || strict && m != n {
		return -1
	}
	i, q := start, start
	for part := 0; ; part++ {
		if q = p.scanByte(i, m); q <= i {
			break
		}
		i = q
		if part == 3 {
			if q < m {
				break
			}
			return q
		}
		if q = p.scanChar(i, m, '.'); q <= i {
			break
		}
		i = q
	}
	p.fail("Malformed IPv4 address", q)
	return -1
}

func (p *uriParser) takeIPv4(start, n int, expected string) int {
	i := p.scanIPv4(start, n, true)
	if i <= start {
		p.fail("Expected "+expected, start)
	}
	return i
}

// parseIPv4 is an IPv4 address at the start, followed by nothing or a
// ':'; -1 when there is none.
func (p *uriParser) parseIPv4(start, n int) (i int) {
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := uriThrown(r); !ok {
					panic(r)
				}
				i = -1
			}
		}()
		i = p.scanIPv4(start, n, false)
	}()
	if i > start && i < n && p.in[i] != ':' {
		i = -1
	}
	if i > start {
		p.u.host = p.sub(start, i)
	}
	return i
}

func (p *uriParser) parseHostname(start, n int, skip bool) int {
	i, l := start, -1
	for {
		q := p.scan(i, n, uriAlphanum)
		if q <= i {
			break
		}
		l, i = i, q
		if q = p.scan(i, n, maskOf("", uriAlphanum, uriDash)); q > i {
			if p.in[q-1] == '-' {
				p.fail("Illegal character in hostname", q-1)
			}
			i = q
		}
		if q = p.scanChar(i, n, '.'); q <= i {
			break
		}
		if i = q; i >= n {
			break
		}
	}
	if i < n && !p.at(i, n, ':') {
		if skip {
			return i
		}
		p.fail("Illegal character in hostname", i)
	}
	if l < 0 {
		p.fail("Expected hostname", start)
	}
	if l > start && !uriAlpha.match(p.in[l]) {
		p.fail("Illegal character in hostname", l)
	}
	p.u.host = p.sub(start, i)
	return i
}

func (p *uriParser) parseIPv6(start, n int) {
	i, compressed := start, false
	if q := p.scanHexSeq(i, n); q > i {
		i = q
		if p.atPair(i, n, ':') {
			compressed = true
			i = p.scanHexPost(i+2, n)
		} else if p.at(i, n, ':') {
			i = p.takeIPv4(i+1, n, "IPv4 address")
			p.ipv6 += 4
		}
	} else if p.atPair(i, n, ':') {
		compressed = true
		i = p.scanHexPost(i+2, n)
	}
	switch {
	case i < n:
		p.fail("Malformed IPv6 address", start)
	case p.ipv6 > 16:
		p.fail("IPv6 address too long", start)
	case !compressed && p.ipv6 < 16:
		p.fail("IPv6 address too short", start)
	case compressed && p.ipv6 == 16:
		p.fail("Malformed IPv6 address", start)
	}
}

func (p *uriParser) scanHexPost(start, n int) int {
	if start == n {
		return start
	}
	i := start
	if q := p.scanHexSeq(i, n); q > i {
		i = q
		if p.at(i, n, ':') {
			i = p.takeIPv4(i+1, n, "hex digits or IPv4 address")
			p.ipv6 += 4
		}
		return i
	}
	i = p.takeIPv4(i, n, "hex digits or IPv4 address")
	p.ipv6 += 4
	return i
}

func (p *uriParser) scanHexSeq(start, n int) int {
	q := p.scan(start, n, uriHex)
	if q <= start || p.at(q, n, '.') {
		return -1
	}
	if q > start+4 {
		p.fail("IPv6 hexadecimal digit sequence too long", start)
	}
	p.ipv6 += 2
	i := q
	for i < n && p.at(i, n, ':') && !p.at(i+1, n, ':') {
		i++
		q = p.scan(i, n, uriHex)
		if q <= i {
			p.fail("Expected digits for an IPv6 address", i)
		}
		if p.at(q, n, '.') { // an IPv4 address follows
			i--
			break
		}
		if q > i+4 {
			p.fail("IPv6 hexadecimal digit sequence too long", i)
		}
		p.ipv6 += 2
		i = q
	}
	return i
}

// uriDecode is URI.decode: each run of escapes decoded as UTF-8, a
// malformed byte replaced; with ignoreInBrackets, a '%' between [ and ] is
// kept as it is (getPath's; getQuery and getFragment decode those too).
func uriDecode(s *string, ignoreInBrackets bool) any {
	if s == nil {
		return nil
	}
	in := *s
	var out strings.Builder
	brackets := false
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '[':
			brackets = true
		case brackets && c == ']':
			brackets = false
		}
		if c != '%' || brackets && ignoreInBrackets {
			out.WriteByte(c)
			i++
			continue
		}
		var raw []byte
		for i < len(in) && in[i] == '%' {
			v, _ := strconv.ParseUint(in[i+1:i+3], 16, 8)
			raw = append(raw, byte(v))
			i += 3
		}
		out.WriteString(string([]rune(string(raw))))
	}
	return out.String()
}

package restproxy

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// jacksonInstant binds a java.time.Instant as jackson-datatype-jsr310
// 2.16's InstantDeserializer does with DateTimeFormatter.ISO_INSTANT: a
// number is seconds since the epoch (READ_DATE_TIMESTAMPS_AS_NANOSECONDS),
// a string of digits, with at most one '.', too; any other string is
// parsed as ISO_INSTANT parses it (java.time's InstantPrinterParser, case
// insensitive), its failure quoted as DateTimeParseException words it.
func jacksonInstant(raw json.RawMessage) (*time.Time, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Integer":
		n, ok := new(big.Int).SetString(string(raw), 10)
		if !ok || !n.IsInt64() {
			return nil, jacksonError("Numeric value (%s) out of range of long (-9223372036854775808 - 9223372036854775807)", raw)
		}
		return instantOf(n.Int64(), 0)
	case "Floating-point":
		return instantFromDecimal(string(raw))
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		text := javaTrim(s)
		if text == "" {
			return nil, nil
		}
		switch instantPeriods(text) {
		case 0:
			if n, err := strconv.ParseInt(text, 10, 64); err == nil {
				return instantOf(n, 0)
			}
		case 1:
			return instantFromDecimal(text)
		}
		t, failure := parseISOInstant(text)
		if failure != "" {
			return nil, weirdString("java.time.Instant", text,
				"Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) "+failure)
		}
		return &t, nil
	case "Boolean":
		_, token := jacksonToken(raw)
		return nil, jacksonError("Unexpected token (%s), expected one of [VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT] for java.time.Instant value", token)
	}
	return nil, mismatched("java.time.Instant", raw)
}

// instantPeriods is InstantDeserializer._countPeriods: the number of '.'
// in a string of digits and periods, -1 for any other string.
func instantPeriods(s string) int {
	n := 0
	for _, c := range s {
		switch {
		case c == '.':
			n++
		case c < '0' || c > '9':
			return -1
		}
	}
	return n
}

// Instant's range, in seconds.
const (
	instantMinSeconds = -31557014167219200
	instantMaxSeconds = 31556889864403199
)

func instantOf(sec, nanos int64) (*time.Time, *apiError) {
	sec += nanos / 1e9
	nanos %= 1e9
	if nanos < 0 {
		sec--
		nanos += 1e9
	}
	if sec < instantMinSeconds || sec > instantMaxSeconds {
		return nil, jacksonError("Instant exceeds minimum or maximum instant (through reference chain: %s[\"timestamp\"])", javaBuilder)
	}
	t := time.Unix(sec, nanos).UTC()
	return &t, nil
}

// instantFromDecimal splits a decimal number of seconds as
// DecimalUtils.extractSecondsAndNanos does: both parts truncated.
func instantFromDecimal(text string) (*time.Time, *apiError) {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, jacksonError("Numeric value (%s) out of range of long (-9223372036854775808 - 9223372036854775807)", text)
	}
	sec := new(big.Int).Quo(r.Num(), r.Denom())
	frac := new(big.Rat).Sub(r, new(big.Rat).SetInt(sec))
	nanos := new(big.Rat).Mul(frac, big.NewRat(1e9, 1))
	ns := new(big.Int).Quo(nanos.Num(), nanos.Denom())
	if !sec.IsInt64() {
		return nil, jacksonError("Instant exceeds minimum or maximum instant (through reference chain: %s[\"timestamp\"])", javaBuilder)
	}
	return instantOf(sec.Int64(), ns.Int64())
}

// parseISOInstant parses as DateTimeFormatter.ISO_INSTANT.parse does
// (JDK 17): uuuu-MM-dd'T'HH:mm:ss[.fraction] and 'Z' or an offset
// +HH:MM[:ss], letters in either case. A failure is the exception's
// message.
func parseISOInstant(text string) (time.Time, string) {
	p := isoParser{s: text}
	fail := func(index int) (time.Time, string) {
		return time.Time{}, fmt.Sprintf("Text '%s' could not be parsed at index %d", javaAbbreviate(text), index)
	}
	year, ok := p.year()
	if !ok {
		return fail(p.err)
	}
	var f [5]int // month, day, hour, minute, second
	seps := []byte{'-', '-', 'T', ':', ':'}
	for i := range f {
		if !p.literal(seps[i]) {
			return fail(p.err)
		}
		if f[i], ok = p.digits2(); !ok {
			return fail(p.err)
		}
	}
	nanos := p.fraction()
	offset, ok, rangeErr := p.offset()
	if rangeErr {
		return time.Time{}, fmt.Sprintf("Text '%s' could not be parsed: Value out of range: Hour[0-23], Minute[0-59], Second[0-59]", javaAbbreviate(text))
	}
	if !ok {
		return fail(p.err)
	}
	if p.i < len(text) {
		return time.Time{}, fmt.Sprintf("Text '%s' could not be parsed, unparsed text found at index %d", javaAbbreviate(text), p.i)
	}
	month, day, hour, minute, second := f[0], f[1], f[2], f[3], f[4]
	days := 0
	if hour == 24 && minute == 0 && second == 0 && nanos == 0 {
		hour, days = 0, 1
	} else if hour == 23 && minute == 59 && second == 60 {
		second = 59 // a leap second
	}
	// LocalDateTime.of's checks fail the whole parse at its start
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59 {
		return fail(0)
	}
	t := time.Date(int(year), time.Month(month), day+days, hour, minute, second, nanos, time.UTC).Add(-time.Duration(offset) * time.Second)
	if t.Unix() < instantMinSeconds || t.Unix() > instantMaxSeconds {
		return time.Time{}, fmt.Sprintf("Text '%s' could not be parsed: Instant exceeds minimum or maximum instant", javaAbbreviate(text))
	}
	return t, ""
}

func daysIn(year int64, month int) int {
	return time.Date(int(year), time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// javaAbbreviate is how DateTimeFormatter quotes a text: at most 64
// characters, then "...".
func javaAbbreviate(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "..."
	}
	return s
}

// isoParser walks a text as java.time's printer-parsers do; err is the
// index a failed step reports.
type isoParser struct {
	s   string
	i   int
	err int
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// year is appendValue(YEAR, 4, 10, SignStyle.EXCEEDS_PAD), strict: a '+'
// only before more than four digits, which need one.
func (p *isoParser) year() (int64, bool) {
	start := p.i
	neg, signed := false, false
	if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		neg, signed = p.s[p.i] == '-', true
		p.i++
	}
	digitsAt := p.i
	for p.i < len(p.s) && p.i-digitsAt < 10 && isDigit(p.s[p.i]) {
		p.i++
	}
	n := p.i - digitsAt
	v, _ := strconv.ParseInt(p.s[digitsAt:p.i], 10, 64)
	switch {
	case n < 4:
		p.err = digitsAt
		return 0, false
	case neg && v == 0:
		p.err = start
		return 0, false
	case neg:
		return -v, true
	case signed && n <= 4:
		p.err = start
		return 0, false
	case !signed && n > 4:
		p.err = digitsAt
		return 0, false
	}
	return v, true
}

func (p *isoParser) literal(c byte) bool {
	if p.i >= len(p.s) || !strings.EqualFold(p.s[p.i:p.i+1], string(c)) {
		p.err = p.i
		return false
	}
	p.i++
	return true
}

// digits2 is appendValue(field, 2): exactly two digits, no sign.
func (p *isoParser) digits2() (int, bool) {
	if p.i+2 > len(p.s) || !isDigit(p.s[p.i]) || !isDigit(p.s[p.i+1]) {
		p.err = p.i
		return 0, false
	}
	v := int(p.s[p.i]-'0')*10 + int(p.s[p.i+1]-'0')
	p.i += 2
	return v, true
}

// fraction is appendFraction(NANO_OF_SECOND, 0, 9, true): an optional '.'
// and up to nine digits.
func (p *isoParser) fraction() int {
	if p.i >= len(p.s) || p.s[p.i] != '.' {
		return 0
	}
	p.i++
	start := p.i
	for p.i < len(p.s) && p.i-start < 9 && isDigit(p.s[p.i]) {
		p.i++
	}
	digits := p.s[start:p.i] + strings.Repeat("0", 9-(p.i-start))
	v, _ := strconv.Atoi(digits)
	return v
}

// offset is appendOffsetId(): 'Z', or +HH:MM with optional :ss.
func (p *isoParser) offset() (seconds int, ok, rangeErr bool) {
	start := p.i
	if p.i >= len(p.s) {
		p.err = start
		return 0, false, false
	}
	if p.s[p.i] == 'Z' || p.s[p.i] == 'z' {
		p.i++
		return 0, true, false
	}
	sign := p.s[p.i]
	if sign != '+' && sign != '-' {
		p.err = start
		return 0, false, false
	}
	p.i++
	h, okh := p.digits2()
	if !okh || !p.literal(':') {
		p.i, p.err = start, start
		return 0, false, false
	}
	m, okm := p.digits2()
	if !okm {
		p.i, p.err = start, start
		return 0, false, false
	}
	sec := 0
	if p.i+3 <= len(p.s) && p.s[p.i] == ':' && isDigit(p.s[p.i+1]) && isDigit(p.s[p.i+2]) {
		sec = int(p.s[p.i+1]-'0')*10 + int(p.s[p.i+2]-'0')
		p.i += 3
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, false, true
	}
	seconds = h*3600 + m*60 + sec
	if sign == '-' {
		seconds = -seconds
	}
	return seconds, true, false
}

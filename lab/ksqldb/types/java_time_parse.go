package types

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// java.time's parsing of the ISO date and time and of ksqlDB's
// yyyy-MM-dd'T'HH:mm:ss.SSS as SqlTimeTypes and StringToTimestampParser
// run it (JDK 17): the value, or what it throws.

// isoParser reads text as a java.time DateTimeFormatter's parsers do,
// recording where it fails.
type isoParser struct {
	text string
	in   []uint16 // the text as Java's chars
	pos  int
}

func newISOParser(text string) *isoParser {
	return &isoParser{text: text, in: utf16.Encode([]rune(text))}
}

// atIndex is the DateTimeParseException of a parse that failed at i.
func (p *isoParser) atIndex(i int) Thrown {
	return Thrown{"Text '" + p.text + "' could not be parsed at index " + strconv.Itoa(i)}
}

// unparsed is the DateTimeParseException of text left after the last field.
func (p *isoParser) unparsed() Thrown {
	return Thrown{"Text '" + p.text + "' could not be parsed, unparsed text found at index " + strconv.Itoa(p.pos)}
}

// resolving is the DateTimeParseException around the DateTimeException
// resolving the fields threw.
func (p *isoParser) resolving(msg string) Thrown {
	return Thrown{"Text '" + p.text + "' could not be parsed: " + msg, msg}
}

func (p *isoParser) digit(i int) (int, bool) {
	if i < len(p.in) && p.in[i] >= '0' && p.in[i] <= '9' {
		return int(p.in[i] - '0'), true
	}
	return 0, false
}

// literal is a CharLiteralPrinterParser.
func (p *isoParser) literal(c uint16) bool {
	if p.pos < len(p.in) && p.in[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// fixed2 is appendValue(field, 2): two digits, no sign.
func (p *isoParser) fixed2() (int, bool) {
	a, ok1 := p.digit(p.pos)
	b, ok2 := p.digit(p.pos + 1)
	if !ok1 || !ok2 {
		return 0, false
	}
	p.pos += 2
	return a*10 + b, true
}

// year is appendValue(YEAR, 4, 10, SignStyle.EXCEEDS_PAD), strict: 4 to 10
// digits, a sign required for more than 4 and refused for 4, no minus zero.
// It returns the index the parse failed at, or -1.
func (p *isoParser) year() (int64, int) {
	if p.pos >= len(p.in) {
		return 0, p.pos
	}
	sign := 0
	switch p.in[p.pos] {
	case '+':
		sign = 1
		p.pos++
	case '-':
		sign = -1
		p.pos++
	}
	start := p.pos
	var y int64
	for p.pos < len(p.in) && p.pos-start < 10 {
		d, ok := p.digit(p.pos)
		if !ok {
			break
		}
		y = y*10 + int64(d)
		p.pos++
	}
	n := p.pos - start
	switch {
	case n < 4:
		return 0, start
	case sign < 0 && y == 0:
		return 0, start - 1
	case sign < 0:
		return -y, -1
	case sign > 0 && n <= 4:
		return 0, start - 1
	case sign == 0 && n > 4:
		return 0, start
	}
	return y, -1
}

// parseISODate is LocalDate.parse (DateTimeFormatter.ISO_LOCAL_DATE,
// ResolverStyle.STRICT, JDK 17): the epoch day, or the
// DateTimeParseException.
func parseISODate(text string) (epochDay int64, thrown Thrown) {
	p := newISOParser(text)
	y, failAt := p.year()
	if failAt >= 0 {
		return 0, p.atIndex(failAt)
	}
	var m, d int
	for _, f := range []*int{&m, &d} {
		if !p.literal('-') {
			return 0, p.atIndex(p.pos)
		}
		v, ok := p.fixed2()
		if !ok {
			return 0, p.atIndex(p.pos)
		}
		*f = v
	}
	if p.pos != len(p.in) {
		return 0, p.unparsed()
	}
	switch {
	case y < -999999999 || y > 999999999:
		return 0, p.resolving("Invalid value for Year (valid values -999999999 - 999999999): " + strconv.FormatInt(y, 10))
	case m < 1 || m > 12:
		return 0, p.resolving("Invalid value for MonthOfYear (valid values 1 - 12): " + strconv.Itoa(m))
	case d < 1 || d > 31:
		return 0, p.resolving("Invalid value for DayOfMonth (valid values 1 - 28/31): " + strconv.Itoa(d))
	}
	// LocalDate.of's check of the day against the month's length
	leap := y&3 == 0 && (y%100 != 0 || y%400 == 0)
	length := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && leap {
		length = 29
	}
	if d > length {
		if d == 29 {
			return 0, p.resolving("Invalid date 'February 29' as '" + strconv.FormatInt(y, 10) + "' is not a leap year")
		}
		return 0, p.resolving("Invalid date '" + strings.ToUpper(time.Month(m).String()) + " " + strconv.Itoa(d) + "'")
	}
	return time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400, nil
}

// parseISOTime is LocalTime.parse (DateTimeFormatter.ISO_LOCAL_TIME,
// ResolverStyle.STRICT, JDK 17): HH:mm, then optionally :ss and then
// optionally a point and up to 9 digits of fraction; the milliseconds of
// the day (toNanoOfDay() / 1000000), or the DateTimeParseException.
func parseISOTime(text string) (int32, Thrown) {
	p := newISOParser(text)
	h, ok := p.fixed2()
	if !ok {
		return 0, p.atIndex(p.pos)
	}
	if !p.literal(':') {
		return 0, p.atIndex(p.pos)
	}
	m, ok := p.fixed2()
	if !ok {
		return 0, p.atIndex(p.pos)
	}
	s, nanos := 0, 0
	// the optional section: a failure puts the position back
	if at := p.pos; p.literal(':') {
		if s, ok = p.fixed2(); !ok {
			p.pos, s = at, 0
		} else if p.literal('.') {
			scale := 100000000
			for n := 0; n < 9; n++ {
				d, ok := p.digit(p.pos)
				if !ok {
					break
				}
				nanos += d * scale
				scale /= 10
				p.pos++
			}
		}
	}
	if p.pos != len(p.in) {
		return 0, p.unparsed()
	}
	// Parsed.resolveTime checks the minute, then the hour, then the second
	switch {
	case m > 59:
		return 0, p.resolving("Invalid value for MinuteOfHour (valid values 0 - 59): " + strconv.Itoa(m))
	case h > 23:
		return 0, p.resolving("Invalid value for HourOfDay (valid values 0 - 23): " + strconv.Itoa(h))
	case s > 59:
		return 0, p.resolving("Invalid value for SecondOfMinute (valid values 0 - 59): " + strconv.Itoa(s))
	}
	return int32(((h*60+m)*60+s)*1000 + nanos/1000000), nil
}

// parseKsqlDateTime is StringToTimestampParser.parse of text with the
// pattern yyyy-MM-dd'T'HH:mm:ss.SSS (DateTimeFormatterBuilder, case
// insensitive, ResolverStyle.SMART, JDK 17), the zone loc: the epoch
// milliseconds, or the exception it throws. A year has 4 digits, or a
// sign and up to 19; resolving checks the year of era, the month, the day
// of month, then the minute, the hour and the second, takes a day past
// the month's last as that last day and 24:00:00.000 as the next day's
// midnight; Instant.toEpochMilli throws "long overflow".
func parseKsqlDateTime(text string, loc *time.Location) (int64, Thrown) {
	p := newISOParser(text)
	y, failAt := p.eraYear()
	if failAt >= 0 {
		return 0, p.atIndex(failAt)
	}
	var f [6]int // month, day, hour, minute, second, millisecond
	for i, sep := range []uint16{'-', '-', 'T', ':', ':', '.'} {
		if !p.literal(sep) && !(sep == 'T' && p.literal('t')) {
			return 0, p.atIndex(p.pos)
		}
		if i == 5 {
			a, ok1 := p.digit(p.pos)
			bc, ok2 := p.fixed2At(p.pos + 1)
			if !ok1 || !ok2 {
				return 0, p.atIndex(p.pos)
			}
			f[5], p.pos = a*100+bc, p.pos+3
			break
		}
		v, ok := p.fixed2()
		if !ok {
			return 0, p.atIndex(p.pos)
		}
		f[i] = v
	}
	if p.pos != len(p.in) {
		return 0, p.unparsed()
	}
	mo, d, h, mi, sec, ms := f[0], f[1], f[2], f[3], f[4], f[5]
	num := strconv.Itoa
	var msg string
	switch {
	case y < 1 || y > 999999999:
		msg = "Invalid value for YearOfEra (valid values 1 - 999999999/1000000000): " + strconv.FormatInt(y, 10)
	case mo < 1 || mo > 12:
		msg = "Invalid value for MonthOfYear (valid values 1 - 12): " + num(mo)
	case d < 1 || d > 31:
		msg = "Invalid value for DayOfMonth (valid values 1 - 28/31): " + num(d)
	case mi > 59:
		msg = "Invalid value for MinuteOfHour (valid values 0 - 59): " + num(mi)
	case h > 24 || h == 24 && (mi != 0 || sec != 0 || ms != 0):
		msg = "Invalid value for HourOfDay (valid values 0 - 23): " + num(h)
	case sec > 59:
		msg = "Invalid value for SecondOfMinute (valid values 0 - 59): " + num(sec)
	}
	if msg != "" {
		return 0, p.resolving(msg)
	}
	if last := time.Date(int(y), time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	t := time.Date(int(y), time.Month(mo), d, h, mi, sec, ms*1000000, loc) // an hour of 24 is the next day's
	if s := t.Unix(); s > math.MaxInt64/1000 || s < math.MinInt64/1000 {
		return 0, Thrown{"long overflow"}
	}
	return t.UnixMilli(), nil
}

// eraYear is appendValue(YEAR_OF_ERA, 4, 19, SignStyle.EXCEEDS_PAD),
// strict: 4 digits, or a sign and more (not minus zero), up to 19. It
// returns the index the parse failed at, or -1.
func (p *isoParser) eraYear() (int64, int) {
	sign := int64(1)
	if p.pos < len(p.in) && (p.in[p.pos] == '+' || p.in[p.pos] == '-') {
		if p.in[p.pos] == '-' {
			sign = -1
		}
		p.pos++
	}
	signed := p.pos > 0
	start := p.pos
	var y uint64
	for p.pos-start < 19 {
		d, ok := p.digit(p.pos)
		if !ok {
			break
		}
		y = y*10 + uint64(d)
		p.pos++
	}
	n := p.pos - start
	switch {
	case n < 4:
		return 0, start
	case signed && sign < 0 && y == 0, signed && sign > 0 && n <= 4:
		return 0, start - 1
	case !signed && n > 4:
		return 0, start
	}
	if y > math.MaxInt64 {
		y = math.MaxInt64 // out of range as well
	}
	return sign * int64(y), -1
}

// fixed2At reads two digits at i.
func (p *isoParser) fixed2At(i int) (int, bool) {
	a, ok1 := p.digit(i)
	b, ok2 := p.digit(i + 1)
	return a*10 + b, ok1 && ok2
}

// javaZoneOffset checks an offset as ZoneOffset.of does (ZoneId.of of an
// id starting with a sign): the DateTimeException's message, "" when it
// takes it.
func javaZoneOffset(id string) string {
	invalid := func(why string, in []uint16) string {
		return "Invalid ID for ZoneOffset, " + why + ": " + string(utf16.Decode(in))
	}
	in := utf16.Encode([]rune(id))
	if len(in) == 2 {
		in = []uint16{in[0], '0', in[1]}
	}
	num := func(pos int, colon bool) (int, string) {
		if colon && in[pos-1] != ':' {
			return 0, invalid("colon not found when expected", in)
		}
		a, b := in[pos], in[pos+1]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return 0, invalid("non numeric characters found", in)
		}
		return int(a-'0')*10 + int(b-'0'), ""
	}
	// where each number starts, and whether a colon precedes it
	layouts := map[int][]struct {
		pos   int
		colon bool
	}{
		3: {{1, false}},
		5: {{1, false}, {3, false}},
		6: {{1, false}, {4, true}},
		7: {{1, false}, {3, false}, {5, false}},
		9: {{1, false}, {4, true}, {7, true}},
	}
	layout, ok := layouts[len(in)]
	if !ok {
		return invalid("invalid format", in)
	}
	var parts [3]int
	for i, l := range layout {
		v, msg := num(l.pos, l.colon)
		if msg != "" {
			return msg
		}
		parts[i] = v
	}
	if in[0] != '+' && in[0] != '-' {
		return invalid("plus/minus not found when expected", in)
	}
	sign := 1
	if in[0] == '-' {
		sign = -1
	}
	h, m, s := sign*parts[0], sign*parts[1], sign*parts[2]
	switch {
	case h < -18 || h > 18:
		return "Zone offset hours not in valid range: value " + strconv.Itoa(h) + " is not in the range -18 to 18"
	case m < -59 || m > 59:
		return "Zone offset minutes not in valid range: value " + strconv.Itoa(m) + " is not in the range -59 to 59"
	case s < -59 || s > 59:
		return "Zone offset seconds not in valid range: value " + strconv.Itoa(s) + " is not in the range -59 to 59"
	case (h == 18 || h == -18) && (m|s) != 0:
		return "Zone offset not in valid range: -18:00 to +18:00"
	}
	return ""
}

package javatime

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

type jtElem struct {
	lit    string // literal text when letter == 0
	letter byte
	count  int
}

// Pattern is a compiled date-time pattern.
type Pattern struct{ elems []jtElem }

// implemented pattern letters
const jtLetters = "yuMLdDHhKkmsSnaEXxZzVG"

// javaLetters are the letters DateTimeFormatter.ofPattern knows (its
// "Patterns for Formatting and Parsing" table, with B of Java 16+); any
// other letter is its IllegalArgumentException "Unknown pattern letter".
const javaLetters = "GuyDMLdgQqYwWEecFaBhKkHmsSAnNVvzOXxZp"

// ErrUnsupportedLetter is a letter Java knows and this package does not
// implement; Compile wraps it with the letter.
var ErrUnsupportedLetter = errors.New("unsupported pattern letter")

// InvalidPatternError is a pattern Java does not accept; its text is the
// message of the IllegalArgumentException DateTimeFormatter.ofPattern
// throws.
type InvalidPatternError struct{ Msg string }

func (e *InvalidPatternError) Error() string { return e.Msg }

func invalidPattern(format string, args ...any) error {
	return &InvalidPatternError{fmt.Sprintf(format, args...)}
}

var patternCache sync.Map // string -> *javaPattern or error

// Compile compiles a DateTimeFormatter.ofPattern pattern. A pattern Java
// refuses is an *InvalidPatternError; one using a letter this package does
// not implement wraps ErrUnsupportedLetter. Results are cached by pattern.
func Compile(p string) (*Pattern, error) {
	if v, ok := patternCache.Load(p); ok {
		if jp, ok := v.(*Pattern); ok {
			return jp, nil
		}
		return nil, v.(error)
	}
	jp, err := parseJavaPattern(p)
	if err != nil {
		patternCache.Store(p, err)
		return nil, err
	}
	patternCache.Store(p, jp)
	return jp, nil
}

// parseJavaPattern compiles p. A pattern Java refuses is an
// invalidPatternError with Java's message, even when a letter this server
// lacks comes first, as ofPattern reads the whole pattern; else a letter
// Java knows but this server does not implement is errUnsupportedLetter.
func parseJavaPattern(p string) (*Pattern, error) {
	var out []jtElem
	var unsupportedErr error
	lacking := func(c byte) {
		if unsupportedErr == nil {
			unsupportedErr = fmt.Errorf("%w '%c'", ErrUnsupportedLetter, c)
		}
	}
	addLit := func(s string) {
		if n := len(out); n > 0 && out[n-1].letter == 0 {
			out[n-1].lit += s
			return
		}
		out = append(out, jtElem{lit: s})
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			j := i + 1
			var b strings.Builder
			for {
				if j >= len(p) {
					return nil, invalidPattern("Pattern ends with an incomplete string literal: %s", p)
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(p[j])
				j++
			}
			if j == i+1 {
				addLit("'")
			} else {
				addLit(b.String())
			}
			i = j + 1
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			switch {
			case !strings.ContainsRune(javaLetters, rune(c)):
				return nil, invalidPattern("Unknown pattern letter: %c", c)
			case !strings.ContainsRune(jtLetters, rune(c)):
				lacking(c)
			}
			out = append(out, jtElem{letter: c, count: j - i})
			i = j
		case c == '{' || c == '}' || c == '#':
			return nil, invalidPattern("Pattern includes reserved character: '%c'", c)
		case c == '[' || c == ']':
			lacking(c)
			i++
		default:
			addLit(string(c))
			i++
		}
	}
	if unsupportedErr != nil {
		return nil, unsupportedErr
	}
	return &Pattern{elems: out}, nil
}

var (
	monthsLong  = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	weekdayLong = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

func jtPad(n int64, width int) string {
	s := strconv.FormatInt(abs64(n), 10)
	for len(s) < width {
		s = "0" + s
	}
	if n < 0 {
		return "-" + s
	}
	return s
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func jtText(full string, count int) string {
	switch {
	case count == 4:
		return full
	case count >= 5:
		return full[:1]
	}
	return full[:3]
}

func offsetText(t time.Time, letter byte, count int) string {
	_, off := t.Zone()
	if off == 0 && letter != 'x' && !(letter == 'Z' && count < 4) {
		if letter == 'Z' && count == 4 {
			return "GMT"
		}
		return "Z"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off/60%60
	switch {
	case letter == 'Z' && count < 4:
		return sign + jtPad(int64(h), 2) + jtPad(int64(m), 2)
	case letter == 'Z' && count == 4:
		return "GMT" + sign + jtPad(int64(h), 2) + ":" + jtPad(int64(m), 2)
	case count == 1:
		if m == 0 {
			return sign + jtPad(int64(h), 2)
		}
		return sign + jtPad(int64(h), 2) + jtPad(int64(m), 2)
	case count == 2 || count == 4:
		return sign + jtPad(int64(h), 2) + jtPad(int64(m), 2)
	}
	return sign + jtPad(int64(h), 2) + ":" + jtPad(int64(m), 2)
}

// Format renders t as DateTimeFormatter.Format would.
func (jp *Pattern) Format(t time.Time) string {
	var b strings.Builder
	for _, e := range jp.elems {
		if e.letter == 0 {
			b.WriteString(e.lit)
			continue
		}
		n := e.count
		switch e.letter {
		case 'y', 'u':
			y := int64(t.Year())
			if e.letter == 'y' && y <= 0 {
				y = 1 - y
			}
			if n == 2 {
				b.WriteString(jtPad(((y%100)+100)%100, 2))
			} else {
				s := jtPad(y, n)
				if n >= 4 && y > 9999 && e.letter == 'u' {
					s = "+" + s
				}
				b.WriteString(s)
			}
		case 'G':
			if t.Year() > 0 {
				b.WriteString(map[bool]string{true: "Anno Domini", false: "AD"}[n == 4])
			} else {
				b.WriteString(map[bool]string{true: "Before Christ", false: "BC"}[n == 4])
			}
		case 'M', 'L':
			if n >= 3 {
				b.WriteString(jtText(monthsLong[t.Month()-1], n))
			} else {
				b.WriteString(jtPad(int64(t.Month()), n))
			}
		case 'd':
			b.WriteString(jtPad(int64(t.Day()), n))
		case 'D':
			b.WriteString(jtPad(int64(t.YearDay()), n))
		case 'H':
			b.WriteString(jtPad(int64(t.Hour()), n))
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			b.WriteString(jtPad(int64(h), n))
		case 'K':
			b.WriteString(jtPad(int64(t.Hour()%12), n))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(jtPad(int64(h), n))
		case 'm':
			b.WriteString(jtPad(int64(t.Minute()), n))
		case 's':
			b.WriteString(jtPad(int64(t.Second()), n))
		case 'S':
			b.WriteString(jtPad(int64(t.Nanosecond()), 9)[:min(n, 9)] + strings.Repeat("0", max(n-9, 0)))
		case 'n':
			b.WriteString(jtPad(int64(t.Nanosecond()), n))
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'E':
			b.WriteString(jtText(weekdayLong[t.Weekday()], n))
		case 'X', 'x', 'Z':
			b.WriteString(offsetText(t, e.letter, n))
		case 'z':
			b.WriteString(zoneName(t, n >= 4))
		case 'V':
			b.WriteString(t.Location().String())
		}
	}
	return b.String()
}

// Parse reads text with the pattern case-insensitively and resolves it as
// ksqlDB's StringToTimestampParser does: fields not in the pattern default
// to 1970-01-01T00:00:00 in the parsed zone, else in zone.
func (jp *Pattern) Parse(s string, zone *time.Location) (time.Time, error) {
	return jp.parse(s, zone, true)
}

// ParseLeading reads the pattern from the start of text and ignores what
// follows, as a parse from ParsePosition 0 that does not require the whole
// text to be read (commons-lang3 FastDateParser.parse(String)).
func (jp *Pattern) ParseLeading(s string, zone *time.Location) (time.Time, error) {
	return jp.parse(s, zone, false)
}

func (jp *Pattern) parse(s string, zone *time.Location, whole bool) (time.Time, error) {
	year, month, day, hour, minute, sec, nano := 1970, 1, 1, 0, 0, 0, 0
	yday, pm := 0, -1
	kHour, h12, hAmPm := 0, 0, 0 // k, h and K
	read := map[byte]bool{}      // the letters read
	loc := zone
	zoneRead := false // a zone name or id was read
	pos := 0
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("Text '%s' could not be parsed at index %d", s, pos)
	}
	digits := func(minW, maxW int) (int, bool) {
		j := pos
		for j < len(s) && j-pos < maxW && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-pos < minW {
			return 0, false
		}
		n, err := strconv.Atoi(s[pos:j])
		if err != nil {
			return 0, false
		}
		pos = j
		return n, true
	}
	word := func(options []string, count int) (int, bool) {
		for i, o := range options {
			w := jtText(o, count)
			if len(s)-pos >= len(w) && strings.EqualFold(s[pos:pos+len(w)], w) {
				pos += len(w)
				return i, true
			}
		}
		return 0, false
	}
	for i, e := range jp.elems {
		if e.letter == 0 {
			if len(s)-pos < len(e.lit) || !strings.EqualFold(s[pos:pos+len(e.lit)], e.lit) {
				return bad()
			}
			pos += len(e.lit)
			continue
		}
		// a variable-width number followed directly by another number takes only its minimum width
		maxW := 19
		if i+1 < len(jp.elems) && jp.elems[i+1].letter != 0 && strings.IndexByte("yuMdDHhKkmsSn", jp.elems[i+1].letter) >= 0 {
			maxW = max(e.count, 2)
			if e.letter == 'y' || e.letter == 'u' {
				maxW = max(e.count, 4)
			}
		}
		n, ok := 0, true
		switch e.letter {
		case 'y', 'u':
			if e.count == 2 {
				n, ok = digits(2, 2)
				n += 2000
			} else {
				n, ok = digits(e.count, maxW)
			}
			year = n
		case 'M', 'L':
			if e.count >= 3 {
				n, ok = word(monthsLong, e.count)
				n++
			} else {
				n, ok = digits(e.count, max(e.count, 2))
			}
			month = n
		case 'd':
			day, ok = digits(e.count, 2)
		case 'D':
			yday, ok = digits(e.count, 3)
		case 'H':
			hour, ok = digits(e.count, 2)
		case 'k':
			kHour, ok = digits(e.count, 2)
		case 'h':
			h12, ok = digits(e.count, 2)
		case 'K':
			hAmPm, ok = digits(e.count, 2)
		case 'm':
			minute, ok = digits(e.count, 2)
		case 's':
			sec, ok = digits(e.count, 2)
		case 'S':
			start := pos
			n, ok = digits(e.count, e.count)
			for k := pos - start; ok && k < 9; k++ {
				n *= 10
			}
			nano = n
		case 'n':
			nano, ok = digits(1, 9)
		case 'a':
			pm, ok = word([]string{"AM", "PM"}, 4)
		case 'E':
			_, ok = word(weekdayLong, e.count)
		case 'G':
			_, ok = word([]string{"AD", "BC"}, 4)
		case 'X', 'x', 'Z':
			var l *time.Location
			l, ok = parseOffset(s, &pos)
			if ok {
				loc = l
			}
		case 'z':
			l, n := zoneByName(s[pos:], e.count >= 4)
			if l == nil {
				return bad()
			}
			loc, pos, zoneRead = l, pos+n, true
		case 'V':
			j := pos
			for j < len(s) && s[j] != ' ' {
				j++
			}
			l, err := Zone(s[pos:j])
			if err != nil {
				return bad()
			}
			loc, pos, zoneRead = l, j, true
		}
		if !ok {
			return bad()
		}
		read[e.letter] = true
	}
	if whole && pos != len(s) {
		return time.Time{}, fmt.Errorf("Text '%s' could not be parsed, unparsed text found at index %d", s, pos)
	}
	if read['L'] {
		read['M'] = true
	}
	hour, err := resolveFields(s, read, resolved{year: year, month: month, day: day, yday: yday, hour: hour,
		kHour: kHour, h12: h12, hAmPm: hAmPm, pm: pm, minute: minute, sec: sec, nano: nano})
	if err != nil {
		return time.Time{}, err
	}
	// ResolverStyle.SMART reads an hour-of-day of 24 with no minute, second
	// or fraction as the end of the day: the next day's midnight
	// (Parsed.resolveTime)
	endOfDay := hour == 24
	if endOfDay {
		hour = 0
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		// a field the formatter leaves unresolved, which
		// StringToTimestampParser sets on its default date-time
		return time.Time{}, fmt.Errorf("Text '%s' could not be parsed: field out of range", s)
	}
	// ResolverStyle.SMART (toFormatter's default): a day-of-month past the
	// month's last day becomes that last day.
	if last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	if yday > 0 {
		month, day = 1, yday
	}
	if endOfDay {
		day++ // time.Date and javaLocal normalize the overflow
	}
	set := map[byte]bool{} // the fields read, by the letter resolveZonedFields names them
	for l := range read {
		if f, same := sameField[l]; same {
			set[f] = true
		} else {
			set[l] = true
		}
	}
	fullDate, fullTime := set['y'] && (set['M'] && set['d'] || set['D']), set['H']
	if zoneRead && fullDate && fullTime {
		// a zone read from the text takes the local date-time as
		// LocalDateTime.atZone does (Parsed.resolveInstant puts
		// INSTANT_SECONDS, which StringToTimestampParser sets last but
		// for the fraction)
		return javaLocal(year, time.Month(month), day, hour, minute, sec, nano, loc), nil
	}
	clock := int64(hour)*int64(time.Hour) + int64(minute)*int64(time.Minute) + int64(sec)*int64(time.Second) + int64(nano)
	return resolveZonedFields(time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), clock, fullDate, fullTime, set, loc)
}

// sameField maps pattern letters to the letter of the field they read as
// resolveZonedFields names them: a year, a month, an hour.
var sameField = map[byte]byte{'u': 'y', 'L': 'M', 'k': 'H', 'h': 'H', 'K': 'H'}

// parseOffset reads Z, +HH, +HHMM or +HH:MM (optionally after GMT/UTC).
func parseOffset(s string, pos *int) (*time.Location, bool) {
	rest := s[*pos:]
	for _, pre := range []string{"GMT", "UTC"} {
		if len(rest) >= 3 && strings.EqualFold(rest[:3], pre) {
			rest = rest[3:]
			*pos += 3
			if rest == "" || (rest[0] != '+' && rest[0] != '-') {
				return time.UTC, true
			}
		}
	}
	if len(rest) > 0 && (rest[0] == 'Z' || rest[0] == 'z') {
		*pos++
		return time.UTC, true
	}
	if len(rest) < 3 || (rest[0] != '+' && rest[0] != '-') {
		return nil, false
	}
	h, err := strconv.Atoi(rest[1:3])
	if err != nil {
		return nil, false
	}
	used, m := 3, 0
	r := rest[3:]
	if strings.HasPrefix(r, ":") {
		r, used = r[1:], used+1
	}
	if len(r) >= 2 && r[0] >= '0' && r[0] <= '9' {
		if m, err = strconv.Atoi(r[:2]); err != nil {
			return nil, false
		}
		used += 2
	}
	off := h*3600 + m*60
	if rest[0] == '-' {
		off = -off
	}
	*pos += used
	return offsetZone("", off), true
}

// Letters are the pattern letters the pattern reads, each once per use.
func (jp *Pattern) Letters() string {
	var b strings.Builder
	for _, e := range jp.elems {
		if e.letter != 0 {
			b.WriteByte(e.letter)
		}
	}
	return b.String()
}

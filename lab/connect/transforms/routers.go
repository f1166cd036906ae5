package transforms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RegexRouter and TimestampRouter (apache/kafka 3.9
// connect/transforms/.../transforms/RegexRouter.java, TimestampRouter.java).

func init() {
	register(&Plugin{Class: pkg + "RegexRouter", Kind: KindTransformation, Config: []ConfigKey{
		{Name: "regex", Type: "STRING", Required: true, Importance: "HIGH", Doc: "Regular expression to use for matching.", Validate: validRegex},
		{Name: "replacement", Type: "STRING", Required: true, Importance: "HIGH", Doc: "Replacement string."},
	}, newTransformation: newRegexRouter})
	register(&Plugin{Class: pkg + "TimestampRouter", Kind: KindTransformation, Config: []ConfigKey{
		{Name: "topic.format", Type: "STRING", Default: "${topic}-${timestamp}", Importance: "HIGH", Doc: "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively."},
		{Name: "timestamp.format", Type: "STRING", Default: "yyyyMMdd", Importance: "HIGH", Doc: "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>."},
	}, newTransformation: newTimestampRouter})
}

type regexRouter struct {
	re          *regexp.Regexp
	replacement string
}

func newRegexRouter(c Config) (Transformation, error) {
	p, _ := c.str("regex")
	re, err := fullMatch(p)
	if err != nil {
		return nil, &Error{Class: "java.util.regex.PatternSyntaxException", Msg: err.Error()}
	}
	repl, _ := c.str("replacement")
	if _, err := javaReplacement(re, repl, nil); err != nil {
		return nil, err
	}
	return &regexRouter{re: re, replacement: repl}, nil
}

func (t *regexRouter) Apply(r *Record) (*Record, error) {
	m := t.re.FindStringSubmatchIndex(r.Topic)
	if m == nil {
		return r, nil
	}
	topic, err := javaReplacement(t.re, t.replacement, func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return r.Topic[m[2*i]:m[2*i+1]]
	})
	if err != nil {
		return nil, err
	}
	c := r.clone()
	c.Topic = topic
	return c, nil
}

// javaReplacement expands a java.util.regex.Matcher replacement string:
// "$n" (the longest group number that exists), "${name}", and "\" quoting
// the next character. With group nil it only checks the syntax.
func javaReplacement(re *regexp.Regexp, repl string, group func(int) string) (string, error) {
	var b strings.Builder
	illegal := func(msg string) error { return &Error{Class: IllegalArgument, Msg: msg} }
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch c {
		case '\\':
			i++
			if i >= len(repl) {
				return "", illegal("character to be escaped is missing")
			}
			b.WriteByte(repl[i])
		case '$':
			i++
			if i >= len(repl) {
				return "", illegal("Illegal group reference: group index is missing")
			}
			if repl[i] == '{' {
				end := strings.IndexByte(repl[i:], '}')
				if end < 0 {
					return "", illegal("named capturing group is missing trailing '}'")
				}
				name := repl[i+1 : i+end]
				idx := re.SubexpIndex(name)
				if idx < 0 {
					return "", illegal("No group with name {" + name + "}")
				}
				if group != nil {
					b.WriteString(group(idx))
				}
				i += end
				continue
			}
			if repl[i] < '0' || repl[i] > '9' {
				return "", illegal("Illegal group reference")
			}
			n := int(repl[i] - '0')
			for i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9' {
				next := n*10 + int(repl[i+1]-'0')
				if next > re.NumSubexp() {
					break
				}
				n = next
				i++
			}
			if n > re.NumSubexp() {
				return "", &Error{Class: "java.lang.IndexOutOfBoundsException", Msg: "No group " + strconv.Itoa(n)}
			}
			if group != nil {
				b.WriteString(group(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

type timestampRouter struct {
	topicFormat string
	tsFormat    []dateToken
}

func newTimestampRouter(c Config) (Transformation, error) {
	tf, _ := c.str("topic.format")
	f, _ := c.str("timestamp.format")
	toks, err := parseSimpleDateFormat(f)
	if err != nil {
		return nil, err
	}
	return &timestampRouter{topicFormat: tf, tsFormat: toks}, nil
}

func (t *timestampRouter) Apply(r *Record) (*Record, error) {
	if r.Timestamp == nil {
		return nil, dataErr("Timestamp missing on record: %s", r)
	}
	ts := formatSimpleDate(t.tsFormat, unixMilli(*r.Timestamp))
	topic := strings.ReplaceAll(t.topicFormat, "${topic}", r.Topic)
	topic = strings.ReplaceAll(topic, "${timestamp}", ts)
	c := r.clone()
	c.Topic = topic
	return c, nil
}

// java.text.SimpleDateFormat in UTC with the en_US locale: every pattern
// letter (G y Y M L w W D d F E u a H k K h m s S z Z X) and quoted text.
// Week fields (Y, w, W) use US weeks: they start on Sunday and week 1
// holds January 1. Other letters are illegal, as in Java.

type dateToken struct {
	letter byte // 0 for literal text
	count  int
	text   string
}

func parseSimpleDateFormat(p string) ([]dateToken, error) {
	var out []dateToken
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			if i+1 < len(p) && p[i+1] == '\'' {
				out = append(out, dateToken{text: "'"})
				i += 2
				continue
			}
			end := i + 1
			var lit strings.Builder
			for {
				if end >= len(p) {
					return nil, &Error{Class: IllegalArgument, Msg: "Unterminated quote"}
				}
				if p[end] == '\'' {
					if end+1 < len(p) && p[end+1] == '\'' {
						lit.WriteByte('\'')
						end += 2
						continue
					}
					break
				}
				lit.WriteByte(p[end])
				end++
			}
			out = append(out, dateToken{text: lit.String()})
			i = end + 1
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for i+n < len(p) && p[i+n] == c {
				n++
			}
			if !strings.ContainsRune("GyYMLwWDdFEuaHkKhmsSzZX", rune(c)) {
				return nil, &Error{Class: IllegalArgument, Msg: fmt.Sprintf("Illegal pattern character '%c'", c)}
			}
			out = append(out, dateToken{letter: c, count: n})
			i += n
		default:
			out = append(out, dateToken{text: string(c)})
			i++
		}
	}
	return out, nil
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func formatSimpleDate(toks []dateToken, t time.Time) string {
	var b strings.Builder
	for _, tk := range toks {
		switch tk.letter {
		case 0:
			b.WriteString(tk.text)
		case 'y':
			if tk.count == 2 {
				b.WriteString(pad(t.Year()%100, 2))
			} else {
				b.WriteString(pad(t.Year(), tk.count))
			}
		case 'Y':
			y := weekYear(t)
			if tk.count == 2 {
				b.WriteString(pad(y%100, 2))
			} else {
				b.WriteString(pad(y, tk.count))
			}
		case 'M':
			switch {
			case tk.count >= 4:
				b.WriteString(t.Month().String())
			case tk.count == 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(pad(int(t.Month()), tk.count))
			}
		case 'd':
			b.WriteString(pad(t.Day(), tk.count))
		case 'D':
			b.WriteString(pad(t.YearDay(), tk.count))
		case 'H':
			b.WriteString(pad(t.Hour(), tk.count))
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			b.WriteString(pad(h, tk.count))
		case 'K':
			b.WriteString(pad(t.Hour()%12, tk.count))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(pad(h, tk.count))
		case 'm':
			b.WriteString(pad(t.Minute(), tk.count))
		case 's':
			b.WriteString(pad(t.Second(), tk.count))
		case 'S':
			b.WriteString(pad(t.Nanosecond()/1e6, tk.count))
		case 'E':
			if tk.count >= 4 {
				b.WriteString(t.Weekday().String())
			} else {
				b.WriteString(t.Weekday().String()[:3])
			}
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'G':
			b.WriteString("AD")
		case 'L':
			switch {
			case tk.count >= 4:
				b.WriteString(t.Month().String())
			case tk.count == 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(pad(int(t.Month()), tk.count))
			}
		case 'w':
			b.WriteString(pad(weekOfYear(t), tk.count))
		case 'W':
			first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
			b.WriteString(pad((t.Day()-1+int(first.Weekday()))/7+1, tk.count))
		case 'F':
			b.WriteString(pad((t.Day()-1)/7+1, tk.count))
		case 'u':
			d := int(t.Weekday())
			if d == 0 {
				d = 7
			}
			b.WriteString(pad(d, tk.count))
		case 'z':
			if tk.count >= 4 {
				b.WriteString("Coordinated Universal Time")
			} else {
				b.WriteString("UTC")
			}
		case 'Z':
			b.WriteString("+0000")
		case 'X':
			b.WriteString("Z")
		}
	}
	return b.String()
}

// weekOfYear is the en_US week of the year: weeks start on Sunday and week
// 1 holds January 1, so the last days of December may be in week 1.
func weekOfYear(t time.Time) int {
	if weekYear(t) > t.Year() {
		return 1
	}
	jan1 := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	return (t.YearDay()-1+int(jan1.Weekday()))/7 + 1
}

// weekYear is the en_US week year: a late-December day whose Sunday-based
// week holds January 1 belongs to the next year.
func weekYear(t time.Time) int {
	saturday := t.AddDate(0, 0, 6-int(t.Weekday()))
	if saturday.Year() > t.Year() {
		return t.Year() + 1
	}
	return t.Year()
}

package transforms

import (
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// TimestampConverter (apache/kafka 3.9
// connect/transforms/.../transforms/TimestampConverter.java). String
// timestamps are formatted and parsed with the SimpleDateFormat subset of
// routers.go, in UTC.

func init() {
	registerKV("TimestampConverter", []ConfigKey{
		{Name: "field", Type: "STRING", Default: "", Importance: "HIGH", Doc: "The field containing the timestamp, or empty if the entire value is a timestamp"},
		{Name: "target.type", Type: "STRING", Required: true, Importance: "HIGH", Doc: "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
			Validate: validStringIn("string", "unix", "Date", "Time", "Timestamp")},
		{Name: "format", Type: "STRING", Default: "", Importance: "MEDIUM", Doc: "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string."},
		{Name: "unix.precision", Type: "STRING", Default: "milliseconds", Importance: "LOW",
			Doc:      "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.",
			Validate: validStringIn("nanoseconds", "microseconds", "milliseconds", "seconds")},
		replaceNullKey(),
	}, newTimestampConverter)
}

// validStringIn is ConfigDef.ValidString.
func validStringIn(options ...string) func(string, any) string {
	return func(name string, v any) string {
		s, _ := v.(string)
		for _, o := range options {
			if s == o {
				return ""
			}
		}
		return invalid(name, v, "String must be one of: "+strings.Join(options, ", "))
	}
}

type timestampConverter struct {
	op        operand
	field     string
	target    string
	pattern   string
	format    []dateToken
	precision string
}

func newTimestampConverter(op operand, c Config) (Transformation, error) {
	t := &timestampConverter{op: op}
	t.field, _ = c.str("field")
	t.target, _ = c.str("target.type")
	t.pattern, _ = c.str("format")
	t.precision, _ = c.str("unix.precision")
	if t.target == "string" && strings.TrimSpace(t.pattern) == "" {
		return nil, configErr("TimestampConverter requires format option to be specified when using string timestamps")
	}
	if strings.TrimSpace(t.pattern) != "" {
		f, err := parseSimpleDateFormat(t.pattern)
		if err != nil {
			return nil, configErr("TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: " + t.pattern)
		}
		t.format = f
	}
	return t, nil
}

func (t *timestampConverter) typeSchema(optional bool) data.Schema {
	switch t.target {
	case "string":
		return data.Schema{Type: data.String, Optional: optional}
	case "unix":
		return data.Schema{Type: data.Int64, Optional: optional}
	case "Date":
		return data.Schema{Type: data.Int32, Optional: optional, Name: data.LogicalDate, Version: 1}
	case "Time":
		return data.Schema{Type: data.Int32, Optional: optional, Name: data.LogicalTime, Version: 1}
	}
	return data.Schema{Type: data.Int64, Optional: optional, Name: data.LogicalTimestamp, Version: 1}
}

// typeFromSchema is timestampTypeFromSchema.
func typeFromSchema(s *data.Schema) (string, error) {
	switch {
	case s.Name == data.LogicalTimestamp:
		return "Timestamp", nil
	case s.Name == data.LogicalDate:
		return "Date", nil
	case s.Name == data.LogicalTime:
		return "Time", nil
	case s.Type == data.String:
		return "string", nil
	case s.Type == data.Int64:
		return "unix", nil
	}
	return "", &Error{Class: "org.apache.kafka.connect.errors.ConnectException", Msg: "Schema " + schemaString(s) + " does not correspond to a known timestamp type format"}
}

// toRaw converts a timestamp of the given kind to milliseconds since the epoch.
func (t *timestampConverter) toRaw(v any, kind string) (int64, error) {
	switch kind {
	case "string":
		s, ok := v.(string)
		if !ok {
			return 0, dataErr("Expected string timestamp to be a String, but found class %s", javaClassName(v))
		}
		ms, ok := parseSimpleDate(t.format, s)
		if !ok {
			return 0, dataErr("Could not parse timestamp: value (%s) does not match pattern (%s)", s, t.pattern)
		}
		return ms, nil
	case "unix":
		n, ok := v.(int64)
		if !ok {
			return 0, dataErr("Expected Unix timestamp to be a Long, but found class %s", javaClassName(v))
		}
		switch t.precision {
		case "seconds":
			return n * 1000, nil
		case "microseconds":
			return n / 1000, nil
		case "nanoseconds":
			return n / 1000000, nil
		}
		return n, nil
	}
	switch x := v.(type) {
	case data.Timestamp:
		return x.T.UnixMilli(), nil
	case data.Date:
		return int64(x.Days) * 86400000, nil
	case data.Time:
		return int64(x.Millis), nil
	}
	return 0, dataErr("Expected %s to be a java.util.Date, but found class %s", kind, javaClassName(v))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// toType converts milliseconds since the epoch to the target kind.
func (t *timestampConverter) toType(ms int64) any {
	switch t.target {
	case "string":
		return formatSimpleDate(t.format, unixMilli(ms))
	case "unix":
		switch t.precision {
		case "seconds":
			return floorDiv(ms, 1000)
		case "microseconds":
			return ms * 1000
		case "nanoseconds":
			return ms * 1000000
		}
		return ms
	case "Date":
		return data.Date{Days: int32(floorDiv(ms, 86400000))}
	case "Time":
		return data.Time{Millis: int32(ms - floorDiv(ms, 86400000)*86400000)}
	}
	return data.Timestamp{T: unixMilli(ms)}
}

func (t *timestampConverter) convert(v any, kind string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if kind == "" {
		switch v.(type) {
		case data.Timestamp, data.Date, data.Time:
			kind = "Timestamp"
		case int64:
			kind = "unix"
		case string:
			kind = "string"
		default:
			return nil, dataErr("TimestampConverter does not support class %s objects as timestamps", javaClassName(v))
		}
	}
	ms, err := t.toRaw(v, kind)
	if err != nil {
		return nil, err
	}
	return t.toType(ms), nil
}

func (t *timestampConverter) Apply(r *Record) (*Record, error) {
	const purpose = "converting timestamp formats"
	s, v := t.op.get(r)
	if s == nil {
		if v == nil || t.field == "" {
			out, err := t.convert(v, "")
			if err != nil {
				return nil, err
			}
			return t.op.with(r, nil, out), nil
		}
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.CopyHashMap(m)
		fv, _ := m.Get(t.field)
		cv, err := t.convert(fv, "")
		if err != nil {
			return nil, err
		}
		out.Put(t.field, cv)
		return t.op.with(r, nil, out), nil
	}
	if t.field == "" {
		kind, err := typeFromSchema(s)
		if err != nil {
			return nil, err
		}
		out, err := t.convert(v, kind)
		if err != nil {
			return nil, err
		}
		ns := t.typeSchema(s.Optional)
		return t.op.with(r, &ns, out), nil
	}
	var st *data.Struct
	if v != nil {
		var err error
		if st, err = requireStruct(v, purpose); err != nil {
			return nil, err
		}
	}
	ns := copySchemaBasics(s, data.StructType)
	ns.Optional = s.Optional
	for _, f := range s.Fields {
		if f.Name == t.field {
			ns.Fields = append(ns.Fields, data.Field{Name: f.Name, Schema: t.typeSchema(f.Schema.Optional)})
		} else {
			ns.Fields = append(ns.Fields, f)
		}
	}
	if st == nil {
		return t.op.with(r, ns, nil), nil
	}
	vals := make([]any, len(st.Values))
	for i, f := range st.Schema.Fields {
		vals[i] = st.Values[i]
		if f.Name == t.field {
			kind, err := typeFromSchema(&f.Schema)
			if err != nil {
				return nil, err
			}
			if vals[i], err = t.convert(st.Values[i], kind); err != nil {
				return nil, err
			}
		}
	}
	return t.op.with(r, ns, &data.Struct{Schema: ns, Values: vals}), nil
}

// parseSimpleDate parses text with a SimpleDateFormat pattern (lenient, in
// UTC): numeric fields take as many digits as they find unless the next
// pattern element is also numeric, in which case they take their width;
// text after the pattern is ignored, as DateFormat.parse(String) does.
func parseSimpleDate(toks []dateToken, s string) (int64, bool) {
	year, month, day, hour, minute, sec, milli := 1970, 1, 1, 0, 0, 0, 0
	pm, hour12 := -1, false
	pos := 0
	numeric := func(c byte) bool { return c != 0 && strings.ContainsRune("yYwWdDFuHkKhmsS", rune(c)) }
	offset := 0 // seconds east of UTC, from a z, Z or X field
	for i, tk := range toks {
		if tk.letter == 0 {
			if !strings.HasPrefix(s[pos:], tk.text) {
				return 0, false
			}
			pos += len(tk.text)
			continue
		}
		if tk.letter == 'z' || tk.letter == 'Z' || tk.letter == 'X' {
			n, off, ok := parseZone(s[pos:])
			if !ok {
				return 0, false
			}
			pos += n
			offset = off
			continue
		}
		if (tk.letter == 'M' || tk.letter == 'L') && tk.count >= 3 || tk.letter == 'E' || tk.letter == 'a' || tk.letter == 'G' {
			var names []string
			switch tk.letter {
			case 'M':
				for m := time.January; m <= time.December; m++ {
					names = append(names, m.String())
				}
			case 'E':
				for d := time.Sunday; d <= time.Saturday; d++ {
					names = append(names, d.String())
				}
			case 'G':
				names = []string{"BC", "AD"}
			default:
				names = []string{"AM", "PM"}
			}
			found := -1
			for k, n := range names {
				for _, cand := range []string{n, n[:min(3, len(n))]} {
					if len(s)-pos >= len(cand) && strings.EqualFold(s[pos:pos+len(cand)], cand) {
						found, pos = k, pos+len(cand)
						break
					}
				}
				if found >= 0 {
					break
				}
			}
			if found < 0 {
				return 0, false
			}
			switch tk.letter {
			case 'M', 'L':
				month = found + 1
			case 'a':
				pm = found
			}
			continue
		}
		width := -1
		if i+1 < len(toks) && (numeric(toks[i+1].letter) || (toks[i+1].letter == 'M' || toks[i+1].letter == 'L') && toks[i+1].count < 3) {
			width = tk.count
		}
		start := pos
		if pos < len(s) && (s[pos] == '-' || s[pos] == '+') && width < 0 {
			pos++
		}
		for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' && (width < 0 || pos-start < width) {
			pos++
		}
		if pos == start {
			return 0, false
		}
		n := 0
		neg := false
		for _, c := range s[start:pos] {
			switch c {
			case '-':
				neg = true
			case '+':
			default:
				n = n*10 + int(c-'0')
			}
		}
		if neg {
			n = -n
		}
		switch tk.letter {
		case 'y', 'Y':
			if tk.count <= 2 && pos-start == 2 {
				n += 2000 // SimpleDateFormat picks the century within 80 years back, 20 ahead
				if n > time.Now().Year()+20 {
					n -= 100
				}
			}
			year = n
		case 'M', 'L':
			month = n
		case 'd':
			day = n
		case 'D':
			month, day = 1, n
		case 'H':
			hour = n
		case 'k':
			hour = n % 24
		case 'K':
			hour, hour12 = n, true
		case 'h':
			hour, hour12 = n%12, true
		case 'm':
			minute = n
		case 's':
			sec = n
		case 'S':
			milli = n
		}
	}
	if pos == 0 {
		return 0, false
	}
	if hour12 && pm == 1 {
		hour += 12
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	return t.UnixMilli() + int64(milli) - int64(offset)*1000, true
}

// parseZone reads a time zone as SimpleDateFormat accepts one: "Z", a
// name (UTC, GMT, Coordinated Universal Time) optionally followed by an
// offset, or an offset "+hh", "+hhmm", "+hh:mm". It returns the bytes
// read and the offset in seconds east of UTC.
func parseZone(s string) (int, int, bool) {
	pos := 0
	switch {
	case strings.HasPrefix(s, "Coordinated Universal Time"):
		return len("Coordinated Universal Time"), 0, true
	case strings.HasPrefix(s, "UTC"), strings.HasPrefix(s, "GMT"):
		pos = 3
		if pos == len(s) || (s[pos] != '+' && s[pos] != '-') {
			return pos, 0, true
		}
	case strings.HasPrefix(s, "Z"):
		return 1, 0, true
	}
	if pos >= len(s) || (s[pos] != '+' && s[pos] != '-') {
		return 0, 0, false
	}
	sign := 1
	if s[pos] == '-' {
		sign = -1
	}
	pos++
	digits := func(n int) (int, bool) {
		if pos+n > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range s[pos : pos+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		pos += n
		return v, true
	}
	h, ok := digits(2)
	if !ok {
		return 0, 0, false
	}
	m := 0
	if pos < len(s) && s[pos] == ':' {
		pos++
		if m, ok = digits(2); !ok {
			return 0, 0, false
		}
	} else if mm, ok := digits(2); ok {
		m = mm
	}
	return pos, sign * (h*3600 + m*60), true
}

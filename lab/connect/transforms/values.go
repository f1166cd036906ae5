package transforms

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// ValuesString is org.apache.kafka.connect.data.Values.convertToString,
// which SimpleHeaderConverter uses to write header values: primitives as
// their Java string form, lists as [a,b], maps and structs as
// {"k":v,...} with embedded strings quoted, dates per dateFormatFor.
func ValuesString(v any) string {
	var b strings.Builder
	appendValue(&b, v, false)
	return b.String()
}

func appendValue(b *strings.Builder, v any, embedded bool) {
	quote := func(s string) {
		if embedded {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`))
			b.WriteByte('"')
		} else {
			b.WriteString(s)
		}
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		quote(x)
	case []byte:
		quote(base64.StdEncoding.EncodeToString(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case data.Decimal:
		b.WriteString(decimalToString(x))
	case data.Date:
		quote(javaDateString(int64(x.Days) * 86400000))
	case data.Time:
		quote(javaDateString(int64(x.Millis)))
	case data.Timestamp:
		quote(javaDateString(x.T.UnixMilli()))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			appendValue(b, e, true)
		}
		b.WriteByte(']')
	case *data.Map:
		b.WriteByte('{')
		for i, e := range x.Entries() {
			if i > 0 {
				b.WriteByte(',')
			}
			appendValue(b, e.Key, true)
			b.WriteByte(':')
			appendValue(b, e.Value, true)
		}
		b.WriteByte('}')
	case *data.Struct:
		b.WriteByte('{')
		for i, f := range x.Schema.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			appendValue(b, f.Name, true)
			b.WriteByte(':')
			appendValue(b, x.Values[i], true)
		}
		b.WriteByte('}')
	default:
		b.WriteString(javaString(v))
	}
}

// javaDateString formats a java.util.Date as Values.dateFormatFor picks
// the pattern: a time of day below one day, a date at a whole day, a
// timestamp otherwise (all in UTC).
func javaDateString(ms int64) string {
	t := unixMilli(ms)
	switch {
	case ms >= 0 && ms < 86400000:
		return t.Format("15:04:05.000Z")
	case ms%86400000 == 0:
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

package functions

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/ksqldb/javatime"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Functions over TIMESTAMP, DATE, TIME and BYTES, as confluentinc/ksql
// v0.29.0 ksqldb-engine/src/main/java/io/confluent/ksql/function/udf/
// datetime/{FormatTimestamp,ParseTimestamp,FormatDate,ParseDate,FormatTime,
// ParseTime,FromUnixTime,UnixTimestamp,UnixDate,FromDays}.java and
// string/{ToBytes,FromBytes}.java define them
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/).
// A pattern or value a function cannot handle makes it throw in ksqlDB,
// which leaves the expression NULL; so here.

func init() {
	formatTS := func(a []any) any {
		if a[0] == nil {
			return nil
		}
		if len(a) == 2 {
			// the two-argument form formats in ZoneId.of("GMT")
			// (FormatTimestamp.java), which 'z' names GMT
			a = []any{a[0], a[1], "GMT"}
		}
		return formatMillis(int64(a[0].(types.TimestampVal)), a)
	}
	register(&UDF{name: "format_timestamp", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.Timestamp, "timestamp"), p(types.String, "formatPattern")}, Ret: types.String, Fn: formatTS},
		{Params: []Param{p(types.Timestamp, "timestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.String, Fn: formatTS},
	}})

	parseTS := func(a []any) any {
		ms, ok := parseMillis(a)
		if !ok {
			return nil
		}
		return types.TimestampVal(ms)
	}
	register(&UDF{name: "parse_timestamp", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern")}, Ret: types.Timestamp, Fn: parseTS},
		{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.Timestamp, Fn: parseTS},
	}})

	register(&UDF{name: "format_date", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.Date, "date"), p(types.String, "formatPattern")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return formatMillis(int64(a[0].(types.DateVal))*types.MsPerDay, a)
		}},
	}})
	register(&UDF{name: "parse_date", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.String, "formattedDate"), p(types.String, "formatPattern")}, Ret: types.Date, Fn: func(a []any) any {
			// ParseDate: FastDateFormat in GMT parses from the start of the
			// text and ignores what follows; a time of day other than
			// midnight is "Date format contains time field.", so NULL
			if a[0] == nil || a[1] == nil {
				return nil
			}
			jp, err := javatime.Compile(a[1].(string))
			if err != nil {
				return nil
			}
			t, err := jp.ParseLeading(a[0].(string), time.UTC)
			if err != nil || t.UnixMilli()%types.MsPerDay != 0 {
				return nil
			}
			return types.DateVal(t.UnixMilli() / types.MsPerDay)
		}},
	}})

	register(&UDF{name: "format_time", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.Time, "time"), p(types.String, "formatPattern")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return formatMillis(int64(a[0].(types.TimeVal)), a)
		}},
	}})
	register(&UDF{name: "parse_time", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.String, "formattedTime"), p(types.String, "formatPattern")}, Ret: types.Time, Fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return types.TimeVal(types.FloorMod(ms, types.MsPerDay))
		}},
	}})

	// ConvertTz: the TIMESTAMP moved by the difference between the two
	// zones' offsets at that instant.
	register(&UDF{name: "convert_tz", overloads: []Overload{
		{Params: []Param{p(types.Timestamp, "timestamp"), p(types.String, "fromTimeZone"), p(types.String, "toTimeZone")}, Ret: types.Timestamp, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			from, okFrom := zoneArg(a, 1)
			to, okTo := zoneArg(a, 2)
			if !okFrom || !okTo {
				return nil
			}
			at := time.UnixMilli(int64(a[0].(types.TimestampVal)))
			_, toOff := at.In(to).Zone()
			_, fromOff := at.In(from).Zone()
			return types.TimestampVal(at.UnixMilli() + int64(toOff-fromOff)*1000)
		}},
	}})

	register(&UDF{name: "from_unixtime", overloads: []Overload{
		{Params: []Param{p(types.Bigint, "milliseconds")}, Ret: types.Timestamp, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return types.TimestampVal(a[0].(int64))
		}},
	}})
	register(&UDF{name: "unix_timestamp", overloads: []Overload{
		{Ret: types.Bigint, Fn: func([]any) any { return time.Now().UnixMilli() }},
		{Params: []Param{p(types.Timestamp, "timestamp")}, Ret: types.Bigint, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int64(a[0].(types.TimestampVal))
		}},
	}})
	register(&UDF{name: "unix_date", overloads: []Overload{
		{Ret: types.Integer, Fn: func([]any) any { return int32(types.FloorDiv(time.Now().Unix(), 86400)) }},
		{Params: []Param{p(types.Date, "date")}, Ret: types.Integer, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int32(a[0].(types.DateVal))
		}},
	}})
	register(&UDF{name: "from_days", overloads: []Overload{
		{Params: []Param{p(types.Integer, "days")}, Ret: types.Date, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return types.DateVal(a[0].(int32))
		}},
	}})

	// BytesUtils.Encoding: hex, utf8, ascii, base64 (case-insensitive)
	register(&UDF{name: "to_bytes", overloads: []Overload{
		{Params: []Param{p(types.String, "str"), p(types.String, "encoding")}, Ret: types.Bytes, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			s := a[0].(string)
			switch strings.ToLower(a[1].(string)) {
			case "hex":
				b, err := hex.DecodeString(s)
				if err != nil {
					return nil
				}
				return b
			case "utf8":
				return []byte(s)
			case "ascii":
				b := make([]byte, 0, len(s))
				for _, r := range s {
					if r > 127 {
						r = '?'
					}
					b = append(b, byte(r))
				}
				return b
			case "base64":
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					return nil
				}
				return b
			}
			return nil
		}},
	}})
	register(&UDF{name: "from_bytes", overloads: []Overload{
		{Params: []Param{p(types.Bytes, "bytes"), p(types.String, "encoding")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			b := a[0].([]byte)
			switch strings.ToLower(a[1].(string)) {
			case "hex":
				return strings.ToUpper(hex.EncodeToString(b))
			case "utf8":
				return strings.ToValidUTF8(string(b), string(utf8.RuneError))
			case "ascii":
				return asciiText(b)
			case "base64":
				return base64.StdEncoding.EncodeToString(b)
			}
			return nil
		}},
	}})
}

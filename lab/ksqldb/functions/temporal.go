package functions

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
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
// A pattern, zone, encoding or value a function cannot handle makes it
// throw in ksqlDB, which leaves the expression NULL; here the overloads are
// Throwing with what they throw (temporal_throw.go).

const datetimeUDF = "io.confluent.ksql.function.udf.datetime."

func init() {
	formatTS := func(a []any) (any, []string) {
		if a[0] == nil || a[1] == nil || len(a) > 2 && a[2] == nil {
			return nil, nil
		}
		ms := int64(a[0].(types.TimestampVal))
		// the two-argument form formats in ZoneId.of("GMT")
		// (FormatTimestamp.java), which 'z' names GMT
		out, err := formatJava(time.UnixMilli(ms), a[1], zoneAt(a, 2))
		if err != nil {
			return nil, dateTimeThrew("Failed to format timestamp "+sqlTimestampText(ms)+" at timeZone "+quoted(zoneAt(a, 2))+" with formatter "+quoted(a[1]), err)
		}
		return out, nil
	}
	const formatTSMethod = "public java.lang.String " + datetimeUDF + "FormatTimestamp.formatTimestamp(java.sql.Timestamp,java.lang.String"
	register(&UDF{name: "format_timestamp", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Timestamp, "timestamp"), p(types.String, "formatPattern")}, Ret: types.String, Throwing: formatTS, Method: formatTSMethod + ")"}),
		throwing(Overload{Params: []Param{p(types.Timestamp, "timestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.String, Throwing: formatTS, Method: formatTSMethod + ",java.lang.String)"}),
	}})

	parseTS := func(a []any) (any, []string) {
		if a[0] == nil || a[1] == nil || len(a) > 2 && a[2] == nil {
			return nil, nil
		}
		t, err := parseJava(a[0], a[1], zoneAt(a, 2))
		if err != nil {
			return nil, dateTimeThrew("Failed to parse timestamp "+quoted(a[0])+" at timezone "+quoted(zoneAt(a, 2))+" with formatter "+quoted(a[1]), err)
		}
		return types.TimestampVal(t.UnixMilli()), nil
	}
	const parseTSMethod = "public java.sql.Timestamp " + datetimeUDF + "ParseTimestamp.parseTimestamp(java.lang.String,java.lang.String"
	register(&UDF{name: "parse_timestamp", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern")}, Ret: types.Timestamp, Throwing: parseTS, Method: parseTSMethod + ")"}),
		throwing(Overload{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.Timestamp, Throwing: parseTS, Method: parseTSMethod + ",java.lang.String)"}),
	}})

	register(&UDF{name: "format_date", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Date, "date"), p(types.String, "formatPattern")}, Ret: types.String, Method: "public java.lang.String " + datetimeUDF + "FormatDate.formatDate(java.sql.Date,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[0] == nil || a[1] == nil {
					return nil, nil
				}
				days := int64(a[0].(types.DateVal))
				out, err := formatJava(time.UnixMilli(days*types.MsPerDay).UTC(), a[1], nil)
				if err != nil {
					return nil, dateTimeThrew("Failed to format date "+sqlDateText(days)+" with formatter "+quoted(a[1]), err)
				}
				return out, nil
			}}),
	}})
	register(&UDF{name: "parse_date", Validate: parseDatePattern, overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.String, "formattedDate"), p(types.String, "formatPattern")}, Ret: types.Date,
			Method: "public java.sql.Date " + datetimeUDF + "ParseDate.parseDate(java.lang.String,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				// ParseDate: FastDateFormat in GMT parses from the start of
				// the text and ignores what follows, its ParseException
				// "Unparseable date: <text>"; a time of day other than
				// midnight is "Date format contains time field.". A
				// pattern FastDateFormat refuses is its
				// IllegalArgumentException (fastDatePatternError); one it
				// takes and this server does not read is NULL, refused
				// when a literal (FastDateFormat's patterns are
				// SimpleDateFormat's, read here as DateTimeFormatter's).
				if a[0] == nil || a[1] == nil {
					return nil, nil
				}
				what := "Failed to parse date " + quoted(a[0]) + " with formatter " + quoted(a[1])
				if msg := fastDatePatternError(a[1].(string)); msg != "" {
					return nil, dateTimeThrew(what, &javatime.InvalidPatternError{Msg: msg})
				}
				jp, err := javatime.Compile(a[1].(string))
				if err != nil {
					return nil, nil
				}
				t, err := jp.ParseLeading(a[0].(string), time.UTC)
				switch {
				case err != nil:
					return nil, dateTimeThrew(what, errors.New("Unparseable date: "+a[0].(string)))
				case t.UnixMilli()%types.MsPerDay != 0:
					return nil, dateTimeThrew(what, errDateHasTime)
				}
				d, past := types.DateOfDay(t.UnixMilli() / types.MsPerDay)
				if past != nil {
					return nil, threw(past...)
				}
				return d, nil
			}}),
	}})

	register(&UDF{name: "format_time", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Time, "time"), p(types.String, "formatPattern")}, Ret: types.String, Method: "public java.lang.String " + datetimeUDF + "FormatTime.formatTime(java.sql.Time,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[0] == nil || a[1] == nil {
					return nil, nil
				}
				ms := int64(a[0].(types.TimeVal))
				out, err := formatJava(time.UnixMilli(ms).UTC(), a[1], nil)
				if err != nil {
					return nil, dateTimeThrew("Failed to format time "+localTimeText(ms)+" with formatter "+quoted(a[1]), err)
				}
				return out, nil
			}}),
	}})
	// ParseTime: a pattern that reads a date field throws
	register(&UDF{name: "parse_time", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.String, "formattedTime"), p(types.String, "formatPattern")}, Ret: types.Time, Method: "public java.sql.Time " + datetimeUDF + "ParseTime.parseTime(java.lang.String,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[0] == nil || a[1] == nil {
					return nil, nil
				}
				t, err := parseJava(a[0], a[1], "UTC")
				if jp, _ := javatime.Compile(a[1].(string)); err == nil && hasDateField(jp) {
					err = errTimeHasDate
				}
				if err != nil {
					return nil, dateTimeThrew("Failed to parse time "+quoted(a[0])+" with formatter "+quoted(a[1]), err)
				}
				return types.TimeVal(types.FloorMod(t.UnixMilli(), types.MsPerDay)), nil
			}}),
	}})

	// ConvertTz: the TIMESTAMP moved by the difference between the two
	// zones' offsets at that instant.
	register(&UDF{name: "convert_tz", overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Timestamp, "timestamp"), p(types.String, "fromTimeZone"), p(types.String, "toTimeZone")}, Ret: types.Timestamp,
			Method: "public java.sql.Timestamp " + datetimeUDF + "ConvertTz.convertTz(java.sql.Timestamp,java.lang.String,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[0] == nil || a[1] == nil || a[2] == nil {
					return nil, nil
				}
				// the target zone is read first; its exception's message,
				// without the exception as cause
				to, err := javaZone(a[2])
				if err != nil {
					return nil, threw("Invalid time zone: " + err.Error())
				}
				from, err := javaZone(a[1])
				if err != nil {
					return nil, threw("Invalid time zone: " + err.Error())
				}
				at := time.UnixMilli(int64(a[0].(types.TimestampVal)))
				_, toOff := at.In(to).Zone()
				_, fromOff := at.In(from).Zone()
				return types.TimestampVal(at.UnixMilli() + int64(toOff-fromOff)*1000), nil
			}}),
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
		throwing(Overload{Params: []Param{p(types.String, "str"), p(types.String, "encoding")}, Ret: types.Bytes,
			Method: "public java.nio.ByteBuffer io.confluent.ksql.function.udf.string.ToBytes.toBytes(java.lang.String,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[0] == nil || a[1] == nil {
					return nil, nil
				}
				enc, err := encodingFrom(a[1].(string))
				if err != nil {
					return nil, threw(err.Error())
				}
				s := a[0].(string)
				switch enc {
				case "hex":
					b, err := parseHexBinary(s)
					if err != nil {
						return nil, threw(err.Error())
					}
					return b, nil
				case "utf8":
					return []byte(s), nil
				case "ascii":
					b := make([]byte, 0, len(s))
					for _, r := range s {
						if r > 127 {
							r = '?'
						}
						b = append(b, byte(r))
					}
					return b, nil
				}
				b, thrown := types.JavaBase64(s)
				if thrown != nil {
					return nil, threw(thrown...)
				}
				return b, nil
			}}),
	}})
	register(&UDF{name: "from_bytes", overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Bytes, "bytes"), p(types.String, "encoding")}, Ret: types.String,
			Method: "public java.lang.String io.confluent.ksql.function.udf.string.FromBytes.fromBytes(java.nio.ByteBuffer,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[0] == nil || a[1] == nil {
					return nil, nil
				}
				enc, err := encodingFrom(a[1].(string))
				if err != nil {
					return nil, threw(err.Error())
				}
				b := a[0].([]byte)
				switch enc {
				case "hex":
					return strings.ToUpper(hex.EncodeToString(b)), nil
				case "utf8":
					return strings.ToValidUTF8(string(b), string(utf8.RuneError)), nil
				case "ascii":
					return asciiText(b), nil
				}
				return base64.StdEncoding.EncodeToString(b), nil
			}}),
	}})
}

// encodingFrom is BytesUtils.Encoding.from: the encoding named,
// case-insensitively, or its IllegalArgumentException.
func encodingFrom(name string) (string, error) {
	for _, e := range []string{"hex", "utf8", "ascii", "base64"} {
		if strings.EqualFold(name, e) {
			return e, nil
		}
	}
	return "", fmt.Errorf("Unknown encoding type '%s'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'.", name)
}

// parseHexBinary is DatatypeConverter.parseHexBinary: pairs of ASCII hex
// digits, the text's length counted in UTF-16 units, and its
// IllegalArgumentException.
func parseHexBinary(s string) ([]byte, error) {
	units := utf16.Encode([]rune(s))
	if len(units)%2 != 0 {
		return nil, fmt.Errorf("hexBinary needs to be even-length: %s", s)
	}
	out := make([]byte, len(units)/2)
	for i := 0; i < len(units); i += 2 {
		h, l := hexDigit(units[i]), hexDigit(units[i+1])
		if h < 0 || l < 0 {
			return nil, fmt.Errorf("contains illegal character for hexBinary: %s", s)
		}
		out[i/2] = byte(h<<4 | l)
	}
	return out, nil
}

func hexDigit(c uint16) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

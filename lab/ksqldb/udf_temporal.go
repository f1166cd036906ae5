package ksqldb

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
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
		return formatMillis(int64(a[0].(types.TimestampVal)), a)
	}
	register(&udf{name: "format_timestamp", validate: patternArg(1), overloads: []overload{
		{params: []param{p(types.Timestamp, "timestamp"), p(types.String, "formatPattern")}, ret: types.String, fn: formatTS},
		{params: []param{p(types.Timestamp, "timestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, ret: types.String, fn: formatTS},
	}})

	parseTS := func(a []any) any {
		ms, ok := parseMillis(a)
		if !ok {
			return nil
		}
		return types.TimestampVal(ms)
	}
	register(&udf{name: "parse_timestamp", validate: patternArg(1), overloads: []overload{
		{params: []param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern")}, ret: types.Timestamp, fn: parseTS},
		{params: []param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, ret: types.Timestamp, fn: parseTS},
	}})

	register(&udf{name: "format_date", validate: patternArg(1), overloads: []overload{
		{params: []param{p(types.Date, "date"), p(types.String, "formatPattern")}, ret: types.String, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return formatMillis(int64(a[0].(types.DateVal))*types.MsPerDay, a)
		}},
	}})
	register(&udf{name: "parse_date", validate: patternArg(1), overloads: []overload{
		{params: []param{p(types.String, "formattedDate"), p(types.String, "formatPattern")}, ret: types.Date, fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return types.DateVal(types.FloorDiv(ms, types.MsPerDay))
		}},
	}})

	register(&udf{name: "format_time", validate: patternArg(1), overloads: []overload{
		{params: []param{p(types.Time, "time"), p(types.String, "formatPattern")}, ret: types.String, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return formatMillis(int64(a[0].(types.TimeVal)), a)
		}},
	}})
	register(&udf{name: "parse_time", validate: patternArg(1), overloads: []overload{
		{params: []param{p(types.String, "formattedTime"), p(types.String, "formatPattern")}, ret: types.Time, fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return types.TimeVal(types.FloorMod(ms, types.MsPerDay))
		}},
	}})

	// ConvertTz: the TIMESTAMP moved by the difference between the two
	// zones' offsets at that instant.
	register(&udf{name: "convert_tz", overloads: []overload{
		{params: []param{p(types.Timestamp, "timestamp"), p(types.String, "fromTimeZone"), p(types.String, "toTimeZone")}, ret: types.Timestamp, fn: func(a []any) any {
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

	register(&udf{name: "from_unixtime", overloads: []overload{
		{params: []param{p(types.Bigint, "milliseconds")}, ret: types.Timestamp, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return types.TimestampVal(a[0].(int64))
		}},
	}})
	register(&udf{name: "unix_timestamp", overloads: []overload{
		{ret: types.Bigint, fn: func([]any) any { return time.Now().UnixMilli() }},
		{params: []param{p(types.Timestamp, "timestamp")}, ret: types.Bigint, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int64(a[0].(types.TimestampVal))
		}},
	}})
	register(&udf{name: "unix_date", overloads: []overload{
		{ret: types.Integer, fn: func([]any) any { return int32(types.FloorDiv(time.Now().Unix(), 86400)) }},
		{params: []param{p(types.Date, "date")}, ret: types.Integer, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int32(a[0].(types.DateVal))
		}},
	}})
	register(&udf{name: "from_days", overloads: []overload{
		{params: []param{p(types.Integer, "days")}, ret: types.Date, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return types.DateVal(a[0].(int32))
		}},
	}})

	// BytesUtils.Encoding: hex, utf8, ascii, base64 (case-insensitive)
	register(&udf{name: "to_bytes", overloads: []overload{
		{params: []param{p(types.String, "str"), p(types.String, "encoding")}, ret: types.Bytes, fn: func(a []any) any {
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
	register(&udf{name: "from_bytes", overloads: []overload{
		{params: []param{p(types.Bytes, "bytes"), p(types.String, "encoding")}, ret: types.String, fn: func(a []any) any {
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

// timeUnitMillis are SqlBase.g4's windowUnit words as java.util.concurrent.TimeUnit.
var timeUnitMillis = map[string]int64{
	"DAY": types.MsPerDay, "DAYS": types.MsPerDay, "HOUR": 3_600_000, "HOURS": 3_600_000,
	"MINUTE": 60_000, "MINUTES": 60_000, "SECOND": 1000, "SECONDS": 1000,
	"MILLISECOND": 1, "MILLISECONDS": 1,
}

// timeUnitFuncs take a time unit, an interval and a value of target:
// DateAdd/DateSub, TimeAdd/TimeSub, TimestampAdd/TimestampSub.
var timeUnitFuncs = map[string]struct {
	target types.Type
	sub    bool
}{
	"DATEADD": {types.Date, false}, "DATESUB": {types.Date, true},
	"TIMEADD": {types.Time, false}, "TIMESUB": {types.Time, true},
	"TIMESTAMPADD": {types.Timestamp, false}, "TIMESTAMPSUB": {types.Timestamp, true},
}

// compileTimeUnitCall compiles DATEADD(unit, interval, date) and its kin,
// whose first argument is a time unit word rather than an expression;
// handled is false for other functions.
func (c *compiler) compileTimeUnitCall(x *sql.FuncCall) (ce compiled, handled bool, err error) {
	spec, ok := timeUnitFuncs[x.Name]
	if !ok {
		return compiled{}, false, nil
	}
	if len(x.Args) != 3 {
		return compiled{}, true, stmterr.Bad("Function '%s' takes a time unit, an interval and a %s", x.Name, spec.target)
	}
	ref, _ := x.Args[0].(*sql.ColumnRef)
	var unit int64
	if ref != nil && ref.Qualifier == "" {
		unit = timeUnitMillis[strings.ToUpper(ref.Name)]
	}
	if unit == 0 {
		return compiled{}, true, stmterr.Bad("Function '%s' takes a time unit (DAYS, HOURS, MINUTES, SECONDS or MILLISECONDS) as its first argument, not %s", x.Name, sql.Format(x.Args[0]))
	}
	interval, err := c.compile(x.Args[1])
	if err != nil {
		return compiled{}, true, err
	}
	val, err := c.compile(x.Args[2])
	if err != nil {
		return compiled{}, true, err
	}
	okInterval := interval.t == types.Integer || interval.t == types.Null || (spec.target == types.Timestamp && interval.t == types.Bigint)
	if !okInterval || (val.t != spec.target && val.t != types.Null) {
		return compiled{}, true, stmterr.Bad("Function '%s' does not accept parameters (INTERVALUNIT, %s, %s).", x.Name, interval.t, val.t)
	}
	sign := int64(1)
	if spec.sub {
		sign = -1
	}
	return compiled{t: spec.target, eval: func(r []any) any {
		n, v := interval.eval(r), val.eval(r)
		if n == nil || v == nil {
			return nil
		}
		delta := sign * toInt(n) * unit
		switch x := v.(type) {
		case types.TimestampVal:
			return types.TimestampVal(int64(x) + delta)
		case types.DateVal:
			// TimeUnit.MILLISECONDS.toDays truncates toward zero
			return types.DateVal((int64(x)*types.MsPerDay + delta) / types.MsPerDay)
		case types.TimeVal:
			// LocalTime.plus wraps around midnight
			return types.TimeVal(types.FloorMod(int64(x)+delta, types.MsPerDay))
		}
		return nil
	}}, true, nil
}

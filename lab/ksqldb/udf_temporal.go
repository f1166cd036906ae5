package ksqldb

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
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
		return formatMillis(int64(a[0].(sqlTimestamp)), a)
	}
	register(&udf{name: "format_timestamp", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tTimestamp, "timestamp"), p(tString, "formatPattern")}, ret: tString, fn: formatTS},
		{params: []param{p(tTimestamp, "timestamp"), p(tString, "formatPattern"), p(tString, "timeZone")}, ret: tString, fn: formatTS},
	}})

	parseTS := func(a []any) any {
		ms, ok := parseMillis(a)
		if !ok {
			return nil
		}
		return sqlTimestamp(ms)
	}
	register(&udf{name: "parse_timestamp", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tString, "formattedTimestamp"), p(tString, "formatPattern")}, ret: tTimestamp, fn: parseTS},
		{params: []param{p(tString, "formattedTimestamp"), p(tString, "formatPattern"), p(tString, "timeZone")}, ret: tTimestamp, fn: parseTS},
	}})

	register(&udf{name: "format_date", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tDate, "date"), p(tString, "formatPattern")}, ret: tString, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return formatMillis(int64(a[0].(sqlDate))*msPerDay, a)
		}},
	}})
	register(&udf{name: "parse_date", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tString, "formattedDate"), p(tString, "formatPattern")}, ret: tDate, fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return sqlDate(floorDiv(ms, msPerDay))
		}},
	}})

	register(&udf{name: "format_time", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tTime, "time"), p(tString, "formatPattern")}, ret: tString, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return formatMillis(int64(a[0].(sqlTime)), a)
		}},
	}})
	register(&udf{name: "parse_time", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tString, "formattedTime"), p(tString, "formatPattern")}, ret: tTime, fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return sqlTime(floorMod(ms, msPerDay))
		}},
	}})

	// ConvertTz: the TIMESTAMP moved by the difference between the two
	// zones' offsets at that instant.
	register(&udf{name: "convert_tz", overloads: []overload{
		{params: []param{p(tTimestamp, "timestamp"), p(tString, "fromTimeZone"), p(tString, "toTimeZone")}, ret: tTimestamp, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			from, okFrom := zoneArg(a, 1)
			to, okTo := zoneArg(a, 2)
			if !okFrom || !okTo {
				return nil
			}
			at := time.UnixMilli(int64(a[0].(sqlTimestamp)))
			_, toOff := at.In(to).Zone()
			_, fromOff := at.In(from).Zone()
			return sqlTimestamp(at.UnixMilli() + int64(toOff-fromOff)*1000)
		}},
	}})

	register(&udf{name: "from_unixtime", overloads: []overload{
		{params: []param{p(tBigint, "milliseconds")}, ret: tTimestamp, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return sqlTimestamp(a[0].(int64))
		}},
	}})
	register(&udf{name: "unix_timestamp", overloads: []overload{
		{ret: tBigint, fn: func([]any) any { return time.Now().UnixMilli() }},
		{params: []param{p(tTimestamp, "timestamp")}, ret: tBigint, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int64(a[0].(sqlTimestamp))
		}},
	}})
	register(&udf{name: "unix_date", overloads: []overload{
		{ret: tInteger, fn: func([]any) any { return int32(floorDiv(time.Now().Unix(), 86400)) }},
		{params: []param{p(tDate, "date")}, ret: tInteger, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int32(a[0].(sqlDate))
		}},
	}})
	register(&udf{name: "from_days", overloads: []overload{
		{params: []param{p(tInteger, "days")}, ret: tDate, fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return sqlDate(a[0].(int32))
		}},
	}})

	// BytesUtils.Encoding: hex, utf8, ascii, base64 (case-insensitive)
	register(&udf{name: "to_bytes", overloads: []overload{
		{params: []param{p(tString, "str"), p(tString, "encoding")}, ret: tBytes, fn: func(a []any) any {
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
		{params: []param{p(tBytes, "bytes"), p(tString, "encoding")}, ret: tString, fn: func(a []any) any {
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
	"DAY": msPerDay, "DAYS": msPerDay, "HOUR": 3_600_000, "HOURS": 3_600_000,
	"MINUTE": 60_000, "MINUTES": 60_000, "SECOND": 1000, "SECONDS": 1000,
	"MILLISECOND": 1, "MILLISECONDS": 1,
}

// timeUnitFuncs take a time unit, an interval and a value of target:
// DateAdd/DateSub, TimeAdd/TimeSub, TimestampAdd/TimestampSub.
var timeUnitFuncs = map[string]struct {
	target sqlType
	sub    bool
}{
	"DATEADD": {tDate, false}, "DATESUB": {tDate, true},
	"TIMEADD": {tTime, false}, "TIMESUB": {tTime, true},
	"TIMESTAMPADD": {tTimestamp, false}, "TIMESTAMPSUB": {tTimestamp, true},
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
		return compiled{}, true, badStatement("Function '%s' takes a time unit, an interval and a %s", x.Name, spec.target)
	}
	ref, _ := x.Args[0].(*sql.ColumnRef)
	var unit int64
	if ref != nil && ref.Qualifier == "" {
		unit = timeUnitMillis[strings.ToUpper(ref.Name)]
	}
	if unit == 0 {
		return compiled{}, true, badStatement("Function '%s' takes a time unit (DAYS, HOURS, MINUTES, SECONDS or MILLISECONDS) as its first argument, not %s", x.Name, sql.Format(x.Args[0]))
	}
	interval, err := c.compile(x.Args[1])
	if err != nil {
		return compiled{}, true, err
	}
	val, err := c.compile(x.Args[2])
	if err != nil {
		return compiled{}, true, err
	}
	okInterval := interval.t == tInteger || interval.t == tNull || (spec.target == tTimestamp && interval.t == tBigint)
	if !okInterval || (val.t != spec.target && val.t != tNull) {
		return compiled{}, true, badStatement("Function '%s' does not accept parameters (INTERVALUNIT, %s, %s).", x.Name, interval.t, val.t)
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
		case sqlTimestamp:
			return sqlTimestamp(int64(x) + delta)
		case sqlDate:
			// TimeUnit.MILLISECONDS.toDays truncates toward zero
			return sqlDate((int64(x)*msPerDay + delta) / msPerDay)
		case sqlTime:
			// LocalTime.plus wraps around midnight
			return sqlTime(floorMod(int64(x)+delta, msPerDay))
		}
		return nil
	}}, true, nil
}

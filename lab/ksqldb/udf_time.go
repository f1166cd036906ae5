package ksqldb

import (
	"errors"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Date-time functions over BIGINT epoch milliseconds, as
// confluentinc/ksql udf/datetime/{UnixTimestamp,TimestampToString,
// StringToTimestamp}.java define them. ksqlDB's system default zone is UTC
// in Confluent's images, so the two-argument forms use UTC.

// patternArg refuses a literal pattern at position i that uses pattern
// letters this server does not implement.
func patternArg(i int) func(args []sql.Expr) error {
	return func(args []sql.Expr) error {
		if i >= len(args) {
			return nil
		}
		lit, ok := args[i].(*sql.Literal)
		if !ok || lit.Kind != sql.StringLit {
			return nil
		}
		if _, err := compileJavaPattern(lit.Text); errors.Is(err, errUnsupportedLetter) {
			return unsupported("date-time pattern '" + lit.Text + "' (" + err.Error() + ")")
		}
		return nil
	}
}

func zoneArg(a []any, i int) (*time.Location, bool) {
	if len(a) <= i {
		return time.UTC, true
	}
	if a[i] == nil {
		return nil, false
	}
	l, err := javaZone(a[i].(string))
	return l, err == nil
}

// formatMillis formats the epoch milliseconds ms with the pattern a[1] in
// the zone a[2] (UTC without it), as TIMESTAMPTOSTRING and
// FORMAT_TIMESTAMP do; nil where ksqlDB throws.
func formatMillis(ms int64, a []any) any {
	if a[1] == nil {
		return nil
	}
	loc, ok := zoneArg(a, 2)
	if !ok {
		return nil
	}
	jp, err := compileJavaPattern(a[1].(string))
	if err != nil {
		return nil
	}
	return jp.format(time.UnixMilli(ms).In(loc))
}

// parseMillis parses the text a[0] with the pattern a[1] in the zone a[2]
// (UTC without it) into epoch milliseconds, as STRINGTOTIMESTAMP and
// PARSE_TIMESTAMP do; false where ksqlDB throws ("Failed to parse
// timestamp '...' with formatter '...'") or an argument is NULL.
func parseMillis(a []any) (int64, bool) {
	if a[0] == nil || a[1] == nil {
		return 0, false
	}
	loc, ok := zoneArg(a, 2)
	if !ok {
		return 0, false
	}
	jp, err := compileJavaPattern(a[1].(string))
	if err != nil {
		return 0, false
	}
	t, err := jp.parse(a[0].(string), loc)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

func init() {
	toString := func(a []any) any {
		if a[0] == nil {
			return nil
		}
		return formatMillis(a[0].(int64), a)
	}
	register(&udf{name: "timestamptostring", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tBigint, "epochMilli"), p(tString, "formatPattern")}, ret: tString, fn: toString},
		{params: []param{p(tBigint, "epochMilli"), p(tString, "formatPattern"), p(tString, "timeZone")}, ret: tString, fn: toString},
	}})

	fromString := func(a []any) any {
		ms, ok := parseMillis(a)
		if !ok {
			return nil
		}
		return ms
	}
	register(&udf{name: "stringtotimestamp", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tString, "formattedTimestamp"), p(tString, "formatPattern")}, ret: tBigint, fn: fromString},
		{params: []param{p(tString, "formattedTimestamp"), p(tString, "formatPattern"), p(tString, "timeZone")}, ret: tBigint, fn: fromString},
	}})

	// DateToString / StringToDate: a DATE as an INT of days since the epoch.
	register(&udf{name: "datetostring", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tInteger, "epochDays"), p(tString, "formatPattern")}, ret: tString, fn: func(a []any) any {
			if a[0] == nil {
				return nil // a primitive int: the NULL throws
			}
			return formatMillis(int64(a[0].(int32))*msPerDay, a)
		}},
	}})
	register(&udf{name: "stringtodate", validate: patternArg(1), overloads: []overload{
		{params: []param{p(tString, "formattedDate"), p(tString, "formatPattern")}, ret: tInteger, fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return int32(floorDiv(ms, msPerDay))
		}},
	}})
}

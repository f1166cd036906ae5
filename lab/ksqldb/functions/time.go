package functions

import (
	"errors"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/javatime"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
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
		if _, err := javatime.Compile(lit.Text); errors.Is(err, javatime.ErrUnsupportedLetter) {
			return stmterr.Unsupported("date-time pattern '" + lit.Text + "' (" + err.Error() + ")")
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
	l, err := javatime.Zone(a[i].(string))
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
	jp, err := javatime.Compile(a[1].(string))
	if err != nil {
		return nil
	}
	return jp.Format(time.UnixMilli(ms).In(loc))
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
	jp, err := javatime.Compile(a[1].(string))
	if err != nil {
		return 0, false
	}
	t, err := jp.Parse(a[0].(string), loc)
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
	register(&UDF{name: "timestamptostring", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.Bigint, "epochMilli"), p(types.String, "formatPattern")}, Ret: types.String, Fn: toString},
		{Params: []Param{p(types.Bigint, "epochMilli"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.String, Fn: toString},
	}})

	fromString := func(a []any) any {
		ms, ok := parseMillis(a)
		if !ok {
			return nil
		}
		return ms
	}
	register(&UDF{name: "stringtotimestamp", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern")}, Ret: types.Bigint, Fn: fromString},
		{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.Bigint, Fn: fromString},
	}})

	// DateToString / StringToDate: a DATE as an INT of days since the epoch.
	register(&UDF{name: "datetostring", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.Integer, "epochDays"), p(types.String, "formatPattern")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil // a primitive int: the NULL throws
			}
			return formatMillis(int64(a[0].(int32))*types.MsPerDay, a)
		}},
	}})
	register(&UDF{name: "stringtodate", Validate: patternArg(1), overloads: []Overload{
		{Params: []Param{p(types.String, "formattedDate"), p(types.String, "formatPattern")}, Ret: types.Integer, Fn: func(a []any) any {
			ms, ok := parseMillis(a)
			if !ok {
				return nil
			}
			return int32(types.FloorDiv(ms, types.MsPerDay))
		}},
	}})
}

package functions

import (
	"errors"
	"fmt"
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

// stringLiteral is argument i when it is a string literal: its text.
func stringLiteral(args []sql.Expr, i int) (string, bool) {
	if i >= len(args) {
		return "", false
	}
	lit, ok := args[i].(*sql.Literal)
	if !ok || lit.Kind != sql.StringLit {
		return "", false
	}
	return lit.Text, true
}

// patternArg refuses a literal pattern at position i that uses pattern
// letters this server does not implement.
func patternArg(i int) func(args []sql.Expr) error {
	return func(args []sql.Expr) error {
		pattern, ok := stringLiteral(args, i)
		if !ok {
			return nil
		}
		if _, err := javatime.Compile(pattern); errors.Is(err, javatime.ErrUnsupportedLetter) {
			return stmterr.Unsupported("date-time pattern '" + pattern + "' (" + err.Error() + ")")
		}
		return nil
	}
}

func init() {
	toString := func(a []any) (any, []string) {
		if a[1] == nil || len(a) > 2 && a[2] == nil {
			return nil, nil
		}
		if a[0] == nil {
			return nil, nullForPrimitive // epochMilli is a long
		}
		ms := a[0].(int64)
		var zone any
		what := fmt.Sprintf("Failed to format timestamp %d", ms)
		if len(a) > 2 {
			zone = a[2]
			what += " at timeZone " + quoted(zone)
		}
		// the two-argument form formats in ZoneId.systemDefault(), UTC
		out, err := formatJava(time.UnixMilli(ms).UTC(), a[1], zone)
		if err != nil {
			return nil, dateTimeThrew(what+" with formatter "+quoted(a[1]), err)
		}
		return out, nil
	}
	const toStringMethod = "public java.lang.String " + datetimeUDF + "TimestampToString.timestampToString(long,java.lang.String"
	register(&UDF{name: "timestamptostring", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Bigint, "epochMilli"), p(types.String, "formatPattern")}, Ret: types.String, Throwing: toString, Method: toStringMethod + ")"}),
		throwing(Overload{Params: []Param{p(types.Bigint, "epochMilli"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.String, Throwing: toString, Method: toStringMethod + ",java.lang.String)"}),
	}})

	// StringToTimestamp checks no NULL: a NULL text, pattern or zone
	// throws
	fromString := func(a []any) (any, []string) {
		what := "Failed to parse timestamp " + quoted(a[0])
		if len(a) > 2 {
			what += " at timezone " + quoted(a[2])
		}
		t, err := parseJava(a[0], a[1], zoneAt(a, 2))
		if err != nil {
			return nil, dateTimeThrew(what+" with formatter "+quoted(a[1]), err)
		}
		return t.UnixMilli(), nil
	}
	const fromStringMethod = "public long " + datetimeUDF + "StringToTimestamp.stringToTimestamp(java.lang.String,java.lang.String"
	register(&UDF{name: "stringtotimestamp", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern")}, Ret: types.Bigint, Throwing: fromString, Method: fromStringMethod + ")"}),
		throwing(Overload{Params: []Param{p(types.String, "formattedTimestamp"), p(types.String, "formatPattern"), p(types.String, "timeZone")}, Ret: types.Bigint, Throwing: fromString, Method: fromStringMethod + ",java.lang.String)"}),
	}})

	// DateToString / StringToDate: a DATE as an INT of days since the epoch.
	register(&UDF{name: "datetostring", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Integer, "epochDays"), p(types.String, "formatPattern")}, Ret: types.String, Method: "public java.lang.String " + datetimeUDF + "DateToString.dateToString(int,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				if a[1] == nil {
					return nil, nil
				}
				if a[0] == nil {
					return nil, nullForPrimitive // epochDays is an int
				}
				days := int64(a[0].(int32))
				out, err := formatJava(time.UnixMilli(days*types.MsPerDay).UTC(), a[1], nil)
				if err != nil {
					return nil, dateTimeThrew(fmt.Sprintf("Failed to format date %d with formatter %s", days, quoted(a[1])), err)
				}
				return out, nil
			}}),
	}})
	// StringToDate checks no NULL: a NULL text or pattern throws
	register(&UDF{name: "stringtodate", Validate: patternArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.String, "formattedDate"), p(types.String, "formatPattern")}, Ret: types.Integer,
			Method: "public int " + datetimeUDF + "StringToDate.stringToDate(java.lang.String,java.lang.String)",
			Throwing: func(a []any) (any, []string) {
				t, err := parseJava(a[0], a[1], "UTC")
				if err != nil {
					return nil, dateTimeThrew("Failed to parse date "+quoted(a[0])+" with formatter "+quoted(a[1]), err)
				}
				return int32(types.FloorDiv(t.UnixMilli(), types.MsPerDay)), nil
			}}),
	}})
}

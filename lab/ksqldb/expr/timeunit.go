package expr

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// timeUnitMillis are SqlBase.g4's windowUnit words as java.util.concurrent.TimeUnit.
var timeUnitMillis = map[string]int64{
	"DAY": types.MsPerDay, "DAYS": types.MsPerDay, "HOUR": 3_600_000, "HOURS": 3_600_000,
	"MINUTE": 60_000, "MINUTES": 60_000, "SECOND": 1000, "SECONDS": 1000,
	"MILLISECOND": 1, "MILLISECONDS": 1,
}

// TimeUnitFuncs take a time unit, an interval and a value of target:
// DateAdd/DateSub, TimeAdd/TimeSub, TimestampAdd/TimestampSub.
var TimeUnitFuncs = map[string]struct {
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
func (c *Compiler) compileTimeUnitCall(x *sql.FuncCall) (ce Compiled, handled bool, err error) {
	spec, ok := TimeUnitFuncs[x.Name]
	if !ok {
		return Compiled{}, false, nil
	}
	if len(x.Args) != 3 {
		return Compiled{}, true, stmterr.Bad("Function '%s' takes a time unit, an interval and a %s", x.Name, spec.target)
	}
	ref, _ := x.Args[0].(*sql.ColumnRef)
	var unit int64
	if ref != nil && ref.Qualifier == "" {
		unit = timeUnitMillis[strings.ToUpper(ref.Name)]
	}
	if unit == 0 {
		return Compiled{}, true, stmterr.Bad("Function '%s' takes a time unit (DAYS, HOURS, MINUTES, SECONDS or MILLISECONDS) as its first argument, not %s", x.Name, sql.Format(x.Args[0]))
	}
	interval, err := c.Compile(x.Args[1])
	if err != nil {
		return Compiled{}, true, err
	}
	val, err := c.Compile(x.Args[2])
	if err != nil {
		return Compiled{}, true, err
	}
	okInterval := interval.Type == types.Integer || interval.Type == types.Null || (spec.target == types.Timestamp && interval.Type == types.Bigint)
	if !okInterval || (val.Type != spec.target && val.Type != types.Null) {
		return Compiled{}, true, stmterr.Bad("Function '%s' does not accept parameters (INTERVALUNIT, %s, %s).", x.Name, interval.Type, val.Type)
	}
	sign := int64(1)
	if spec.sub {
		sign = -1
	}
	return Compiled{Type: spec.target, Eval: func(r []any) any {
		n, v := interval.Eval(r), val.Eval(r)
		if n == nil || v == nil {
			return nil
		}
		delta := sign * types.ToInt(n) * unit
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

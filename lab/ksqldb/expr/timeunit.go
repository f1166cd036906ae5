package expr

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// timeUnitMillis are SqlBase.g4's windowUnit words that a function argument
// reads as a time unit, as java.util.concurrent.TimeUnit. DAY, HOUR, MINUTE
// and SECOND are windowUnit words too, but nonReserved ones: as a function
// argument they match functionArgument's first alternative, an expression,
// and name a column.
var timeUnitMillis = map[string]int64{
	"DAYS": types.MsPerDay, "HOURS": 3_600_000, "MINUTES": 60_000, "SECONDS": 1000,
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

// dateUnitMethods are DATEADD's and DATESUB's @Udf methods as
// Method.toString writes them (ksqldb-engine .../function/udf/datetime/DateAdd.java, DateSub.java).
var dateUnitMethods = map[string]string{
	"DATEADD": "public java.sql.Date io.confluent.ksql.function.udf.datetime.DateAdd.dateAdd(java.util.concurrent.TimeUnit,java.lang.Integer,java.sql.Date)",
	"DATESUB": "public java.sql.Date io.confluent.ksql.function.udf.datetime.DateSub.dateSub(java.util.concurrent.TimeUnit,java.lang.Integer,java.sql.Date)",
}

// compileTimeUnitCall compiles DATEADD(unit, interval, date) and its kin,
// whose first argument is a time unit word rather than an expression;
// handled is false for other functions.
func (c *Compiler) compileTimeUnitCall(x *sql.FuncCall) (ce Compiled, handled bool, err error) {
	spec, ok := TimeUnitFuncs[x.Name]
	if !ok {
		return Compiled{}, false, nil
	}
	// SqlBase.g4 functionArgument: a time unit word is an INTERVAL UNIT
	// argument, anything else an expression; UdfIndex then matches the one
	// signature (unit, INTEGER interval, value)
	var unit int64
	args := make([]Compiled, len(x.Args))
	names := make([]string, len(x.Args))
	for i, a := range x.Args {
		if ref, ok := a.(*sql.ColumnRef); ok && ref.Qualifier == "" && timeUnitMillis[strings.ToUpper(ref.Name)] != 0 {
			names[i] = "INTERVAL UNIT"
			if i == 0 {
				unit = timeUnitMillis[strings.ToUpper(ref.Name)]
			}
			continue
		}
		ce, err := c.Compile(a)
		if err != nil {
			return Compiled{}, true, err
		}
		args[i], names[i] = ce, types.NullName(ce.Type)
	}
	ok = len(x.Args) == 3 && unit != 0 && names[1] != "INTERVAL UNIT" && names[2] != "INTERVAL UNIT"
	if ok {
		it, vt := args[1].Type, args[2].Type
		ok = (it == types.Integer || it == types.Null || (spec.target == types.Timestamp && it == types.Bigint)) &&
			(vt == spec.target || vt == types.Null)
	}
	if !ok {
		name := strings.ToLower(x.Name)
		param := strings.ToLower(spec.target.String())
		return Compiled{}, true, stmterr.Bad("Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s(INTERVAL UNIT unit, INTEGER interval, %s %s)\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
			name, strings.Join(names, ", "), name, spec.target, param)
	}
	interval, val := args[1], args[2]
	sign := int64(1)
	if spec.sub {
		sign = -1
	}
	// a DATE past this server's is refused as the UDF's failure
	// (types.DateOfDay), DynamicFunctionInvoker's wrapping around it
	var f *Failures
	var invoked []string
	if spec.target == types.Date {
		f = c.thrower()
		invoked = []string{"Failed to invoke function " + dateUnitMethods[x.Name], "java.lang.reflect.InvocationTargetException"}
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
			d, past := types.DateOfDay((int64(x)*types.MsPerDay + delta) / types.MsPerDay)
			if past != nil {
				f.throw(append(slices.Clip(invoked), past...)...)
				return nil
			}
			return d
		case types.TimeVal:
			// LocalTime.plus wraps around midnight
			return types.TimeVal(types.FloorMod(int64(x)+delta, types.MsPerDay))
		}
		return nil
	}}, true, nil
}

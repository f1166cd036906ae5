package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// param is one declared parameter of a scalar function overload.
type param struct {
	t    types.Type
	name string
}

// overload is one signature of a scalar function, as a @Udf method declares
// it in ksqlDB. Arguments reach fn already converted to the parameter types;
// fn sees NULLs and decides what they mean, as each UDF does.
type overload struct {
	params   []param
	variadic bool // the last parameter takes any number of arguments (Java varargs)
	ret      types.Type
	fn       func(args []any) any
}

// udf is a scalar function: the name as its @UdfDescription spells it (used
// in ksqlDB's messages) and its overloads in declaration order.
type udf struct {
	name      string
	overloads []overload
	// validate, when set, checks the argument expressions at planning time
	// (e.g. refuses a literal date-time pattern this server cannot run).
	validate func(args []sql.Expr) error
}

// udfs are the scalar functions by upper-case name.
var udfs = map[string]*udf{}

func register(f *udf) { udfs[strings.ToUpper(f.name)] = f }

func p(t types.Type, name string) param { return param{t: t, name: name} }

// widening is how many implicit-cast steps turn a into b (SqlBaseType
// canImplicitlyCast: INTEGER -> BIGINT -> DECIMAL -> DOUBLE), or -1.
func widening(a, b types.Type) int {
	if a == b || a == types.Null {
		return 0
	}
	rank := map[types.Type]int{types.Integer: 1, types.Bigint: 2, tAnyDecimal: 3, types.Double: 4}
	ra, rb := rank[anyDecimal(a)], rank[anyDecimal(b)]
	if ra == 0 || rb == 0 || ra > rb {
		return -1
	}
	return rb - ra
}

// match scores how well arguments fit an overload: the total of implicit
// casts needed, or -1 when they do not fit.
func (o overload) match(args []types.Type) int {
	n := len(o.params)
	if o.variadic {
		if len(args) < n-1 {
			return -1
		}
	} else if len(args) != n {
		return -1
	}
	score := 0
	for i, a := range args {
		pt := o.params[min(i, n-1)].t
		w := widening(a, pt)
		if w < 0 {
			return -1
		}
		score += w
	}
	return score
}

// resolve picks the overload for the argument types as UdfIndex does: an
// exact fit first, else the one needing the fewest implicit casts.
func (f *udf) resolve(args []types.Type) (overload, error) {
	best, bestScore := -1, -1
	for i, o := range f.overloads {
		s := o.match(args)
		if s >= 0 && (best < 0 || s < bestScore) {
			best, bestScore = i, s
		}
	}
	if best >= 0 {
		return f.overloads[best], nil
	}
	return overload{}, f.noMatch(args)
}

// noMatch is UdfIndex.createNoMatchingFunctionException's message.
func (f *udf) noMatch(args []types.Type) error {
	alts := make([]string, len(f.overloads))
	for i, o := range f.overloads {
		ps := make([]string, len(o.params))
		for j, pr := range o.params {
			t := pr.t.String()
			if o.variadic && j == len(o.params)-1 {
				t += "..."
			}
			ps[j] = t + " " + pr.name
		}
		alts[i] = f.name + "(" + strings.Join(ps, ", ") + ")"
	}
	return stmterr.Bad("Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
		f.name, typeList(args), strings.Join(alts, "\n"))
}

func typeList(ts []types.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = nullName(t)
	}
	return strings.Join(parts, ", ")
}

func (c *compiler) compileCall(x *sql.FuncCall) (compiled, error) {
	if x.Star {
		return compiled{}, stmterr.Bad("Function %s does not accept '*' as an argument", x.Name)
	}
	if ce, ok, err := c.compileTimeUnitCall(x); ok {
		return ce, err
	}
	if f, ok := udtfs[x.Name]; ok {
		return c.compileTableFunction(x, f)
	}
	args := make([]compiled, len(x.Args))
	argTypes := make([]types.Type, len(x.Args))
	for i, a := range x.Args {
		ca, err := c.compile(a)
		if err != nil {
			return compiled{}, err
		}
		args[i], argTypes[i] = ca, ca.t
	}
	if g, ok := genericUdfs[x.Name]; ok {
		return g(x.Name, args)
	}
	if ce, ok, err := decimalCall(x.Name, args); ok {
		return ce, err
	}
	f, ok := udfs[x.Name]
	if !ok {
		// InternalFunctionRegistry.getUdfFactory
		return compiled{}, stmterr.Bad("Can't find any functions with the name '%s'", x.Name)
	}
	o, err := f.resolve(argTypes)
	if err != nil {
		return compiled{}, err
	}
	if f.validate != nil {
		if err := f.validate(x.Args); err != nil {
			return compiled{}, err
		}
	}
	conv := make([]types.Type, len(args))
	for i := range args {
		conv[i] = o.params[min(i, len(o.params)-1)].t
	}
	fn := o.fn
	return compiled{t: o.ret, eval: func(r []any) any {
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = widen(a.eval(r), conv[i])
		}
		return fn(vals)
	}}, nil
}

// widen converts a value to a wider numeric parameter type.
func widen(v any, to types.Type) any {
	if v == nil {
		return nil
	}
	if to.Kind() == types.KindDecimal {
		if d, ok := types.ToDecimal(v); ok {
			if out, err := d.SetScale(int32(to.Scale), types.RoundUnnecessary); err == nil {
				return out
			}
		}
		return v
	}
	switch to {
	case types.Bigint:
		if x, ok := v.(int32); ok {
			return int64(x)
		}
	case types.Double:
		switch x := v.(type) {
		case types.Decimal:
			return x.Float()
		case int32:
			return float64(x)
		case int64:
			return float64(x)
		}
	}
	return v
}

// A UDF that throws in ksqlDB (KsqlFunctionException, or a NULL reaching a
// primitive parameter) yields NULL: ksqlDB logs the error and carries on with
// a null result. The functions here return nil in those cases.

// genericUdfs are ksqlDB's generic functions (type parameter T): every
// non-NULL argument must have one type, which is also the result's.
var genericUdfs = map[string]func(name string, args []compiled) (compiled, error){
	"COALESCE": func(name string, args []compiled) (compiled, error) {
		t, err := sameType("COALESCE", args, 1, -1)
		if err != nil {
			return compiled{}, err
		}
		return compiled{t: t, eval: func(r []any) any {
			for _, a := range args {
				if v := a.eval(r); v != nil {
					return v
				}
			}
			return nil
		}}, nil
	},
	"IFNULL": func(name string, args []compiled) (compiled, error) {
		t, err := sameType("IFNULL", args, 2, 2)
		if err != nil {
			return compiled{}, err
		}
		return compiled{t: t, eval: func(r []any) any {
			if v := args[0].eval(r); v != nil {
				return v
			}
			return args[1].eval(r)
		}}, nil
	},
	"NULLIF": func(name string, args []compiled) (compiled, error) {
		t, err := sameType("NULLIF", args, 2, 2)
		if err != nil {
			return compiled{}, err
		}
		// NullIf: NULL when expr1 is NULL or equals expr2, else expr1.
		return compiled{t: t, eval: func(r []any) any {
			a := args[0].eval(r)
			if a == nil {
				return nil
			}
			if b := args[1].eval(r); b != nil && compareValues(a, b) == 0 {
				return nil
			}
			return a
		}}, nil
	},
	// ArrayLength: the number of elements of any ARRAY, NULL for NULL.
	"ARRAY_LENGTH": func(name string, args []compiled) (compiled, error) {
		if len(args) != 1 || (args[0].t.Kind() != types.KindArray && args[0].t != types.Null) {
			return compiled{}, stmterr.Bad("Function 'ARRAY_LENGTH' does not accept parameters (%s).", argTypes(args))
		}
		a := args[0]
		return compiled{t: types.Integer, eval: func(r []any) any {
			v, ok := a.eval(r).([]any)
			if !ok {
				return nil
			}
			return int32(len(v))
		}}, nil
	},
	"AS_VALUE": func(name string, args []compiled) (compiled, error) {
		if len(args) != 1 {
			return compiled{}, stmterr.Bad("Function 'AS_VALUE' does not accept parameters (%s).", argTypes(args))
		}
		return args[0], nil
	},
}

// sameType checks the arity and the shared type T of a generic function.
func sameType(name string, args []compiled, minArgs, maxArgs int) (types.Type, error) {
	if len(args) < minArgs || (maxArgs >= 0 && len(args) > maxArgs) {
		return types.Null, stmterr.Bad("Function '%s' does not accept parameters (%s).", name, argTypes(args))
	}
	t := types.Null
	for _, a := range args {
		if a.t == types.Null {
			continue
		}
		if t == types.Null {
			t = a.t
		} else if t != a.t {
			return types.Null, stmterr.Bad("Function '%s' does not accept parameters (%s).", name, argTypes(args))
		}
	}
	return t, nil
}

func argTypes(args []compiled) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = nullName(a.t)
	}
	return strings.Join(parts, ", ")
}

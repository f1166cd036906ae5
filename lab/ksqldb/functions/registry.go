package functions

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Param is one declared parameter of a scalar function overload.
type Param struct {
	Type types.Type
	name string
}

// Overload is one signature of a scalar function, as a @Udf method declares
// it in ksqlDB. Arguments reach fn already converted to the parameter types;
// fn sees NULLs and decides what they mean, as each UDF does.
type Overload struct {
	Params   []Param
	variadic bool // the last parameter takes any number of arguments (Java varargs)
	Ret      types.Type
	Fn       func(args []any) any
}

// UDF is a scalar function: the name as its @UdfDescription spells it (used
// in ksqlDB's messages) and its overloads in declaration order.
type UDF struct {
	name      string
	overloads []Overload
	// Validate, when set, checks the argument expressions at planning time
	// (e.g. refuses a literal date-time pattern this server cannot run).
	Validate func(args []sql.Expr) error
}

// Scalars are the scalar functions by upper-case name.
var Scalars = map[string]*UDF{}

func register(f *UDF) { Scalars[strings.ToUpper(f.name)] = f }

func p(t types.Type, name string) Param { return Param{Type: t, name: name} }

// widening is how many implicit-cast steps turn a into b (SqlBaseType
// canImplicitlyCast: INTEGER -> BIGINT -> DECIMAL -> DOUBLE), or -1.
func widening(a, b types.Type) int {
	if a == b || a == types.Null {
		return 0
	}
	rank := map[types.Type]int{types.Integer: 1, types.Bigint: 2, types.AnyDecimal: 3, types.Double: 4}
	ra, rb := rank[types.AnyDecimalOf(a)], rank[types.AnyDecimalOf(b)]
	if ra == 0 || rb == 0 || ra > rb {
		return -1
	}
	return rb - ra
}

// match scores how well arguments fit an overload: the total of implicit
// casts needed, or -1 when they do not fit.
func (o Overload) match(args []types.Type) int {
	n := len(o.Params)
	if o.variadic {
		if len(args) < n-1 {
			return -1
		}
	} else if len(args) != n {
		return -1
	}
	score := 0
	for i, a := range args {
		pt := o.Params[min(i, n-1)].Type
		w := widening(a, pt)
		if w < 0 {
			return -1
		}
		score += w
	}
	return score
}

// Resolve picks the overload for the argument types as UdfIndex does: an
// exact fit first, else the one needing the fewest implicit casts.
func (f *UDF) Resolve(args []types.Type) (Overload, error) {
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
	return Overload{}, f.noMatch(args)
}

// noMatch is UdfIndex.createNoMatchingFunctionException's message.
func (f *UDF) noMatch(args []types.Type) error {
	alts := make([]string, len(f.overloads))
	for i, o := range f.overloads {
		ps := make([]string, len(o.Params))
		for j, pr := range o.Params {
			t := pr.Type.String()
			if o.variadic && j == len(o.Params)-1 {
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
		parts[i] = types.NullName(t)
	}
	return strings.Join(parts, ", ")
}

// Generics are ksqlDB's generic functions (type parameter T) whose result
// type follows from their argument types: each checks the argument types
// and returns the result type and the function of the argument values.
var Generics = map[string]func(name string, args []types.Type) (types.Type, func([]any) any, error){}

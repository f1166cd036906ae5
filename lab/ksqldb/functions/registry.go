package functions

import (
	"slices"
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
	// Throwing, when set, is the @Udf method where what it throws is
	// known: its value, or the messages of what Method.invoke throws (see
	// threw and nullForPrimitive), Fn its value alone. Method is the method
	// as Method.toString writes it.
	Throwing func(args []any) (any, []string)
	Method   string
}

// Invoke calls a throwing overload as DynamicFunctionInvoker.eval does
// (confluentinc/ksql v7.9.0 ksqldb-engine .../function/DynamicFunctionInvoker.java):
// its value, or the messages of the KsqlFunctionException "Failed to
// invoke function <method>" wrapping what Method.invoke threw.
func (o Overload) Invoke(args []any) (any, []string) {
	v, thrown := o.Throwing(args)
	if thrown == nil {
		return v, nil
	}
	return nil, append([]string{"Failed to invoke function " + o.Method}, thrown...)
}

// throwing is o with Fn its Throwing's value.
func throwing(o Overload) Overload {
	o.Fn = func(args []any) any {
		v, _ := o.Throwing(args)
		return v
	}
	return o
}

// threw is what Method.invoke throws for a UDF method that threw an
// exception of these messages: the InvocationTargetException around it.
func threw(msgs ...string) []string {
	return append([]string{"java.lang.reflect.InvocationTargetException"}, msgs...)
}

// nullForPrimitive is what Method.invoke throws for a NULL passed to a
// primitive parameter: an IllegalArgumentException without a message.
var nullForPrimitive = []string{"java.lang.IllegalArgumentException"}

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

// fits reports whether an argument of type a fits a parameter of type b:
// exactly (the same type, any DECIMAL for DECIMAL, or a NULL, which fits
// anything), or, when casts are allowed, after an implicit cast
// (SqlBaseType.canImplicitlyCast: INTEGER -> BIGINT -> DECIMAL -> DOUBLE,
// and STRING to DATE, TIME, TIMESTAMP or BYTES).
func fits(a, b types.Type, casts bool) bool {
	if a == b || a == types.Null || types.AnyDecimalOf(a) == types.AnyDecimalOf(b) && b.Kind() == types.KindDecimal {
		return true
	}
	if !casts {
		return false
	}
	if a == types.String {
		return b.Temporal() || b == types.Bytes
	}
	rank := map[types.Type]int{types.Integer: 1, types.Bigint: 2, types.AnyDecimal: 3, types.Double: 4}
	ra, rb := rank[types.AnyDecimalOf(a)], rank[types.AnyDecimalOf(b)]
	return ra > 0 && rb > 0 && ra <= rb
}

// param is the declared type the i-th of n arguments meets.
func (o Overload) param(i int) types.Type { return o.Params[min(i, len(o.Params)-1)].Type }

// takes reports whether the arguments fit the overload.
func (o Overload) takes(args []types.Type, casts bool) bool {
	n := len(o.Params)
	if o.variadic && len(args) < n-1 || !o.variadic && len(args) != n {
		return false
	}
	for i, a := range args {
		if !fits(a, o.param(i), casts) {
			return false
		}
	}
	return true
}

// rank orders overloads as UdfIndex's node comparator does, higher first:
// a fixed arity before varargs, then more parameters, then a later
// variadic parameter.
func (o Overload) rank() [3]int {
	if o.variadic {
		return [3]int{0, len(o.Params), len(o.Params) - 1}
	}
	return [3]int{1, len(o.Params), -1}
}

// Resolve picks the overload for the argument types as
// UdfIndex.getFunction does: among the overloads the arguments fit without
// implicit casts, else among those they fit with them, the one the node
// comparator ranks first. Overloads that meet these arguments with the
// same parameter types share a trie node, which keeps the first declared
// of the best rank; two nodes of the same rank make the call ambiguous.
func (f *UDF) Resolve(args []types.Type) (Overload, error) {
	for _, casts := range []bool{false, true} {
		var nodes []int // the overload each node holds
		byTypes := map[string]int{}
		for i, o := range f.overloads {
			if !o.takes(args, casts) {
				continue
			}
			met := make([]types.Type, len(args))
			for j := range args {
				met[j] = o.param(j)
			}
			key := typeList(met)
			if n, ok := byTypes[key]; !ok {
				byTypes[key] = len(nodes)
				nodes = append(nodes, i)
			} else if cmpRank(o.rank(), f.overloads[nodes[n]].rank()) > 0 {
				nodes[n] = i
			}
		}
		if len(nodes) == 0 {
			continue
		}
		slices.SortStableFunc(nodes, func(a, b int) int { return cmpRank(f.overloads[b].rank(), f.overloads[a].rank()) })
		if len(nodes) > 1 && f.overloads[nodes[0]].rank() == f.overloads[nodes[1]].rank() {
			return Overload{}, f.ambiguous(args)
		}
		return f.overloads[nodes[0]], nil
	}
	return Overload{}, f.noMatch(args)
}

func cmpRank(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}

// ambiguous is UdfIndex.createVagueImplicitCastException's message.
func (f *UDF) ambiguous(args []types.Type) error {
	return stmterr.Bad("Function '%s' cannot be resolved due to ambiguous method parameters (%s).\nUse CAST() to explicitly cast your parameters to one of the supported function calls.\nValid function calls are:\n%s\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
		f.name, typeList(args), f.signatures())
}

// noMatch is UdfIndex.createNoMatchingFunctionException's message.
func (f *UDF) noMatch(args []types.Type) error {
	return stmterr.Bad("Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
		f.name, typeList(args), f.signatures())
}

// signatures lists the overloads as UdfIndex.formatAvailableSignatures
// writes them, one a line.
func (f *UDF) signatures() string {
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
	return strings.Join(alts, "\n")
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

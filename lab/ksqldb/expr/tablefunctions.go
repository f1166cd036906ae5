package expr

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Table functions (ksqlDB's UDTFs) turn one input row into zero or more
// rows. A SELECT may call them in its projection only; the query then
// flattens each row that passes WHERE into as many rows as the longest
// list its table functions return, the shorter lists padded with NULL
// (KudtfFlatMapper, KLIP-9), before projecting. Each flattened row keeps
// the input record's key and timestamp.

// udtf is a table function: its name as @UdtfDescription spells it (used
// in ksqlDB's messages), its signatures as UdfIndex lists them, and what
// it does with its one ARRAY argument.
type udtf struct {
	name string
	sigs []string
	ret  func(arg types.Type) types.Type
	fn   func(arg []any) []any
}

// UDTFs are the table functions by upper-case name.
var UDTFs = map[string]*udtf{
	// Explode: one row per element, of the element's type (provideSchema);
	// a NULL array gives no rows.
	"EXPLODE": {
		name: "explode",
		sigs: []string{"explode(ARRAY<DECIMAL> input)", "explode(ARRAY<T> list)"},
		ret:  func(arg types.Type) types.Type { return arg.Elem },
		fn:   func(arg []any) []any { return arg },
	},
	// Cube: every combination of the values, as ARRAYs of the same type.
	"CUBE_EXPLODE": {
		name: "cube_explode",
		sigs: []string{"cube_explode(ARRAY<T> columns)"},
		ret:  func(arg types.Type) types.Type { return arg },
		fn:   cube,
	},
}

// cube is Cube.createAllCombinations: for each bit mask from 0 to 2^n-1,
// the values whose bit is set (the first value the highest bit), others
// NULL; a mask that sets the bit of a NULL value repeats another and is
// skipped.
func cube(cols []any) []any {
	n := len(cols)
	nonNull := 0
	for i, c := range cols {
		if c != nil {
			nonNull |= 1 << (n - 1 - i)
		}
	}
	out := make([]any, 0, 1<<n)
	for mask := 0; mask < 1<<n; mask++ {
		if mask&nonNull != mask {
			continue
		}
		row := make([]any, n)
		for i := range cols {
			if mask&(1<<(n-1-i)) != 0 {
				row[i] = cols[i]
			}
		}
		out = append(out, row)
	}
	return out
}

// TFCall is one table-function call of a projection, evaluated on the
// input row; its results fill the slot after the input columns that the
// compiled call reads.
type TFCall struct {
	f    *udtf
	arg  Compiled
	Type types.Type // what the call returns
}

// TFSlots collects a projection's table-function calls while it compiles.
type TFSlots struct {
	Base  int // the first slot: the input row's width
	Calls []TFCall
	// calls are the calls compiled, in order
	calls []*sql.FuncCall
	// Failures, where set, collects what the calls' parameters throw,
	// for the FlatMap step's logger (see failures.go)
	Failures *Failures
}

// compileTableFunction compiles a table-function call as a read of its
// slot. Outside a projection that may hold them (WHERE, GROUP BY, ...)
// ksqlDB's code generation looks the name up among the scalar functions
// (CodeGenRunner.visitFunctionCall, InternalFunctionRegistry.getUdfFactory).
func (c *Compiler) compileTableFunction(x *sql.FuncCall, f *udtf) (Compiled, error) {
	if c.TFs == nil {
		return Compiled{}, stmterr.Bad("Can't find any functions with the name '%s'", x.Name)
	}
	// the FlatMap step evaluates the parameters, each under its own
	// boundary (TableFunctionApplier.evalParam)
	outer := c.Failures
	c.Failures = c.TFs.Failures
	defer func() { c.Failures = outer }()
	args := make([]Compiled, len(x.Args))
	for i, a := range x.Args {
		sites := c.Failures.Sites()
		ca, err := c.CompileLean(a)
		if err != nil {
			return Compiled{}, err
		}
		if c.Failures.Sites() != sites {
			ca = c.Failures.Boundary("Failed to evaluate table function parameter "+strconv.Itoa(i), ca)
		}
		args[i] = ca
	}
	if len(args) != 1 || args[0].Type.Kind() != types.KindArray {
		return Compiled{}, stmterr.Bad("Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
			f.name, argTypes(args), strings.Join(f.sigs, "\n"))
	}
	slot := c.TFs.Base + len(c.TFs.Calls)
	t := f.ret(args[0].Type)
	c.TFs.Calls = append(c.TFs.Calls, TFCall{f: f, arg: args[0], Type: t})
	c.TFs.calls = append(c.TFs.calls, x)
	return Compiled{Type: t, Eval: func(r []any) any { return r[slot] }}, nil
}

// Flatten is KudtfFlatMapper.transform: the rows one input row becomes,
// each the input columns followed by one value per table function.
func Flatten(calls []TFCall, row []any) [][]any {
	lists := make([][]any, len(calls))
	n := 0
	for i, tc := range calls {
		if arr, ok := tc.arg.Eval(row).([]any); ok {
			lists[i] = tc.f.fn(arr)
		}
		n = max(n, len(lists[i]))
	}
	out := make([][]any, n)
	for j := range out {
		r := make([]any, len(row), len(row)+len(calls))
		copy(r, row)
		for _, l := range lists {
			var v any
			if j < len(l) {
				v = l[j]
			}
			r = append(r, v)
		}
		out[j] = r
	}
	return out
}

// Synthesised is the column the FlatMap step gives call x the slots
// hold, KSQL_SYNTH_<n> for the n-th call compiled, as one rewriter
// numbers the calls it meets in the select items in order, a repeated
// call too (FlatMapNode's TableFunctionExpressionRewriter, confluentinc/ksql
// v7.9.4; historical_plans table-functions_-_table_function_as_first_select's
// "KSQL_SYNTH_0 AS VAL"); "" for another call.
func (s *TFSlots) Synthesised(x *sql.FuncCall) string {
	if s == nil {
		return ""
	}
	if i := slices.Index(s.calls, x); i >= 0 {
		return "KSQL_SYNTH_" + strconv.Itoa(i)
	}
	return ""
}

package ksqldb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Lambda functions: TRANSFORM, FILTER and REDUCE take lambdas over the
// elements of an ARRAY or the entries of a MAP (ksqldb-functions
// io.confluent.ksql.function.udf.lambda: Transform, Filter, Reduce).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#invocation-functions
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/use-lambda-functions/
//
// A lambda's arguments live at the end of the row its body is evaluated
// on: invoking a lambda appends their values to a copy of the row, so a
// nested lambda's body sees the outer arguments too. A variable is found
// by its distance from the row's end, known when the body is compiled.
//
// As ksqlDB's generated Java, arithmetic on a NULL inside a lambda body
// fails the whole expression (Java unboxing), as does a transformed map
// with two equal keys: the invocation then gives NULL (the processing log
// has the error in ksqlDB) — transform-array.json, reduce-map.json,
// transform-map.json in query-validation-tests.

// lambdaVar is a lambda argument in scope while its body compiles.
type lambdaVar struct {
	name string
	t    types.Type
}

// lambdaFailure is the panic value of a lambda body that fails.
type lambdaFailure struct{ why string }

// isInvocation tells the functions taking lambdas.
func isInvocation(name string) bool {
	return name == "TRANSFORM" || name == "FILTER" || name == "REDUCE"
}

// lookupLambda compiles a reference to a lambda argument in scope.
func (c *compiler) lookupLambda(ref *sql.ColumnRef) (compiled, bool) {
	if ref.Qualifier != "" {
		return compiled{}, false
	}
	for a := len(c.lambdas) - 1; a >= 0; a-- {
		if c.lambdas[a].name == ref.Name {
			back := len(c.lambdas) - a
			return compiled{t: c.lambdas[a].t, eval: func(r []any) any { return r[len(r)-back] }}, true
		}
	}
	return compiled{}, false
}

// strictArithmetic makes arithmetic inside a lambda body fail on a NULL
// operand, as the generated Java does; l and r are res's operands.
func (c *compiler) strictArithmetic(x *sql.Binary, res, l, r compiled) compiled {
	if len(c.lambdas) == 0 || !res.t.Numeric() {
		return res
	}
	switch x.Op {
	case "+", "-", "*", "/", "%":
	default:
		return res
	}
	inner := res.eval
	return compiled{t: res.t, eval: func(row []any) any {
		v := inner(row)
		if v == nil && (l.eval(row) == nil || r.eval(row) == nil) {
			panic(lambdaFailure{"null operand of " + x.Op})
		}
		return v
	}}
}

// compileLambda compiles a lambda's body with its arguments typed.
func (c *compiler) compileLambda(fn string, e sql.Expr, paramTypes ...types.Type) (compiled, error) {
	l, ok := e.(*sql.Lambda)
	if !ok {
		return compiled{}, stmterr.Bad("Function '%s' expects a lambda function with %d arguments, got %s.", fn, len(paramTypes), sql.Format(e))
	}
	// LambdaFunctionCall, FunctionArgumentsUtil, AstSanitizer
	if len(l.Params) != len(paramTypes) {
		return compiled{}, stmterr.Bad("Was expecting %d arguments but found %d, [%s]. Check your lambda statement.", len(paramTypes), len(l.Params), strings.Join(l.Params, ", "))
	}
	for i, p := range l.Params {
		if slices.Contains(l.Params[:i], p) {
			return compiled{}, stmterr.Bad("Lambda arguments have duplicates: [%s]", strings.Join(l.Params, ", "))
		}
		for _, col := range c.in.cols {
			if col.Name == p && !isPseudo(p) {
				return compiled{}, stmterr.Bad("Lambda function argument can't be a column name: %s", p)
			}
		}
		for _, v := range c.lambdas {
			if v.name == p {
				return compiled{}, stmterr.Bad("Reusing lambda arguments in nested lambda is not allowed")
			}
		}
	}
	outer := c.lambdas
	for i, p := range l.Params {
		c.lambdas = append(c.lambdas, lambdaVar{name: p, t: paramTypes[i]})
	}
	body, err := c.compile(l.Body)
	c.lambdas = outer
	if err != nil {
		return compiled{}, err
	}
	if body.t == types.Null {
		return compiled{}, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
	}
	return body, nil
}

func isPseudo(name string) bool {
	for _, pc := range pseudoColumns {
		if pc.Name == name {
			return true
		}
	}
	return false
}

// bind evaluates a lambda body with its arguments appended to row; scratch
// is reused from call to call of one invocation.
func bind(body compiled, scratch *[]any, row []any, args ...any) any {
	s := append(append((*scratch)[:0], row...), args...)
	*scratch = s
	return body.eval(s)
}

// compileInvocation compiles TRANSFORM, FILTER or REDUCE.
func (c *compiler) compileInvocation(fc *sql.FuncCall) (compiled, error) {
	var plain []sql.Expr
	var lambdas []sql.Expr
	for _, a := range fc.Args {
		if _, ok := a.(*sql.Lambda); ok {
			lambdas = append(lambdas, a)
		} else {
			plain = append(plain, a)
		}
	}
	args, err := c.compileAll(plain)
	if err != nil {
		return compiled{}, err
	}
	signature := func() error {
		parts := make([]string, 0, len(fc.Args))
		for _, a := range args {
			parts = append(parts, a.t.String())
		}
		for _, l := range lambdas {
			parts = append(parts, fmt.Sprintf("LAMBDA<%d>", len(l.(*sql.Lambda).Params)))
		}
		return stmterr.Bad("Function '%s' does not accept parameters (%s).", fc.Name, strings.Join(parts, ", "))
	}
	wantPlain, wantLambdas := 1, 1
	if fc.Name == "REDUCE" {
		wantPlain = 2
	}
	if len(args) == 0 {
		return compiled{}, signature()
	}
	coll := args[0]
	isMap := coll.t.Kind() == types.KindMap
	if fc.Name == "TRANSFORM" && isMap {
		wantLambdas = 2
	}
	if len(args) != wantPlain || len(lambdas) != wantLambdas || (coll.t.Kind() != types.KindArray && !isMap) {
		return compiled{}, signature()
	}
	var elems []types.Type // the lambda's arguments after REDUCE's state
	if isMap {
		elems = []types.Type{coll.t.Key, coll.t.Elem}
	} else {
		elems = []types.Type{coll.t.Elem}
	}
	var res compiled
	switch fc.Name {
	case "TRANSFORM":
		res, err = c.transform(fc, coll, isMap, lambdas, elems)
	case "FILTER":
		res, err = c.filter(fc, coll, isMap, lambdas[0], elems)
	case "REDUCE":
		res, err = c.reduce(fc, coll, args[1], isMap, lambdas[0], elems)
	}
	if err != nil || len(c.lambdas) > 0 {
		return res, err
	}
	// the outermost invocation: a failing body makes the expression NULL
	inner := res.eval
	res.eval = func(r []any) (v any) {
		defer func() {
			if x := recover(); x != nil {
				if _, ok := x.(lambdaFailure); !ok {
					panic(x)
				}
				v = nil
			}
		}()
		return inner(r)
	}
	return res, nil
}

func (c *compiler) transform(fc *sql.FuncCall, coll compiled, isMap bool, lambdas []sql.Expr, elems []types.Type) (compiled, error) {
	if !isMap {
		body, err := c.compileLambda(fc.Name, lambdas[0], elems...)
		if err != nil {
			return compiled{}, err
		}
		var scratch []any
		return compiled{t: types.ArrayOf(body.t), eval: func(r []any) any {
			arr, ok := coll.eval(r).([]any)
			if !ok {
				return nil
			}
			out := make([]any, len(arr))
			for i, x := range arr {
				out[i] = bind(body, &scratch, r, x)
			}
			return out
		}}, nil
	}
	kb, err := c.compileLambda(fc.Name, lambdas[0], elems...)
	if err != nil {
		return compiled{}, err
	}
	vb, err := c.compileLambda(fc.Name, lambdas[1], elems...)
	if err != nil {
		return compiled{}, err
	}
	if kb.t != types.String {
		return compiled{}, stmterr.Unsupported("MAP keys of type " + kb.t.String())
	}
	var scratch []any
	return compiled{t: types.MapOf(kb.t, vb.t), eval: func(r []any) any {
		m, ok := coll.eval(r).(map[string]any)
		if !ok {
			return nil
		}
		out := make(map[string]any, len(m))
		for k, v := range m {
			nk, _ := bind(kb, &scratch, r, k, v).(string)
			if _, dup := out[nk]; dup {
				panic(lambdaFailure{"duplicate key " + nk})
			}
			out[nk] = bind(vb, &scratch, r, k, v)
		}
		return out
	}}, nil
}

func (c *compiler) filter(fc *sql.FuncCall, coll compiled, isMap bool, lambda sql.Expr, elems []types.Type) (compiled, error) {
	body, err := c.compileLambda(fc.Name, lambda, elems...)
	if err != nil {
		return compiled{}, err
	}
	if body.t != types.Boolean {
		return compiled{}, stmterr.Bad("Function 'FILTER' expects a lambda function returning BOOLEAN, got %s: %s", body.t, sql.Format(lambda))
	}
	var scratch []any
	if !isMap {
		return compiled{t: coll.t, eval: func(r []any) any {
			arr, ok := coll.eval(r).([]any)
			if !ok {
				return nil
			}
			out := []any{}
			for _, x := range arr {
				if bind(body, &scratch, r, x) == true {
					out = append(out, x)
				}
			}
			return out
		}}, nil
	}
	return compiled{t: coll.t, eval: func(r []any) any {
		m, ok := coll.eval(r).(map[string]any)
		if !ok {
			return nil
		}
		out := map[string]any{}
		for k, v := range m {
			if bind(body, &scratch, r, k, v) == true {
				out[k] = v
			}
		}
		return out
	}}, nil
}

func (c *compiler) reduce(fc *sql.FuncCall, coll, state compiled, isMap bool, lambda sql.Expr, elems []types.Type) (compiled, error) {
	if state.t == types.Null {
		return compiled{}, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
	}
	body, err := c.compileLambda(fc.Name, lambda, append([]types.Type{state.t}, elems...)...)
	if err != nil {
		return compiled{}, err
	}
	if body.t != state.t {
		return compiled{}, stmterr.Unsupported(fmt.Sprintf("REDUCE with a lambda of type %s over a state of type %s", body.t, state.t))
	}
	var scratch []any
	return compiled{t: state.t, eval: func(r []any) any {
		s := state.eval(r)
		if s == nil { // "If the state is NULL, the result is NULL."
			return nil
		}
		switch coll := coll.eval(r).(type) {
		case []any:
			for _, x := range coll {
				s = bind(body, &scratch, r, s, x)
			}
		case map[string]any:
			keys := make([]string, 0, len(coll))
			for k := range coll {
				keys = append(keys, k)
			}
			slices.Sort(keys) // a Go map has no order; ksqlDB's follows the decoded map's
			for _, k := range keys {
				s = bind(body, &scratch, r, s, k, coll[k])
			}
		}
		return s
	}}, nil
}

package expr

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
func (c *Compiler) lookupLambda(ref *sql.ColumnRef) (Compiled, bool) {
	if ref.Qualifier != "" {
		return Compiled{}, false
	}
	for a := len(c.lambdas) - 1; a >= 0; a-- {
		if c.lambdas[a].name == ref.Name {
			back := len(c.lambdas) - a
			return Compiled{Type: c.lambdas[a].t, Eval: func(r []any) any { return r[len(r)-back] }}, true
		}
	}
	return Compiled{}, false
}

// strictArithmetic makes arithmetic inside a lambda body fail on a NULL
// operand, as the generated Java does; l and r are res's operands.
func (c *Compiler) strictArithmetic(x *sql.Binary, res, l, r Compiled) Compiled {
	if len(c.lambdas) == 0 || !res.Type.Numeric() {
		return res
	}
	switch x.Op {
	case "+", "-", "*", "/", "%":
	default:
		return res
	}
	inner := res.Eval
	return Compiled{Type: res.Type, Eval: func(row []any) any {
		v := inner(row)
		if v == nil && (l.Eval(row) == nil || r.Eval(row) == nil) {
			panic(lambdaFailure{"null operand of " + x.Op})
		}
		return v
	}}
}

// compileLambda compiles a lambda's body with its arguments typed.
func (c *Compiler) compileLambda(fn string, e sql.Expr, paramTypes ...types.Type) (Compiled, error) {
	l, ok := e.(*sql.Lambda)
	if !ok {
		return Compiled{}, stmterr.Bad("Function '%s' expects a lambda function with %d arguments, got %s.", fn, len(paramTypes), sql.Format(e))
	}
	// LambdaFunctionCall, FunctionArgumentsUtil, AstSanitizer
	if len(l.Params) != len(paramTypes) {
		return Compiled{}, stmterr.Bad("Was expecting %d arguments but found %d, [%s]. Check your lambda statement.", len(paramTypes), len(l.Params), strings.Join(l.Params, ", "))
	}
	for i, p := range l.Params {
		if slices.Contains(l.Params[:i], p) {
			return Compiled{}, stmterr.Bad("Lambda arguments have duplicates: [%s]", strings.Join(l.Params, ", "))
		}
		for _, col := range c.In.Cols {
			if col.Name == p && !IsPseudo(p) {
				return Compiled{}, stmterr.Bad("Lambda function argument can't be a column name: %s", p)
			}
		}
		for _, v := range c.lambdas {
			if v.name == p {
				return Compiled{}, stmterr.Bad("Reusing lambda arguments in nested lambda is not allowed")
			}
		}
	}
	outer := c.lambdas
	for i, p := range l.Params {
		c.lambdas = append(c.lambdas, lambdaVar{name: p, t: paramTypes[i]})
	}
	body, err := c.Compile(l.Body)
	c.lambdas = outer
	if err != nil {
		return Compiled{}, err
	}
	body = c.bodyThrows(body)
	if body.Type == types.Null {
		return Compiled{}, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
	}
	return body, nil
}

func IsPseudo(name string) bool {
	for _, pc := range PseudoColumns {
		if pc.Name == name {
			return true
		}
	}
	return false
}

// bind evaluates a lambda body with its arguments appended to row; scratch
// is reused from call to call of one invocation.
func bind(body Compiled, scratch *[]any, row []any, args ...any) any {
	s := append(append((*scratch)[:0], row...), args...)
	*scratch = s
	return body.Eval(s)
}

// compileInvocation compiles TRANSFORM, FILTER or REDUCE.
func (c *Compiler) compileInvocation(fc *sql.FuncCall) (Compiled, error) {
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
		return Compiled{}, err
	}
	signature := func() error {
		parts := make([]string, 0, len(fc.Args))
		for _, a := range args {
			parts = append(parts, a.Type.String())
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
		return Compiled{}, signature()
	}
	coll := args[0]
	isMap := coll.Type.Kind() == types.KindMap
	if fc.Name == "TRANSFORM" && isMap {
		wantLambdas = 2
	}
	if len(args) != wantPlain || len(lambdas) != wantLambdas || (coll.Type.Kind() != types.KindArray && !isMap) {
		return Compiled{}, signature()
	}
	var elems []types.Type // the lambda's arguments after REDUCE's state
	if isMap {
		elems = []types.Type{coll.Type.Key, coll.Type.Elem}
	} else {
		elems = []types.Type{coll.Type.Elem}
	}
	var res Compiled
	threw, outer := new(bool), c.bodyThrew
	c.bodyThrew = threw
	switch fc.Name {
	case "TRANSFORM":
		res, err = c.transform(fc, coll, isMap, lambdas, elems)
	case "FILTER":
		res, err = c.filter(fc, coll, isMap, lambdas[0], elems)
	case "REDUCE":
		res, err = c.reduce(fc, coll, args[1], isMap, lambdas[0], elems)
	}
	c.bodyThrew = outer
	if err == nil {
		res = c.invocationThrows(fc.Name, isMap, threw, res)
	}
	if err != nil || len(c.lambdas) > 0 {
		return res, err
	}
	// the outermost invocation: a failing body makes the expression NULL
	inner := res.Eval
	res.Eval = func(r []any) (v any) {
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

func (c *Compiler) transform(fc *sql.FuncCall, coll Compiled, isMap bool, lambdas []sql.Expr, elems []types.Type) (Compiled, error) {
	if !isMap {
		body, err := c.compileLambda(fc.Name, lambdas[0], elems...)
		if err != nil {
			return Compiled{}, err
		}
		var scratch []any
		return Compiled{Type: types.ArrayOf(body.Type), Eval: func(r []any) any {
			arr, ok := coll.Eval(r).([]any)
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
		return Compiled{}, err
	}
	vb, err := c.compileLambda(fc.Name, lambdas[1], elems...)
	if err != nil {
		return Compiled{}, err
	}
	if kb.Type != types.String && !types.KeyedMapKey(kb.Type) {
		return Compiled{}, stmterr.Unsupported("MAP keys of type " + kb.Type.String())
	}
	var scratch []any
	return Compiled{Type: types.MapOf(kb.Type, vb.Type), Eval: func(r []any) any {
		keys, vals, ok := mapEntries(coll.Eval(r))
		if !ok {
			return nil
		}
		out := newMapCollector()
		for i, k := range keys {
			nk := bind(kb, &scratch, r, k, vals[i])
			out.put(nk, bind(vb, &scratch, r, k, vals[i]))
		}
		return out.result()
	}}, nil
}

func (c *Compiler) filter(fc *sql.FuncCall, coll Compiled, isMap bool, lambda sql.Expr, elems []types.Type) (Compiled, error) {
	body, err := c.compileLambda(fc.Name, lambda, elems...)
	if err != nil {
		return Compiled{}, err
	}
	if body.Type != types.Boolean {
		return Compiled{}, stmterr.Bad("Function 'FILTER' expects a lambda function returning BOOLEAN, got %s: %s", body.Type, sql.Format(lambda))
	}
	var scratch []any
	if !isMap {
		return Compiled{Type: coll.Type, Eval: func(r []any) any {
			arr, ok := coll.Eval(r).([]any)
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
	return Compiled{Type: coll.Type, Eval: func(r []any) any {
		keys, vals, ok := mapEntries(coll.Eval(r))
		if !ok {
			return nil
		}
		out := newMapCollector()
		for i, k := range keys {
			if bind(body, &scratch, r, k, vals[i]) == true {
				out.put(k, vals[i])
			}
		}
		return out.result()
	}}, nil
}

func (c *Compiler) reduce(fc *sql.FuncCall, coll, state Compiled, isMap bool, lambda sql.Expr, elems []types.Type) (Compiled, error) {
	if state.Type == types.Null {
		return Compiled{}, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
	}
	body, err := c.compileLambda(fc.Name, lambda, append([]types.Type{state.Type}, elems...)...)
	if err != nil {
		return Compiled{}, err
	}
	if body.Type != state.Type {
		return Compiled{}, stmterr.Unsupported(fmt.Sprintf("REDUCE with a lambda of type %s over a state of type %s", body.Type, state.Type))
	}
	var scratch []any
	return Compiled{Type: state.Type, Eval: func(r []any) any {
		s := state.Eval(r)
		if s == nil { // "If the state is NULL, the result is NULL."
			return nil
		}
		switch coll := coll.Eval(r).(type) {
		case []any:
			for _, x := range coll {
				s = bind(body, &scratch, r, s, x)
			}
		default:
			keys, vals, _ := mapEntries(coll)
			for i, k := range keys {
				s = bind(body, &scratch, r, s, k, vals[i])
			}
		}
		return s
	}}, nil
}

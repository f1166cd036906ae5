package expr

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/functions"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

func (c *Compiler) compileCall(x *sql.FuncCall) (Compiled, error) {
	// F(*) is F() (AstBuilder.visitFunctionCall: '*' gives no arguments)
	if ce, ok, err := c.compileTimeUnitCall(x); ok {
		return ce, err
	}
	if f, ok := UDTFs[x.Name]; ok {
		return c.compileTableFunction(x, f)
	}
	args, err := c.compileArgs(x.Args, true)
	if err != nil {
		return Compiled{}, err
	}
	argTypes := make([]types.Type, len(x.Args))
	for i, a := range args {
		argTypes[i] = a.Type
	}
	// the arguments as SqlToJavaVisitor.visitFunctionCall catches them
	// (the scalar functions' conversions below catch first)
	guarded := args
	if c.Failures != nil {
		guarded = make([]Compiled, len(args))
		for i, a := range x.Args {
			guarded[i] = c.argGuard(a, args[i])
		}
	}
	if g, ok := CompilerUDFs[x.Name]; ok {
		return g(x.Name, guarded)
	}
	if g, ok := functions.Generics[x.Name]; ok {
		args := guarded
		ret, fn, err := g(x.Name, argTypes)
		if err != nil {
			return Compiled{}, err
		}
		return Compiled{Type: ret, Eval: func(r []any) any {
			vals := make([]any, len(args))
			for i, a := range args {
				vals[i] = a.Eval(r)
			}
			return fn(vals)
		}}, nil
	}
	if ce, ok, err := decimalCall(x.Name, guarded); ok {
		return ce, err
	}
	f, ok := functions.Scalars[x.Name]
	if !ok {
		// InternalFunctionRegistry.getUdfFactory
		return Compiled{}, stmterr.Bad("Can't find any functions with the name '%s'", x.Name)
	}
	o, err := f.Resolve(argTypes)
	if err != nil {
		return Compiled{}, err
	}
	if f.Validate != nil {
		if err := f.Validate(x.Args); err != nil {
			return Compiled{}, err
		}
	}
	conv := make([]func(any) any, len(args))
	for i, a := range args {
		p := o.Params[min(i, len(o.Params)-1)].Type
		if _, wrapped := argWrapper(x.Args[i]); !wrapped && castsArgument(a.Type, p) {
			c.counted(1) // convertArgument's CAST
		}
		conv[i] = implicitCast(a.Type, p)
		if c.Failures != nil {
			args[i] = c.argGuard(x.Args[i], c.convertedArg(a, p, conv[i]))
			conv[i] = func(v any) any { return v }
		}
	}
	if o.Throwing != nil && c.Failures != nil {
		f := c.thrower()
		return Compiled{Type: o.Ret, Eval: func(r []any) any {
			vals := make([]any, len(args))
			for i, a := range args {
				vals[i] = conv[i](a.Eval(r))
			}
			v, thrown := o.Invoke(vals)
			if thrown != nil {
				f.throw(thrown...)
			}
			return v
		}}, nil
	}
	fn := o.Fn
	return Compiled{Type: o.Ret, Eval: func(r []any) any {
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = conv[i](a.Eval(r))
		}
		return fn(vals)
	}}, nil
}

// implicitCast converts an argument to the parameter type its overload
// declares, as SqlToJavaVisitor.convertArgument wraps it in a CAST: a
// number widens, a STRING is cast to a time type or BYTES.
func implicitCast(from, to types.Type) func(any) any {
	if from == types.String && to != types.String {
		return func(v any) any { return CastValue(v, from, to) }
	}
	return func(v any) any { return widen(v, to) }
}

// argGuard is the boundary SqlToJavaVisitor.visitFunctionCall puts around
// an argument that is a function call ("Error processing <name>") or a
// dereference ("Error processing <field>").
func (c *Compiler) argGuard(e sql.Expr, a Compiled) Compiled {
	if what, ok := argWrapper(e); ok {
		return c.guard(what, a)
	}
	return a
}

// argWrapper is what the Supplier around argument e, a call or a
// dereference, names in "Error processing <what>"; ok is false for
// another argument.
func argWrapper(e sql.Expr) (what string, ok bool) {
	switch x := e.(type) {
	case *sql.FuncCall:
		return x.Name, true
	case *sql.Deref:
		return x.Field, true
	}
	return "", false
}

// convertedArg is an argument converted to its parameter's type p. Where
// convertArgument makes the conversion a CAST (a scalar argument of
// another type than the parameter's, to the parameter's type or, for a
// DECIMAL parameter, toSqlDecimal of the argument's) it catches what the
// argument throws, and a STRING's parse failure, as visitCast does.
func (c *Compiler) convertedArg(a Compiled, p types.Type, conv func(any) any) Compiled {
	from := a.Type
	if !castsArgument(from, p) {
		return Compiled{Type: p, Eval: func(r []any) any { return conv(a.Eval(r)) }}
	}
	to := p
	if p.Kind() == types.KindDecimal {
		to = types.ToDecimalType(from)
	}
	var f *Failures
	if from == types.String {
		f = c.thrower()
	}
	return c.guard(to.String(), Compiled{Type: p, Eval: func(r []any) any {
		v := a.Eval(r)
		if from == types.String {
			out, thrown := castChecked(v, from, p)
			if thrown != nil {
				f.throw(thrown...)
			}
			return out
		}
		return conv(v)
	}})
}

// castsArgument reports an argument of type from that convertArgument
// makes a CAST to a parameter of type p: a scalar of another type.
func castsArgument(from, p types.Type) bool {
	return !(from == types.Null || from.Complex() || p.Complex() || from == p || (from.Kind() == types.KindDecimal && p.Kind() == types.KindDecimal))
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
// a null result. The functions here return nil in those cases; an
// overload whose failures are known (functions.Overload.Throwing) also
// records what its invocation throws where failures are kept.

// CompilerUDFs are the generic functions the compiler builds itself, as
// they read their arguments lazily (COALESCE, IFNULL, NULLIF) or pass one
// through (AS_VALUE): every non-NULL argument must have one type, which is
// also the result's.
var CompilerUDFs = map[string]func(name string, args []Compiled) (Compiled, error){
	"COALESCE": func(name string, args []Compiled) (Compiled, error) {
		t, err := sameType("COALESCE", args, 1, -1)
		if err != nil {
			return Compiled{}, err
		}
		return Compiled{Type: t, Eval: func(r []any) any {
			for _, a := range args {
				if v := a.Eval(r); v != nil {
					return v
				}
			}
			return nil
		}}, nil
	},
	"IFNULL": func(name string, args []Compiled) (Compiled, error) {
		t, err := sameType("IFNULL", args, 2, 2)
		if err != nil {
			return Compiled{}, err
		}
		return Compiled{Type: t, Eval: func(r []any) any {
			if v := args[0].Eval(r); v != nil {
				return v
			}
			return args[1].Eval(r)
		}}, nil
	},
	"NULLIF": func(name string, args []Compiled) (Compiled, error) {
		t, err := sameType("NULLIF", args, 2, 2)
		if err != nil {
			return Compiled{}, err
		}
		// NullIf: NULL when expr1 is NULL or equals expr2 (Object.equals:
		// ARRAYs, MAPs and STRUCTs by their elements), else expr1.
		return Compiled{Type: t, Eval: func(r []any) any {
			a := args[0].Eval(r)
			if a == nil {
				return nil
			}
			if b := args[1].Eval(r); b != nil && types.Equal(a, b) {
				return nil
			}
			return a
		}}, nil
	},
	"AS_VALUE": func(name string, args []Compiled) (Compiled, error) {
		if len(args) != 1 {
			return Compiled{}, stmterr.Bad("Function 'AS_VALUE' does not accept parameters (%s).", argTypes(args))
		}
		return args[0], nil
	},
}

// sameType checks the arity and the shared type T of a generic function.
func sameType(name string, args []Compiled, minArgs, maxArgs int) (types.Type, error) {
	if len(args) < minArgs || (maxArgs >= 0 && len(args) > maxArgs) {
		return types.Null, stmterr.Bad("Function '%s' does not accept parameters (%s).", name, argTypes(args))
	}
	t := types.Null
	for _, a := range args {
		if a.Type == types.Null {
			continue
		}
		if t == types.Null {
			t = a.Type
		} else if t != a.Type {
			return types.Null, stmterr.Bad("Function '%s' does not accept parameters (%s).", name, argTypes(args))
		}
	}
	return t, nil
}

func argTypes(args []Compiled) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = types.NullName(a.Type)
	}
	return strings.Join(parts, ", ")
}

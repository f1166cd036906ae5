package ksqldb

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Values of the complex types: an ARRAY is []any, a MAP (STRING keys) is
// map[string]any and a STRUCT is *structVal with one value per field of its
// type. Constructors, subscripts and dereferences follow ksqlDB's
// ExpressionTypeManager and SqlToJavaVisitor.

// commonType is CoercionUtil's common type of a list: numbers widen to the
// widest numeric type, everything else must match; NULLs are ignored.
func commonType(items []compiled, exprs []sql.Expr) (types.Type, error) {
	t := types.Null
	for i, it := range items {
		switch {
		case it.t == types.Null:
		case t == types.Null:
			t = it.t
		case t.Numeric() && it.t.Numeric():
			t = promote(t, it.t)
		case t != it.t:
			return types.Null, stmterr.Bad("operator does not exist: %s = %s (%s)\nHint: You might need to add explicit type casts.", t, it.t, sql.Format(exprs[i]))
		}
	}
	return t, nil
}

func (c *compiler) compileAll(es []sql.Expr) ([]compiled, error) {
	out := make([]compiled, len(es))
	for i, e := range es {
		ce, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = ce
	}
	return out, nil
}

func (c *compiler) compileComplex(e sql.Expr) (compiled, bool, error) {
	switch x := e.(type) {
	case *sql.ArrayCtor:
		if len(x.Elems) == 0 {
			return compiled{}, true, stmterr.Bad("Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).")
		}
		elems, err := c.compileAll(x.Elems)
		if err != nil {
			return compiled{}, true, err
		}
		t, err := commonType(elems, x.Elems)
		if err != nil {
			return compiled{}, true, err
		}
		if t == types.Null {
			return compiled{}, true, stmterr.Bad("Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
		}
		return compiled{t: types.ArrayOf(t), eval: func(r []any) any {
			out := make([]any, len(elems))
			for i, el := range elems {
				out[i] = widen(el.eval(r), t)
			}
			return out
		}}, true, nil
	case *sql.MapCtor:
		if len(x.Keys) == 0 {
			return compiled{}, true, stmterr.Bad("Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).")
		}
		keys, err := c.compileAll(x.Keys)
		if err != nil {
			return compiled{}, true, err
		}
		vals, err := c.compileAll(x.Values)
		if err != nil {
			return compiled{}, true, err
		}
		kt, err := commonType(keys, x.Keys)
		if err != nil {
			return compiled{}, true, err
		}
		if kt == types.Null {
			return compiled{}, true, stmterr.Bad("Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.")
		}
		vt, err := commonType(vals, x.Values)
		if err != nil {
			return compiled{}, true, err
		}
		if vt == types.Null {
			return compiled{}, true, stmterr.Bad("Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
		}
		if kt != types.String {
			return compiled{}, true, stmterr.Unsupported("MAP keys of type " + kt.String())
		}
		return compiled{t: types.MapOf(kt, vt), eval: func(r []any) any {
			out := make(map[string]any, len(keys))
			for i, k := range keys {
				kv := k.eval(r)
				if kv == nil {
					continue // a Java HashMap would keep a null key; JSON cannot
				}
				out[kv.(string)] = widen(vals[i].eval(r), vt)
			}
			return out
		}}, true, nil
	case *sql.StructCtor:
		vals, err := c.compileAll(x.Values)
		if err != nil {
			return compiled{}, true, err
		}
		fields := make([]types.Field, len(vals))
		for i, v := range vals {
			if v.t == types.Null {
				return compiled{}, true, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
			}
			for _, f := range fields[:i] {
				if f.Name == x.Names[i] {
					return compiled{}, true, stmterr.Bad("Duplicate field names found in STRUCT: '%s'", x.Names[i])
				}
			}
			fields[i] = types.Field{Name: x.Names[i], Type: v.t}
		}
		t := types.StructOf(fields)
		return compiled{t: t, eval: func(r []any) any {
			out := &types.StructVal{Type: t, Vals: make([]any, len(vals))}
			for i, v := range vals {
				out.Vals[i] = v.eval(r)
			}
			return out
		}}, true, nil
	case *sql.Subscript:
		base, err := c.compile(x.X)
		if err != nil {
			return compiled{}, true, err
		}
		idx, err := c.compile(x.Index)
		if err != nil {
			return compiled{}, true, err
		}
		switch base.t.Kind() {
		case types.KindArray:
			if idx.t != types.Integer && idx.t != types.Null {
				return compiled{}, true, stmterr.Bad("Function 'arrayAccess' does not accept parameters (%s, %s).", base.t, idx.t)
			}
			return compiled{t: base.t.Elem, eval: func(r []any) any {
				a, i := base.eval(r), idx.eval(r)
				if a == nil || i == nil {
					return nil
				}
				return arrayAccess(a.([]any), int(i.(int32)))
			}}, true, nil
		case types.KindMap:
			if idx.t != base.t.Key && idx.t != types.Null {
				return compiled{}, true, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with EQUAL.", sql.Format(x.Index), idx.t, sql.Format(x.X), base.t.Key)
			}
			return compiled{t: base.t.Elem, eval: func(r []any) any {
				m, k := base.eval(r), idx.eval(r)
				if m == nil || k == nil {
					return nil
				}
				return m.(map[string]any)[k.(string)]
			}}, true, nil
		}
		hint := ""
		if base.t.Kind() == types.KindStruct {
			hint = fmt.Sprintf(" Use the dereference operator for STRUCTS: %s->%s", sql.Format(x.X), sql.Format(x.Index))
		}
		return compiled{}, true, stmterr.Bad("Subscript expression (%s) do not apply to %s.%s", sql.Format(x), base.t, hint)
	case *sql.Deref:
		base, err := c.compile(x.X)
		if err != nil {
			return compiled{}, true, err
		}
		if base.t.Kind() != types.KindStruct {
			return compiled{}, true, stmterr.Bad("Expected STRUCT type, got: %s", base.t)
		}
		i, ft, ok := base.t.Field(x.Field)
		if !ok {
			return compiled{}, true, stmterr.Bad("Could not find field '%s' in '%s'.", x.Field, sql.Format(x.X))
		}
		return compiled{t: ft, eval: func(r []any) any {
			s, _ := base.eval(r).(*types.StructVal)
			if s == nil {
				return nil
			}
			return s.Vals[i]
		}}, true, nil
	}
	return compiled{}, false, nil
}

// arrayAccess is ArrayAccess.arrayAccess: 1-based, negative from the end,
// NULL when out of range.
func arrayAccess(a []any, index int) any {
	i := index - 1
	if index < 0 {
		i = len(a) + index
	}
	if i < 0 || i >= len(a) {
		return nil
	}
	return a[i]
}

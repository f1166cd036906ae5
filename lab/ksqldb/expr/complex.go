package expr

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Values of the complex types: an ARRAY is []any, a MAP a *types.KeyedMap
// (a Java HashMap's entries in its order), and a STRUCT
// is *structVal with one value per field of its type. Constructors,
// subscripts and dereferences follow ksqlDB's ExpressionTypeManager and
// SqlToJavaVisitor.

func (c *Compiler) compileAll(es []sql.Expr) ([]Compiled, error) {
	out := make([]Compiled, len(es))
	for i, e := range es {
		ce, err := c.Compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = ce
	}
	return out, nil
}

// guardItems puts the boundary of each item of a constructor's list
// around it (evaluateOrReturnNull: "Error processing <what>"), inside it
// the CAST CoercionUtil.coerceUserList made of an item of another type
// than the list's common type t, which visitCast catches at; before are
// the items as compiled, after as coerced.
func (c *Compiler) guardItems(what string, es []sql.Expr, before, after []Compiled, t types.Type) []Compiled {
	if c.Failures == nil {
		return after
	}
	out := make([]Compiled, len(after))
	for i, it := range after {
		if lit, ok := es[i].(*sql.Literal); (!ok || lit.Kind != sql.StringLit) && before[i].Type != t && before[i].Type != types.Null {
			it = c.guard(t.String(), it)
		}
		out[i] = c.guard(what, it)
	}
	return out
}

func (c *Compiler) compileComplex(e sql.Expr) (Compiled, bool, error) {
	switch x := e.(type) {
	case *sql.ArrayCtor:
		if len(x.Elems) == 0 {
			return Compiled{}, true, stmterr.Bad("Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).")
		}
		elems, err := c.compileUnsure(x.Elems)
		if err != nil {
			return Compiled{}, true, err
		}
		c.counted(len(elems)) // each item's Supplier
		t, err := c.commonListType(x.Elems, elems)
		if err != nil {
			return Compiled{}, true, err
		}
		if t == types.Null {
			return Compiled{}, true, stmterr.Bad("Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
		}
		coerced, err := coerceList(x.Elems, elems, t)
		if err != nil {
			return Compiled{}, true, err
		}
		elems = c.guardItems("array item", x.Elems, elems, coerced, t)
		return Compiled{Type: types.ArrayOf(t), Eval: func(r []any) any {
			out := make([]any, len(elems))
			for i, el := range elems {
				out[i] = widen(el.Eval(r), t)
			}
			return out
		}}, true, nil
	case *sql.MapCtor:
		if len(x.Keys) == 0 {
			return Compiled{}, true, stmterr.Bad("Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).")
		}
		keys, err := c.compileUnsure(x.Keys)
		if err != nil {
			return Compiled{}, true, err
		}
		vals, err := c.compileUnsure(x.Values)
		if err != nil {
			return Compiled{}, true, err
		}
		c.counted(2 * len(keys)) // each key's and value's Supplier
		kt, err := c.commonListType(x.Keys, keys)
		if err != nil {
			return Compiled{}, true, err
		}
		if kt == types.Null {
			return Compiled{}, true, stmterr.Bad("Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.")
		}
		vt, err := c.commonListType(x.Values, vals)
		if err != nil {
			return Compiled{}, true, err
		}
		if vt == types.Null {
			return Compiled{}, true, stmterr.Bad("Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
		}
		ck, err := coerceList(x.Keys, keys, kt)
		if err != nil {
			return Compiled{}, true, err
		}
		cv, err := coerceList(x.Values, vals, vt)
		if err != nil {
			return Compiled{}, true, err
		}
		keys, vals = c.guardItems("map key", x.Keys, keys, ck, kt), c.guardItems("map value", x.Values, vals, cv, vt)
		if !types.KeyedMapKey(kt) {
			return Compiled{}, true, stmterr.Unsupported("MAP keys of type " + kt.String())
		}
		// MapBuilder: new HashMap<>(size), then a put for each entry
		return Compiled{Type: types.MapOf(kt, vt), Eval: func(r []any) any {
			out := types.NewHashMap(len(keys))
			for i, k := range keys {
				// a null key is kept (hashed as 0), and written by its
				// text, the JSON name "null"
				out.Put(widen(k.Eval(r), kt), widen(vals[i].Eval(r), vt))
			}
			return out.Map()
		}}, true, nil
	case *sql.StructCtor:
		vals, err := c.compileUnsure(x.Values)
		if err != nil {
			return Compiled{}, true, err
		}
		c.counted(len(vals)) // each field's Supplier
		fields := make([]types.Field, len(vals))
		for i, v := range vals {
			if v.Type == types.Null {
				return Compiled{}, true, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
			}
			for _, f := range fields[:i] {
				if f.Name == x.Names[i] {
					return Compiled{}, true, stmterr.Bad("Duplicate field names found in STRUCT: '%s'", x.Names[i])
				}
			}
			fields[i] = types.Field{Name: x.Names[i], Type: v.Type}
		}
		t := types.StructOf(fields)
		for i := range vals {
			vals[i] = c.guard("struct field", vals[i])
		}
		return Compiled{Type: t, Eval: func(r []any) any {
			out := &types.StructVal{Type: t, Vals: make([]any, len(vals))}
			for i, v := range vals {
				out.Vals[i] = v.Eval(r)
			}
			return out
		}}, true, nil
	case *sql.Subscript:
		base, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, true, err
		}
		idx, err := c.Compile(x.Index)
		if err != nil {
			return Compiled{}, true, err
		}
		switch base.Type.Kind() {
		case types.KindArray:
			if idx.Type != types.Integer && idx.Type != types.Null {
				return Compiled{}, true, stmterr.Bad("Function 'arrayAccess' does not accept parameters (%s, %s).", base.Type, idx.Type)
			}
			return Compiled{Type: base.Type.Elem, Eval: func(r []any) any {
				a, i := base.Eval(r), idx.Eval(r)
				if a == nil || i == nil {
					return nil
				}
				return arrayAccess(a.([]any), int(i.(int32)))
			}}, true, nil
		case types.KindMap:
			if idx.Type != base.Type.Key && idx.Type != types.Null {
				return Compiled{}, true, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with EQUAL.", sql.Format(x.Index), idx.Type, sql.Format(x.X), base.Type.Key)
			}
			return Compiled{Type: base.Type.Elem, Eval: func(r []any) any {
				m, k := base.Eval(r), idx.Eval(r)
				if m == nil || k == nil {
					return nil
				}
				return m.(*types.KeyedMap).Get(k)
			}}, true, nil
		}
		hint := ""
		if base.Type.Kind() == types.KindStruct {
			hint = fmt.Sprintf(" Use the dereference operator for STRUCTS: %s->%s", sql.Format(x.X), sql.Format(x.Index))
		}
		return Compiled{}, true, stmterr.Bad("Subscript expression (%s) do not apply to %s.%s", sql.Format(x), base.Type, hint)
	case *sql.Deref:
		base, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, true, err
		}
		if base.Type.Kind() != types.KindStruct {
			return Compiled{}, true, stmterr.Bad("Expected STRUCT type, got: %s", base.Type)
		}
		i, ft, ok := base.Type.Field(x.Field)
		if !ok {
			return Compiled{}, true, stmterr.Bad("Could not find field '%s' in '%s'.", x.Field, sql.Format(x.X))
		}
		return Compiled{Type: ft, Eval: func(r []any) any {
			s, _ := base.Eval(r).(*types.StructVal)
			if s == nil {
				return nil
			}
			return s.Vals[i]
		}}, true, nil
	}
	return Compiled{}, false, nil
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

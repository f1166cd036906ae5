package ksqldb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Values of the complex types: an ARRAY is []any, a MAP (STRING keys) is
// map[string]any and a STRUCT is *structVal with one value per field of its
// type. Constructors, subscripts and dereferences follow ksqlDB's
// ExpressionTypeManager and SqlToJavaVisitor.

// structVal is a STRUCT value.
type structVal struct {
	t    sqlType
	vals []any
}

// commonType is CoercionUtil's common type of a list: numbers widen to the
// widest numeric type, everything else must match; NULLs are ignored.
func commonType(items []compiled, exprs []sql.Expr) (sqlType, error) {
	t := tNull
	for i, it := range items {
		switch {
		case it.t == tNull:
		case t == tNull:
			t = it.t
		case t.numeric() && it.t.numeric():
			t = promote(t, it.t)
		case t != it.t:
			return tNull, badStatement("operator does not exist: %s = %s (%s)\nHint: You might need to add explicit type casts.", t, it.t, sql.Format(exprs[i]))
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
			return compiled{}, true, badStatement("Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).")
		}
		elems, err := c.compileAll(x.Elems)
		if err != nil {
			return compiled{}, true, err
		}
		t, err := commonType(elems, x.Elems)
		if err != nil {
			return compiled{}, true, err
		}
		if t == tNull {
			return compiled{}, true, badStatement("Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
		}
		return compiled{t: arrayOf(t), eval: func(r []any) any {
			out := make([]any, len(elems))
			for i, el := range elems {
				out[i] = widen(el.eval(r), t)
			}
			return out
		}}, true, nil
	case *sql.MapCtor:
		if len(x.Keys) == 0 {
			return compiled{}, true, badStatement("Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).")
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
		if kt == tNull {
			return compiled{}, true, badStatement("Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.")
		}
		vt, err := commonType(vals, x.Values)
		if err != nil {
			return compiled{}, true, err
		}
		if vt == tNull {
			return compiled{}, true, badStatement("Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
		}
		if kt != tString {
			return compiled{}, true, unsupported("MAP keys of type " + kt.String())
		}
		return compiled{t: mapOf(kt, vt), eval: func(r []any) any {
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
		fields := make([]structField, len(vals))
		for i, v := range vals {
			if v.t == tNull {
				return compiled{}, true, badStatement("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
			}
			for _, f := range fields[:i] {
				if f.Name == x.Names[i] {
					return compiled{}, true, badStatement("Duplicate field names found in STRUCT: '%s'", x.Names[i])
				}
			}
			fields[i] = structField{Name: x.Names[i], Type: v.t}
		}
		t := structOf(fields)
		return compiled{t: t, eval: func(r []any) any {
			out := &structVal{t: t, vals: make([]any, len(vals))}
			for i, v := range vals {
				out.vals[i] = v.eval(r)
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
		switch base.t.kind() {
		case kArray:
			if idx.t != tInteger && idx.t != tNull {
				return compiled{}, true, badStatement("Function 'arrayAccess' does not accept parameters (%s, %s).", base.t, idx.t)
			}
			return compiled{t: base.t.elem, eval: func(r []any) any {
				a, i := base.eval(r), idx.eval(r)
				if a == nil || i == nil {
					return nil
				}
				return arrayAccess(a.([]any), int(i.(int32)))
			}}, true, nil
		case kMap:
			if idx.t != base.t.key && idx.t != tNull {
				return compiled{}, true, badStatement("Cannot compare %s (%s) to %s (%s) with EQUAL.", sql.Format(x.Index), idx.t, sql.Format(x.X), base.t.key)
			}
			return compiled{t: base.t.elem, eval: func(r []any) any {
				m, k := base.eval(r), idx.eval(r)
				if m == nil || k == nil {
					return nil
				}
				return m.(map[string]any)[k.(string)]
			}}, true, nil
		}
		hint := ""
		if base.t.kind() == kStruct {
			hint = fmt.Sprintf(" Use the dereference operator for STRUCTS: %s->%s", sql.Format(x.X), sql.Format(x.Index))
		}
		return compiled{}, true, badStatement("Subscript expression (%s) do not apply to %s.%s", sql.Format(x), base.t, hint)
	case *sql.Deref:
		base, err := c.compile(x.X)
		if err != nil {
			return compiled{}, true, err
		}
		if base.t.kind() != kStruct {
			return compiled{}, true, badStatement("Expected STRUCT type, got: %s", base.t)
		}
		i, ft, ok := base.t.field(x.Field)
		if !ok {
			return compiled{}, true, badStatement("Could not find field '%s' in '%s'.", x.Field, sql.Format(x.X))
		}
		return compiled{t: ft, eval: func(r []any) any {
			s, _ := base.eval(r).(*structVal)
			if s == nil {
				return nil
			}
			return s.vals[i]
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

// formatComplex renders a complex value as ksqlDB's CAST(x AS STRING) does
// (String.valueOf of the Java value: List, Map, Connect Struct).
func formatComplex(v any) (string, bool) {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + javaString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	case *structVal:
		var parts []string
		for i, f := range x.t.fields {
			if x.vals[i] != nil {
				parts = append(parts, f.Name+"="+javaString(x.vals[i]))
			}
		}
		return "Struct{" + strings.Join(parts, ",") + "}", true
	}
	return "", false
}

// javaString is String.valueOf: "null" for NULL.
func javaString(v any) string {
	if v == nil {
		return "null"
	}
	return formatValue(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// equalValues compares complex values for = and <> (List/Map/Struct equals).
func equalValues(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalOrBothNull(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalOrBothNull(v, w) {
				return false
			}
		}
		return true
	case *structVal:
		y, ok := b.(*structVal)
		if !ok || x.t != y.t {
			return false
		}
		for i := range x.vals {
			if !equalOrBothNull(x.vals[i], y.vals[i]) {
				return false
			}
		}
		return true
	}
	return compareValues(a, b) == 0
}

func equalOrBothNull(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return equalValues(a, b)
}

// jsonComplex converts a decoded JSON value into a complex column value.
func jsonComplex(v any, t sqlType) (any, error) {
	switch t.kind() {
	case kArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := jsonValue(e, t.elem)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case kMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			x, err := jsonValue(e, t.elem)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case kStruct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := &structVal{t: t, vals: make([]any, len(t.fields))}
		for i, f := range t.fields {
			raw, ok := obj[f.Name]
			if !ok {
				for k, e := range obj { // field names match case-insensitively
					if strings.EqualFold(k, f.Name) {
						raw = e
						break
					}
				}
			}
			x, err := jsonValue(raw, f.Type)
			if err != nil {
				return nil, err
			}
			out.vals[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("not a complex type: %s", t)
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case []any:
		return "ARRAY"
	case map[string]any:
		return "STRUCT"
	case string:
		return "STRING"
	case bool:
		return "BOOLEAN"
	}
	return "NUMBER"
}

// appendJSONComplex appends a complex value as JSON; ok is false for other values.
func appendJSONComplex(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, e)
		}
		return append(b, ']'), true
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, k)
			b = append(b, ':')
			b = appendJSONValue(b, x[k])
		}
		return append(b, '}'), true
	case *structVal:
		b = append(b, '{')
		for i, f := range x.t.fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, f.Name)
			b = append(b, ':')
			b = appendJSONValue(b, x.vals[i])
		}
		return append(b, '}'), true
	}
	return b, false
}

package functions

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The collection functions, as ksqldb-engine/.../function/udf/array,
// list and map declare them: generic over the element type T, so every
// ARRAY<T> (MAP<STRING, T>) argument and T argument must agree; NULL
// literals fit any T.

// genericArg checks the arguments of a generic collection function. kinds
// says what each argument is: 'a' an ARRAY<T>, 'm' a MAP<STRING, T>, 't' a
// T, or a fixed type's letter ('s' STRING, 'b' BOOLEAN, 'i' INT). It
// returns T (tNull when every T position is NULL).
func genericArg(name string, args []types.Type, kinds string) (types.Type, error) {
	bad := stmterr.Bad("Function '%s' does not accept parameters (%s).", udfName(name), typeList(args))
	if len(args) != len(kinds) {
		return types.Null, bad
	}
	elem := types.Null
	agree := func(t types.Type) bool {
		if t == types.Null {
			return true
		}
		if elem == types.Null {
			elem = t
			return true
		}
		return elem == t
	}
	for i, a := range args {
		t := a
		ok := true
		switch kinds[i] {
		case 'a':
			ok = t == types.Null || (t.Kind() == types.KindArray && agree(t.Elem))
		case 'm':
			ok = t == types.Null || (t.Kind() == types.KindMap && t.Key == types.String && agree(t.Elem))
		case 't':
			ok = agree(t)
		case 's':
			ok = t == types.Null || t == types.String
		case 'b':
			ok = t == types.Null || t == types.Boolean
		case 'i':
			ok = t == types.Null || t == types.Integer
		}
		if !ok {
			return types.Null, bad
		}
	}
	return elem, nil
}

// generic registers a generic function: kinds as genericArg reads them,
// ret its result type from T, fn its value from the argument values.
func generic(name, kinds string, ret func(elem types.Type) types.Type, fn func(v []any) any) {
	Generics[name] = func(_ string, args []types.Type) (types.Type, func([]any) any, error) {
		elem, err := genericArg(name, args, kinds)
		if err != nil {
			return types.Null, nil, err
		}
		return ret(elem), fn, nil
	}
}

// declaredNames are the generic functions' names as their @UdfDescription
// spells them, which ksqlDB's messages use.
var declaredNames = map[string]string{
	"ARRAY_CONCAT": "array_concat", "ARRAY_DISTINCT": "array_distinct", "ARRAY_EXCEPT": "array_except",
	"ARRAY_INTERSECT": "array_intersect", "ARRAY_MAX": "array_max", "ARRAY_MIN": "array_min",
	"ARRAY_REMOVE": "array_remove", "ARRAY_SORT": "array_sort", "ARRAY_UNION": "array_union",
	"SLICE": "slice", "MAP_KEYS": "map_keys", "MAP_VALUES": "map_values", "MAP_UNION": "map_union",
}

// udfName is the name ksqlDB's messages give a generic function.
func udfName(name string) string {
	if n, ok := declaredNames[name]; ok {
		return n
	}
	return name
}

func asArray(v any) ([]any, bool) { a, ok := v.([]any); return a, ok }

// indexOfValue is List.indexOf: equals, with NULL equal to NULL.
func indexOfValue(list []any, v any) int {
	return slices.IndexFunc(list, func(e any) bool { return types.EqualOrBothNull(e, v) })
}

// distinct keeps the first of equal elements (a LinkedHashSet).
func distinct(list []any) []any {
	out := []any{}
	for _, e := range list {
		if indexOfValue(out, e) < 0 {
			out = append(out, e)
		}
	}
	return out
}

// compareNullsLast is Comparator.nullsLast(naturalOrder()).
func compareNullsLast(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return types.Compare(a, b)
}

// notComparable is an ARRAY, MAP or STRUCT element: not a Java
// Comparable, so ArrayMax, ArrayMin and ArraySort throw
// ClassCastException when they compare two of them, and ArrayJoin refuses
// it.
func notComparable(v any) bool {
	switch v.(type) {
	case []any, *types.KeyedMap, *types.StructVal:
		return true
	}
	return false
}

// javaElementText is an element's toString in ARRAY_JOIN.
func javaElementText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case types.Decimal:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return types.Format(v)
}

// extremeOf is ArrayMax / ArrayMin: the largest (sign 1) or smallest
// (sign -1) non-NULL element, NULL when there is none.
func extremeOf(sign int) func(v []any) any {
	return func(v []any) any {
		list, _ := asArray(v[0])
		var best any
		for _, e := range list {
			if e == nil {
				continue
			}
			if best != nil && notComparable(e) {
				return nil
			}
			if best == nil || types.Compare(e, best)*sign > 0 {
				best = e
			}
		}
		return best
	}
}

// arraySort is ArraySort: natural order with NULLs last, ASC[ENDING] or
// DESC[ENDING] in any case; another direction gives NULL.
func arraySort(list any, direction any) any {
	in, ok := asArray(list)
	d, okD := direction.(string)
	if !ok || !okD {
		return nil
	}
	out := slices.Clone(in)
	if len(slices.DeleteFunc(slices.Clone(in), func(e any) bool { return e == nil })) > 1 &&
		slices.ContainsFunc(in, notComparable) {
		return nil
	}
	switch strings.ToUpper(d) {
	case "ASC", "ASCENDING":
		slices.SortStableFunc(out, compareNullsLast)
	case "DESC", "DESCENDING":
		slices.SortStableFunc(out, func(a, b any) int {
			if a == nil || b == nil {
				return compareNullsLast(a, b)
			}
			return types.Compare(b, a)
		})
	default:
		return nil
	}
	return out
}

func init() {
	// ArrayLength: the number of elements of any ARRAY, NULL for NULL.
	Generics["ARRAY_LENGTH"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		if len(args) != 1 || (args[0].Kind() != types.KindArray && args[0] != types.Null) {
			return types.Null, nil, stmterr.Bad("Function 'ARRAY_LENGTH' does not accept parameters (%s).", typeList(args))
		}
		return types.Integer, func(v []any) any {
			a, ok := v[0].([]any)
			if !ok {
				return nil
			}
			return int32(len(a))
		}, nil
	}
	arrayOfT := func(elem types.Type) types.Type { return types.ArrayOf(elem) }
	elemT := func(elem types.Type) types.Type { return elem }
	fixed := func(t types.Type) func(types.Type) types.Type { return func(types.Type) types.Type { return t } }

	generic("ARRAY_CONCAT", "aa", arrayOfT, func(v []any) any {
		l, okL := asArray(v[0])
		r, okR := asArray(v[1])
		if !okL && !okR {
			return nil
		}
		return append(slices.Clone(l), r...)
	})
	generic("ARRAY_CONTAINS", "at", fixed(types.Boolean), func(v []any) any {
		l, ok := asArray(v[0])
		return ok && indexOfValue(l, v[1]) >= 0
	})
	generic("ARRAY_DISTINCT", "a", arrayOfT, func(v []any) any {
		l, ok := asArray(v[0])
		if !ok {
			return nil
		}
		return distinct(l)
	})
	setOp := func(keep func(e any, r []any) bool) func(v []any) any {
		return func(v []any) any {
			l, okL := asArray(v[0])
			r, okR := asArray(v[1])
			if !okL || !okR {
				return nil
			}
			out := []any{}
			for _, e := range distinct(l) {
				if keep(e, r) {
					out = append(out, e)
				}
			}
			return out
		}
	}
	generic("ARRAY_EXCEPT", "aa", arrayOfT, setOp(func(e any, r []any) bool { return indexOfValue(r, e) < 0 }))
	generic("ARRAY_INTERSECT", "aa", arrayOfT, setOp(func(e any, r []any) bool { return indexOfValue(r, e) >= 0 }))
	generic("ARRAY_UNION", "aa", arrayOfT, func(v []any) any {
		l, okL := asArray(v[0])
		r, okR := asArray(v[1])
		if !okL || !okR {
			return nil
		}
		return distinct(append(slices.Clone(l), r...))
	})
	join := func(v []any) any {
		l, ok := asArray(v[0])
		if !ok {
			return nil
		}
		delim := ","
		if len(v) > 1 {
			delim, _ = v[1].(string) // a NULL delimiter joins with nothing
		}
		parts := make([]string, len(l))
		for i, e := range l {
			if notComparable(e) {
				return nil // not a primitive: ArrayJoin throws
			}
			parts[i] = javaElementText(e)
		}
		return strings.Join(parts, delim)
	}
	generic("ARRAY_JOIN", "a", fixed(types.String), join)
	arrayJoin := Generics["ARRAY_JOIN"]
	Generics["ARRAY_JOIN"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		if len(args) != 2 {
			return arrayJoin(name, args)
		}
		if _, err := genericArg(name, args, "as"); err != nil {
			return types.Null, nil, err
		}
		return types.String, join, nil
	}
	generic("ARRAY_MAX", "a", elemT, extremeOf(1))
	generic("ARRAY_MIN", "a", elemT, extremeOf(-1))
	generic("ARRAY_REMOVE", "at", arrayOfT, func(v []any) any {
		l, ok := asArray(v[0])
		if !ok {
			return nil
		}
		out := []any{}
		for _, e := range l {
			if !types.EqualOrBothNull(e, v[1]) {
				out = append(out, e)
			}
		}
		return out
	})
	Generics["ARRAY_SORT"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		kinds := "a"
		if len(args) == 2 {
			kinds = "as"
		}
		elem, err := genericArg(name, args, kinds)
		if err != nil {
			return types.Null, nil, err
		}
		return types.ArrayOf(elem), func(v []any) any {
			dir := any("ASC")
			if len(args) == 2 {
				dir = v[1]
			}
			return arraySort(v[0], dir)
		}, nil
	}
	generic("SLICE", "aii", arrayOfT, func(v []any) any {
		l, ok := asArray(v[0])
		if !ok {
			return nil
		}
		start, end := 0, len(l)
		if f, ok := v[1].(int32); ok {
			start = int(f) - 1
		}
		if t, ok := v[2].(int32); ok {
			end = int(t)
		}
		if start < 0 || end > len(l) || start > end {
			return nil // List.subList throws IndexOutOfBoundsException
		}
		return slices.Clone(l[start:end])
	})

	Generics["AS_MAP"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		if len(args) != 2 || (args[0] != types.Null && args[0] != types.ArrayOf(types.String)) ||
			(args[1] != types.Null && args[1].Kind() != types.KindArray) {
			return types.Null, nil, stmterr.Bad("Function '%s' does not accept parameters (%s).", udfName(name), typeList(args))
		}
		elem := types.Null
		if args[1] != types.Null {
			elem = args[1].Elem
		}
		return types.MapOf(types.String, elem), func(v []any) any {
			keys, okK := asArray(v[0])
			vals, okV := asArray(v[1])
			if !okK || !okV {
				return nil
			}
			// AsMap: new HashMap<>(keys.size()), a put for each key
			out := types.NewHashMap(len(keys))
			for i, k := range keys {
				if i < len(vals) {
					out.Put(k, vals[i])
				} else {
					out.Put(k, nil)
				}
			}
			return out.Map()
		}, nil
	}
	generic("MAP_KEYS", "m", fixed(types.ArrayOf(types.String)), func(v []any) any {
		m, ok := v[0].(*types.KeyedMap)
		if !ok {
			return nil
		}
		return slices.Clone(m.Keys) // the keySet, in the map's order
	})
	generic("MAP_VALUES", "m", arrayOfT, func(v []any) any {
		m, ok := v[0].(*types.KeyedMap)
		if !ok {
			return nil
		}
		return slices.Clone(m.Vals)
	})
	generic("MAP_UNION", "mm", func(elem types.Type) types.Type { return types.MapOf(types.String, elem) }, func(v []any) any {
		l, okL := v[0].(*types.KeyedMap)
		r, okR := v[1].(*types.KeyedMap)
		if !okL && !okR {
			return nil
		}
		// MapUnion: new HashMap<>(), then putAll of each map not NULL
		out := types.NewDefaultHashMap()
		for _, m := range []*types.KeyedMap{l, r} {
			if m != nil {
				out.PutAll(m.Keys, m.Vals)
			}
		}
		return out.Map()
	})
	Generics["ENTRIES"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		elem, err := genericArg(name, args, "mb")
		if err != nil || !slices.Contains([]types.Type{types.Integer, types.Bigint, types.Double, types.Boolean, types.String}, elem) {
			return types.Null, nil, stmterr.Bad("Function '%s' does not accept parameters (%s).", udfName(name), typeList(args))
		}
		st := types.StructOf([]types.Field{{Name: "K", Type: types.String}, {Name: "V", Type: elem}})
		return types.ArrayOf(st), func(v []any) any {
			m, ok := v[0].(*types.KeyedMap)
			sorted, okS := v[1].(bool)
			if !ok || !okS {
				return nil // a NULL map, or NULL for the primitive boolean
			}
			out := make([]any, m.Len())
			for i, k := range m.Keys {
				out[i] = &types.StructVal{Type: st, Vals: []any{k, m.Vals[i]}}
			}
			if sorted { // Entry.comparingByKey, a stable sort
				if slices.Contains(m.Keys, nil) {
					return nil // comparing the null key throws
				}
				slices.SortStableFunc(out, func(a, b any) int {
					return strings.Compare(a.(*types.StructVal).Vals[0].(string), b.(*types.StructVal).Vals[0].(string))
				})
			}
			return out
		}, nil
	}

	register(&UDF{name: "elt", overloads: []Overload{{Params: []Param{p(types.Integer, "n"), p(types.String, "args")}, variadic: true, Ret: types.String,
		Fn: func(a []any) any {
			n, ok := a[0].(int32)
			if !ok || n < 1 || int(n) > len(a)-1 {
				return nil
			}
			return a[n]
		}}}})
	register(&UDF{name: "field", overloads: []Overload{{Params: []Param{p(types.String, "str"), p(types.String, "args")}, variadic: true, Ret: types.Integer,
		Fn: func(a []any) any {
			if a[0] == nil {
				return int32(0)
			}
			for i, e := range a[1:] {
				if e == a[0] {
					return int32(i + 1)
				}
			}
			return int32(0)
		}}}})
	const method = "public java.util.List io.confluent.ksql.function.udf.array.GenerateSeries."
	register(&UDF{name: "GENERATE_SERIES", overloads: []Overload{
		throwing(Overload{Params: []Param{p(types.Integer, "start"), p(types.Integer, "end")}, Ret: types.ArrayOf(types.Integer), Throwing: series(false), Method: method + "generateSeriesInt(int,int)"}),
		throwing(Overload{Params: []Param{p(types.Integer, "start"), p(types.Integer, "end"), p(types.Integer, "step")}, Ret: types.ArrayOf(types.Integer), Throwing: series(false), Method: method + "generateSeriesInt(int,int,int)"}),
		throwing(Overload{Params: []Param{p(types.Bigint, "start"), p(types.Bigint, "end")}, Ret: types.ArrayOf(types.Bigint), Throwing: series(true), Method: method + "generateSeriesLong(long,long)"}),
		throwing(Overload{Params: []Param{p(types.Bigint, "start"), p(types.Bigint, "end"), p(types.Integer, "step")}, Ret: types.ArrayOf(types.Bigint), Throwing: series(true), Method: method + "generateSeriesLong(long,long,int)"}),
	}})
}

// What the JVM ksqlDB runs in can hold of a series: HotSpot's longest
// Object[] (arrayOopDesc::max_array_length, Integer.MAX_VALUE less its two
// header words), and the 3 GiB heap of ksqlDB's launcher (bin/ksql-run-class:
// KSQL_HEAP_OPTS -Xmx3g), each element a compressed reference and a boxed
// Integer (16 bytes) or Long (24).
const (
	maxJavaArray = 1<<31 - 1 - 2
	ksqlHeap     = 3 << 30
)

// labSeriesLimit is the longest series this server builds: about 100 MB
// of boxed elements in its own process, which the lab's other stand-ins
// share. Longer ones that ksqlDB's heap would hold are refused as the
// function's failure with a message that says so, never built (a client
// must not be able to exhaust the lab's memory) nor NULL in silence.
const labSeriesLimit = 1 << 22

// series is GenerateSeries: start to end inclusive by step (1 or -1 by
// default), computed in the parameters' Java types: the int form's
// difference wraps around, and the size, 1 + (int) (difference / step),
// wraps to a negative capacity past Integer.MAX_VALUE elements, which
// new ArrayList<>(size) refuses ("Illegal Capacity: <size>"). A zero step
// or one of the wrong sign throws its KsqlFunctionException, a NULL for
// its primitive parameters fails the invocation; a series the JVM cannot
// hold throws its OutOfMemoryError.
func series(long bool) func(a []any) (any, []string) {
	return func(a []any) (any, []string) {
		if a[0] == nil || a[1] == nil || (len(a) > 2 && a[2] == nil) {
			return nil, nullForPrimitive
		}
		start, end := types.ToInt(a[0]), types.ToInt(a[1])
		diff := end - start // long arithmetic wraps as Go's int64 does
		if !long {
			diff = int64(int32(end) - int32(start))
		}
		step := int64(-1)
		if diff > 0 {
			step = 1
		}
		if len(a) > 2 {
			step = int64(a[2].(int32))
		}
		switch {
		case step == 0:
			return nil, threw("GENERATE_SERIES step cannot be zero")
		case diff > 0 && step < 0 || diff < 0 && step > 0:
			return nil, threw("GENERATE_SERIES step has wrong sign")
		}
		var size int32
		boxBytes := int64(16)
		if long {
			boxBytes = 24
			size = 1 + int32(diff/step)
		} else {
			size = 1 + int32(diff)/int32(step)
		}
		switch {
		case size < 0:
			return nil, threw(fmt.Sprintf("Illegal Capacity: %d", size))
		case size > maxJavaArray:
			return nil, threw("Requested array size exceeds VM limit")
		case int64(size)*(4+boxBytes) > ksqlHeap:
			return nil, threw("Java heap space")
		case size > labSeriesLimit:
			return nil, threw(fmt.Sprintf("a series of %d elements is longer than this embedded ksqlDB server builds (%d elements); ksqlDB builds it within its 3 GiB heap", size, labSeriesLimit))
		}
		out := make([]any, size)
		for i := range out {
			if long {
				out[i] = start + int64(i)*step
			} else {
				out[i] = int32(start) + int32(i)*int32(step)
			}
		}
		return out, nil
	}
}

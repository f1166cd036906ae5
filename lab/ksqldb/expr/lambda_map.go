package expr

import (
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// mapEntries is a MAP value's keys and values in the order ksqlDB iterates
// them: a KeyedMap's own, the Java HashMap's; a map with STRING keys, whose
// decoded order this server does not keep, by sorted key. ok is false for
// NULL.
func mapEntries(v any) (keys, vals []any, ok bool) {
	switch m := v.(type) {
	case *types.KeyedMap:
		return m.Keys, m.Vals, true
	case map[string]any:
		for _, k := range types.SortedKeys(m) {
			keys = append(keys, k)
			vals = append(vals, m[k])
		}
		return keys, vals, true
	}
	return nil, nil, false
}

// mapCollector is Collectors.toMap over a map's entries, as TRANSFORM and
// FILTER collect them (Transform.transformMap, Filter.filterMap): a
// new HashMap<>(), a NULL value throws (Objects.requireNonNull) and so
// does a key collected twice.
type mapCollector struct {
	strs  map[string]any
	keyed *types.HashMap
}

// newMapCollector collects a map whose keys have type kt, STRING or a
// type types.KeyedMapKey accepts.
func newMapCollector(kt types.Type) *mapCollector {
	if kt == types.String {
		return &mapCollector{strs: map[string]any{}}
	}
	return &mapCollector{keyed: types.NewDefaultHashMap()}
}

// put adds an entry, failing the lambda's invocation as Java throws.
func (c *mapCollector) put(k, v any) {
	if v == nil {
		panic(lambdaFailure{"null value"})
	}
	if c.keyed != nil {
		if c.keyed.Has(k) {
			panic(lambdaFailure{"duplicate key " + types.KeyText(k)})
		}
		c.keyed.Put(k, v)
		return
	}
	ks, ok := k.(string)
	if !ok {
		ks = "null" // the null key, as the MAP constructor keeps it
	}
	if _, dup := c.strs[ks]; dup {
		panic(lambdaFailure{"duplicate key " + ks})
	}
	c.strs[ks] = v
}

// result is the collected map.
func (c *mapCollector) result() any {
	if c.keyed != nil {
		return c.keyed.Map()
	}
	return c.strs
}

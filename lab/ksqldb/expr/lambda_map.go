package expr

import (
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// mapEntries is a MAP value's keys and values in the order ksqlDB iterates
// them, the Java HashMap's. ok is false for NULL.
func mapEntries(v any) (keys, vals []any, ok bool) {
	if m, isMap := v.(*types.KeyedMap); isMap {
		return m.Keys, m.Vals, true
	}
	return nil, nil, false
}

// mapCollector is Collectors.toMap over a map's entries, as TRANSFORM and
// FILTER collect them (Transform.transformMap, Filter.filterMap): a
// new HashMap<>(), a NULL value throws (Objects.requireNonNull) and so
// does a key collected twice.
type mapCollector struct {
	keyed *types.HashMap
}

// newMapCollector collects a map; a NULL key is kept, as
// Collectors.toMap's putIfAbsent keeps it.
func newMapCollector() *mapCollector {
	return &mapCollector{keyed: types.NewDefaultHashMap()}
}

// put adds an entry, failing the lambda's invocation as Java throws.
func (c *mapCollector) put(k, v any) {
	if v == nil {
		panic(lambdaFailure{"null value"})
	}
	if c.keyed.Has(k) {
		panic(lambdaFailure{"duplicate key " + types.KeyText(k)})
	}
	c.keyed.Put(k, v)
}

// result is the collected map.
func (c *mapCollector) result() any {
	return c.keyed.Map()
}

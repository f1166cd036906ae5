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
		panic(lambdaFailure{why: "null value", thrown: []string{"java.lang.NullPointerException"}})
	}
	if u, dup := c.keyed.Get(k); dup {
		panic(lambdaFailure{why: "duplicate key " + types.KeyText(k), thrown: []string{
			"Duplicate key " + javaString(k) + " (attempted merging values " + javaString(u) + " and " + javaString(v) + ")"}})
	}
	c.keyed.Put(k, v)
}

// result is the collected map.
func (c *mapCollector) result() any {
	return c.keyed.Map()
}

// javaString is String.valueOf of a value, as String.format's %s writes it.
func javaString(v any) string {
	if v == nil {
		return "null"
	}
	return types.Format(v)
}

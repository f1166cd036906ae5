package expr

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// histogramLimit is HistogramUdaf.LIMIT: the most distinct values counted.
const histogramLimit = 1000

// histogramState is the HashMap HistogramUdaf works on: Maps.newHashMap()
// for a new aggregate, else the map the state store's deserializer builds
// from the stored state m (new HashMap<>(size), filled in m's order).
func histogramState(m any) *types.HashMap {
	keys, vals, ok := mapEntries(m)
	if !ok {
		return types.NewDefaultHashMap()
	}
	out := types.NewHashMap(len(keys))
	for i, k := range keys {
		out.Put(k, vals[i])
	}
	return out
}

// histogramAdd is HistogramUdaf's aggregate (sign > 0: merge of 1 while
// fewer than the limit are counted or v is one of them) and undo (sign <
// 0: compute, which drops a count that falls below one) of value v over
// the state m, a MAP<STRING, BIGINT> or NULL.
func histogramAdd(m any, v string, sign int64) *types.KeyedMap {
	out := histogramState(m)
	have, seen := out.Get(v)
	n, _ := have.(int64)
	switch {
	case sign < 0 && seen && n <= 1:
		out.Remove(v)
	case sign < 0 && seen:
		out.Put(v, n-1)
	case sign > 0 && (seen || out.Len() < histogramLimit):
		out.Merge(v, n+1)
	}
	return out.Map()
}

// histogramMerge is HistogramUdaf.merge: each of b's counts, in b's order,
// merged into a's, a new value only while a has fewer than the limit.
func histogramMerge(a, b any) *types.KeyedMap {
	out := histogramState(a)
	moreKeys, moreVals, _ := mapEntries(b)
	for i, k := range moreKeys {
		if have, ok := out.Get(k); ok {
			out.Merge(k, have.(int64)+moreVals[i].(int64))
		} else if out.Len() < histogramLimit {
			out.Merge(k, moreVals[i])
		}
	}
	return out.Map()
}

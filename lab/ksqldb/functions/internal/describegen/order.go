package main

import (
	"fmt"
	"slices"
)

// hashMapOrder orders variations as UdfIndex lists them: its
// allFunctions is a java.util.HashMap keyed by the parameter types
// (List<ParamType>), so values() iterates by bucket, the bucket of a key
// being (h ^ h>>>16) & (capacity-1) for its hashCode h, with the capacity
// 16 doubled while more than 3/4 full; keys in one bucket keep their
// insertion order (also across resizes). Insertion follows
// Class.getMethods, whose order the JVM does not fix; the generator uses
// the declaration order and warns where two variations share a bucket.
// Two variations with equal parameter types are an error, as UdfIndex
// refuses them.
func hashMapOrder(vs []variation, warn func(format string, args ...any)) ([]variation, error) {
	capacity := 16
	for len(vs) > capacity*3/4 {
		capacity *= 2
	}
	type entry struct {
		v      variation
		bucket int
		seq    int
	}
	es := make([]entry, len(vs))
	seen := map[string]bool{}
	for i, v := range vs {
		key := fmt.Sprint(v.params)
		if seen[key] {
			return nil, fmt.Errorf("two variations with parameters %s", key)
		}
		seen[key] = true
		h := uint32(listHash(v.params))
		es[i] = entry{v: v, bucket: int((h ^ h>>16) & uint32(capacity-1)), seq: i}
	}
	slices.SortStableFunc(es, func(a, b entry) int { return a.bucket - b.bucket })
	out := make([]variation, len(es))
	for i, e := range es {
		out[i] = e.v
		if i > 0 && es[i-1].bucket == e.bucket {
			warn("variations %v and %v share a HashMap bucket: listed in declaration order", es[i-1].v.params, e.v.params)
		}
	}
	return out, nil
}

package expr

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// ATTR as ksqlDB 0.29's Attr UDAF computes it (confluentinc/ksql v7.9.0,
// ksqldb-engine/.../function/udaf/attr/Attr.java): the aggregate keeps each
// distinct value seen (NULL included) with a count, a table's retracted
// row counting down to no less than zero; the result is the one value
// whose count is above zero, or NULL when there is none or more than one.
// The values are kept as an ARRAY of the argument's type in V and their
// counts in Counts, so the changelog holds both.

// updateAttr is Attr.Impl.update: count more (or fewer) of v.
func updateAttr(s *AggState, v any, count int32) {
	vals, _ := s.V.([]any)
	for i, e := range vals {
		if types.EqualOrBothNull(e, v) {
			s.Counts = slices.Clone(s.Counts)
			s.Counts[i] = max(0, s.Counts[i]+count)
			return
		}
	}
	if count > 0 {
		s.V = append(slices.Clone(vals), v)
		s.Counts = append(slices.Clone(s.Counts), count)
	}
}

func MergeAttr(dst *AggState, src AggState) {
	vals, _ := src.V.([]any)
	for i, v := range vals {
		updateAttr(dst, v, src.Counts[i])
	}
}

// attrResult is Attr.Impl.map.
func attrResult(s AggState) any {
	vals, _ := s.V.([]any)
	var out any
	n := 0
	for i, v := range vals {
		if s.Counts[i] > 0 {
			out = v
			n++
		}
	}
	if n != 1 {
		return nil
	}
	return out
}

package expr

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Merge folds the state of a merged-away session into dst, as the UDAFs'
// merge functions do (ksqlDB KudafAggregator.getMerger).
func (c *AggCall) Merge(dst *AggState, src AggState) {
	switch c.Name {
	case "COUNT", "SUM", "AVG":
		if c.Result.Kind() == types.KindDecimal && src.V != nil {
			dst.V = types.DecimalAdd(c.Result, dst.V, src.V, 1) // DecimalSumKudaf.merge
		}
		dst.N += src.N
		dst.I += src.I
		dst.F += src.F
	case "STDDEV_SAMPLE", "STDDEV_SAMP":
		c.MergeStddev(dst, src)
	case "CORRELATION":
		MergeCorrelation(dst, src)
	case "ATTR":
		MergeAttr(dst, src)
	case "SUM_LIST":
		dst.F += src.F
		if c.Result == types.Integer {
			dst.I = int64(int32(dst.I) + int32(src.I))
		} else {
			dst.I += src.I
		}
	case "MIN":
		if src.V != nil && (dst.V == nil || types.Compare(src.V, dst.V) < 0) {
			dst.V = src.V
		}
	case "MAX":
		if src.V != nil && (dst.V == nil || types.Compare(src.V, dst.V) > 0) {
			dst.V = src.V
		}
	case "COLLECT_LIST":
		// CollectListUdaf.merge: src's values up to the limit
		list, _ := dst.V.([]any)
		more, _ := src.V.([]any)
		dst.V = append(slices.Clone(list), more[:max(0, min(len(more), c.limit-len(list)))]...)
	case "COLLECT_SET":
		list, _ := dst.V.([]any)
		list = slices.Clone(list)
		more, _ := src.V.([]any)
		for _, v := range more {
			if len(list) >= c.limit { // CollectSetUdaf.merge stops at the limit
				break
			}
			if !slices.ContainsFunc(list, func(e any) bool { return types.EqualOrBothNull(e, v) }) {
				list = append(list, v)
			}
		}
		dst.V = list
	case "HISTOGRAM":
		dst.V = histogramMerge(dst.V, src.V)
	case "TOPK", "TOPKDISTINCT":
		list, _ := dst.V.([]any)
		more, _ := src.V.([]any)
		all := append(slices.Clone(list), more...)
		slices.SortStableFunc(all, c.topkOrder)
		if c.Name == "TOPKDISTINCT" {
			all = slices.CompactFunc(all, func(a, b any) bool { return types.Compare(a, b) == 0 })
		}
		if len(all) > c.K {
			all = all[:c.K]
		}
		dst.V = all
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		if c.K > 0 {
			c.mergeByOffsetN(dst, src)
			return
		}
		c.mergeByOffset(dst, src)
	case "COUNT_DISTINCT":
		dst.R = hllMerge(dst.R, src.R) // CountDistinct.merge: RegisterSet.merge
	}
}

// mergeByOffset merges the one-value states of LATEST_BY_OFFSET and
// EARLIEST_BY_OFFSET.
func (c *AggCall) mergeByOffset(dst *AggState, src AggState) {
	switch c.Name {
	case "LATEST_BY_OFFSET":
		// LatestByOffset.merge(dst, src): the struct the comparator puts
		// first, dst on a tie. Ignoring nulls, a null value loses to any
		// other; otherwise the later sequence wins. dst starts as a new
		// session's initial struct (Init), whose sequence is newer than
		// any merged one's: with nulls counted it wins, and the record
		// that merged the sessions replaces it right after.
		switch {
		case !c.keepNulls && dst.V == nil:
			if src.V != nil {
				dst.V, dst.I = src.V, src.I
			}
		case !c.keepNulls && src.V == nil:
		case src.I > dst.I:
			dst.V, dst.I = src.V, src.I
		}
	case "EARLIEST_BY_OFFSET":
		// EarliestByOffset.merge: a state with no value yet gives way to
		// the other; else the earlier sequence wins
		switch {
		case src.N == 0:
		case dst.N == 0 || src.I < dst.I:
			dst.V, dst.N, dst.I = src.V, src.N, src.I
		}
	}
}

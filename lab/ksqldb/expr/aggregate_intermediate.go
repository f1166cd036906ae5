package expr

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// IntermediateType is the type of the state the call keeps between rows,
// as its UDAF declares it (getAggregateSqlType, or its aggregateSchema):
// what the aggregation's materialized state holds for it.
func (c *AggCall) IntermediateType() types.Type {
	st := func(names []string, ts ...types.Type) types.Type {
		fields := make([]types.Field, len(names))
		for i, n := range names {
			fields[i] = types.Field{Name: n, Type: ts[min(i, len(ts)-1)]}
		}
		return types.StructOf(fields)
	}
	byOffset := func(t types.Type) types.Type { // KudafByOffsetUtils.buildSchema
		return st([]string{"SEQ", "VAL"}, types.Bigint, t)
	}
	switch c.Name {
	case "COUNT":
		return types.Bigint
	case "AVG": // AverageUdaf: STRUCT<SUM, COUNT>
		return st([]string{"SUM", "COUNT"}, c.arg.Type, types.Bigint)
	case "STDDEV_SAMPLE", "STDDEV_SAMP": // STRUCT<SUM, COUNT, M2>
		return st([]string{"SUM", "COUNT", "M2"}, c.arg.Type, types.Bigint, types.Double)
	case "CORRELATION": // CorrelationUdaf's sums and count
		return st([]string{"X_SUM", "Y_SUM", "X_SQUARED_SUM", "Y_SQUARED_SUM", "XY_SUM", "COUNT"}, types.Double, types.Double, types.Double, types.Double, types.Double, types.Bigint)
	case "COUNT_DISTINCT": // CountDistinct: the HyperLogLog registers
		return types.ArrayOf(types.Integer)
	case "ATTR": // Attr: each value with its count
		return types.ArrayOf(st([]string{"VALUE", "COUNT"}, c.Result, types.Integer))
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		if c.K > 0 {
			return types.ArrayOf(byOffset(c.Result.Elem))
		}
		return byOffset(c.Result)
	}
	// SUM, MIN, MAX, SUM_LIST, COLLECT_LIST, COLLECT_SET, HISTOGRAM, TOPK,
	// TOPKDISTINCT: the state is the result
	return c.Result
}

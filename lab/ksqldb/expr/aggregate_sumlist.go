package expr

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// SUM_LIST as ksqlDB 0.29's ListSumUdaf computes it (confluentinc/ksql
// v7.9.0, ksqldb-engine/.../function/udaf/sum/ListSumUdaf.java): the sum of
// every non-NULL element of every list, in the element type's arithmetic
// (an INTEGER sum wraps as Java's int does); a NULL list adds nothing, a
// table's retracted row is subtracted, sessions are added together.

// listSum is the sum of a list's non-NULL elements (ListSumUdaf.sum).
func (c *AggCall) listSum(list []any) (int64, float64) {
	var i int32
	var l int64
	var f float64
	for _, e := range list {
		switch x := e.(type) {
		case int32:
			i += x
		case int64:
			l += x
		case float64:
			f += x
		}
	}
	if c.Result == types.Integer {
		return int64(i), 0
	}
	return l, f
}

func (c *AggCall) addSumList(s *AggState, v any, sign int64) {
	list, ok := v.([]any)
	if !ok {
		return
	}
	i, f := c.listSum(list)
	switch c.Result {
	case types.Integer:
		s.I = int64(int32(s.I) + int32(sign)*int32(i))
	case types.Double:
		if sign > 0 {
			s.F += f
		} else {
			s.F -= f
		}
	default:
		s.I += sign * i
	}
}

func (c *AggCall) sumListResult(s AggState) any {
	switch c.Result {
	case types.Integer:
		return int32(s.I)
	case types.Double:
		return s.F
	}
	return s.I
}

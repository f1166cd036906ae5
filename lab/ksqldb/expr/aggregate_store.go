package expr

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Intermediate is s as the call's UDAF holds it between rows: a value of
// IntermediateType(), as ksqlDB's aggregate store keeps it (confluentinc/
// ksql v7.9.0, ksqldb-engine/.../function/udaf/...; each case names its
// UDAF).
func (c *AggCall) Intermediate(s AggState) any {
	st := func(vals ...any) *types.StructVal {
		return &types.StructVal{Type: c.IntermediateType(), Vals: vals}
	}
	switch c.Name {
	case "COUNT": // CountKudaf: the Long count
		return s.N
	case "AVG": // AverageUdaf: STRUCT<SUM, COUNT>, SUM in the argument's type
		return st(c.typedSum(s), s.N)
	case "STDDEV_SAMPLE", "STDDEV_SAMP": // StandardDeviationSamp(le)Udaf: STRUCT<SUM, COUNT, M2>
		return st(c.typedSum(s), s.N, s.M2)
	case "CORRELATION": // CorrelationUdaf: its five double sums and the count
		return st(s.Corr.X, s.Corr.Y, s.Corr.XX, s.Corr.YY, s.Corr.XY, s.N)
	case "COUNT_DISTINCT": // CountDistinct: RegisterSet's ints, as a List<Integer>
		out := make([]any, hllWords)
		for i := range out {
			out[i] = int32(0)
			if len(s.R) > 0 {
				out[i] = s.R[i]
			}
		}
		return out
	case "ATTR": // Attr: a List of STRUCT<VALUE, COUNT>
		vals, _ := s.V.([]any)
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = &types.StructVal{Type: c.IntermediateType().Elem, Vals: []any{v, s.Counts[i]}}
		}
		return out
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		return c.byOffsetIntermediate(s)
	case "SUM_LIST": // ListSumUdaf: the sum in the element type
		return c.sumListResult(s)
	}
	// SumKudaf (IntegerSumKudaf, LongSumKudaf, DoubleSumKudaf,
	// DecimalSumKudaf), MinKudaf, MaxKudaf, CollectListUdaf, CollectSetUdaf,
	// HistogramUdaf, TopkKudaf, TopkDistinctKudaf: the state is the result
	return c.Value(s)
}

// typedSum is AVG's and STDDEV's running sum in the argument's type: an
// INTEGER sum wraps as Java's int does.
func (c *AggCall) typedSum(s AggState) any {
	switch c.arg.Type {
	case types.Double:
		return s.F
	case types.Integer:
		return int32(s.I)
	}
	return s.I
}

// byOffsetIntermediate is the STRUCT<SEQ, VAL> (KudafByOffsetUtils.
// createStruct) or the List of them that EARLIEST_BY_OFFSET and
// LATEST_BY_OFFSET keep; SEQ is the UDAF's sequence, which starts at 0
// (AtomicLong.getAndIncrement), where a state's I counts from 1.
// EarliestByOffset.initialize is a null struct; LatestByOffset.initialize
// a struct of a NULL value with the sequence Init drew, which the state
// keeps until it takes a value.
func (c *AggCall) byOffsetIntermediate(s AggState) any {
	elem := c.IntermediateType()
	if c.K > 0 {
		elem = elem.Elem
		vals, _ := s.V.([]any)
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = &types.StructVal{Type: elem, Vals: []any{s.Q[i] - 1, v}}
		}
		return out
	}
	if c.Name == "EARLIEST_BY_OFFSET" && s.N == 0 {
		return nil
	}
	return &types.StructVal{Type: elem, Vals: []any{s.I - 1, s.V}}
}

// Init is the state of a group the call has not yet seen, as the UDAF's
// initialize makes it: the zero state, but for LATEST_BY_OFFSET(x), whose
// initial struct draws a sequence (LatestByOffset.latestT's initialize).
// Kafka Streams calls the initializer for each group its store lacks
// (KStreamAggregate, KStreamWindowAggregate per window) and for each
// record of a session aggregation (KStreamSessionWindowAggregate).
func (c *AggCall) Init() AggState {
	if c.Name == "LATEST_BY_OFFSET" && c.K == 0 {
		return AggState{I: latestSeq.Add(1)}
	}
	return AggState{}
}

// Init is the initial state of every call of the aggregation: Kafka
// Streams' one initializer, ksqlDB's KudafInitializer, which initializes
// each UDAF in turn.
func (ap *AggPlan) Init() []AggState {
	states := make([]AggState, len(ap.Calls))
	for i, c := range ap.Calls {
		states[i] = c.Init()
	}
	return states
}

// FromIntermediate is the state an intermediate value holds: the inverse of
// Intermediate. A value of another shape is an error (a corrupt store).
func (c *AggCall) FromIntermediate(v any) (AggState, error) {
	var s AggState
	bad := func() (AggState, error) {
		return AggState{}, fmt.Errorf("the %s state %s is not a %s", c.Name, types.Format(v), c.IntermediateType())
	}
	fields := func(n int) ([]any, bool) {
		sv, ok := v.(*types.StructVal)
		if !ok || len(sv.Vals) != n {
			return nil, false
		}
		return sv.Vals, true
	}
	switch c.Name {
	case "COUNT":
		n, ok := v.(int64)
		if !ok {
			return bad()
		}
		s.N = n
	case "AVG", "STDDEV_SAMPLE", "STDDEV_SAMP":
		n := 2
		if c.Name != "AVG" {
			n = 3
		}
		f, ok := fields(n)
		if !ok || !setSum(&s, c.arg.Type, f[0]) {
			return bad()
		}
		if s.N, ok = f[1].(int64); !ok {
			return bad()
		}
		if n == 3 {
			if s.M2, ok = f[2].(float64); !ok {
				return bad()
			}
		}
	case "CORRELATION":
		f, ok := fields(6)
		if !ok {
			return bad()
		}
		sums := []*float64{&s.Corr.X, &s.Corr.Y, &s.Corr.XX, &s.Corr.YY, &s.Corr.XY}
		for i, p := range sums {
			if *p, ok = f[i].(float64); !ok {
				return bad()
			}
		}
		if s.N, ok = f[5].(int64); !ok {
			return bad()
		}
	case "COUNT_DISTINCT":
		list, ok := v.([]any)
		if !ok || len(list) != hllWords {
			return bad()
		}
		regs := make([]int32, hllWords)
		set := false
		for i, e := range list {
			if regs[i], ok = e.(int32); !ok {
				return bad()
			}
			set = set || regs[i] != 0
		}
		if set {
			s.R = regs
		}
	case "ATTR":
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		vals, counts := make([]any, len(list)), make([]int32, len(list))
		for i, e := range list {
			sv, ok := e.(*types.StructVal)
			if !ok || len(sv.Vals) != 2 {
				return bad()
			}
			if counts[i], ok = sv.Vals[1].(int32); !ok {
				return bad()
			}
			vals[i] = sv.Vals[0]
		}
		if len(list) > 0 {
			s.V, s.Counts = vals, counts
		}
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		return c.byOffsetState(v, bad)
	case "SUM_LIST":
		if !setSum(&s, c.Result, v) {
			return bad()
		}
	case "SUM":
		if c.Result.Kind() == types.KindDecimal {
			if _, ok := v.(types.Decimal); !ok {
				return bad()
			}
			s.V = v
			return s, nil
		}
		if !setSum(&s, c.Result, v) {
			return bad()
		}
	case "COLLECT_LIST", "COLLECT_SET", "TOPK", "TOPKDISTINCT":
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		if len(list) > 0 {
			s.V = list
		}
	case "HISTOGRAM":
		if _, ok := v.(*types.KeyedMap); !ok {
			return bad()
		}
		s.V = v
	default: // MIN, MAX: the value so far, NULL for none
		s.V = v
	}
	return s, nil
}

// setSum sets a running sum of type t from its stored value v: the
// inverse of typedSum (t the argument's type: AVG, STDDEV) and of
// sumListResult (t the result's: SUM_LIST, and the SUM of INTEGER, BIGINT
// and DOUBLE). It reports false for a value of another type.
func setSum(s *AggState, t types.Type, v any) bool {
	var ok bool
	switch t {
	case types.Double:
		s.F, ok = v.(float64)
	case types.Integer:
		var i int32
		i, ok = v.(int32)
		s.I = int64(i)
	default:
		s.I, ok = v.(int64)
	}
	return ok
}

// byOffsetState is the inverse of byOffsetIntermediate.
func (c *AggCall) byOffsetState(v any, bad func() (AggState, error)) (AggState, error) {
	var s AggState
	entry := func(e any) (int64, any, bool) {
		sv, ok := e.(*types.StructVal)
		if !ok || len(sv.Vals) != 2 {
			return 0, nil, false
		}
		seq, ok := sv.Vals[0].(int64)
		return seq + 1, sv.Vals[1], ok
	}
	if c.K > 0 {
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		for _, e := range list {
			seq, val, ok := entry(e)
			if !ok {
				return bad()
			}
			s.Q = append(s.Q, seq)
			s.V = append(asList(s.V), val)
		}
		return s, nil
	}
	if v == nil && c.Name == "EARLIEST_BY_OFFSET" {
		return s, nil
	}
	seq, val, ok := entry(v)
	if !ok {
		return bad()
	}
	s.I, s.V = seq, val
	if c.Name == "EARLIEST_BY_OFFSET" {
		s.N = 1
	}
	return s, nil
}

// asList is v as a list, nil for none.
func asList(v any) []any {
	list, _ := v.([]any)
	return list
}

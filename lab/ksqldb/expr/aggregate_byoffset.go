package expr

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// byOffsetInitArgs reads the literal arguments after the column of
// EARLIEST_BY_OFFSET and LATEST_BY_OFFSET into call, as the UDAFs'
// factories take them (EarliestByOffset, LatestByOffset): (ignoreNulls),
// (n) or (n, ignoreNulls). n makes the call return an ARRAY of n values.
// It returns the column argument alone.
func byOffsetInitArgs(fc *sql.FuncCall, call *AggCall, args []sql.Expr) ([]sql.Expr, error) {
	if len(args) < 2 || len(args) > 3 {
		return args, nil
	}
	// UdafUtil.createAggregateFunctionInitArgs: every argument after the
	// column must be a literal
	for i, a := range args[1:] {
		if _, ok := a.(*sql.Literal); !ok {
			return nil, stmterr.Bad("Parameter %d passed to function %s must be a literal constant, but was expression: '%s'", i+2, fc.Name, sql.Format(a))
		}
	}
	ignore := args[len(args)-1].(*sql.Literal)
	if len(args) == 2 && ignore.Kind == sql.IntLit {
		ignore = &sql.Literal{Kind: sql.BoolLit, Bool: true} // (n): nulls ignored
	}
	if ignore.Kind != sql.BoolLit {
		return nil, stmterr.Bad("Parameter %d passed to function %s must be a literal constant, but was expression: '%s'", len(args), fc.Name, sql.Format(ignore))
	}
	call.keepNulls = !ignore.Bool
	if n := args[1].(*sql.Literal); n != ignore {
		if n.Kind != sql.IntLit {
			return nil, stmterr.Bad("Parameter %d passed to function %s must be a literal constant, but was expression: '%s'", 2, fc.Name, sql.Format(n))
		}
		k, err := strconv.ParseInt(n.Text, 10, 32)
		if err != nil || k < 1 {
			// earliestTN and latestTN throw 'earliestN must be 1 or
			// greater', which UdafFactoryInvoker.createFunction wraps
			return nil, stmterr.Bad("Failed to invoke UDAF factory method")
		}
		call.K = int(k)
	}
	return args[:1], nil
}

// addByOffsetN takes v into the array of EARLIEST_BY_OFFSET(x, n) or
// LATEST_BY_OFFSET(x, n): V holds the values, Q the sequence each was
// taken at. The earliest stops taking values at n; the latest drops its
// oldest beyond n (EarliestByOffset.earliestTN, LatestByOffset.latestTN).
func (c *AggCall) addByOffsetN(s *AggState, v any) {
	if v == nil && !c.keepNulls {
		return
	}
	list, _ := s.V.([]any)
	if c.Name == "EARLIEST_BY_OFFSET" {
		if len(list) < c.K {
			s.V, s.Q = append(slices.Clone(list), v), append(slices.Clone(s.Q), earliestSeq.Add(1))
		}
		return
	}
	list, seqs := append(slices.Clone(list), v), append(slices.Clone(s.Q), latestSeq.Add(1))
	if drop := len(list) - c.K; drop > 0 {
		list, seqs = list[drop:], seqs[drop:]
	}
	s.V, s.Q = list, seqs
}

// mergeByOffsetN merges the arrays of two sessions: all their values in
// the order they were taken, cut to the first n. Both UDAFs merge so (the
// latest too keeps the oldest n: LatestByOffset.latestTN's merge sorts by
// KudafByOffsetUtils.INTERMEDIATE_STRUCT_COMPARATOR and takes the head).
func (c *AggCall) mergeByOffsetN(dst *AggState, src AggState) {
	list, _ := dst.V.([]any)
	more, _ := src.V.([]any)
	type taken struct {
		seq int64
		v   any
	}
	all := make([]taken, 0, len(list)+len(more))
	for i, v := range list {
		all = append(all, taken{dst.Q[i], v})
	}
	for i, v := range more {
		all = append(all, taken{src.Q[i], v})
	}
	slices.SortStableFunc(all, func(a, b taken) int { return cmp.Compare(a.seq, b.seq) })
	all = all[:min(len(all), c.K)]
	vals, seqs := make([]any, len(all)), make([]int64, len(all))
	for i, t := range all {
		vals[i], seqs[i] = t.v, t.seq
	}
	dst.V, dst.Q = vals, seqs
}

package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
)

// carryStreamCopies adds to rp, the repartition of the result of a chain's
// steps before rp.Step, the copy of its key that each later stream among
// those steps carries where out rekeys it on an expression through its
// own repartition: the stream's PrependAlias step holds the copy last
// among its values (<ALIAS>_KSQL_COL_0), the join keeps it there
// (JoinParamsFactory.createSchema; historical plan
// multi-joins_-_only_viable_in_projection: schema Join.Left holds
// S2_KSQL_COL_0 after S2's values), and StreamSelectKeyBuilder keeps
// every value of the rekeyed result. The copy is computed again from the
// joined row by the step's right key, as the first stream's copy is
// (chainRepartition).
func carryStreamCopies(jp *JoinPlan, rp JoinRepartition, out []JoinRepartition) JoinRepartition {
	for _, s := range out {
		if s.Table || s.Step != 0 || s.Leaf == 0 || s.Leaf > rp.Step || len(s.From) == 0 || s.From[len(s.From)-1] != -1 {
			continue
		}
		k := slices.IndexFunc(jp.Steps, func(st JoinStep) bool { return st.Right == s.Leaf })
		if k < 0 || isColumnRef(jp.Steps[k].rightExpr) {
			continue
		}
		lo, hi := jp.Leaves[s.Leaf].Base, jp.Leaves[s.Leaf+1].Base
		at := len(rp.From)
		for i := len(rp.From) - 1; i >= 0; i-- {
			if rp.From[i] >= lo && rp.From[i] < hi {
				at = i + 1
				break
			}
		}
		if rp.Computed == nil {
			rp.Computed = make([]expr.Compiled, len(rp.Values))
		}
		rp.Values = slices.Insert(slices.Clone(rp.Values), at, s.Values[len(s.Values)-1])
		rp.From = slices.Insert(slices.Clone(rp.From), at, -1)
		rp.Computed = slices.Insert(slices.Clone(rp.Computed), at, jp.Steps[k].RightKey)
	}
	return rp
}

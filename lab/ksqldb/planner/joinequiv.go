package planner

import "github.com/ctalab/ctalab/lab/ksqldb/sql"

// JoinsResultKey reports whether step s (past the first) joins its left
// input, the result of the steps before it, on the key that result is
// keyed by: its left expression is in the result's equivalence set, as
// JoinTree.joinEquivalenceSet computes it (confluentinc/ksql v7.9.0): a
// step's own join expressions, with the set of its left input where that
// holds the step's left expression, and none for a FULL OUTER step.
func (jp *JoinPlan) JoinsResultKey(s int) bool {
	if s <= 0 || s >= len(jp.Steps) {
		return false
	}
	l, ok := jp.equivalent(jp.Steps[s].leftExpr)
	return ok && jp.equivalenceSet(s - 1)[l]
}

// equivalenceSet is the equivalence set of step j's result, by the names
// JoinPlan.equivalent gives expressions.
func (jp *JoinPlan) equivalenceSet(j int) map[string]bool {
	st := jp.Steps[j]
	if st.Type == sql.OuterJoin {
		return map[string]bool{}
	}
	set := map[string]bool{}
	l, lok := jp.equivalent(st.leftExpr)
	r, rok := jp.equivalent(st.rightExpr)
	if lok {
		set[l] = true
	}
	if rok {
		set[r] = true
	}
	if j > 0 && lok {
		if prev := jp.equivalenceSet(j - 1); prev[l] {
			for k := range prev {
				set[k] = true
			}
		}
	}
	return set
}

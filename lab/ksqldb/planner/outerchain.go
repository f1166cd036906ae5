package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// planOuterChainRepartition are the repartitions of a chain from a
// stream-stream join, each later step joining a stream or ([INNER] or
// LEFT) a table, each source of its own topic with one key column and
// joined on it, in one key format that does not infer schemas, where a
// join comes after a FULL OUTER one: the FULL OUTER join's result is
// keyed by its synthetic key, which no join expression equals
// (JoinTree.joinEquivalenceSet is empty for an OUTER join), so the next
// join rekeys it by its left expression (LogicalPlanner.prepareSourceForJoin:
// <prefix>LeftSourceKeyed) and Kafka Streams writes it through
// <prefix>Join-left-repartition (a stream-stream join: StreamJoined's
// name and the left side; -right for a RIGHT join, whose left side is
// Kafka Streams' other one) or <prefix>Join-repartition (a stream-table
// join: Joined's name; historical plan
// multi-joins_-_stream-stream-table_-_full-inner).
// The key is the column, qualified as ALIAS_NAME, in the stream's key
// format; the value the joined sources' PrependAlias columns and the
// synthetic key (JoinParamsFactory.createSchema appends it to the FULL
// OUTER join's values; schema CSAS_OUTPUT_0.Join.Left of the historical
// plan multi-joins_-_stream-stream-stream_-_outer-outer), null in every
// record (KsqlValueJoiner fills the column it appends with null; the
// runtime clears the key slot it is read from at the stage). A step after a
// join that is not FULL OUTER finds the result keyed by its left
// expression already. A RIGHT stream-stream step rekeys it alike: the
// rekeyed result is Kafka Streams' "other" side of the stream it joins
// (StreamStreamJoinBuilder). A FULL OUTER step after another rekeys the
// first one's result alike, and the step after it rekeys its result in
// turn, the first step's synthetic key column among the values
// (outerRepartition). nil for other chains.
func planOuterChainRepartition(jp *JoinPlan) []JoinRepartition {
	first := jp.Leaves[0].Source
	if first.Table || first.Window != nil || len(first.Schema.Keys()) != 1 || formats.RegistryFormat(first.KeyFormat) {
		return nil
	}
	topics := map[string]bool{first.Topic: true}
	var out []JoinRepartition
	var equiv map[string]bool
	for k, st := range jp.Steps {
		right := jp.Leaves[st.Right]
		l, lok := jp.qualified(st.leftExpr)
		r, _ := jp.qualified(st.rightExpr)
		table := right.Source.Table
		if st.Right != k+1 || st.Within == nil && (k == 0 || !table) || st.ForeignKey || right.Source.Window != nil ||
			table && st.Type != sql.InnerJoin && st.Type != sql.LeftJoin ||
			topics[right.Source.Topic] || !lok || !right.keyedBy(st.rightExpr) || !sameKeyFormat(right.Source, first) {
			return nil
		}
		topics[right.Source.Topic] = true
		switch {
		case k == 0:
			if st.Rekeyed || !jp.Leaves[0].keyedBy(st.leftExpr) {
				return nil
			}
		case !equiv[l]:
			if jp.Steps[k-1].Type != sql.OuterJoin || st.Type == sql.RightJoin && table {
				// rekeyed past a join on another column: not built
				return nil
			}
			suffix := "-" + chainPrefix(len(jp.Steps)-1-k) + "Join-left-repartition"
			switch {
			case table:
				suffix = "-" + chainPrefix(len(jp.Steps)-1-k) + "Join-repartition"
			case st.Type == sql.RightJoin:
				// the result is the other side of the stream's leftJoin
				// (StreamStreamJoinBuilder), which KStreamImpl.doJoin
				// names -right
				suffix = "-" + chainPrefix(len(jp.Steps)-1-k) + "Join-right-repartition"
			}
			out = append(out, outerRepartition(jp, k, suffix, first.KeyFormat, nil))
		}
		// JoinTree.joinEquivalenceSet: both sides of the criteria, and the
		// left input's set where they meet it; none for an OUTER join
		next := map[string]bool{}
		if st.Type != sql.OuterJoin {
			next[l], next[r] = true, true
			if equiv[l] || equiv[r] {
				for e := range equiv {
					next[e] = true
				}
			}
		}
		equiv = next
	}
	return out
}

// outerRepartition is the repartition of the result of a chain's steps
// before step k, a FULL OUTER one among them: the joined sources' values
// with each copy of a key on an expression that rekeys marks
// (chainRepartition: the first stream's after its values, the result's
// after the values of the sources joined before its rekey), and the
// synthetic key column the first FULL OUTER step appended after its left
// side's values, copies included, and its right source's (JoinParamsFactory.createSchema;
// a copy made by a rekey of that step's result comes after it, as
// StreamSelectKeyBuilder appends it), which every later step keeps where
// it was, as its left side has a column of that name (createSchema
// appends the key only where neither side has it). Its value is read
// from the joined row's key slot, which the runtime clears at the stage:
// the joiner fills it with null.
func outerRepartition(jp *JoinPlan, k int, suffix, keyFormat string, rekeys []bool) JoinRepartition {
	rp := chainRepartition(jp, k, suffix, keyFormat, rekeys)
	c := slices.IndexFunc(jp.Steps[:k], func(st JoinStep) bool { return st.Type == sql.OuterJoin })
	vals, _ := joinedValues(jp, jp.Steps[c].Right)
	at := len(vals)
	for leaf := 0; leaf <= c && leaf < len(rekeys); leaf++ {
		if rekeys[leaf] && !isColumnRef(jp.Steps[leaf].leftExpr) {
			at++ // the copy chainRepartition put after that leaf's values
		}
	}
	rp.Values = slices.Insert(rp.Values, at, types.Column{Name: outerKeyName(jp), Type: jp.Steps[c].LeftKey.Type})
	rp.From = slices.Insert(rp.From, at, jp.KeySlot)
	if rp.Computed != nil {
		rp.Computed = slices.Insert(rp.Computed, at, expr.Compiled{})
	}
	return rp
}

// outerKeyName is the name of the synthetic key of a chain's FULL OUTER
// joins (ColumnNames.generateSyntheticJoinKey over its sources).
func outerKeyName(jp *JoinPlan) string {
	if jp.synthetic {
		return jp.syntheticName
	}
	return syntheticKeyName(jp.Leaves)
}

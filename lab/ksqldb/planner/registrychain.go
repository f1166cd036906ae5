package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// planRegistryStreamChain are the repartitions of a chain of [INNER] or
// LEFT stream-stream joins, each source a stream of its own topic with one
// key column, the first join on both streams' keys, where the first join's
// key format forces its sides' repartitions (rekeyedSides: a format that
// infers schemas, or sides keyed in other formats): the first join's
// streams go through <prefix>Join-left-repartition and
// Join-right-repartition, keyed by their keys in that format. A later
// join on a column equal to the result's key (in its equivalence set, as
// chainRekeysOf tracks it) finds the result keyed already; a later join on
// another column rekeys the result by it through its
// <prefix>Join-left-repartition (chainRepartition), in the join's key
// format: the result's where the right stream is rekeyed too, else the
// right stream's (JoinNode.resolveKeyFormats). A later join's stream goes
// through its <prefix>Join-right-repartition where it is joined on
// anything but its key, or where the join's key format infers schemas or
// is not that stream's, keyed by the join expression in that format
// (PreJoinRepartitionNode). Historical plans
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (on keys) and
// _-_SR-enabled_key_format_-_rekey (the second join on value columns:
// Join-left-repartition, Join.Left, and Join-right-repartition, Join.Right,
// in JSON_SR). nil for other chains.
func planRegistryStreamChain(jp *JoinPlan) []JoinRepartition {
	first := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	topics := map[string]bool{}
	for k, st := range jp.Steps {
		_, lok := jp.qualified(st.leftExpr)
		_, rok := jp.qualified(st.rightExpr)
		rl := jp.Leaves[st.Right]
		if st.Right != k+1 || st.Within == nil || st.ForeignKey || st.Type != sql.InnerJoin && st.Type != sql.LeftJoin ||
			rl.Source.Table || rl.Source.Window != nil || topics[rl.Source.Topic] || !lok || !rok {
			return nil
		}
		topics[rl.Source.Topic] = true
	}
	if left.Source.Table || left.Source.Window != nil || topics[left.Source.Topic] || first.leftLeaf != 0 ||
		first.Rekeyed || !left.keyedBy(first.leftExpr) || !right.keyedBy(first.rightExpr) {
		return nil
	}
	rekeyLeft, rekeyRight, keyFormat := rekeyedSides(jp, first, left, right)
	if !rekeyLeft || !rekeyRight {
		return nil
	}
	format := joinFormatSource(left, right, first)
	n := len(jp.Steps)
	out := streamRepartitions(first, left, right, true, true, keyFormat, "-"+chainPrefix(n-1))
	l, _ := jp.qualified(first.leftExpr)
	r, _ := jp.qualified(first.rightExpr)
	equiv := map[string]bool{l: true, r: true}
	for k := 1; k < n; k++ {
		st := jp.Steps[k]
		rl := jp.Leaves[st.Right]
		prefix := chainPrefix(n - 1 - k)
		l, _ := jp.qualified(st.leftExpr)
		r, _ := jp.qualified(st.rightExpr)
		rekeyStream := !rl.keyedBy(st.rightExpr)
		if !equiv[l] {
			if !rekeyStream { // the join takes the stream's key format
				keyFormat, format = rl.Source.KeyFormat, rl.Source
			}
			out = append(out, chainRepartition(jp, k, "-"+prefix+"Join-left-repartition", keyFormat, nil))
			equiv = map[string]bool{}
		}
		if rekeyStream || formats.RegistryFormat(keyFormat) || rl.Source.KeyFormat != keyFormat || format != nil && !sameKeyFormat(rl.Source, format) {
			out = append(out, joinRepartition(st.Right, rl, st.rightExpr, st.RightKey, "-"+prefix+"Join-right-repartition", keyFormat, rl.Alias))
		}
		equiv[l], equiv[r] = true, true
	}
	return out
}

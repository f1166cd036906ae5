package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// planRegistryStreamChain are the repartitions of a chain of [INNER] or
// LEFT stream-stream joins, each source a stream of its own topic with one
// key column joined on that key (every later join on a column equal to the
// result's key), where the first join's key format forces its sides'
// repartitions (rekeyedSides: a format that infers schemas, or sides keyed
// in other formats): the first join's streams go through
// <prefix>Join-left-repartition and Join-right-repartition, and each later
// join's stream through its <prefix>Join-right-repartition where the
// chain's key format infers schemas or is not that stream's, keyed by its
// key in that format (PreJoinRepartitionNode for a source; a joined
// result, keyed in the format already, is not rekeyed). Historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format. nil for
// other chains.
func planRegistryStreamChain(jp *JoinPlan) []JoinRepartition {
	first := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	topics := map[string]bool{}
	equiv := map[string]bool{}
	for k, st := range jp.Steps {
		l, lok := jp.qualified(st.leftExpr)
		r, _ := jp.qualified(st.rightExpr)
		rl := jp.Leaves[st.Right]
		if st.Right != k+1 || st.Within == nil || st.ForeignKey || st.Type != sql.InnerJoin && st.Type != sql.LeftJoin ||
			rl.Source.Table || rl.Source.Window != nil || topics[rl.Source.Topic] || !lok || !rl.keyedBy(st.rightExpr) ||
			k > 0 && !equiv[l] {
			return nil
		}
		topics[rl.Source.Topic] = true
		equiv[l], equiv[r] = true, true
	}
	if left.Source.Table || left.Source.Window != nil || topics[left.Source.Topic] || first.leftLeaf != 0 ||
		first.Rekeyed || !left.keyedBy(first.leftExpr) {
		return nil
	}
	rekeyLeft, rekeyRight, keyFormat := rekeyedSides(jp, first, left, right)
	if !rekeyLeft || !rekeyRight {
		return nil
	}
	n := len(jp.Steps)
	out := streamRepartitions(first, left, right, true, true, keyFormat, "-"+chainPrefix(n-1))
	for k, st := range jp.Steps[1:] {
		rl := jp.Leaves[st.Right]
		if formats.RegistryFormat(keyFormat) || rl.Source.KeyFormat != keyFormat || !sameKeyFormat(rl.Source, left.Source) {
			out = append(out, joinRepartition(st.Right, rl, st.rightExpr, st.RightKey, "-"+chainPrefix(n-2-k)+"Join-right-repartition", keyFormat, rl.Alias))
		}
	}
	return out
}

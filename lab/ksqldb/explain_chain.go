package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// shapeChainedJoin is explainShape for a stream joined to several tables,
// each [INNER] or LEFT and on the stream's key. ksqlDB plans the joins as
// a left-deep tree: the last join is "Join", its left input the join
// before it, whose query contexts take the prefix L_ once per level
// (L_Join, PrependAliasL_Right, KafkaTopic_L_Right, and the stream as
// KafkaTopic_L_..._Left). A stream-table join builds its table side before
// its stream side, so the tables are read from the last to the first,
// then the stream. Each join reads its table's store; the tables' alias
// projections connect to nothing.
//
// Sources, in confluentinc/ksql v7.9.0: ksqldb-engine/.../planner/plan/JoinNode.java
// and planner/JoinTree.java (the tree and its contexts),
// ksqldb-streams/.../StreamTableJoinBuilder.java and the historical plan
// multi-joins_-_stream-table-table_-_inner-inner. Chains that rekey the
// stream, join a table on a table's column, or include a stream-stream or
// table-table step are refused.
func shapeChainedJoin(what string, plan *queryPlan, sinkName, sinkTopic string) (*queryShape, error) {
	jp := plan.join
	refuse := func(kind string) error { return unsupported(what + " of " + kind) }
	stream := jp.leaves[0]
	switch {
	case plan.agg != nil || plan.partition != nil:
		return nil, refuse("an aggregation or PARTITION BY of a join")
	case stream.src.Table || stream.src.Window != nil || len(stream.src.Schema.keys()) != 1:
		return nil, refuse("an N-way join that does not start from a stream with one key column")
	}
	for i, st := range jp.steps {
		right := jp.leaves[st.right]
		switch {
		case st.right != i+1 || !right.src.Table || right.src.Window != nil:
			return nil, refuse("an N-way join with a step that does not join a table")
		case st.typ != sql.InnerJoin && st.typ != sql.LeftJoin:
			return nil, refuse("an N-way join with a stream-table " + st.typ.String())
		case st.rekeyed || st.leftLeaf != 0:
			return nil, refuse("an N-way join that is not on the stream's key")
		}
	}

	n := len(jp.steps)
	prefix := func(depth int) string { return strings.Repeat("L_", depth) }
	store := func(depth int) string { return "KafkaTopic_" + prefix(depth) + "Right-Reduce" }

	// the plan: step k (0 first) is at depth n-1-k
	first := n - 1
	streamSrc := &planStep{op: "SOURCE", cols: sourceStepColumns(stream.src), ctx: "KafkaTopic_" + prefix(first) + "Left.Source"}
	joined := &planStep{op: "PROJECT", cols: aliased(stream.alias, streamSrc.cols), ctx: "PrependAlias" + prefix(first) + "Left", sources: []*planStep{streamSrc}}
	for k, st := range jp.steps {
		depth := n - 1 - k
		right := jp.leaves[st.right]
		rightSrc := &planStep{op: "SOURCE", cols: sourceStepColumns(right.src), ctx: "KafkaTopic_" + prefix(depth) + "Right.Source"}
		rightAlias := &planStep{op: "PROJECT", cols: aliased(right.alias, rightSrc.cols), ctx: "PrependAlias" + prefix(depth) + "Right", sources: []*planStep{rightSrc}}
		cols := append(append(keysOf(joined.cols), valuesOf(joined.cols)...), valuesOf(rightAlias.cols)...)
		joined = &planStep{op: "JOIN", cols: cols, ctx: prefix(depth) + "Join", sources: []*planStep{joined, rightAlias}}
	}

	// the topology: the tables from the outermost join in, then the
	// stream, then the joins from the innermost out
	t := &topology{}
	t.sub()
	for depth := 0; depth < n; depth++ {
		t.tableSource(jp.leaves[n-depth].src.Topic, store(depth))
		t.processor("PrependAlias" + prefix(depth) + "Right")
	}
	t.source(t.next("KSTREAM-SOURCE"), stream.src.Topic)
	t.processor("KSTREAM-TRANSFORMVALUES-")
	t.processor("PrependAlias" + prefix(first) + "Left")
	for depth := first; depth >= 0; depth-- {
		t.processor(prefix(depth)+"Join", store(depth))
	}
	return joinTail(t, plan, joined, false, sinkName, sinkTopic), nil
}

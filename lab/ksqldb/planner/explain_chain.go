package planner

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// shapeChainedJoin is explainShape for a stream joined to several tables,
// each [INNER] or LEFT and all on the stream's key or all on one of its
// value columns; chains of tables and chains with stream-stream steps have
// their own (explain_tablechain.go, explain_streamchain.go). ksqlDB plans the joins as
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
// stream on different columns or join a table on a table's column are
// refused. A chain on one
// value column of the stream rekeys the stream once, before the innermost
// join (historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey).
func shapeChainedJoin(what string, plan *Plan, sinkName, sinkTopic string) (*queryShape, error) {
	jp := plan.Join
	refuse := func(kind string) error { return stmterr.Unsupported(what + " of " + kind) }
	if !keyFormatsAgree(jp) {
		// ksqlDB repartitions sides for their key formats
		// (multi-joins_-_stream-table-table_-_table_key_format_mismatch,
		// multi-joins_-_table-table-table_-_SR-enabled_key_format), this
		// server does not
		return nil, refuse("an N-way join of sources keyed in different formats or in a format that infers schemas")
	}
	stream := jp.Leaves[0]
	if stream.Source.Table {
		return shapeTableChain(what, plan, sinkName, sinkTopic)
	}
	switch {
	case plan.Agg != nil || plan.Partition != nil:
		return nil, refuse("an aggregation or PARTITION BY of a join")
	case stream.Source.Table || stream.Source.Window != nil || len(stream.Source.Schema.Keys()) != 1:
		return nil, refuse("an N-way join that does not start from a stream with one key column")
	}
	if jp.Windowed() {
		return shapeStreamChain(what, plan, sinkName, sinkTopic)
	}
	first := jp.Steps[0]
	leftKey, isColumn := first.leftExpr.(*sql.ColumnRef)
	for i, st := range jp.Steps {
		right := jp.Leaves[st.Right]
		switch {
		case st.Right != i+1 || !right.Source.Table || right.Source.Window != nil:
			return nil, refuse("an N-way join with a step that does not join a table")
		case st.Type != sql.InnerJoin && st.Type != sql.LeftJoin:
			return nil, refuse("an N-way join with a stream-table " + st.Type.String())
		case st.leftLeaf != 0 || st.Rekeyed != first.Rekeyed || sql.Format(st.leftExpr) != sql.Format(first.leftExpr):
			return nil, refuse("an N-way join whose joins are not all on one column of the stream")
		case first.Rekeyed && !isColumn:
			return nil, refuse("an N-way join on an expression")
		}
	}

	n := len(jp.Steps)
	prefix := chainPrefix
	store := func(depth int) string { return "KafkaTopic_" + prefix(depth) + "Right-Reduce" }
	inner := prefix(n - 1) // the innermost join's prefix

	// the plan: step k (0 first) is at depth n-1-k
	streamSrc := &planStep{op: "SOURCE", cols: sourceStepColumns(stream.Source), ctx: "KafkaTopic_" + inner + "Left.Source"}
	streamIn := streamSrc
	if first.Rekeyed {
		// StreamSelectKeyBuilder: the join column becomes the key, the
		// value columns stay
		rekeyed := []types.Column{{Name: leftKey.Name, Type: first.LeftKey.Type, Key: true}}
		rekeyed = append(rekeyed, valuesOf(streamSrc.cols)...)
		streamIn = &planStep{op: "REKEY", cols: rekeyed, ctx: inner + "LeftSourceKeyed", sources: []*planStep{streamSrc}}
	}
	joined := &planStep{op: "PROJECT", cols: aliased(stream.Alias, streamIn.cols), ctx: "PrependAlias" + inner + "Left", sources: []*planStep{streamIn}}
	joined = chainJoinSteps(jp, joined)

	// the topology: the tables from the outermost join in, then the
	// stream, then the joins from the innermost out
	t := &topology{}
	t.sub()
	for depth := 0; depth < n; depth++ {
		t.tableSource(jp.Leaves[n-depth].Source.Topic, store(depth))
		t.processor("PrependAlias" + prefix(depth) + "Right")
	}
	innermost := n - 1
	switch {
	case first.Rekeyed:
		// the stream is rekeyed in its own sub-topology and reaches the
		// innermost join through <prefix>Join-repartition, whose filter,
		// sink and source take their indexes after the join's
		repartition := inner + "Join-repartition"
		t.sub()
		t.source(t.next("KSTREAM-SOURCE"), stream.Source.Topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor(inner + "LeftSourceKeyed-SelectKey")
		t.processor("PrependAlias" + inner + "Left")
		t.internal(repartition + "-filter")
		t.sink(repartition+"-sink", repartition)
		t.use(0)
		t.source(repartition+"-source", repartition)
		t.processor(inner+"Join", store(innermost))
		t.index += 3
		innermost--
	default:
		t.source(t.next("KSTREAM-SOURCE"), stream.Source.Topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor("PrependAlias" + inner + "Left")
	}
	for depth := innermost; depth >= 0; depth-- {
		t.processor(prefix(depth)+"Join", store(depth))
	}
	return joinTail(t, plan, joined, false, sinkName, sinkTopic), nil
}

// chainPrefix is the context prefix of a join at depth in ksqlDB's
// left-deep join tree: "L_" per level below the outermost join.
func chainPrefix(depth int) string { return strings.Repeat("L_", depth) }

// aliasedSourceStep is a leaf's SOURCE step and the PrependAlias projection
// over it, for the join context ctx (e.g. "L_Right").
func aliasedSourceStep(l JoinLeaf, ctx string) *planStep {
	src := &planStep{op: "SOURCE", cols: sourceStepColumns(l.Source), ctx: "KafkaTopic_" + ctx + ".Source"}
	return &planStep{op: "PROJECT", cols: aliased(l.Alias, src.cols), ctx: "PrependAlias" + ctx, sources: []*planStep{src}}
}

// chainJoinSteps puts jp's JOIN steps over joined, the innermost join's left
// input: step k (0 first) is at depth n-1-k and joins the results so far
// with its right leaf. A FULL OUTER last step's key is neither side's: it
// is appended to the values too (JoinParamsFactory.createSchema).
func chainJoinSteps(jp *JoinPlan, joined *planStep) *planStep {
	n := len(jp.Steps)
	for k, st := range jp.Steps {
		depth := n - 1 - k
		right := aliasedSourceStep(jp.Leaves[st.Right], chainPrefix(depth)+"Right")
		keys := keysOf(joined.cols)
		synthetic := jp.synthetic && k == n-1
		if synthetic {
			keys = []types.Column{{Name: jp.syntheticName, Type: keys[0].Type, Key: true}}
		}
		cols := append(append(keys, valuesOf(joined.cols)...), valuesOf(right.cols)...)
		if synthetic {
			cols = append(cols, types.Column{Name: jp.syntheticName, Type: keys[0].Type})
		}
		joined = &planStep{op: "JOIN", cols: cols, ctx: chainPrefix(depth) + "Join", sources: []*planStep{joined, right}}
	}
	return joined
}

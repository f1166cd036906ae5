package planner

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// shapeChainedJoin is explainShape for a stream joined to several tables,
// each [INNER] or LEFT, on columns (chains of tables and chains with
// stream-stream steps have their own: explain_tablechain.go,
// explain_streamchain.go). ksqlDB plans the joins as a left-deep tree: the
// last join is "Join", its left input the join before it, whose query
// contexts take the prefix L_ once per level (L_Join, PrependAliasL_Right,
// KafkaTopic_L_Right, and the stream as KafkaTopic_L_..._Left). A
// stream-table join builds its table side before its stream side, so the
// tables are read from the last to the first, then the stream. Each join
// reads its table's store; the tables' alias projections connect to
// nothing. The stream is rekeyed before the innermost join where it is
// joined on a value column (historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey), and the result
// of the joins before an outer join is rekeyed where that join reads a
// column the result is not keyed by (chainRekeysOf): a REKEY step
// (<prefix>LeftSourceKeyed), written to <prefix>Join-repartition and read
// back in the outer join's sub-topology (historical plans
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_on_different_expression,
// multi-joins_-_stream-table-table_-_qualified_select__).
//
// Sources, in confluentinc/ksql v7.9.0: ksqldb-engine/.../planner/plan/JoinNode.java,
// planner/JoinTree.java (the tree, its contexts and equivalence sets) and
// planner/LogicalPlanner.java (prepareSourceForJoin),
// ksqldb-streams/.../StreamTableJoinBuilder.java and the historical plan
// multi-joins_-_stream-table-table_-_inner-inner. A chain that rekeys on an
// expression names its key as a single join on one does (rekeyStep:
// historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression).
func shapeChainedJoin(what string, plan *Plan, sinkName, sinkTopic string) (*queryShape, error) {
	jp := plan.Join
	refuse := func(kind string) error { return stmterr.Unsupported(what + " of " + kind) }
	stream := jp.Leaves[0]
	if stream.Source.Table {
		return shapeTableChain(what, plan, sinkName, sinkTopic)
	}
	if !keyFormatsAgree(jp) && jp.Windowed() && planRegistryStreamChain(jp) == nil && planStreamChainRepartition(jp) == nil {
		// ksqlDB repartitions sides for their key formats
		// (multi-joins_-_stream-stream-table_-_SR-enabled_key_format),
		// this server does not
		return nil, refuse("an N-way join of sources keyed in different formats or in a format that infers schemas")
	}
	switch {
	case plan.Agg != nil || plan.Partition != nil:
		return nil, refuse("an aggregation or PARTITION BY of a join")
	case stream.Source.Table || stream.Source.Window != nil || len(stream.Source.Schema.Keys()) != 1 && !(jp.Windowed() && chainStreamKeyed(plan)):
		return nil, refuse("an N-way join that does not start from a stream with one key column")
	}
	if jp.Windowed() {
		return shapeStreamChain(what, plan, sinkName, sinkTopic)
	}
	first := jp.Steps[0]
	for i, st := range jp.Steps {
		right := jp.Leaves[st.Right]
		switch {
		case st.Right != i+1 || !right.Source.Table || right.Source.Window != nil:
			return nil, refuse("an N-way join with a step that does not join a table")
		case st.Type != sql.InnerJoin && st.Type != sql.LeftJoin:
			return nil, refuse("an N-way join with a stream-table " + st.Type.String())
		}
	}
	cr, ok := chainRekeysOf(jp)
	if !ok {
		return nil, refuse("an N-way join that joins a table on the stream's topic")
	}
	rekeys := cr.rekeys
	if slices.Contains(cr.tables, true) && slices.Contains(rekeys, true) {
		return nil, refuse("an N-way join that rekeys both the stream and tables keyed in other formats")
	}

	n := len(jp.Steps)
	prefix := chainPrefix
	inner := prefix(n - 1) // the innermost join's prefix

	// the plan: step k (0 first) is at depth n-1-k
	streamSrc := &planStep{op: "SOURCE", cols: sourceStepColumns(stream.Source), ctx: "KafkaTopic_" + inner + "Left.Source"}
	streamIn := streamSrc
	if rekeys[0] {
		// StreamSelectKeyBuilder: the join column becomes the key, the
		// value columns stay (an expression's key is copied last)
		streamIn = rekeyStep(streamSrc, first.leftExpr, first.LeftKey.Type, inner+"LeftSourceKeyed")
	}
	joined := &planStep{op: "PROJECT", cols: aliased(stream.Alias, streamIn.cols), ctx: "PrependAlias" + inner + "Left", sources: []*planStep{streamIn}}
	joined = chainJoinStepsRekeyed(jp, joined, rekeys, cr.tables)

	// the topology: the tables from the outermost join in, each group of
	// joins between two repartitions in a sub-topology of its own (a
	// table in its join's), then the stream, then the joins from the
	// innermost out, each rekeyed result written to the next join's
	// repartition in its group's sub-topology and read back in the
	// next group's; a repartition's filter, sink and source take their
	// indexes after the join that reads it
	t := &topology{}
	t.sub()
	subOf := make([]int, n)     // step k's sub-topology
	stores := make([]string, n) // the store of the table the join at depth reads
	for depth := 0; depth < n; depth++ {
		k := n - 1 - depth
		if depth > 0 && rekeys[k+1] {
			t.sub()
		}
		stores[depth] = tableJoinInput(t, jp.Leaves[n-depth].Source.Topic, prefix(depth)+"Right", cr.tables[k+1])
		subOf[k] = t.cur
		t.processor("PrependAlias" + prefix(depth) + "Right")
	}
	store := func(depth int) string { return stores[depth] }
	if rekeys[0] {
		// the stream is rekeyed in its own sub-topology and reaches the
		// innermost join through <prefix>Join-repartition
		repartition := inner + "Join-repartition"
		t.sub()
		t.source(t.next("KSTREAM-SOURCE"), stream.Source.Topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor(inner + "LeftSourceKeyed-SelectKey")
		t.processor("PrependAlias" + inner + "Left")
		t.internal(repartition + "-filter")
		t.sink(repartition+"-sink", repartition)
		t.use(subOf[0])
		t.source(repartition+"-source", repartition)
		t.processor(inner+"Join", store(n-1))
		t.index += 3
	} else {
		t.use(subOf[0])
		t.source(t.next("KSTREAM-SOURCE"), stream.Source.Topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor("PrependAlias" + inner + "Left")
		t.processor(inner+"Join", store(n-1))
	}
	for k := 1; k < n; k++ {
		depth := n - 1 - k
		if !rekeys[k] {
			t.processor(prefix(depth)+"Join", store(depth))
			continue
		}
		// StreamSelectKeyBuilder over the result so far
		repartition := prefix(depth) + "Join-repartition"
		t.processor(prefix(depth) + "LeftSourceKeyed-SelectKey")
		t.internal(repartition + "-filter")
		t.sink(repartition+"-sink", repartition)
		t.use(subOf[k])
		t.source(repartition+"-source", repartition)
		t.processor(prefix(depth)+"Join", store(depth))
		t.index += 3
	}
	return joinTail(t, plan, joined, false, sinkName, sinkTopic), nil
}

// chainJoinStepsRekeyed is chainJoinSteps with the left input of each
// step k > 0 that rekeys[k] rekeyed first (and the tables of tables
// rekeyed by their keys): a REKEY step
// (<prefix>LeftSourceKeyed, StreamSelectKeyBuilder) keyed by the step's
// left column, named as the joined row names it (ALIAS_NAME), the values
// unchanged.
func chainJoinStepsRekeyed(jp *JoinPlan, joined *planStep, rekeys, tables []bool) *planStep {
	n := len(jp.Steps)
	for k, st := range jp.Steps {
		depth := n - 1 - k
		if k > 0 && rekeys[k] {
			ctx := chainPrefix(depth) + "LeftSourceKeyed"
			col, ok := jp.qualified(st.leftExpr)
			if !ok { // an expression's key, named and copied as StreamSelectKeyBuilder does
				joined = rekeyStep(joined, st.leftExpr, st.LeftKey.Type, ctx)
			} else {
				key := types.Column{Name: strings.ReplaceAll(col, ".", "_"), Type: st.LeftKey.Type, Key: true}
				joined = &planStep{op: "REKEY", cols: append([]types.Column{key}, valuesOf(joined.cols)...), ctx: ctx, sources: []*planStep{joined}}
			}
		}
		joined = chainJoinStep(jp, k, joined, tables[st.Right])
	}
	return joined
}

// chainPrefix is the context prefix of a join at depth in ksqlDB's
// left-deep join tree: "L_" per level below the outermost join.
func chainPrefix(depth int) string { return strings.Repeat("L_", depth) }

// aliasedSourceStep is a leaf's SOURCE step and the PrependAlias projection
// over it, for the join context ctx (e.g. "L_Right").
func aliasedSourceStep(l JoinLeaf, ctx string) *planStep {
	return aliasedTableStep(l, ctx, nil, types.Type{})
}

// aliasedTableStep is aliasedSourceStep for a table that ksqlDB rekeys by
// key, its key column (an expression over it; nil: not rekeyed) of type
// kt, before the projection: a REKEY step (<ctx>SourceKeyed).
func aliasedTableStep(l JoinLeaf, ctx string, key sql.Expr, kt types.Type) *planStep {
	in := &planStep{op: "SOURCE", cols: sourceStepColumns(l.Source), ctx: "KafkaTopic_" + ctx + ".Source"}
	if key != nil {
		in = rekeyStep(in, key, kt, ctx+"SourceKeyed")
	}
	return &planStep{op: "PROJECT", cols: aliased(l.Alias, in.cols), ctx: "PrependAlias" + ctx, sources: []*planStep{in}}
}

// chainJoinSteps puts jp's JOIN steps over joined, the innermost join's left
// input (chainJoinStep), the tables of rekeyed (by leaf; nil: none)
// rekeyed by their keys.
func chainJoinSteps(jp *JoinPlan, joined *planStep, rekeyed []bool) *planStep {
	for k := range jp.Steps {
		joined = chainJoinStep(jp, k, joined, rekeyed != nil && rekeyed[jp.Steps[k].Right])
	}
	return joined
}

// chainJoinStep is the JOIN step of jp's step k over joined, its left
// input: step k (0 first) is at depth n-1-k and joins the results so far
// with its right leaf. A FULL OUTER last step's key is neither side's: it
// is appended to the values too (JoinParamsFactory.createSchema).
func chainJoinStep(jp *JoinPlan, k int, joined *planStep, rekeyRight bool) *planStep {
	n := len(jp.Steps)
	depth := n - 1 - k
	st := jp.Steps[k]
	var key sql.Expr
	if rekeyRight {
		key = st.rightExpr
	}
	right := aliasedTableStep(jp.Leaves[st.Right], chainPrefix(depth)+"Right", key, st.RightKey.Type)
	keys := keysOf(joined.cols)
	// a FULL OUTER stream join before the last is keyed by the synthetic
	// key too (historical plan multi-joins_-_stream-stream-stream_-_outer-outer)
	synthetic := jp.synthetic && k == n-1 || st.Type == sql.OuterJoin && k < n-1 && !jp.Leaves[0].Source.Table
	if synthetic {
		keys = []types.Column{{Name: outerKeyName(jp), Type: keys[0].Type, Key: true}}
	}
	cols := append(append(keys, valuesOf(joined.cols)...), valuesOf(right.cols)...)
	// JoinParamsFactory.createSchema appends the key only where neither
	// side's values have it: a FULL OUTER join after another has its
	// synthetic key in the left side's values already (historical plan
	// multi-joins_-_stream-stream-stream_-_outer-outer)
	inValues := slices.ContainsFunc(valuesOf(cols), func(c types.Column) bool { return c.Name == keys[0].Name })
	if synthetic && !inValues {
		cols = append(cols, types.Column{Name: keys[0].Name, Type: keys[0].Type})
	}
	return &planStep{op: "JOIN", cols: cols, ctx: chainPrefix(depth) + "Join", sources: []*planStep{joined, right}}
}

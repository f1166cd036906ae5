package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// shapeJoin is explainShape for a join of two sources: a stream joined to a
// table (INNER or LEFT; on the table's key, or, the stream rekeyed, on one
// of its value columns or an expression, that join also aggregated; keyed
// in formats that infer schemas, the stream and the table rekeyed, where
// this server repartitions the sides ksqlDB does), two
// streams joined WITHIN a window (INNER, LEFT, RIGHT, FULL OUTER; on both
// keys or, repartitioning the sides not joined on their key, on value
// columns or expressions; with or without PARTITION BY), two tables joined
// on their primary keys (INNER, LEFT, RIGHT, FULL OUTER) or on a foreign
// key (INNER, LEFT), and a stream-stream or table-table join (not FULL
// OUTER) that aggregates. Other joins are refused.
//
// Sources, in confluentinc/ksql v7.9.0: ksqldb-engine/.../planner/plan/JoinNode.java
// and PreJoinProjectNode (PrependAliasLeft / PrependAliasRight, ALIAS_NAME
// columns), LogicalPlanner.buildJoinKey (the join's key column),
// ksqldb-streams/.../JoinParamsFactory.createSchema (the JOIN
// schema: the key, the left values, the right values) and the historical
// plans joins_-_stream_table_inner_join_-_JSON, joins_-_stream_table_left_join_-_JSON,
// joins_-_on_non-STRING_value_column, joins_-_stream_stream_inner_join_-_JSON,
// joins_-_table_table_inner_join_-_JSON, joins_-_table_table_left_join_-_JSON,
// joins_-_table_table_right_join_-_JSON,
// fk-join_-_Should_support_inner_join_with_left_value-column_expression,
// fk-join_-_Should_support_left_join_with_left_value-column_expression,
// joins_-_table_table_outer_join_-_JSON, joins_-_table_table_join_with_where_clause,
// sum_-_sum_int_left_join_of_table,
// joins_-_stream-table_key-to-key_-_SR-enabled_key_format; for joins on expressions
// joins_-_stream_stream_join_-_contains_arithmetic_unary_expression,
// joins_-_stream_stream_join_-_contains_function,
// joins_-_inner_join_-_with_right_join_column_in_projection,
// joins_-_left_join_-_with_synthetic_join_column_in_projection and
// timestamp-to-string_-_millis_to_string_in_join; for PARTITION BY
// partition-by_-_partition_by_{non-Key,Key,key}_in_join_on_*; for
// aggregations of a stream-table join group-by_-_windowed_join and
// timestamp-to-string_-_millis_to_string_in_join. No historical plan
// aggregates a stream-stream join: its aggregation follows Join-merge as a
// stream-table join's follows Join, and none a foreign-key join: its
// aggregation follows KTABLE-FK-JOIN-OUTPUT as a primary-key join's follows
// its merge (explain_streamjoinaggregate_test.go and
// explain_fkjoinaggregate_test.go say how those texts were derived).
// A persistent query runs the repartition topics of this topology (see
// joinrepartition.go); chains of joins rekey in memory (see doc.go), while
// EXPLAIN prints ksqlDB's topology.
func shapeJoin(what string, q *sql.Query, plan *Plan, sinkName, sinkTopic string) (*queryShape, error) {
	jp := plan.Join
	refuse := func(kind string) error { return stmterr.Unsupported(what + " of " + kind) }
	if len(jp.Steps) > 1 {
		return shapeChainedJoin(what, plan, sinkName, sinkTopic)
	}
	st := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	switch {
	case plan.Partition != nil && right.Source.Table:
		return nil, refuse("a PARTITION BY of a stream-table join")
	case plan.Agg != nil && (!left.Source.Table && right.Source.Table && !st.Rekeyed || jp.synthetic || plan.Where != nil):
		return nil, refuse("an aggregation of a join other than a stream-table join that rekeys the stream, a stream-stream join or a table-table join, neither FULL OUTER nor with WHERE")
	}
	t, join, err := joinTopology(what, q, plan)
	if err != nil {
		return nil, err
	}
	if plan.Agg != nil {
		return aggregateJoin(what, q, plan, t, join, left, sinkName, sinkTopic)
	}
	sh := joinTail(t, plan, join, left.Source.Table, sinkName, sinkTopic)
	if w := left.Source.Window; w != nil { // a join of windowed streams is windowed as they are
		kind := w.Type
		sh.WindowType = &kind
	}
	return sh, nil
}

// joinTopology is the topology of plan's join of two sources as far as
// the join, and its Join step: what ksqlDB builds before anything that
// follows the join, which takes the indexes after the join's (so the
// join's nodes and stores are named alike whatever follows it).
func joinTopology(what string, q *sql.Query, plan *Plan) (*topology, *planStep, error) {
	jp := plan.Join
	refuse := func(kind string) error { return stmterr.Unsupported(what + " of " + kind) }
	st := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	switch {
	case left.Source.Table && !right.Source.Table:
		return nil, nil, refuse("a table-stream join")
	case (left.Source.Window != nil || right.Source.Window != nil) && (left.Source.Table || right.Source.Table):
		return nil, nil, refuse("a join of a windowed table")
	case st.leftLeaf != 0:
		return nil, nil, refuse("a join whose condition reads the right source first")
	case !left.Source.Table && right.Source.Table && st.Type != sql.InnerJoin && st.Type != sql.LeftJoin:
		return nil, nil, refuse("a stream-table " + st.Type.String())
	case !right.Source.Table && !explainedStreamStream[st.Type]:
		return nil, nil, refuse("a stream-stream " + st.Type.String())
	}
	// a stream joined on anything but its key is repartitioned
	rekeyLeft, rekeyRight, _ := rekeyedSides(plan.Join, st, left, right)
	if st.ForeignKey {
		// no co-partitioning: only a right table ksqlDB rekeys for its
		// key format (LogicalPlanner.shouldRepartitionFKJoin)
		rekeyLeft, rekeyRight = false, jp.FKRekeysRight()
	}
	if !rekeyLeft && len(left.Source.Schema.Keys()) != 1 {
		return nil, nil, refuse("a join of a source without a single key column")
	}
	if right.Source.Table && !left.Source.Table {
		// the sides this server repartitions must be ksqlDB's
		runLeft, runRight := plannedRepartitions(plan)
		switch {
		case rekeyLeft != runLeft || rekeyRight != runRight:
			if left.Source.Topic == right.Source.Topic {
				return nil, nil, refuse("a stream-table join of a stream and a table read from one topic")
			}
			return nil, nil, refuse("a stream-table join whose key formats make ksqlDB repartition a side this server does not")
		case rekeyRight && plan.Agg != nil:
			return nil, nil, refuse("an aggregation of a stream-table join that repartitions its table")
		}
	}
	if left.Source.Table && right.Source.Table {
		runLeft, runRight := plannedRepartitions(plan)
		switch {
		case !st.ForeignKey && (rekeyLeft != runLeft || rekeyRight != runRight):
			// the tables ksqlDB repartitions for their key formats
			// (joins_-_table-table_-_SR-enabled_key_format,
			// joins_-_table-table_key-to-key_-_key_format_mismatch) are
			// the ones this server does, but for a self-join
			return nil, nil, refuse("a table-table join of tables read from one topic whose key formats make ksqlDB repartition a table")
		case (rekeyLeft || rekeyRight) && plan.Agg != nil:
			return nil, nil, refuse("an aggregation of a table-table join that repartitions a table")
		}
	}

	leftSrc := &planStep{op: "SOURCE", cols: sourceStepColumns(left.Source), ctx: "KafkaTopic_Left.Source"}
	leftIn := leftSrc
	if rekeyLeft {
		leftIn = rekeyStep(leftSrc, st.leftExpr, st.LeftKey.Type, "LeftSourceKeyed")
	}
	leftAlias := &planStep{op: "PROJECT", cols: aliased(left.Alias, leftIn.cols), ctx: "PrependAliasLeft", sources: []*planStep{leftIn}}
	rightSrc := &planStep{op: "SOURCE", cols: sourceStepColumns(right.Source), ctx: "KafkaTopic_Right.Source"}
	rightIn := rightSrc
	if rekeyRight {
		rightIn = rekeyStep(rightSrc, st.rightExpr, st.RightKey.Type, "RightSourceKeyed")
	}
	rightAlias := &planStep{op: "PROJECT", cols: aliased(right.Alias, rightIn.cols), ctx: "PrependAliasRight", sources: []*planStep{rightIn}}
	joined := joinSchema(jp, q, leftAlias.cols, rightAlias.cols)
	join := &planStep{op: "JOIN", cols: joined, ctx: "Join", sources: []*planStep{leftAlias, rightAlias}}

	t := &topology{}
	t.sub()
	if st.ForeignKey {
		foreignKeyJoinTopology(t, left.Source.Topic, right.Source.Topic, "KafkaTopic_Left-Reduce", "KafkaTopic_Right-Reduce", rekeyRight)
	} else if left.Source.Table {
		// KTableImpl.doJoin: the merge is named first, then each side's
		// join reads the other side's store
		leftStore, rightStore := tableTableSources(t, left.Source.Topic, right.Source.Topic, rekeyLeft, rekeyRight)
		merge := t.next("KTABLE-MERGE")
		this, other := t.next("KTABLE-JOINTHIS"), t.next("KTABLE-JOINOTHER")
		thisSide, otherSide, thisStore, otherStore := "PrependAliasLeft", "PrependAliasRight", leftStore, rightStore
		if st.Type == sql.RightJoin {
			// TableTableJoinBuilder: a RIGHT join is the right table's
			// LEFT join of the left one
			thisSide, otherSide, thisStore, otherStore = otherSide, thisSide, otherStore, thisStore
		}
		t.join(this, []string{thisSide}, otherStore)
		t.join(other, []string{otherSide}, thisStore)
		t.join(merge, []string{this, other})
	} else if right.Source.Table {
		streamTableTopology(t, left.Source.Topic, right.Source.Topic, rekeyLeft, rekeyRight)
	} else {
		streamStreamTopology(t, st, left.Source.Topic, right.Source.Topic, rekeyLeft, rekeyRight, "", -1)
	}
	return t, join, nil
}

// streamTableTopology adds a stream-table join as StreamTableJoinBuilder
// builds it: the table side first, then the stream side, then the Join
// processor, which reads the table's store. A stream rekeyed (joined on a
// value, or keyed in a format that infers schemas) is read in a
// sub-topology of its own and reaches the join through Join-repartition,
// whose filter, sink and source take their indexes after the join's. A
// table rekeyed by its own key (keyed in a format that infers schemas) is
// not materialized where it is read: ksqlDB's TableSelectKeyBuilder turns
// it into a stream (KTABLE-TOSTREAM), maps it to the join's key format
// (RightSourceKeyed-SelectKey-Mapper) and, through
// RightSourceKeyed-SelectKey-repartition, makes a table of it again
// (RightSourceKeyed-SelectKey) in the store RightSourceKeyed-Materialize,
// which the join reads; the join takes that sub-topology (historical plans
// joins_-_stream_table_inner_join_-_JSON, joins_-_on_non-STRING_value_column
// and joins_-_stream-table_key-to-key_-_SR-enabled_key_format; a table
// rekeyed for a stream that is not as in
// joins_-_stream-table_key-to-key_-_key_format_mismatch, a shape this
// server runs only for a table keyed in a format that infers schemas).
// Sub-topologies are numbered by the first node added to them.
func streamTableTopology(t *topology, streamTopic, tableTopic string, rekeyStream, rekeyTable bool) {
	store := "KafkaTopic_Right-Reduce"
	if rekeyTable {
		store = rekeyedRightTable(t, tableTopic)
	} else {
		t.tableSource(tableTopic, store)
	}
	t.processor("PrependAliasRight")
	joinSub := t.cur
	if !rekeyStream {
		t.source(t.next("KSTREAM-SOURCE"), streamTopic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor("PrependAliasLeft")
		t.processor("Join", store)
		return
	}
	const repartition = "Join-repartition"
	t.sub()
	t.source(t.next("KSTREAM-SOURCE"), streamTopic)
	t.processor("KSTREAM-TRANSFORMVALUES-")
	t.processor("LeftSourceKeyed-SelectKey")
	t.processor("PrependAliasLeft")
	t.internal(repartition + "-filter")
	t.sink(repartition+"-sink", repartition)
	t.use(joinSub)
	t.source(repartition+"-source", repartition)
	t.processor("Join", store)
	t.index += 3 // the repartition's filter, sink and source
}

// tableTableSources adds the two tables of a primary-key table-table join,
// each as far as its PrependAlias step, and returns the stores the join
// reads. A table read where it is joined is materialized in
// KafkaTopic_<Side>-Reduce; a table ksqlDB rekeys into the join's key
// format (TableSelectKeyBuilder) is read in a sub-topology of its own,
// turned into a stream (KTABLE-TOSTREAM), mapped to the join's key format
// (<Side>SourceKeyed-SelectKey-Mapper) and written to
// <Side>SourceKeyed-SelectKey-repartition, and the join's sub-topology
// makes a table of it again (<Side>SourceKeyed-SelectKey) in the store
// <Side>SourceKeyed-Materialize. The join's sub-topology is the left
// table's or, where that is rekeyed, the one its repartition source
// starts (historical plans joins_-_table_table_inner_join_-_JSON,
// joins_-_table-table_key-to-key_-_key_format_mismatch: the right table
// rekeyed, and joins_-_table-table_-_SR-enabled_key_format: both).
func tableTableSources(t *topology, leftTopic, rightTopic string, rekeyLeft, rekeyRight bool) (leftStore, rightStore string) {
	leftStore = tableJoinInput(t, leftTopic, "Left", rekeyLeft)
	t.processor("PrependAliasLeft")
	rightStore = tableJoinInput(t, rightTopic, "Right", rekeyRight)
	t.processor("PrependAliasRight")
	return leftStore, rightStore
}

// tableJoinInput adds a table a join reads, in the join context ctx
// (Left, L_Right, ...), as far as its store, which it returns: a table
// read where it is joined is materialized in KafkaTopic_<ctx>-Reduce; a
// table ksqlDB rekeys by its key into the join's key format
// (TableSelectKeyBuilder) is turned into a stream (KTABLE-TOSTREAM),
// mapped (<ctx>SourceKeyed-SelectKey-Mapper) and written to
// <ctx>SourceKeyed-SelectKey-repartition in a sub-topology of its own, and
// the join's sub-topology makes a table of it again
// (<ctx>SourceKeyed-SelectKey) in the store <ctx>SourceKeyed-Materialize.
// The first table of an empty sub-topology is read there and the join's
// sub-topology is the next; any other table is read in a new
// sub-topology and the join's stays the current one. A repartition's
// filter, sink and source take their indexes after its mapper.
func tableJoinInput(t *topology, topic, ctx string, rekey bool) (store string) {
	if !rekey {
		store = "KafkaTopic_" + ctx + "-Reduce"
		t.tableSource(topic, store)
		return store
	}
	join := -1
	if len(t.subs[t.cur]) > 0 {
		join = t.cur
		t.sub()
	}
	repartition := ctx + "SourceKeyed-SelectKey-repartition"
	t.tableSource(topic, "")
	t.processor("KTABLE-TOSTREAM-")
	t.processor(ctx + "SourceKeyed-SelectKey-Mapper")
	t.internal(repartition + "-filter")
	t.sink(repartition+"-sink", repartition)
	if join < 0 {
		t.sub()
	} else {
		t.use(join)
	}
	t.source(repartition+"-source", repartition)
	t.index += 3 // the repartition's filter, sink and source
	store = ctx + "SourceKeyed-Materialize"
	t.processor(ctx+"SourceKeyed-SelectKey", store)
	return store
}

// keyFormatsAgree reports a join in which ksqlDB repartitions no side for
// its key format (rekeyedSides, at every step of a chain): the sources
// not repartitioned anyway (joined on anything but their keys) are keyed
// alike, in a format that does not infer schemas; with every source
// repartitioned, the first keyed in a format other than NONE (the join's,
// JoinNode.getDefaultSourceKeyFormat) does not infer schemas.
func keyFormatsAgree(jp *JoinPlan) bool {
	rekeyed := make([]bool, len(jp.Leaves))
	for k, st := range jp.Steps {
		if k == 0 {
			l := jp.Leaves[0]
			rekeyed[0] = !l.Source.Table && (st.Rekeyed || !jp.Leaves[st.Right].Source.Table && !l.keyedBy(st.leftExpr))
		}
		r := jp.Leaves[st.Right]
		rekeyed[st.Right] = !r.Source.Table && !r.keyedBy(st.rightExpr)
	}
	var format *metastore.Source
	for i, l := range jp.Leaves {
		switch {
		case rekeyed[i]:
		case format == nil:
			format = l.Source
		case !sameKeyFormat(l.Source, format):
			return false
		}
	}
	for _, l := range jp.Leaves {
		if format == nil && l.Source.KeyFormat != formats.None {
			format = l.Source
		}
	}
	return format == nil || !formats.RegistryFormat(format.KeyFormat)
}

// plannedRepartitions reports which sides of a join of two sources the
// query repartitions through a topic (Plan.JoinRepartitions).
func plannedRepartitions(plan *Plan) (left, right bool) {
	for _, r := range plan.JoinRepartitions {
		left, right = left || r.Leaf == 0, right || r.Leaf == 1
	}
	return left, right
}

// explainedStreamStream are the stream-stream join types EXPLAIN builds.
var explainedStreamStream = map[sql.JoinType]bool{sql.InnerJoin: true, sql.LeftJoin: true, sql.RightJoin: true, sql.OuterJoin: true}

// rekeyStep is the plan step that rekeys a stream on the join expression
// e, of type t (PartitionByParamsFactory.buildSchema): a column keeps its
// name; anything else is named as ColumnNames.columnAliasGenerator names
// it over the source's schema (a struct field by the field, else the first
// KSQL_COL_n not taken) and copied into the values.
func rekeyStep(src *planStep, e sql.Expr, t types.Type, ctx string) *planStep {
	key, ref := "", false
	switch x := e.(type) {
	case *sql.ColumnRef:
		key, ref = x.Name, true
	case *sql.Deref:
		key = x.Field
	}
	taken := map[string]bool{}
	for _, c := range src.cols {
		taken[c.Name] = true
	}
	if !ref && (key == "" || taken[key]) {
		key = "KSQL_COL_0"
		for n := 1; taken[key]; n++ {
			key = fmt.Sprintf("KSQL_COL_%d", n)
		}
	}
	cols := []types.Column{{Name: key, Type: t, Key: true}}
	for _, c := range src.cols {
		if !c.Key {
			cols = append(cols, c)
		}
	}
	if !ref {
		cols = append(cols, types.Column{Name: key, Type: t})
	}
	return &planStep{op: "REKEY", cols: cols, ctx: ctx, sources: []*planStep{src}}
}

// joinSchema is the schema of a join step (JoinParamsFactory.createSchema):
// the join's key, of the left side's key type, the left side's values, the
// right side's. A key neither side has (the synthetic key of a join on
// expressions only or of a FULL OUTER join) is appended to the values too.
func joinSchema(jp *JoinPlan, q *sql.Query, leftCols, rightCols []types.Column) []types.Column {
	key := keysOf(leftCols)[0]
	key.Name = joinKeyName(jp, q)
	joined := append([]types.Column{key}, valuesOf(leftCols)...)
	joined = append(joined, valuesOf(rightCols)...)
	if jp.synthetic {
		joined = append(joined, types.Column{Name: key.Name, Type: key.Type})
	}
	return joined
}

// joinKeyName names a join's key column as LogicalPlanner.buildJoinKey
// does: the synthetic key, else the first viable key column (the left
// side's join column first) that the projection names, else the first
// viable one, as ALIAS_NAME (ColumnNames.generatedJoinColumnAlias).
func joinKeyName(jp *JoinPlan, q *sql.Query) string {
	if jp.synthetic {
		return jp.syntheticName
	}
	projected := func(v string) bool { // Projection.containsExpression
		for _, it := range q.Items {
			switch {
			case it.Star && (it.Qualifier == "" || strings.HasPrefix(v, it.Qualifier+".")):
				return true
			case !it.Star && !it.StructAll:
				if name, ok := jp.qualified(it.Expr); ok && name == v {
					return true
				}
			}
		}
		return false
	}
	key := jp.viable[0]
	for _, v := range jp.viable {
		if projected(v) {
			key = v
			break
		}
	}
	return strings.Replace(key, ".", "_", 1)
}

// streamStreamTopology adds a stream-stream join as ksqlDB's
// StreamStreamJoinBuilder and Kafka Streams' KStreamImplJoin build it: each
// side read and aliased, and a side joined on anything but its key rekeyed
// (<Side>SourceKeyed) through Join-left-repartition (Kafka Streams' "this"
// side) or Join-right-repartition, in a sub-topology of its own; then the two
// windowed processors, each keeping its side in a window store, each side's
// join reading the other's store, and the merge. Sub-topologies are
// numbered by the first node added to them: with both sides repartitioned
// the join gets a third; with one, it joins the sub-topology of the side
// read as it is. A RIGHT join is the right stream's LEFT join of the left
// one, so the right side is "this". An outer side's partner store is an
// OUTER store and its join is named outer; with a GRACE PERIOD the outer
// joins share the KSTREAM-OUTERSHARED store of unmatched records
// (historical plans joins_-_stream_stream_{inner,left,right,outer}_join_-_JSON,
// the _-_rekey variants, the ..._with_out_of_order_and_custom_grace_period
// ones, joins_-_stream_stream_join_-_contains_arithmetic_unary_expression and
// joins_-_inner_join_-_with_right_join_column_in_projection). Its names take
// the join's context prefix (L_ once per level of an N-way join).
//
// home is the sub-topology the join joins, in an N-way join whose outer
// steps were built first (its tables): each rekeyed side then gets a
// sub-topology of its own and the join and any side read as it is go to
// home (multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left_and_right);
// home < 0 is a join built first, as above.
func streamStreamTopology(t *topology, st JoinStep, leftTopic, rightTopic string, rekeyLeft, rekeyRight bool, prefix string, home int) {
	thisSide := "Left"
	if st.Type == sql.RightJoin {
		thisSide = "Right"
	}
	in := map[string]string{} // Kafka Streams side (this, other) -> the node feeding it
	var repartitions []string
	joinSub := 0
	for i, side := range []struct {
		name, topic string
		rekeyed     bool
	}{{"Left", leftTopic, rekeyLeft}, {"Right", rightTopic, rekeyRight}} {
		kside := "other"
		if side.name == thisSide {
			kside = "this"
		}
		switch {
		case home >= 0 && side.rekeyed:
			t.sub()
		case home >= 0:
			t.use(home)
		case i > 0 && (rekeyLeft || rekeyRight):
			t.sub()
		}
		if !side.rekeyed {
			joinSub = t.cur
		}
		t.source(t.next("KSTREAM-SOURCE"), side.topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		if side.rekeyed {
			t.processor(prefix + side.name + "SourceKeyed-SelectKey")
		}
		t.processor("PrependAlias" + prefix + side.name)
		in[kside] = "PrependAlias" + prefix + side.name
		if side.rekeyed {
			// the repartitions are named by Kafka Streams' sides: "this"
			// is the left one
			repartition := prefix + "Join-left-repartition"
			if kside == "other" {
				repartition = prefix + "Join-right-repartition"
			}
			t.internal(repartition + "-filter")
			t.sink(repartition+"-sink", repartition)
			in[kside] = repartition + "-source"
			repartitions = append(repartitions, repartition)
		}
	}
	switch {
	case home >= 0:
		t.use(home)
	case len(repartitions) == 2:
		t.sub()
	case len(repartitions) == 1:
		t.use(joinSub)
	}
	slices.Sort(repartitions) // the left repartition's source first
	for _, r := range repartitions {
		t.source(r+"-source", r)
	}
	t.index += 3 * len(repartitions) // each repartition's filter, sink and source
	windowJoinTopology(t, st, in["this"], in["other"], prefix)
}

// windowJoinTopology adds the processors of a stream-stream join reading
// the nodes this and other (Kafka Streams' sides: the right stream is
// "this" in a RIGHT join) and returns the merge's name.
func windowJoinTopology(t *topology, st JoinStep, this, other, prefix string) string {
	leftOuter, rightOuter := st.Type != sql.InnerJoin, st.Type == sql.OuterJoin
	base := t.index
	thisStore, otherStore := "KSTREAM-JOINTHIS", "KSTREAM-JOINOTHER"
	thisJoin, otherJoin := prefix+"Join-this-join", prefix+"Join-other-join"
	if rightOuter {
		thisStore, thisJoin = "KSTREAM-OUTERTHIS", prefix+"Join-outer-this-join"
	}
	if leftOuter {
		otherStore, otherJoin = "KSTREAM-OUTEROTHER", prefix+"Join-outer-other-join"
	}
	thisStore = fmt.Sprintf("%s-%010d-store", thisStore, base+2)
	otherStore = fmt.Sprintf("%s-%010d-store", otherStore, base+3)
	thisStores, otherStores := []string{otherStore}, []string{thisStore}
	if leftOuter && st.Within.Grace != nil {
		shared := fmt.Sprintf("KSTREAM-OUTERSHARED-%010d-store", base+2)
		thisStores = javaHashSetOrder(otherStore, shared)
		otherStores = javaHashSetOrder(thisStore, shared)
	}
	t.join(prefix+"Join-this-windowed", []string{this}, thisStore)
	t.join(prefix+"Join-other-windowed", []string{other}, otherStore)
	t.join(thisJoin, []string{prefix + "Join-this-windowed"}, thisStores...)
	t.join(otherJoin, []string{prefix + "Join-other-windowed"}, otherStores...)
	t.join(prefix+"Join-merge", []string{thisJoin, otherJoin})
	t.index = base + 5
	return prefix + "Join-merge"
}

// aggregateJoin adds the aggregation of a join to its plan and topology:
// the aggregation reads the join's aliased columns (ALIAS_NAME), and
// COUNT(*) the left source's ROWTIME. A table-table join has no store of
// its own, so its Prepare step is materialized (historical plans
// sum_-_sum_int_left_join_of_table, group-by_-_windowed_join and
// timestamp-to-string_-_millis_to_string_in_join).
func aggregateJoin(what string, q *sql.Query, plan *Plan, t *topology, join *planStep, left JoinLeaf, sinkName, sinkTopic string) (*queryShape, error) {
	input := joinAggInput(q, plan)
	input.keys = keysOf(join.cols)
	aggSteps, err := shapeAggregate(what, q, plan, t, input)
	if err != nil {
		return nil, err
	}
	t.processor("KTABLE-TOSTREAM-")
	t.sink(t.next("KSTREAM-SINK"), sinkTopic)
	steps := append([]*planStep{join}, aggSteps...)
	steps = append(steps, &planStep{op: "SINK", cols: plan.Out.Cols, ctx: sinkName})
	sh := &queryShape{Plan: chainPlan(steps...), Topo: t}
	if w := plan.Agg.Window; w != nil {
		kind := w.Kind
		sh.WindowType = &kind
	}
	return sh, nil
}

// joinAggInput is the input of an aggregation of plan's join: the joined
// row, its columns named ALIAS_NAME (PrependAlias), keyed by the join's
// key column (joinKeyName), and COUNT(*) reading the left source's
// ROWTIME.
func joinAggInput(q *sql.Query, plan *Plan) aggInput {
	in, jp := plan.In, plan.Join
	left := jp.Leaves[0]
	key := in.Cols[jp.KeySlot]
	byName := map[string]int{}
	for idx, o := range in.Origin {
		if name := o.Qual + "_" + o.Name; o.Qual != "" {
			if _, dup := byName[name]; !dup {
				byName[name] = idx
			}
		}
	}
	return aggInput{keys: []types.Column{{Name: joinKeyName(jp, q), Type: key.Type, Key: true}},
		table: left.Source.Table, rowtime: left.Alias,
		resolve: func(ref *sql.ColumnRef) (string, bool) {
			idx, ok := in.Lookup(ref)
			if !ok || in.Origin[idx].Qual == "" || (ref.Qualifier == "" && expr.IsPseudo(ref.Name)) {
				return "", false
			}
			return in.Origin[idx].Qual + "_" + in.Origin[idx].Name, true
		},
		index: func(name string) (int, bool) {
			idx, ok := byName[name]
			return idx, ok
		}}
}

// joinTail adds what follows a join to its plan and topology: the WHERE,
// the PARTITION BY, the projection and the sink. The WHERE reads the
// join's schema, so it may compare columns of both sides; a stream result
// filters in WhereFilter (historical plans joins_-_with_where and
// joins_-_matching_columns_in_both_sides_=_select_left.__and_right.__with_WHERE),
// a table result in three processors (joins_-_table_table_join_with_where_clause),
// and a table result materializes its projection.
func joinTail(t *topology, plan *Plan, join *planStep, table bool, sinkName, sinkTopic string) *queryShape {
	steps := []*planStep{join}
	if plan.Where != nil {
		steps = append(steps, &planStep{op: "FILTER", cols: join.cols, ctx: "WhereFilter"})
		if table {
			t.processor("WhereFilter-ApplyPredicate")
			t.processor("WhereFilter-Filter")
			t.processor("WhereFilter-PostProcess")
		} else {
			t.processor("WhereFilter")
		}
	}
	if pp := plan.Partition; pp != nil && !pp.keeps(join.cols) {
		// UserRepartitionNode: the joined rows rekeyed, before the
		// projection, with no repartition topic
		steps = append(steps, &planStep{op: "REKEY", cols: pp.rekeyedColumns(join.cols), ctx: "PartitionBy"})
		t.processor("PartitionBy-SelectKey")
	}
	steps = append(steps, &planStep{op: "PROJECT", cols: plan.Out.Cols, ctx: "Project"}, &planStep{op: "SINK", cols: plan.Out.Cols, ctx: sinkName})
	if table {
		// TableSelectBuilder materializes a projection whose input (the
		// join) has no store of its own, in Project-Last
		t.processor("KTABLE-TRANSFORMVALUES-", "Project-Last")
		t.processor("KTABLE-TOSTREAM-")
	} else {
		t.processor("Project")
	}
	t.sink(t.next("KSTREAM-SINK"), sinkTopic)
	return &queryShape{Plan: chainPlan(steps...), Topo: t}
}

// sourceStepColumns is the schema of a source step: the source's columns,
// the pseudo columns, a copy of each key column, then the window bounds of
// a windowed source (LogicalSchema.withPseudoAndKeyColsInValue).
func sourceStepColumns(src *metastore.Source) []types.Column {
	cols := append(append([]types.Column(nil), src.Schema.Cols...), expr.PseudoColumns...)
	for _, k := range src.Schema.Keys() {
		cols = append(cols, types.Column{Name: k.Name, Type: k.Type})
	}
	if src.Window != nil {
		cols = append(cols, windowColumns...)
	}
	return cols
}

// aliased names every column ALIAS_NAME, as PreJoinProjectNode does.
func aliased(alias string, cols []types.Column) []types.Column {
	out := make([]types.Column, len(cols))
	for i, c := range cols {
		out[i] = types.Column{Name: alias + "_" + c.Name, Type: c.Type, Key: c.Key}
	}
	return out
}

// rekeyedRightTable adds a right table that ksqlDB rekeys by its own key
// (TableSelectKeyBuilder): read without a store of its own, turned into a
// stream (KTABLE-TOSTREAM), mapped to its new key
// (RightSourceKeyed-SelectKey-Mapper) and, through
// RightSourceKeyed-SelectKey-repartition, a table again
// (RightSourceKeyed-SelectKey) in a sub-topology of its own, left current,
// in the store it returns, RightSourceKeyed-Materialize.
func rekeyedRightTable(t *topology, tableTopic string) string {
	const repartition = "RightSourceKeyed-SelectKey-repartition"
	t.tableSource(tableTopic, "")
	t.processor("KTABLE-TOSTREAM-")
	t.processor("RightSourceKeyed-SelectKey-Mapper")
	t.internal(repartition + "-filter")
	t.sink(repartition+"-sink", repartition)
	t.sub()
	t.source(repartition+"-source", repartition)
	t.index += 3 // the repartition's filter, sink and source
	t.processor("RightSourceKeyed-SelectKey", TableRepartitionStore)
	return TableRepartitionStore
}

// valuesOf returns the value columns of cols.
func valuesOf(cols []types.Column) []types.Column {
	var out []types.Column
	for _, c := range cols {
		if !c.Key {
			out = append(out, c)
		}
	}
	return out
}

// foreignKeyJoinTopology adds the processors of a foreign-key table-table
// join as Kafka Streams' KTableImpl.doJoinOnForeignKey builds them: the
// left table registers its foreign keys through a subscription topic read
// by the right table's sub-topology, which answers through a response
// topic that the left sub-topology resolves against its own store. The
// names and indexes are those of the fk-join historical plans; a right
// table rekeyed (rekeyRight) is read as rekeyedRightTable adds it, the
// subscriptions read in its repartition's sub-topology
// (fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry). It returns
// the names of the join's internal topics and stores (ForeignKeyStore,
// ForeignKeySubscription).
func foreignKeyJoinTopology(t *topology, leftTopic, rightTopic, leftStore, rightStore string, rekeyRight bool) fkJoinNames {
	t.tableSource(leftTopic, leftStore)
	t.processor("PrependAliasLeft")
	t.sub()
	rightSub := 1
	if rekeyRight {
		// the right table rekeyed (FKRekeysRight): the subscriptions are
		// read where its repartition is, and look its store up
		rightStore = rekeyedRightTable(t, rightTopic)
		rightSub = t.cur
	} else {
		t.tableSource(rightTopic, rightStore)
	}
	t.processor("PrependAliasRight")

	const fk = "KTABLE-FK-JOIN-SUBSCRIPTION-"
	registration := fmt.Sprintf(fk+"REGISTRATION-%010d-topic", t.index)
	t.index++
	t.use(0)
	register := t.next(fk + "REGISTRATION")
	t.join(register, []string{"PrependAliasLeft"})
	t.sink(t.next("KTABLE-SINK"), registration)

	t.use(rightSub)
	subscriptions := t.next("KTABLE-SOURCE")
	t.source(subscriptions, registration)
	state := t.next(fk + "STATE-STORE")
	receive := t.next(fk + "PROCESSOR")
	t.join(receive, []string{subscriptions}, state)
	lookup := t.next(fk + "PROCESSOR")
	t.join(lookup, []string{receive}, rightStore)
	changed := t.next(fk + "PROCESSOR")
	t.join(changed, []string{"PrependAliasRight"}, state)
	response := fmt.Sprintf(fk+"RESPONSE-%010d-topic", t.index)
	t.index++
	t.sinkFrom(t.next("KTABLE-SINK"), response, lookup, changed)

	t.use(0)
	responses := t.next("KTABLE-SOURCE")
	t.source(responses, response)
	resolve := t.next(fk + "RESPONSE-RESOLVER-PROCESSOR")
	t.join(resolve, []string{responses}, leftStore)
	t.join(t.next("KTABLE-FK-JOIN-OUTPUT"), []string{resolve})
	return fkJoinNames{
		registration: registration,
		response:     response,
		state:        state,
		output:       t.next("KTABLE-FK-JOIN-OUTPUT-STATE-STORE"), // named, not added
	}
}

// fkJoinNames are the internal topics and stores of a foreign-key join:
// its subscription registration and response topics, its subscription
// store, and the store its result is materialized in when a join after
// it looks the result up.
type fkJoinNames struct {
	registration, response, state, output string
}

// keeps reports a PARTITION BY of the single key column of cols, which
// ksqlDB plans as no step at all (SchemaKStream.selectKey,
// Repartitioning.repartitionNeeded).
func (pp *partitionPlan) keeps(cols []types.Column) bool {
	keys := keysOf(cols)
	if pp.Null || len(keys) != 1 || len(pp.exprs) != 1 {
		return false
	}
	_, ref := pp.exprs[0].(*sql.ColumnRef)
	return ref && pp.names[0] == keys[0].Name
}

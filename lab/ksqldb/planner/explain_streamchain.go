package planner

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// shapeStreamChain is explainShape for an N-way join from a stream with
// stream-stream steps: each step joins a stream WITHIN a window ([INNER],
// LEFT, RIGHT, the last also FULL OUTER) or a table ([INNER], LEFT), all on
// keys, so nothing is repartitioned, but for the result of a FULL OUTER
// stream-stream join that a stream-stream join after it rekeys
// (planOuterChainRepartition): <prefix>LeftSourceKeyed-SelectKey writes it
// to <prefix>Join-left-repartition, and the join reads it back in a
// sub-topology of its own, built after its right stream (historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer); a stream-table join
// writes it to <prefix>Join-repartition from a sub-topology of the joins
// before it and reads it back in its table's (historical plan
// multi-joins_-_stream-stream-table_-_full-inner). Streams keyed in a
// format that forces their repartition (planRegistryStreamChain) are
// rekeyed each in a sub-topology of its own, a later join's right stream
// through its Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format); where such
// a chain's later stream-stream join rekeys both the result so far and
// its stream, the join's sub-topology comes before the stream's, as the
// topology optimizer ksqlDB turns on (KsqlConfig: topology.optimization
// all) builds each repartition with the key change before it
// (InternalStreamsBuilder.mergeRepartitionTopics; historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey). A
// table keyed otherwise than the chain through its
// RightSourceKeyed-SelectKey-repartition, read back where its join is
// (tableJoinInput; historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format), and a
// stream-table join on a column the result is not keyed by rekeys it
// through its Join-repartition as after a FULL OUTER join (historical
// plan multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats). ksqlDB plans a left-deep tree whose
// query contexts take the prefix L_ once per level, and Kafka Streams
// builds it depth first: a stream-table join builds its table, then its
// left side, then the join (<prefix>Join, reading the table's store); a
// stream-stream join builds its left side, then its right stream, then the
// windowed join (<prefix>Join-this-windowed ... <prefix>Join-merge).
// Sources, in confluentinc/ksql v7.9.0: JoinNode, StreamTableJoinBuilder,
// StreamStreamJoinBuilder and the historical plans
// multi-joins_-_stream-stream-table_-_inner-inner and _-_left-inner,
// multi-joins_-_stream-table-stream_-_inner-inner,
// multi-joins_-_stream-stream-stream_-_left-left and _-_inner-inner_-_different_windows.
func shapeStreamChain(what string, plan *Plan, sinkName, sinkTopic string) (*queryShape, error) {
	if plan.Agg != nil || plan.Partition != nil {
		return nil, stmterr.Unsupported(what + " of an aggregation or PARTITION BY of a join")
	}
	t, joined, err := streamChainTopology(what, plan)
	if err != nil {
		return nil, err
	}
	return joinTail(t, plan, joined, false, sinkName, sinkTopic), nil
}

// streamChainTopology is the topology of such an N-way join as far as its
// last join, and the joined step: what ksqlDB builds before anything that
// follows the joins.
func streamChainTopology(what string, plan *Plan) (*topology, *planStep, error) {
	jp := plan.Join
	refuse := func(kind string) error { return stmterr.Unsupported(what + " of " + kind) }
	stream := jp.Leaves[0]
	if stream.Source.Window != nil || !chainStreamKeyed(plan) {
		return nil, nil, refuse("an N-way join that does not start from a stream with one key column")
	}
	n := len(jp.Steps)
	// a stream-stream join on value columns as the innermost step, the
	// stream-table steps after it on the column it rekeys by: its streams
	// are repartitioned, and nothing after (planStreamChainRepartition)
	// streams rekeyed for the chain's key format: the first join's, a
	// later join's right stream through its own Join-right-repartition
	// (planRegistryStreamChain)
	var rekeyLeft, rekeyRight bool
	rekeyedRight := map[int]string{}
	// tables rekeyed into the chain's key format (planStreamChainRepartition)
	tables := make([]bool, len(jp.Leaves))
	for _, r := range plan.JoinRepartitions {
		if r.Table {
			tables[r.Leaf] = true
		}
		if r.Step > 0 || r.Table {
			continue
		}
		rekeyLeft, rekeyRight = rekeyLeft || r.Leaf == 0, rekeyRight || r.Leaf == 1
		if r.Leaf > 1 {
			rekeyedRight[r.Leaf] = strings.TrimPrefix(r.Suffix, "-")
		}
	}
	rekeyed := rekeyLeft || rekeyRight
	// a join after a FULL OUTER one rekeys the result so far through a
	// stage of its own (planOuterChainRepartition)
	stages := make([]bool, n)
	for _, r := range plan.JoinRepartitions {
		if r.Step > 0 {
			stages[r.Step] = true
		}
	}
	for i, st := range jp.Steps {
		right := jp.Leaves[st.Right]
		switch {
		case st.Right != i+1 || right.Source.Window != nil || len(right.Source.Schema.Keys()) != 1:
			return nil, nil, refuse("an N-way join of a windowed source or a source without one key column")
		case st.Type == sql.OuterJoin && i < n-1 && !stages[i+1]:
			return nil, nil, refuse("an N-way join with a FULL OUTER JOIN before its last step")
		case right.Source.Table && st.Type != sql.InnerJoin && st.Type != sql.LeftJoin:
			return nil, nil, refuse("an N-way join with a stream-table " + st.Type.String())
		// a chain that repartitions anything was planned whole, each step's
		// sides as ksqlDB rekeys them (planChainRepartition)
		case len(plan.JoinRepartitions) == 0 && (st.Rekeyed || !jp.Leaves[st.leftLeaf].keyedBy(st.leftExpr) || !right.keyedBy(st.rightExpr)):
			return nil, nil, refuse("an N-way join with a step that is not on keys")
		}
	}

	prefix := chainPrefix

	// the plan: step k (0 first) is at depth n-1-k
	joined := aliasedSourceStep(stream, prefix(n-1)+"Left")
	// a first stream-table join on a column rekeys the stream
	// (planRegistryStreamChain): <L_...>LeftSourceKeyed before its alias
	tableRekey := jp.Leaves[1].Source.Table && rekeyLeft
	// and so does a first stream-stream join of a stream with no key
	// column, which it rekeys by its join column (chainStreamKeyed)
	keyless := len(stream.Source.Schema.Keys()) == 0
	if first := jp.Steps[0]; tableRekey || keyless {
		joined = aliasedTableStep(stream, prefix(n-1)+"Left", first.leftExpr, first.LeftKey.Type)
	}
	joined = chainJoinStepsRekeyed(jp, joined, stages, tables)

	// the topology, depth first from the outermost join
	t := &topology{}
	t.sub()
	streamSource := func(topic, alias string) string {
		t.source(t.next("KSTREAM-SOURCE"), topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor(alias)
		return alias
	}
	// rekeyedStream adds a stream rekeyed by its side's SelectKey and
	// written to repartition
	rekeyedStream := func(topic, side, repartition string) {
		t.source(t.next("KSTREAM-SOURCE"), topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
		t.processor(side + "SourceKeyed-SelectKey")
		t.processor("PrependAlias" + side)
		t.internal(repartition + "-filter")
		t.sink(repartition+"-sink", repartition)
	}
	var build func(k int) string
	build = func(k int) string {
		if k < 0 {
			return streamSource(stream.Source.Topic, "PrependAlias"+prefix(n-1)+"Left")
		}
		depth := n - 1 - k
		st := jp.Steps[k]
		right := jp.Leaves[st.Right]
		side := prefix(depth) + "Right"
		if right.Source.Table {
			store := tableJoinInput(t, right.Source.Topic, side, tables[st.Right])
			t.processor("PrependAlias" + side)
			if k == 0 && tableRekey {
				// the stream is rekeyed in a sub-topology of its own and
				// read back in the table's (historical plan
				// multi-joins_-_stream-table-table_-_inner-inner_-_rekey)
				tableSub := t.cur
				repartition := prefix(depth) + "Join-repartition"
				t.sub()
				rekeyedStream(stream.Source.Topic, prefix(depth)+"Left", repartition)
				t.use(tableSub)
				t.source(repartition+"-source", repartition)
				t.index += 3
				t.join(prefix(depth)+"Join", []string{repartition + "-source"}, store)
				t.index++ // the named join takes an index
				return prefix(depth) + "Join"
			}
			if stages[k] {
				// the joins before it go in a sub-topology of their own,
				// their result rekeyed and written to the repartition,
				// read back in the table's
				tableSub := t.cur
				repartition := prefix(depth) + "Join-repartition"
				t.sub()
				build(k - 1)
				t.processor(prefix(depth) + "LeftSourceKeyed-SelectKey")
				t.internal(repartition + "-filter")
				t.sink(repartition+"-sink", repartition)
				t.use(tableSub)
				t.source(repartition+"-source", repartition)
				t.index += 3
				t.join(prefix(depth)+"Join", []string{repartition + "-source"}, store)
				t.index++ // the named join takes an index
				return prefix(depth) + "Join"
			}
			readBack, built, firstNew := t.cur, len(t.subs[t.cur]), len(t.subs)
			left := build(k - 1)
			if tables[st.Right] && t.cur != readBack {
				// the joins before it rekeyed the result into a
				// sub-topology of their own: Kafka Streams groups the join
				// with the rekeyed table it reads through the table's
				// store, so that sub-topology's nodes join the table's
				// read-back, numbered where its source was added, and what
				// the joins before put beside the read-back comes after
				// (InternalTopologyBuilder.makeNodeGroups)
				before := slices.Clone(t.subs[readBack][built:])
				t.subs[readBack] = append(t.subs[readBack][:built], t.subs[t.cur]...)
				t.subs[t.cur] = before
				t.use(readBack)
				// ... but before the sub-topologies those joins made whose
				// first source was added after its own (a first
				// stream-table join's table before its rekeyed stream:
				// historical plan
				// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression)
				moveBySource(t, firstNew, len(t.subs)-1)
			}
			t.join(prefix(depth)+"Join", []string{left}, store)
			t.index++ // the named join takes an index
			return prefix(depth) + "Join"
		}
		if k == 0 && rekeyed {
			home := t.cur
			if len(t.subs[home]) == 0 { // nothing built yet: the sides make their own
				home = -1
			}
			streamStreamTopology(t, st, stream.Source.Topic, right.Source.Topic, rekeyLeft, rekeyRight, prefix(depth), home)
			return prefix(depth) + "Join-merge"
		}
		left := build(k - 1)
		if stages[k] {
			// the result so far is rekeyed and written to the
			// repartition; the join reads it back in a sub-topology of
			// its own, after its right stream, the repartition's
			// filter, sink and source taking their indexes there
			// named by the result's side of the Kafka Streams join: -left,
			// or -right for a RIGHT step of a chain keyed in a format that
			// infers schemas (planRegistryStreamChain)
			repartition := prefix(depth) + "Join-left-repartition"
			if i := slices.IndexFunc(plan.JoinRepartitions, func(r JoinRepartition) bool { return r.Step == k }); i >= 0 {
				repartition = strings.TrimPrefix(plan.JoinRepartitions[i].Suffix, "-")
			}
			t.processor(prefix(depth) + "LeftSourceKeyed-SelectKey")
			t.internal(repartition + "-filter")
			t.sink(repartition+"-sink", repartition)
			t.sub()
			if other, ok := rekeyedRight[st.Right]; ok {
				// the right stream is rekeyed too: Kafka Streams' optimizer
				// gives each repartition the build priority of the key
				// change before it, so the join's sub-topology, which the
				// left repartition's source starts, comes before the
				// right stream's
				joinSub := t.cur
				t.sub()
				rekeyedStream(right.Source.Topic, prefix(depth)+"Right", other)
				t.use(joinSub)
				t.source(repartition+"-source", repartition)
				t.source(other+"-source", other)
				t.index += 6
				this, that := repartition+"-source", other+"-source"
				if st.Type == sql.RightJoin { // the rekeyed right stream's LEFT join of the rekeyed result
					this, that = that, this
				}
				return windowJoinTopology(t, st, this, that, prefix(depth))
			}
			other := streamSource(right.Source.Topic, "PrependAlias"+side)
			t.source(repartition+"-source", repartition)
			t.index += 3
			this := repartition + "-source"
			if st.Type == sql.RightJoin { // the right stream's LEFT join of the rekeyed result
				this, other = other, this
			}
			return windowJoinTopology(t, st, this, other, prefix(depth))
		}
		if repartition, ok := rekeyedRight[st.Right]; ok {
			// the right stream is rekeyed in a sub-topology of its own
			// and read back in the join's
			home := t.cur
			t.sub()
			rekeyedStream(right.Source.Topic, side, repartition)
			t.use(home)
			t.source(repartition+"-source", repartition)
			t.index += 3
			this, other := left, repartition+"-source"
			if st.Type == sql.RightJoin { // the rekeyed right stream's LEFT join of the left side
				this, other = other, this
			}
			return windowJoinTopology(t, st, this, other, prefix(depth))
		}
		other := streamSource(right.Source.Topic, "PrependAlias"+side)
		this := left
		if st.Type == sql.RightJoin { // the right stream's LEFT join of the left side
			this, other = other, left
		}
		return windowJoinTopology(t, st, this, other, prefix(depth))
	}
	t.last = build(n - 1)
	return t, joined, nil
}

// moveBySource moves sub-topology from to the first position at or after
// at whose sub-topology starts with a source added after its own, as
// InternalTopologyBuilder.makeNodeGroups numbers the groups in the order
// their first node was added; only sub-topologies starting with a
// numbered source are compared.
func moveBySource(t *topology, at, from int) {
	number := func(sub []*topoNode) (string, bool) {
		if len(sub) == 0 || sub[0].kind != "Source" || !strings.HasPrefix(sub[0].name, "KSTREAM-SOURCE-") {
			return "", false
		}
		return sub[0].name, true
	}
	moved, ok := number(t.subs[from])
	if !ok {
		return
	}
	for i := at; i < from; i++ {
		if n, ok := number(t.subs[i]); ok && n > moved {
			sub := t.subs[from]
			copy(t.subs[i+1:from+1], t.subs[i:from])
			t.subs[i] = sub
			if t.cur >= i && t.cur < from {
				t.cur++
			}
			return
		}
	}
}

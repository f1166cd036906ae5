package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// JoinStoreLayout is how ksqlDB's stream-stream join step serializes the
// records of its window stores (StreamStreamJoinBuilder: StreamJoined.with
// the key serde of the join's internal key format and each side's value
// serde of its PrependAlias step's schema in its value format; Kafka
// Streams' "this" side is the right stream in a RIGHT join).
type JoinStoreLayout struct {
	// Key is the key column of the "this" side's schema, in KeyFormat;
	// KeySource, where not nil, gives its delimiter and PROTOBUF nullable
	// representation (a side that is not repartitioned keeps its source's
	// key serialization)
	Key       types.Column
	KeyFormat string
	KeySource *metastore.Source
	// Sides are by the step's sides: 0 its left input, 1 the stream it joins
	Sides [2]JoinStoreSide
}

// JoinStoreSide is one side's stored value: the PrependAlias step's value
// columns in the side's source's value format.
type JoinStoreSide struct {
	Source *metastore.Source // the side's stream (its value format)
	Values []types.Column
	// From is, per value, its index in the side's row as the join keeps
	// it (the left side's in the joined row, the right side's in the
	// leaf's own row), -1 for the copy of a join key that is an expression
	From []int
	// Computed is, per value (nil, or an Eval of nil: none), the
	// expression a value whose From is -1 is computed by over the side's
	// row where it is not the copy of the join key: a rekeyed result's
	// copy of an earlier step's key on an expression (JoinRepartition's)
	Computed []expr.Compiled
}

// append adds a leaf's values to the side, each read from the leaf's
// row at from, which starts at base in the joined row (an expression key's
// copy, -1, stays -1).
func (side *JoinStoreSide) append(vals []types.Column, from []int, base int) {
	for _, f := range from {
		if f >= 0 {
			f += base
		}
		side.From = append(side.From, f)
	}
	side.Values = append(side.Values, vals...)
}

// WindowJoinStoreLayouts are the store layouts of each stream-stream step
// of q's join (planned as plan) by step index, ok only where every such
// step's sides are repartitioned as ksqlDB repartitions them or need no
// repartition: the first step's, or a later step's of a chain that rekeys
// nothing, whose left side is the joined row so far (the Join step's
// schema: each source's PrependAlias values in the order joined, keyed by
// the join's key column, in the first source's value format, as
// JoiningNode.getValueFormatForSource takes it; historical plan
// multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows,
// schema Join.Left).
func WindowJoinStoreLayouts(q *sql.Query, plan *Plan) (map[int]*JoinStoreLayout, bool) {
	jp := plan.Join
	if jp == nil || !plan.Persistent {
		return nil, false
	}
	out := map[int]*JoinStoreLayout{}
	for s, st := range jp.Steps {
		if st.Within == nil {
			continue
		}
		if s > 0 {
			lay, ok := laterStepLayout(q, plan, s)
			if !ok {
				return nil, false
			}
			out[s] = lay
			continue
		}
		if st.LeftLeaf() != 0 {
			return nil, false
		}
		left, right := jp.Leaves[0], jp.Leaves[st.Right]
		mustLeft, mustRight := requiresRekey(st, left, right)
		var lay JoinStoreLayout
		for side, l := range [2]JoinLeaf{left, right} {
			leaf := []int{0, st.Right}[side]
			must := []bool{mustLeft, mustRight}[side]
			i := slices.IndexFunc(plan.JoinRepartitions, func(r JoinRepartition) bool { return r.Step == 0 && r.Leaf == leaf && !r.Table })
			ss := JoinStoreSide{Source: l.Source}
			var key types.Column
			var keyFormat string
			var keySrc *metastore.Source
			switch {
			case i >= 0:
				rp := plan.JoinRepartitions[i]
				ss.Values, ss.From = rp.Values, rp.From
				key, keyFormat = rp.Key, rp.KeyFormat
			case must:
				return nil, false // rekeyed in memory: not ksqlDB's layout
			default:
				ss.Values, ss.From = aliasedLeafValues(l)
				keys := l.Source.Schema.Keys()
				if len(keys) != 1 {
					return nil, false
				}
				key, keyFormat, keySrc = types.Column{Name: l.Alias + "_" + keys[0].Name, Type: keys[0].Type, Key: true}, l.Source.KeyFormat, l.Source
			}
			if side == 0 {
				for j, f := range ss.From {
					if f >= 0 {
						ss.From[j] = f + l.Base
					}
				}
			}
			lay.Sides[side] = ss
			if side == ThisSide(st.Type) {
				lay.Key, lay.KeyFormat, lay.KeySource = key, keyFormat, keySrc
			}
		}
		out[s] = &lay
	}
	return out, len(out) > 0
}

// ThisSide is the side of a stream-stream step that is Kafka Streams'
// "this" side: the right stream of a RIGHT join (which ksqlDB runs as the
// right stream's LEFT join of the left one), else the left input.
func ThisSide(t sql.JoinType) int {
	if t == sql.RightJoin {
		return 1
	}
	return 0
}

// aliasedLeafValues are the value columns of a leaf's PrependAlias step
// that is not rekeyed (its source's values, pseudo columns, key copies and
// window bounds, each named ALIAS_NAME) and their indexes in its row.
func aliasedLeafValues(l JoinLeaf) ([]types.Column, []int) {
	schema := l.Source.Schema.Cols
	var cols []types.Column
	var from []int
	for j, c := range schema {
		if !c.Key {
			cols, from = append(cols, c), append(from, j)
		}
	}
	for j, c := range expr.PseudoColumns {
		cols, from = append(cols, c), append(from, len(schema)+j)
	}
	for j, c := range schema {
		if c.Key {
			cols, from = append(cols, types.Column{Name: c.Name, Type: c.Type}), append(from, j)
		}
	}
	if l.Source.Window != nil {
		for j, c := range windowColumns {
			cols, from = append(cols, c), append(from, len(schema)+len(expr.PseudoColumns)+j)
		}
	}
	return aliased(l.Alias, cols), from
}

// laterStepLayout is the store layout of stream-stream step s (past the
// first) of a chain that rekeys nothing and has no synthetic key, or of a
// step whose left input the chain rekeys (rekeyedStepLayout).
func laterStepLayout(q *sql.Query, plan *Plan, s int) (*JoinStoreLayout, bool) {
	jp := plan.Join
	if i := slices.IndexFunc(plan.JoinRepartitions, func(r JoinRepartition) bool { return r.Step == s }); i >= 0 {
		return rekeyedStepLayout(plan, &plan.JoinRepartitions[i])
	}
	if rp := lastRekey(plan, s); rp != nil {
		return afterRekeyLayout(plan, rp, s)
	}
	// streams rekeyed for the chain's key format or joined on anything
	// but their keys (planRegistryStreamChain): the joined row keeps each
	// leaf's row, a rekeyed stream's values are its repartition's (with
	// the copy of a key that is an expression, equal to every later join
	// key while the result is not rekeyed; historical plan
	// multi-joins_-_only_viable_in_projection, schema Join.Left), and the
	// stores' keys are in the chain's format
	rekeyed := map[int]*JoinRepartition{}
	var keyFormat string
	for i := range plan.JoinRepartitions {
		rp := &plan.JoinRepartitions[i]
		if rp.Step > s || !rp.Table && rp.Step == 0 && rp.Leaf > jp.Steps[s].Right {
			// a later step's rekey, or a stream joined after step s (in
			// the key format of its own join)
			continue
		}
		if rp.Table {
			// a table rekeyed into the chain's key format: the joined row
			// keeps the table's PrependAlias values, and the stores are
			// keyed as the first stream is, or as the first join's
			// rekeyed streams are
			continue
		}
		if rp.Step > 0 {
			return nil, false
		}
		keyFormat = rp.KeyFormat
		rekeyed[rp.Leaf] = rp
	}
	rekeyedRight := rekeyed[jp.Steps[s].Right]
	order := []int{0}
	for k, st := range jp.Steps[:s+1] {
		mustLeft, mustRight := requiresRekey(st, jp.Leaves[st.LeftLeaf()], jp.Leaves[st.Right])
		if len(rekeyed) > 0 {
			// the chain's planner rekeys no result here: a side it must
			// rekey is a stream it repartitions
			mustLeft = k == 0 && mustLeft && rekeyed[0] == nil
			mustRight = mustRight && rekeyed[st.Right] == nil
		}
		if mustLeft || mustRight || st.ForeignKey {
			return nil, false
		}
		switch {
		case k < s && st.Type == sql.RightJoin && st.Within != nil:
			// a RIGHT stream-stream step's rows hold its right stream's
			// columns first: StreamStreamJoinBuilder builds its JoinParams
			// from the right schema, then the left one
			order = append([]int{st.Right}, order...)
		case k < s:
			order = append(order, st.Right)
		}
	}
	var left JoinStoreSide
	left.Source = jp.Leaves[0].Source
	for _, leaf := range order {
		l := jp.Leaves[leaf]
		// a stream with no key column is one the chain rekeys
		// (chainStreamKeyed): its values are its repartition's
		if keys := len(l.Source.Schema.Keys()); keys != 1 && (keys != 0 || rekeyed[leaf] == nil) || l.Source.Window != nil {
			return nil, false
		}
		vals, from := aliasedLeafValues(l)
		if rp := rekeyed[leaf]; rp != nil {
			vals, from = rp.Values, rp.From
		}
		left.append(vals, from, l.Base)
	}
	st := jp.Steps[s]
	r := jp.Leaves[st.Right]
	rk := r.Source.Schema.Keys()
	if len(rk) != 1 || r.Source.Window != nil {
		return nil, false
	}
	var right JoinStoreSide
	right.Source = r.Source
	right.Values, right.From = aliasedLeafValues(r)
	if rekeyedRight != nil {
		right.Values, right.From = rekeyedRight.Values, rekeyedRight.From
	}
	lay := &JoinStoreLayout{Sides: [2]JoinStoreSide{left, right}}
	switch {
	case keyFormat != "":
		// a RIGHT step's stores are keyed by its stream's repartition, as
		// the other steps' (a FULL OUTER last step's too: the synthetic key
		// names only its result) by the chain's join key, in the chain's
		// format
		lay.Key, lay.KeyFormat = types.Column{Name: joinKeyName(jp, q), Type: st.LeftKey.Type, Key: true}, keyFormat
	case ThisSide(st.Type) == 1:
		lay.Key, lay.KeyFormat, lay.KeySource = types.Column{Name: r.Alias + "_" + rk[0].Name, Type: rk[0].Type, Key: true}, r.Source.KeyFormat, r.Source
	case jp.synthetic:
		// a FULL OUTER last step: its stores are keyed as its left input,
		// the steps before it, is (the synthetic key names its result);
		// a key format that names its column in the registry is not built
		l0 := jp.Leaves[0].Source
		if formats.RegistryFormat(l0.KeyFormat) {
			return nil, false
		}
		k0 := jp.Leaves[0]
		lay.Key, lay.KeyFormat, lay.KeySource = types.Column{Name: k0.Alias + "_" + l0.Schema.Keys()[0].Name, Type: st.LeftKey.Type, Key: true}, l0.KeyFormat, l0
	default:
		l0 := jp.Leaves[0].Source
		lay.Key, lay.KeyFormat, lay.KeySource = types.Column{Name: joinKeyName(jp, q), Type: st.LeftKey.Type, Key: true}, l0.KeyFormat, l0
	}
	return lay, true
}

// rekeyedStepLayout is the store layout of a stream-stream step whose left
// input, the result of the steps before it, is rekeyed through rp
// (planOuterChainRepartition): the left side's values are the
// repartition's, in the first source's value format; the right side's are
// its leaf's PrependAlias values (historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer, schemas Join.Left and
// Join.Right); the stores are keyed by Kafka Streams' "this" side's key:
// the repartition's in its key format, or a RIGHT step's right stream's
// (StreamStreamJoinBuilder builds the key serde of the right side's
// formats and schema there).
func rekeyedStepLayout(plan *Plan, rp *JoinRepartition) (*JoinStoreLayout, bool) {
	jp := plan.Join
	st := jp.Steps[rp.Step]
	r := jp.Leaves[st.Right]
	rk := r.Source.Schema.Keys()
	if len(rk) != 1 || r.Source.Window != nil {
		return nil, false
	}
	lay := &JoinStoreLayout{Key: rp.Key, KeyFormat: rp.KeyFormat}
	// the step's stream, where the chain rekeys it too
	// (planRegistryStreamChain): its repartition's values and key (a
	// stream's repartition has Step 0 whichever step joins it; its values
	// end in the copy of a key that is an expression, as the right side's
	// PrependAlias schema does: historical plan
	// multi-joins_-_only_viable_in_projection, schema Join.Right)
	i := slices.IndexFunc(plan.JoinRepartitions, func(o JoinRepartition) bool { return o.Step == 0 && o.Leaf == st.Right && !o.Table })
	switch {
	case ThisSide(st.Type) == 1 && i >= 0:
		// a RIGHT step whose stream is rekeyed: the stores are keyed as
		// its repartition is
		lay.Key, lay.KeyFormat = plan.JoinRepartitions[i].Key, plan.JoinRepartitions[i].KeyFormat
	case ThisSide(st.Type) == 1:
		// a RIGHT step: the stores are keyed as the right stream is
		lay.Key, lay.KeyFormat, lay.KeySource = types.Column{Name: r.Alias + "_" + rk[0].Name, Type: rk[0].Type, Key: true}, r.Source.KeyFormat, r.Source
	}
	lay.Sides[0] = JoinStoreSide{Source: jp.Leaves[0].Source, Values: rp.Values, From: rp.From, Computed: rp.Computed}
	lay.Sides[1].Source = r.Source
	lay.Sides[1].Values, lay.Sides[1].From = aliasedLeafValues(r)
	if i >= 0 {
		lay.Sides[1].Values, lay.Sides[1].From = plan.JoinRepartitions[i].Values, plan.JoinRepartitions[i].From
	}
	return lay, true
}

// afterRekeyLayout is the store layout of stream-stream step s of a chain
// whose joined row an earlier step rekeyed through rp, no step between
// rekeying it again (planOuterChainRepartition): the left side is the Join
// step's schema so far (JoinParamsFactory.createSchema: the left input's
// values, then the right's, the key being one of them), that is the
// repartition's values, then each stream's PrependAlias values as the
// steps from rp's on joined them, keyed as the repartition is, in the
// first source's value format; the right side's are its leaf's
// PrependAlias values.
func afterRekeyLayout(plan *Plan, rp *JoinRepartition, s int) (*JoinStoreLayout, bool) {
	jp := plan.Join
	left := JoinStoreSide{Source: jp.Leaves[0].Source, Values: slices.Clone(rp.Values), From: slices.Clone(rp.From), Computed: rp.Computed}
	for _, st := range jp.Steps[rp.Step:s] {
		l := jp.Leaves[st.Right]
		if st.Type == sql.OuterJoin || st.ForeignKey || len(l.Source.Schema.Keys()) != 1 || l.Source.Window != nil {
			return nil, false
		}
		vals, from := aliasedLeafValues(l)
		left.append(vals, from, l.Base)
	}
	st := jp.Steps[s]
	r := jp.Leaves[st.Right]
	rk := r.Source.Schema.Keys()
	if len(rk) != 1 || r.Source.Window != nil {
		return nil, false
	}
	if slices.Contains(rp.From, jp.KeySlot) {
		if _, ok := CarriedSyntheticKey(plan, s); !ok {
			return nil, false
		}
	}
	lay := &JoinStoreLayout{Key: rp.Key, KeyFormat: rp.KeyFormat}
	if ThisSide(st.Type) == 1 {
		lay.Key, lay.KeyFormat, lay.KeySource = types.Column{Name: r.Alias + "_" + rk[0].Name, Type: rk[0].Type, Key: true}, r.Source.KeyFormat, r.Source
	}
	lay.Sides[0] = left
	lay.Sides[1].Source = r.Source
	lay.Sides[1].Values, lay.Sides[1].From = aliasedLeafValues(r)
	return lay, true
}

// lastRekey is the last repartition of the joined row before step s, nil
// for none.
func lastRekey(plan *Plan, s int) *JoinRepartition {
	var last *JoinRepartition
	for i := range plan.JoinRepartitions {
		if rp := &plan.JoinRepartitions[i]; rp.Step > 0 && rp.Step < s && !rp.Table && (last == nil || rp.Step > last.Step) {
			last = rp
		}
	}
	return last
}

// CarriedSyntheticKey is, for the left input of step s past a rekey of the
// joined row, the step whose synthetic key column the rekeyed row carries
// on among its values (the FULL OUTER step whose result was rekeyed; schema
// Join.Left of historical plan multi-joins_-_stream-stream-stream_-_outer-outer
// ends with its ROWKEY), which the joins after the rekey keep in their
// values (JoinParamsFactory.createSchema); its value is null, as
// KsqlValueJoiner fills the column it appends for the key with null; ok is
// false for none.
func CarriedSyntheticKey(plan *Plan, s int) (step int, ok bool) {
	rp := lastRekey(plan, s)
	if rp == nil || !slices.Contains(rp.From, plan.Join.KeySlot) || plan.Join.Steps[rp.Step-1].Type != sql.OuterJoin {
		return 0, false
	}
	return rp.Step - 1, true
}

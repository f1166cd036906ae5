package planner

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Repartition topics of joins, after the query's application id: a
// stream-table join repartitions its stream through Join-repartition, a
// stream-stream join each side it rekeys through Join-left-repartition and
// Join-right-repartition (Kafka Streams names them after the Joined and
// StreamJoined operations, which ksqlDB names by the Join context:
// StreamTableJoinBuilder, StreamStreamJoinBuilder; the historical plans
// joins_-_stream-table_value-to-key_-_key_format_mismatch and
// joins_-_stream_stream_left_join_-_rekey_-_JSON list them; see
// streamRepartitions for the stream-stream names).
const JoinRepartitionSuffix = "-Join-repartition"

// JoinRepartition is a stream side of a join that ksqlDB rekeys by the
// join expression and writes through a repartition topic before the join
// (the <Side>SourceKeyed SelectKey step, then PrependAlias<Side>): each
// record whose join key is not null is written keyed by it, with the
// aliased columns of the SelectKey step as its value, and the join reads
// the stream side back from there.
type JoinRepartition struct {
	Leaf      int    // the stream's leaf, or the table's (Table)
	Suffix    string // the topic's name after the application id
	KeyFormat string // the join's internal key format (JoinNode.resolveKeyFormats)
	Key       types.Column
	Values    []types.Column // the PrependAlias step's values
	// From is, per value, its column's index in the leaf's row, or -1
	// for the copy of a key that is an expression
	From []int
	// Computed is, per value (nil, or an Eval of nil: none), the
	// expression a value whose From is -1 is computed by over the joined
	// row, where it is not the copy of this repartition's key: a chain's
	// copy of an earlier join's key on an expression (chainRepartition)
	Computed []expr.Compiled
	// KeyExpr evaluates the join key over the joined row (the leaf's
	// columns at its Base)
	KeyExpr expr.Compiled
	// KeyFailures, where set, collects what KeyExpr throws, as the
	// side's <Side>SourceKeyed step logs it (see logRekeyFailures), and
	// keyText and keyReadsValue are then the expression as it logs it and
	// whether it reads more than the source's key columns
	KeyFailures   *expr.Failures
	keyText       string
	keyReadsValue bool
	// Table: a table side ksqlDB rekeys by its own key into the join's
	// key format (<Side>SourceKeyed-SelectKey-repartition; updates and
	// deletes alike) and materializes in Store; its values are not
	// aliased
	Table bool
	Store string // a Table's store: <Side>SourceKeyed-Materialize
	// KeySource, where set, is the source whose key format properties
	// the key takes (its AVRO record named after that source's key): a
	// foreign-key join's right table rekeyed into the left table's key
	// format (FKRekeysRight)
	KeySource *metastore.Source
	// Step, where not 0, is the step of a chain whose left input, the
	// result of the steps before it, is rekeyed (chainRepartition): From
	// and KeyExpr read the joined row, and the query reads the topic back
	// to go on from that step
	Step int
}

// Table-side repartitions of a join whose table sides ksqlDB rekeys into
// the join's key format: the repartition topic and the store it is
// materialized in, per side (historical plans
// joins_-_stream-table_key-to-key_-_SR-enabled_key_format: the right side;
// joins_-_table-table_-_SR-enabled_key_format: both).
const (
	TableRepartitionSuffix     = "-RightSourceKeyed-SelectKey-repartition"
	TableRepartitionStore      = "RightSourceKeyed-Materialize"
	LeftTableRepartitionSuffix = "-LeftSourceKeyed-SelectKey-repartition"
	LeftTableRepartitionStore  = "LeftSourceKeyed-Materialize"
)

// planJoinRepartitions are the repartitions of p's sides, where this
// server repartitions them: a persistent query with a single join of
// two sources (a stream and a source, two tables on their keys, or a
// foreign-key join whose right table ksqlDB rekeys: FKRekeysRight), not
// windowed, each reading its own topic, a chain of
// stream-table joins all on one column of the stream (planChainRepartition),
// or such a chain over a stream-stream join (planStreamChainRepartition),
// or a chain of stream-stream joins on keys that rekeys the result of a
// FULL OUTER one (planOuterChainRepartition) or whose key format forces
// its streams' repartitions or whose later join rekeys a side, stream-table
// steps among its stream-stream ones (planRegistryStreamChain).
// Elsewhere (push queries, other chains, self-joins) a stream is rekeyed
// in memory, as doc.go says.
func planJoinRepartitions(p *Plan) []JoinRepartition {
	rs := joinRepartitionsOf(p)
	logRekeyFailures(p, rs)
	logForeignKeyFailures(p)
	return rs
}

// logForeignKeyFailures makes the left join expression of a persistent
// foreign-key join log what it throws, as KsqlKeyExtractor's evaluator
// does under the join step's logger, "Error calculating left join
// expression: `<expression>`." over the join's <alias>_<column> names, the
// foreign key NULL (ForeignKeyTableTableJoinBuilder; historical_plans
// fk-join_-_Should_support_non-column_reference_in_left_join_expression:
// leftJoinExpression "(LEFT_TABLE_FOREIGN_KEY + 1)" of the step "Join",
// the first of a chain's joins "L_" once per later join, as
// fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join's L_Join).
func logForeignKeyFailures(p *Plan) {
	jp := p.Join
	if !p.Persistent || jp == nil || !jp.ForeignKey() {
		return
	}
	st := &jp.Steps[0]
	f := &expr.Failures{Step: strings.Repeat("L_", len(jp.Steps)-1) + "Join"}
	ce, err := (&expr.Compiler{In: p.In, Clause: "JOIN ON", Failures: f}).CompileLean(st.leftExpr)
	if err != nil || f.Sites() == 0 {
		return // it compiled once already; what cannot fail needs no boundary
	}
	unlogged := st.LeftKey
	st.unloggedLeftKey = &unlogged
	st.LeftKey = f.Boundary("Error calculating left join expression: `"+stepText(st.leftExpr, jp)+"`.", ce)
	p.JoinFailures = f
}

// logRekeyFailures makes the key expression of a persistent join of two
// sources that rekeys a stream side by an expression log what it throws,
// as that side's SelectKey step does, <Side>SourceKeyed
// (StreamSelectKeyBuilder, PartitionByParamsFactory: "Error computing new
// key from expression <expression>" over the source's column names, the
// key NULL; historical_plans
// joins_-_stream_stream_join_-_contains_arithmetic_binary_expression). The
// key expressions of chains and push queries do not log yet; a
// foreign-key join's left expression logs under the join step
// (logForeignKeyFailures).
func logRekeyFailures(p *Plan, rs []JoinRepartition) {
	jp := p.Join
	if !p.Persistent || jp == nil || len(jp.Steps) != 1 || len(jp.Leaves) != 2 {
		return
	}
	st := jp.Steps[0]
	for i := range rs {
		r := &rs[i]
		if r.Table || r.Step != 0 {
			continue
		}
		e, step := st.leftExpr, "LeftSourceKeyed"
		if r.Leaf == 1 {
			e, step = st.rightExpr, "RightSourceKeyed"
		}
		f := &expr.Failures{Step: step}
		ce, err := (&expr.Compiler{In: p.In, Clause: "JOIN ON", Failures: f}).CompileLean(e)
		if err != nil || f.Sites() == 0 {
			continue // it compiled once already; what cannot fail needs no boundary
		}
		r.keyText = "Error computing new key from expression " + stepText(e, nil)
		r.KeyExpr, r.KeyFailures = f.Boundary(r.keyText, ce), f
		keys := map[string]bool{}
		for _, c := range jp.Leaves[r.Leaf].Source.Schema.Keys() {
			keys[c.Name] = true
		}
		expr.Walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok && !keys[ref.Name] {
				r.keyReadsValue = true
			}
		})
	}
}

// KeyOf is the join key of a stream record of the side, row its joined
// row: for a record with a null value and an expression that reads more
// than its key, NULL, what the SelectKey step's evaluator throws over the
// null value logged where the expression logs (PartitionByParamsFactory,
// Plan.KeyOverNullValue); else the expression's value.
func (r *JoinRepartition) KeyOf(row []any, nullValue bool) any {
	if nullValue && r.keyReadsValue {
		r.KeyFailures.Log(r.keyText, nullValueNPE)
		return nil
	}
	return r.KeyExpr.Eval(row)
}

// joinRepartitionsOf are the repartitions of planJoinRepartitions.
func joinRepartitionsOf(p *Plan) []JoinRepartition {
	jp := p.Join
	if !p.Persistent || jp == nil {
		return nil
	}
	if len(jp.Steps) > 1 {
		return planChainRepartition(jp)
	}
	if len(jp.Leaves) != 2 {
		return nil
	}
	st := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	if jp.FKRekeysRight() {
		r := tableSideRepartition(1, right, st.rightExpr, st.RightKey, TableRepartitionSuffix, TableRepartitionStore, left.Source.KeyFormat)
		r.KeySource = left.Source
		return []JoinRepartition{r}
	}
	if st.ForeignKey || left.Source.Table && !right.Source.Table || st.leftLeaf != 0 ||
		left.Source.Window != nil || right.Source.Window != nil || left.Source.Topic == right.Source.Topic {
		return nil
	}
	rekeyLeft, rekeyRight, keyFormat := rekeyedSides(p.Join, st, left, right)
	if !rekeyLeft && !rekeyRight {
		return nil
	}
	if !right.Source.Table {
		return streamRepartitions(st, left, right, rekeyLeft, rekeyRight, keyFormat, "-")
	}
	var out []JoinRepartition
	switch {
	case rekeyLeft && left.Source.Table:
		out = append(out, tableSideRepartition(0, left, st.leftExpr, st.LeftKey, LeftTableRepartitionSuffix, LeftTableRepartitionStore, keyFormat))
	case rekeyLeft:
		out = append(out, joinRepartition(0, left, st.leftExpr, st.LeftKey, JoinRepartitionSuffix, keyFormat, left.Alias))
	}
	if rekeyRight {
		out = append(out, tableSideRepartition(1, right, st.rightExpr, st.RightKey, TableRepartitionSuffix, TableRepartitionStore, keyFormat))
	}
	return out
}

// tableSideRepartition plans the repartition of table leaf l (index leaf) by
// its own key into the join's key format, materialized in store: its
// SelectKey step is not aliased, as PrependAlias<Side> comes after it
// (TableSelectKeyBuilder; the historical plans' <Side>SourceKeyed steps).
func tableSideRepartition(leaf int, l JoinLeaf, e sql.Expr, ce expr.Compiled, suffix, store, keyFormat string) JoinRepartition {
	r := joinRepartition(leaf, l, e, ce, suffix, keyFormat, "")
	r.Table, r.Store = true, store
	return r
}

// streamRepartitions are the repartitions of the rekeyed streams of a
// stream-stream join of left and right, through <prefix>Join-left- and
// Join-right-repartition. Kafka Streams names a stream-stream join's
// repartitions by its own sides: "this" (left) and "other" (right).
// ksqlDB runs a RIGHT join as the right stream's LEFT join of the left
// one (StreamStreamJoinBuilder), so there the left stream goes through
// Join-right-repartition (joins_-_stream_stream_right_join_-_rekey_-_JSON).
func streamRepartitions(st JoinStep, left, right JoinLeaf, rekeyLeft, rekeyRight bool, keyFormat, prefix string) []JoinRepartition {
	leftSuffix, rightSuffix := "Join-left-repartition", "Join-right-repartition"
	if st.Type == sql.RightJoin {
		leftSuffix, rightSuffix = rightSuffix, leftSuffix
	}
	var out []JoinRepartition
	if rekeyLeft {
		out = append(out, joinRepartition(0, left, st.leftExpr, st.LeftKey, prefix+leftSuffix, keyFormat, left.Alias))
	}
	if rekeyRight {
		out = append(out, joinRepartition(1, right, st.rightExpr, st.RightKey, prefix+rightSuffix, keyFormat, right.Alias))
	}
	return out
}

// requiresRekey reports which sides of a join must be rekeyed because
// they are joined on anything but their key (Repartitioning.repartitionNeeded),
// whatever their formats force.
func requiresRekey(st JoinStep, left, right JoinLeaf) (rekeyLeft, rekeyRight bool) {
	return st.Rekeyed || !right.Source.Table && !left.keyedBy(st.leftExpr), !right.Source.Table && !right.keyedBy(st.rightExpr)
}

// joinKeyFormat is a join's internal key format as JoinNode and
// PreJoinRepartitionNode resolve it (KLIP-33): the left source's, unless
// the left side must be rekeyed and the right need not, then the right's;
// with both to be rekeyed, the first of the sources' that is not NONE.
func joinKeyFormat(left, right JoinLeaf, rekeyLeft, rekeyRight bool, def string) string {
	switch {
	case !rekeyLeft:
		return left.Source.KeyFormat
	case !rekeyRight:
		return right.Source.KeyFormat
	}
	for _, l := range []JoinLeaf{left, right} {
		if l.Source.KeyFormat != formats.None {
			return l.Source.KeyFormat
		}
	}
	return def
}

// joinRepartition plans the repartition of leaf l (index leaf), rekeyed by
// e compiled as ce, its columns named ALIAS_NAME (PrependAlias), or as the
// source names them where alias is "".
func joinRepartition(leaf int, l JoinLeaf, e sql.Expr, ce expr.Compiled, suffix, keyFormat, alias string) JoinRepartition {
	src := &planStep{cols: sourceStepColumns(l.Source)}
	keyed := rekeyStep(src, e, ce.Type, "")
	cols := keyed.cols
	if alias != "" {
		cols = aliased(alias, cols)
	}
	r := JoinRepartition{Leaf: leaf, Suffix: suffix, KeyFormat: keyFormat, KeyExpr: ce}
	schema := l.Source.Schema.Cols
	pseudo := 0
	for i, c := range cols {
		if c.Key {
			r.Key = c
			continue
		}
		r.Values = append(r.Values, c)
		r.From = append(r.From, leafIndex(schema, keyed.cols[i].Name, &pseudo))
	}
	return r
}

// leafIndex is where a leaf's row holds the column a step names: a source
// column at its place in schema, a pseudo column (the next of them;
// pseudo counts those met) after the source's columns, -1 for neither
// (the copy of a key that is an expression).
func leafIndex(schema []types.Column, name string, pseudo *int) int {
	switch idx := slices.IndexFunc(schema, func(s types.Column) bool { return s.Name == name }); {
	case idx >= 0:
		return idx
	case *pseudo < len(expr.PseudoColumns) && name == expr.PseudoColumns[*pseudo].Name:
		*pseudo++
		return len(schema) + *pseudo - 1
	}
	return -1
}

// planChainRepartition are the repartitions of a chain of joins that
// ksqlDB rekeys (chainRekeysOf): the stream before the innermost join
// through <L_ per inner level>Join-repartition (the first stage,
// joinRepartition), the result of the joins before an outer one through
// that join's <L_ per level>Join-repartition (chainRepartition), and each
// table keyed unlike the join that reads it through its
// <L_ per level><Side>SourceKeyed-SelectKey-repartition into
// <L_ per level><Side>SourceKeyed-Materialize. Historical plans
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey (one column: one
// repartition), _-_rekey_on_different_expression (two),
// multi-joins_-_stream-table-table_-_qualified_select__ (the first join on
// the key, the second rekeyed), multi-joins_-_stream-table-table_-_table_key_format_mismatch,
// multi-joins_-_table-table-table_-_key_format_mismatch and
// _-_SR-enabled_key_format (tables rekeyed), and
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression
// (two expressions of the stream's column: two repartitions).
func planChainRepartition(jp *JoinPlan) []JoinRepartition {
	if jp.Steps[0].Within != nil {
		if rps := planStreamChainRepartition(jp); rps != nil {
			return rps
		}
		if rps := planOuterChainRepartition(jp); rps != nil {
			return rps
		}
		return planRegistryStreamChain(jp)
	}
	cr, ok := chainRekeysOf(jp)
	if !ok {
		// stream-stream joins after a first stream-table join on keys
		return planRegistryStreamChain(jp)
	}
	n := len(jp.Steps)
	var out []JoinRepartition
	if l := jp.Leaves[0]; cr.tables[0] {
		st := jp.Steps[0]
		ctx := chainPrefix(n-1) + "Left"
		out = append(out, tableSideRepartition(0, l, st.leftExpr, st.LeftKey, "-"+ctx+"SourceKeyed-SelectKey-repartition", ctx+"SourceKeyed-Materialize", cr.formats[0].KeyFormat))
	}
	for k, st := range jp.Steps {
		prefix := chainPrefix(n - 1 - k)
		format := cr.formats[k].KeyFormat
		switch {
		case !cr.rekeys[k]:
		case k == 0:
			out = append(out, joinRepartition(0, jp.Leaves[0], st.leftExpr, st.LeftKey, "-"+prefix+"Join-repartition", format, jp.Leaves[0].Alias))
		default:
			out = append(out, chainRepartition(jp, k, "-"+prefix+"Join-repartition", format, cr.rekeys))
		}
		if cr.tables[st.Right] {
			out = append(out, tableSideRepartition(st.Right, jp.Leaves[st.Right], st.rightExpr, st.RightKey,
				"-"+prefix+"RightSourceKeyed-SelectKey-repartition", prefix+"RightSourceKeyed-Materialize", format))
		}
	}
	return out
}

// chainRekeys is how ksqlDB repartitions a chain of joins.
type chainRekeys struct {
	// rekeys: step k's left input is rekeyed by the step's left
	// expression
	rekeys []bool
	// tables: leaf i, a table, is rekeyed by its own key into the key
	// format of the join that reads it
	tables []bool
	// formats: step k's internal key format is formats[k]'s
	formats []*metastore.Source
}

// chainRekeysOf reports how ksqlDB repartitions a chain of stream-table
// joins ([INNER] or LEFT) from a stream with one key column, or of
// primary-key table-table joins, each source read from a topic of its own.
// The stream, the innermost join's left input, is rekeyed where it is
// joined on anything but its key; an outer join's left input, the result
// of the joins before it, where its left expression is not in that
// result's equivalence set (LogicalPlanner.prepareSourceForJoin: a joined
// source gets a PreJoinRepartitionNode only then; JoinTree.joinEquivalenceSet:
// both sides of a join's criteria, and the inner join's set where they
// meet it). Each join's key format is its left input's, unless that is
// rekeyed, then its table's (JoinNode.resolveKeyFormats); a source (not a
// joined result) is also rekeyed where that format infers schemas or
// differs from its own (PreJoinRepartitionNode's forced repartition,
// rekeyedSides). A join on an expression is in the equivalence set as
// that expression (JoinPlan.equivalent). ok is false for other chains.
func chainRekeysOf(jp *JoinPlan) (cr chainRekeys, ok bool) {
	first := jp.Leaves[0]
	if first.Source.Window != nil || len(first.Source.Schema.Keys()) != 1 {
		return cr, false
	}
	tables := first.Source.Table
	topics := map[string]bool{first.Source.Topic: true}
	cr = chainRekeys{rekeys: make([]bool, len(jp.Steps)), tables: make([]bool, len(jp.Leaves)), formats: make([]*metastore.Source, len(jp.Steps))}
	var equiv map[string]bool
	for k, st := range jp.Steps {
		right := jp.Leaves[st.Right]
		if st.Right != k+1 || !right.Source.Table || right.Source.Window != nil || topics[right.Source.Topic] ||
			st.ForeignKey || st.Within != nil || len(right.Source.Schema.Keys()) != 1 {
			return cr, false
		}
		topics[right.Source.Topic] = true
		switch {
		case tables && (st.Type == sql.RightJoin || k > 0 && jp.Steps[k-1].Type == sql.OuterJoin):
			return cr, false
		case !tables && st.Type != sql.InnerJoin && st.Type != sql.LeftJoin:
			return cr, false
		}
		l, lok := jp.equivalent(st.leftExpr)
		r, _ := jp.equivalent(st.rightExpr)
		if k == 0 {
			cr.rekeys[0], cr.tables[1], _ = rekeyedSides(jp, st, first, right)
			if tables {
				cr.tables[0], cr.rekeys[0] = cr.rekeys[0], false
			}
			cr.formats[0] = first.Source
			if st.Rekeyed { // the stream's key is not the join's
				cr.formats[0] = right.Source
			}
			if cr.rekeys[0] && (!lok || st.leftLeaf != 0) {
				return cr, false
			}
		} else {
			cr.rekeys[k] = !tables && !equiv[l]
			cr.formats[k] = cr.formats[k-1]
			if cr.rekeys[k] {
				if !lok {
					return cr, false
				}
				cr.formats[k] = right.Source
			}
			cr.tables[st.Right] = formats.RegistryFormat(cr.formats[k].KeyFormat) || !sameKeyFormat(right.Source, cr.formats[k])
		}
		next := map[string]bool{l: true, r: true}
		if k > 0 && equiv[l] {
			for e := range equiv {
				next[e] = true
			}
		}
		equiv = next
	}
	return cr, true
}

// chainRepartition plans the repartition of the result of a chain's
// steps before step k, rekeyed by step k's left expression: keyed by it,
// named ALIAS_NAME for a column, else as StreamSelectKeyBuilder names an
// expression's key (KSQL_COL_n, rekeyStep), its value the joined sources'
// PrependAlias columns in the order the result holds them
// (resultLeafOrder), each source's values, pseudo columns and key copy (JoinParamsFactory.createSchema, with the key the
// rekey keeps among the values; the historical plan's schema
// CSAS_OUTPUT_0.Join.Left), and after the columns of the stream or table
// an earlier step rekeyed on an expression (rekeys) a copy of that step's
// key, and last, where the key is an expression, a copy of it (historical
// plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
// S1_KSQL_COL_0 and KSQL_COL_0). From indexes the joined row.
func chainRepartition(jp *JoinPlan, k int, suffix, keyFormat string, rekeys []bool) JoinRepartition {
	st := jp.Steps[k]
	r := JoinRepartition{Step: k, Suffix: suffix, KeyFormat: keyFormat, KeyExpr: st.LeftKey}
	for _, leaf := range resultLeafOrder(jp, k) {
		l := jp.Leaves[leaf]
		schema := l.Source.Schema.Cols
		pseudo := 0
		for _, c := range sourceStepColumns(l.Source) {
			if !c.Key {
				r.addValue(types.Column{Name: l.Alias + "_" + c.Name, Type: c.Type}, l.Base+leafIndex(schema, c.Name, &pseudo), expr.Compiled{})
			}
		}
		if at := jp.Steps[leaf]; leaf < k && leaf < len(rekeys) && rekeys[leaf] && !isColumnRef(at.leftExpr) {
			name := r.Values
			if leaf == 0 {
				name = sourceStepColumns(l.Source)
			}
			copyOf := valuesOf(rekeyStep(&planStep{cols: name}, at.leftExpr, at.LeftKey.Type, "").cols)
			c := copyOf[len(copyOf)-1]
			if leaf == 0 {
				c.Name = l.Alias + "_" + c.Name
			}
			r.addValue(c, -1, at.LeftKey)
		}
	}
	if col, ok := jp.qualified(st.leftExpr); ok {
		r.Key = types.Column{Name: strings.ReplaceAll(col, ".", "_"), Type: st.LeftKey.Type, Key: true}
		return r
	}
	keyed := rekeyStep(&planStep{cols: r.Values}, st.leftExpr, st.LeftKey.Type, "").cols
	r.Key = keyed[0]
	r.addValue(keyed[len(keyed)-1], -1, expr.Compiled{})
	return r
}

// addValue appends value c, read from the joined row at from, or computed
// by e where from is -1 (an Eval of nil: the key's copy).
func (r *JoinRepartition) addValue(c types.Column, from int, e expr.Compiled) {
	r.Values, r.From = append(r.Values, c), append(r.From, from)
	if e.Eval != nil && r.Computed == nil {
		r.Computed = make([]expr.Compiled, len(r.Values)-1, len(r.Values))
	}
	if r.Computed != nil {
		r.Computed = append(r.Computed, e)
	}
}

// isColumnRef tells whether e is a column reference.
func isColumnRef(e sql.Expr) bool {
	_, ok := e.(*sql.ColumnRef)
	return ok
}

// resultLeafOrder is the order in which the result of a chain's steps
// before step k holds its leaves' columns: the leaves in source order,
// but for a RIGHT stream-stream step, whose rows hold its right stream's
// columns before the left side's (StreamStreamJoinBuilder builds its
// JoinParams, and so its result's schema, from the right schema first).
func resultLeafOrder(jp *JoinPlan, k int) []int {
	order := []int{0}
	for _, st := range jp.Steps[:k] {
		if st.Type == sql.RightJoin && st.Within != nil {
			order = append([]int{st.Right}, order...)
			continue
		}
		order = append(order, st.Right)
	}
	return order
}

// joinedValues are the value columns of the joined sources' PrependAlias
// steps, of leaves 0 to last in source order: each source's values,
// pseudo columns and key copy, named ALIAS_NAME (JoinParamsFactory and
// ForeignKeyJoinParamsFactory.createSchema: the left values, then the
// right), with from, each one's index in the joined row.
func joinedValues(jp *JoinPlan, last int) (vals []types.Column, from []int) {
	for leaf := 0; leaf <= last; leaf++ {
		l := jp.Leaves[leaf]
		schema := l.Source.Schema.Cols
		pseudo := 0
		for _, c := range sourceStepColumns(l.Source) {
			if c.Key {
				continue
			}
			vals = append(vals, types.Column{Name: l.Alias + "_" + c.Name, Type: c.Type})
			from = append(from, l.Base+leafIndex(schema, c.Name, &pseudo))
		}
	}
	return vals, from
}

// planStreamChainRepartition is the repartition of a chain whose innermost
// join is a stream-stream one ([INNER] or LEFT) of two streams, which it
// rekeys, and whose later joins are stream-table ones ([INNER] or LEFT) on
// columns: ksqlDB rekeys the streams of the innermost join as a single
// stream-stream join rekeys them, through <L_ per inner level>Join-left-repartition
// and Join-right-repartition, and a join after it on a column equal to
// the result's key (either side of the criteria, historical plan
// multi-joins_-_stream-stream-table_-_inner-inner_-_cascading_join_criteria)
// finds the result keyed already (historical plan
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left_and_right);
// a join on another column rekeys the result so far by it through its
// <L_ per level>Join-repartition (chainRepartition) in its table's key
// format, which the joins after it take (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats:
// Join.Left keyed in JSON_SR after AVRO streams). A table keyed in
// another format than its join's, or in one that infers schemas, is
// rekeyed by its own key into the join's through its
// <L_ per level>RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize, as rekeyedSides rekeys a single join's
// table (historical plan multi-joins_-_stream-stream-table_-_SR-enabled_key_format:
// AVRO streams' join, a JSON_SR table).
func planStreamChainRepartition(jp *JoinPlan) []JoinRepartition {
	first := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	if first.Right != 1 || first.leftLeaf != 0 || first.ForeignKey ||
		first.Type != sql.InnerJoin && first.Type != sql.LeftJoin ||
		left.Source.Table || right.Source.Table || left.Source.Window != nil || right.Source.Window != nil ||
		left.Source.Topic == right.Source.Topic {
		return nil
	}
	if _, ok := first.leftExpr.(*sql.ColumnRef); !ok {
		return nil
	}
	rekeyLeft, rekeyRight, keyFormat := rekeyedSides(jp, first, left, right)
	if !rekeyLeft && !rekeyRight {
		return nil
	}
	n := len(jp.Steps)
	out := streamRepartitions(first, left, right, rekeyLeft, rekeyRight, keyFormat, "-"+chainPrefix(n-1))
	format := joinFormatSource(left, right, first)
	l, _ := jp.qualified(first.leftExpr)
	r, _ := jp.qualified(first.rightExpr)
	equiv := map[string]bool{l: true, r: true}
	for k := 1; k < n; k++ {
		st := jp.Steps[k]
		t := jp.Leaves[st.Right]
		col, ok := jp.qualified(st.leftExpr)
		if st.Right != k+1 || !t.Source.Table || t.Source.Window != nil || st.ForeignKey ||
			t.Source.Topic == left.Source.Topic || t.Source.Topic == right.Source.Topic ||
			st.Type != sql.InnerJoin && st.Type != sql.LeftJoin || !ok {
			return nil
		}
		prefix := chainPrefix(n - 1 - k)
		if !equiv[col] {
			// the result so far is rekeyed by the column, and the join
			// takes the table's key format (JoinNode.resolveKeyFormats)
			keyFormat, format = t.Source.KeyFormat, t.Source
			out = append(out, chainRepartition(jp, k, "-"+prefix+"Join-repartition", keyFormat, nil))
			equiv = map[string]bool{}
		}
		rc, _ := jp.qualified(st.rightExpr)
		equiv[col], equiv[rc] = true, true
		// a table keyed otherwise, or in a format that infers schemas, is
		// rekeyed by its own key into the join's key format
		if formats.RegistryFormat(keyFormat) || t.Source.KeyFormat != keyFormat || format != nil && !sameKeyFormat(t.Source, format) {
			out = append(out, tableSideRepartition(st.Right, t, st.rightExpr, st.RightKey,
				"-"+prefix+"RightSourceKeyed-SelectKey-repartition", prefix+"RightSourceKeyed-Materialize", keyFormat))
		}
	}
	return out
}

// joinFormatSource is the source whose key format a join of left and right
// takes (joinKeyFormat): the left's, unless the left side must be rekeyed
// and the right need not, then the right's; with both to be rekeyed, the
// first not keyed in NONE; nil where neither is (the default key format).
func joinFormatSource(left, right JoinLeaf, st JoinStep) *metastore.Source {
	mustLeft, mustRight := requiresRekey(st, left, right)
	switch {
	case !mustLeft:
		return left.Source
	case !mustRight:
		return right.Source
	}
	for _, l := range []JoinLeaf{left, right} {
		if l.Source.KeyFormat != formats.None {
			return l.Source
		}
	}
	return nil
}

// TableStore is the name of the store a persistent join keeps a table
// leaf's rows in (ksqlDB materializes a source table it joins, with its
// ROWPARTITION and ROWOFFSET, in the KTable's store): KafkaTopic_ then the
// leaf's side in the left-deep join tree (Left for the first source, Right
// for the source a step joins, after L_ per level below the outermost
// join), then -Reduce, as EXPLAIN's topologies name them. "" for a leaf
// that is not a table.
func (jp *JoinPlan) TableStore(leaf int) string {
	l := jp.Leaves[leaf]
	if !l.Source.Table || l.Source.Window != nil {
		return ""
	}
	n := len(jp.Steps)
	if leaf == 0 {
		return "KafkaTopic_" + chainPrefix(n-1) + "Left-Reduce"
	}
	for k, st := range jp.Steps {
		if st.Right == leaf {
			return "KafkaTopic_" + chainPrefix(n-1-k) + "Right-Reduce"
		}
	}
	return ""
}

// rekeyedSides reports which sides of a join of left and right ksqlDB
// repartitions before it joins them (PreJoinRepartitionNode and
// JoinNode.resolveKeyFormats, KLIP-33), and the join's internal key format
// (joinKeyFormat): a side joined on anything but its key; and, the join's
// key format being the left source's unless the left side must be
// repartitioned and the right need not (then the right's), every side when
// that format infers schemas from the registry (ksql issue 6332; historical
// plans joins_-_stream-stream_key-to-key_-_SR-enabled_key_format and
// joins_-_stream-table_key-to-key_-_SR-enabled_key_format), and a side whose
// own key format is not the join's (joins_-_stream-stream_key-to-key_-_key_format_mismatch,
// joins_-_stream-table_key-to-key_-_key_format_mismatch). A table side is
// rekeyed by its own key (RightSourceKeyed-SelectKey-repartition).
func rekeyedSides(jp *JoinPlan, st JoinStep, left, right JoinLeaf) (rekeyLeft, rekeyRight bool, keyFormat string) {
	mustLeft, mustRight := requiresRekey(st, left, right)
	keyFormat = joinKeyFormat(left, right, mustLeft, mustRight, jp.defaultKeyFormat)
	var format *metastore.Source
	switch {
	case !mustLeft:
		format = left.Source
	case !mustRight:
		format = right.Source
	default:
		// both repartitioned whatever their formats
		return true, true, keyFormat
	}
	forced := formats.RegistryFormat(format.KeyFormat)
	return mustLeft || forced || !sameKeyFormat(left.Source, format), mustRight || forced || !sameKeyFormat(right.Source, format), keyFormat
}

// sameKeyFormat reports sources whose keys are serialized alike: the same
// format with the same properties (FormatInfo's delimiter, schema id and
// PROTOBUF nullable representation).
func sameKeyFormat(a, b *metastore.Source) bool {
	return a.KeyFormat == b.KeyFormat && a.KeyDelimiter == b.KeyDelimiter && a.KeySchemaID == b.KeySchemaID && a.KeyProtoNullable == b.KeyProtoNullable
}

// WindowStores are the names of the two window stores of a stream-stream
// join step, as ksqlDB's topology names them (Kafka Streams' "this" and
// "other" sides: KSTREAM-JOINTHIS or -OUTERTHIS, and KSTREAM-JOINOTHER or
// -OUTEROTHER, numbered by their place in the topology; historical plans
// joins_-_stream_stream_*, multi-joins_-_stream-stream-stream_*), and
// whether the step's right stream is Kafka Streams' "this" side (a RIGHT
// join).
type WindowStores struct {
	This, Other string
	RightIsThis bool
	// Outer is the KSTREAM-OUTERSHARED store of a LEFT, RIGHT or FULL
	// OUTER step with a GRACE PERIOD ("" for none): Kafka Streams keeps
	// the records that await their null-padded result there
	// (OuterStreamJoinStoreFactory, named after the "this" store's number)
	Outer string
}

// WindowJoinStores are the window stores of each stream-stream step of
// plan's join, by step index: a stream-stream join alone, or each
// stream-stream step of an N-way join. ok is false for joins this server
// keeps in one changelog (shapes EXPLAIN does not build).
func WindowJoinStores(q *sql.Query, plan *Plan) (map[int]WindowStores, bool) {
	jp := plan.Join
	if jp == nil {
		return nil, false
	}
	var steps []int
	for i, st := range jp.Steps {
		if st.Within != nil {
			steps = append(steps, i)
		}
	}
	if len(steps) == 0 {
		return nil, false
	}
	topo, err := storeTopology(q, plan)
	if err != nil {
		return nil, false
	}
	out := map[int]WindowStores{}
	for _, step := range steps {
		prefix := chainPrefix(len(jp.Steps) - 1 - step)
		ws := WindowStores{RightIsThis: jp.Steps[step].Type == sql.RightJoin}
		for _, sub := range topo.subs {
			for _, n := range sub {
				switch {
				case n.name == prefix+"Join-this-windowed" && len(n.stores) == 1:
					ws.This = n.stores[0]
				case n.name == prefix+"Join-other-windowed" && len(n.stores) == 1:
					ws.Other = n.stores[0]
				case n.name == prefix+"Join-this-join" || n.name == prefix+"Join-outer-this-join":
					for _, s := range n.stores {
						if strings.HasPrefix(s, "KSTREAM-OUTERSHARED-") {
							ws.Outer = s
						}
					}
				}
			}
		}
		if ws.This == "" || ws.Other == "" {
			return nil, false
		}
		out[step] = ws
	}
	return out, true
}

// storeTopology is the topology that names the stores of plan's join:
// EXPLAIN's, or for an aggregation of a join, which EXPLAIN may not
// build, the join's own as far as its last join (joinTopology, or
// streamChainTopology for an N-way join with stream-stream steps), whose
// nodes are numbered alike as the aggregation's come after them.
func storeTopology(q *sql.Query, plan *Plan) (*topology, error) {
	shape, err := ExplainShape("", q, plan, "", "")
	switch {
	case err == nil:
		return shape.Topo, nil
	case plan.Agg == nil:
		return nil, err
	}
	jp := plan.Join
	switch {
	case len(jp.Steps) == 1:
		t, _, err := joinTopology("", q, plan)
		return t, err
	case !jp.Leaves[0].Source.Table && jp.Windowed() && keyFormatsAgree(jp):
		// shapeChainedJoin's conditions for a stream chain
		t, _, err := streamChainTopology("", plan)
		return t, err
	}
	return nil, err
}

// FKRekeysRight reports a foreign-key join of two tables alone whose right
// table ksqlDB rekeys by its own key into the join's key format, the left
// table's, before the join: one keyed by a STRUCT in a format of the
// schema registry (LogicalPlanner.shouldRepartitionFKJoin, confluentinc/ksql
// v7.9.0; historical plan
// fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry:
// RightSourceKeyed, a tableSelectKeyV1 in the left table's key format,
// through RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize). Such a table starting an N-way join is
// joined unrekeyed (see doc.go).
func (jp *JoinPlan) FKRekeysRight() bool {
	if !jp.fkKeyed() || len(jp.Leaves) != 2 {
		return false
	}
	left, right := jp.Leaves[0].Source, jp.Leaves[1].Source
	return formats.RegistryFormat(right.KeyFormat) && left.Topic != right.Topic && left.Window == nil &&
		slices.ContainsFunc(right.Schema.Keys(), func(c types.Column) bool { return c.Type.Kind() == types.KindStruct })
}

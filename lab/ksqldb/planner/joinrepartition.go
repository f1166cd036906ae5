package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
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
// joins_-_stream_stream_left_join_-_rekey_-_JSON list them).
const (
	JoinRepartitionSuffix      = "-Join-repartition"
	JoinLeftRepartitionSuffix  = "-Join-left-repartition"
	JoinRightRepartitionSuffix = "-Join-right-repartition"
)

// JoinRepartition is a stream side of a join that ksqlDB rekeys by the
// join expression and writes through a repartition topic before the join
// (the <Side>SourceKeyed SelectKey step, then PrependAlias<Side>): each
// record whose join key is not null is written keyed by it, with the
// aliased columns of the SelectKey step as its value, and the join reads
// the stream side back from there.
type JoinRepartition struct {
	Leaf      int    // the stream's leaf
	Suffix    string // the topic's name after the application id
	KeyFormat string // the join's internal key format (JoinNode.resolveKeyFormats)
	Key       types.Column
	Values    []types.Column // the PrependAlias step's values
	// From is, per value, its column's index in the leaf's row, or -1
	// for the copy of a key that is an expression
	From []int
	// KeyExpr evaluates the join key over the joined row (the leaf's
	// columns at its Base)
	KeyExpr expr.Compiled
}

// planJoinRepartitions are the repartitions of p's stream sides, where
// this server repartitions them: a persistent query with a single join of
// two sources, not windowed, each reading its own topic, or a chain of
// stream-table joins all on one column of the stream (planChainRepartition).
// Elsewhere (push queries, other chains, self-joins) a stream is rekeyed
// in memory, as doc.go says.
func planJoinRepartitions(p *Plan) []JoinRepartition {
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
	if st.ForeignKey || left.Source.Table || st.leftLeaf != 0 ||
		left.Source.Window != nil || right.Source.Window != nil || left.Source.Topic == right.Source.Topic {
		return nil
	}
	rekeyLeft := st.Rekeyed || !right.Source.Table && !left.keyedBy(st.leftExpr)
	rekeyRight := !right.Source.Table && !right.keyedBy(st.rightExpr)
	if !rekeyLeft && !rekeyRight {
		return nil
	}
	keyFormat := joinKeyFormat(left, right, rekeyLeft, rekeyRight)
	// Kafka Streams names a stream-stream join's repartitions by its own
	// sides: "this" (left) and "other" (right). ksqlDB runs a RIGHT join
	// as the right stream's LEFT join of the left one
	// (StreamStreamJoinBuilder), so there the left stream goes through
	// Join-right-repartition (joins_-_stream_stream_right_join_-_rekey_-_JSON)
	leftSuffix, rightSuffix := JoinLeftRepartitionSuffix, JoinRightRepartitionSuffix
	switch {
	case right.Source.Table:
		leftSuffix = JoinRepartitionSuffix
	case st.Type == sql.RightJoin:
		leftSuffix, rightSuffix = rightSuffix, leftSuffix
	}
	var out []JoinRepartition
	if rekeyLeft {
		out = append(out, joinRepartition(0, left, st.leftExpr, st.LeftKey, leftSuffix, keyFormat))
	}
	if rekeyRight {
		out = append(out, joinRepartition(1, right, st.rightExpr, st.RightKey, rightSuffix, keyFormat))
	}
	return out
}

// joinKeyFormat is a join's internal key format as JoinNode and
// PreJoinRepartitionNode resolve it (KLIP-33): the left source's, unless
// the left side is rekeyed and the right is not, then the right's; with
// both rekeyed, the first of the sources' that is not NONE.
func joinKeyFormat(left, right JoinLeaf, rekeyLeft, rekeyRight bool) string {
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
	return formats.Kafka
}

// joinRepartition plans the repartition of leaf l (index leaf), rekeyed by
// e compiled as ce.
func joinRepartition(leaf int, l JoinLeaf, e sql.Expr, ce expr.Compiled, suffix, keyFormat string) JoinRepartition {
	src := &planStep{cols: sourceStepColumns(l.Source)}
	keyed := rekeyStep(src, e, ce.Type, "")
	cols := aliased(l.Alias, keyed.cols)
	r := JoinRepartition{Leaf: leaf, Suffix: suffix, KeyFormat: keyFormat, KeyExpr: ce}
	schema := l.Source.Schema.Cols
	pseudo := 0
	for i, c := range cols {
		if c.Key {
			r.Key = c
			continue
		}
		r.Values = append(r.Values, c)
		name := keyed.cols[i].Name
		switch idx := slices.IndexFunc(schema, func(s types.Column) bool { return s.Name == name }); {
		case idx >= 0:
			r.From = append(r.From, idx)
		case pseudo < len(expr.PseudoColumns) && name == expr.PseudoColumns[pseudo].Name:
			r.From = append(r.From, len(schema)+pseudo)
			pseudo++
		default: // the copy of an expression key
			r.From = append(r.From, -1)
		}
	}
	return r
}

// planChainRepartition is the repartition of a chain of stream-table
// joins ([INNER] or LEFT) that all join the stream's one value column to
// the tables' keys: ksqlDB rekeys the stream once, before the innermost
// join, through <L_ per inner level>Join-repartition, and every join after
// it finds the stream keyed already (historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey; the same shape
// EXPLAIN prints, shapeChainedJoin).
func planChainRepartition(jp *JoinPlan) []JoinRepartition {
	stream, first := jp.Leaves[0], jp.Steps[0]
	if stream.Source.Table || stream.Source.Window != nil || !first.Rekeyed {
		return nil
	}
	if _, ok := first.leftExpr.(*sql.ColumnRef); !ok {
		return nil
	}
	for i, st := range jp.Steps {
		right := jp.Leaves[st.Right]
		if st.Right != i+1 || !right.Source.Table || right.Source.Window != nil || right.Source.Topic == stream.Source.Topic ||
			st.Type != sql.InnerJoin && st.Type != sql.LeftJoin ||
			st.leftLeaf != 0 || !st.Rekeyed || sql.Format(st.leftExpr) != sql.Format(first.leftExpr) {
			return nil
		}
	}
	inner := chainPrefix(len(jp.Steps) - 1)
	keyFormat := joinKeyFormat(stream, jp.Leaves[1], true, false)
	return []JoinRepartition{joinRepartition(0, stream, first.leftExpr, first.LeftKey, "-"+inner+"Join-repartition", keyFormat)}
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

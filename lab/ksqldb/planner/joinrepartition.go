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
// two sources, not windowed, each reading its own topic. Elsewhere (push
// queries, chains of joins, self-joins) a stream is rekeyed in memory, as
// doc.go says.
func planJoinRepartitions(p *Plan) []JoinRepartition {
	jp := p.Join
	if !p.Persistent || jp == nil || len(jp.Steps) != 1 || len(jp.Leaves) != 2 {
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
	var out []JoinRepartition
	if rekeyLeft {
		suffix := JoinLeftRepartitionSuffix
		if right.Source.Table {
			suffix = JoinRepartitionSuffix
		}
		out = append(out, joinRepartition(0, left, st.leftExpr, st.LeftKey, suffix, keyFormat))
	}
	if rekeyRight {
		out = append(out, joinRepartition(1, right, st.rightExpr, st.RightKey, JoinRightRepartitionSuffix, keyFormat))
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

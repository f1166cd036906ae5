package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// shapeTableChain is explainShape for a chain of primary-key table-table
// joins, each [INNER] or LEFT, the last also FULL OUTER. ksqlDB plans them
// as a left-deep tree whose query contexts take the prefix L_ once per
// level (the first table is KafkaTopic_L_..._Left, the table joined last
// KafkaTopic_Right). Each join is Kafka Streams' KTableImpl.doJoin: a
// KTABLE-MERGE of the left side's KTABLE-JOINTHIS, which reads the right
// table's store, and the right side's KTABLE-JOINOTHER, which reads the
// stores of every table on the left (listed in java.util.HashSet order);
// the next join reads the merge. A table keyed unlike the join (its
// key format, or a format that infers schemas) is rekeyed into the join's
// key format first (tableJoinInput). Sources, in confluentinc/ksql
// v7.9.0: the historical plans multi-joins_-_table-table-table_-_inner-inner,
// _-_inner-full, _-_key_format_mismatch, _-_SR-enabled_key_format and
// multi-joins_-_table-table-table-table_-_qualified_select__.
func shapeTableChain(what string, plan *Plan, sinkName, sinkTopic string) (*queryShape, error) {
	jp := plan.Join
	refuse := func(kind string) error { return stmterr.Unsupported(what + " of " + kind) }
	if plan.Agg != nil || plan.Partition != nil {
		return nil, refuse("an aggregation or PARTITION BY of a join")
	}
	for _, l := range jp.Leaves {
		if !l.Source.Table || l.Source.Window != nil || len(l.Source.Schema.Keys()) != 1 {
			return nil, refuse("an N-way join of tables that are not all keyed by one column")
		}
	}
	for i, st := range jp.Steps {
		if st.ForeignKey {
			return nil, refuse("an N-way join that starts with a foreign-key join")
		}
		if st.Right != i+1 {
			return nil, refuse("an N-way join with a step that does not join a table on its key")
		}
		if st.Type == sql.RightJoin {
			return nil, refuse("an N-way join with a table-table " + st.Type.String())
		}
	}

	cr, ok := chainRekeysOf(jp)
	if !ok {
		return nil, refuse("an N-way join of tables that are not each read from a topic of their own")
	}
	n := len(jp.Steps)
	prefix := chainPrefix

	// the plan: step k (0 first) is at depth n-1-k
	first := prefix(n-1) + "Left"
	var key sql.Expr
	if cr.tables[0] {
		key = jp.Steps[0].leftExpr
	}
	joined := aliasedTableStep(jp.Leaves[0], first, key, jp.Steps[0].LeftKey.Type)
	joined = chainJoinSteps(jp, joined, cr.tables)

	// the topology: the first table, then each table with its join; a
	// table keyed unlike the join is rekeyed into its format
	// (tableJoinInput)
	t := &topology{}
	t.sub()
	leftStores := []string{tableJoinInput(t, jp.Leaves[0].Source.Topic, first, cr.tables[0])}
	t.processor("PrependAlias" + first)
	left := "PrependAlias" + first
	for k, st := range jp.Steps {
		side := prefix(n-1-k) + "Right"
		store := tableJoinInput(t, jp.Leaves[st.Right].Source.Topic, side, cr.tables[st.Right])
		t.processor("PrependAlias" + side)
		merge := t.next("KTABLE-MERGE")
		this, other := t.next("KTABLE-JOINTHIS"), t.next("KTABLE-JOINOTHER")
		t.join(this, []string{left}, store)
		t.join(other, []string{"PrependAlias" + side}, javaHashSetOrder(leftStores...)...)
		t.join(merge, []string{this, other})
		left = merge
		leftStores = append(leftStores, store)
	}
	return joinTail(t, plan, joined, true, sinkName, sinkTopic), nil
}

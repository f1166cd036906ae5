package planner

// A join of windowed tables is planned by ksqlDB 0.29 (Analyzer lets a
// windowed table join only a windowed one) but its Kafka Streams app dies
// at the join's first result: the projection of a table-table join is
// materialized in Project-Last (TableSelectBuilder forces it, the join's
// KTableHolder being unmaterialized) with the key serde of the unwindowed
// key format, which refuses the Windowed<GenericKey> result
// (confluentinc/ksql issue 8055). Only a push query runs one: a persistent
// query on windowed tables is refused (planWindow).

// JoinsWindowedTables reports a join of tables with windowed keys.
func (jp *JoinPlan) JoinsWindowedTables() bool {
	l := jp.Leaves[0].Source
	return l.Table && l.Window != nil
}

// WindowedTableSourceNode is the name of the source node of leaf in the
// topology of a join of windowed tables, the node Kafka Streams names in
// the failure of a record read from the leaf's topic. Each table is a
// WindowedTableSource (SourceBuilderV1.buildWindowedTable, confluentinc/ksql
// v7.9.0): StreamsBuilder.table with a named store (the stream source and
// its KTABLE-SOURCE, no index taken for the store), the transform adding
// its key and pseudo columns (AddKeyAndPseudoColumns), then its
// PrependAlias projection; each join (KTableImpl.doJoin) takes the
// indexes of its KTABLE-MERGE, -JOINTHIS and -JOINOTHER before the next
// table, as in shapeTableChain.
func (jp *JoinPlan) WindowedTableSourceNode(leaf int) string {
	t := &topology{}
	t.sub()
	var node string
	table := func(l int) {
		name := t.next("KSTREAM-SOURCE")
		if l == leaf {
			node = name
		}
		t.source(name, jp.Leaves[l].Source.Topic)
		t.processor("KTABLE-SOURCE-")
		t.processor("KTABLE-TRANSFORMVALUES-")
		t.processor("PrependAlias")
	}
	table(0)
	for _, st := range jp.Steps {
		table(st.Right)
		t.next("KTABLE-MERGE")
		t.next("KTABLE-JOINTHIS")
		t.next("KTABLE-JOINOTHER")
	}
	return node
}

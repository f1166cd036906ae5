package planner

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// queryShape is what EXPLAIN tells of one persistent query: the execution
// plan's steps (sink first), the Kafka Streams topology ksqlDB 0.29 builds
// for it, and its window type.
type queryShape struct {
	Plan       *planStep // the sink step
	Topo       *topology
	WindowType *string
}

// Sources of the shapes, all in confluentinc/ksql v7.9.0:
//   - step names and query contexts: ksqldb-engine/.../util/PlanSummary.java,
//     planner/plan/AggregateNode.java (Prepare, GroupBy, Aggregate,
//     HavingFilter, Project) and the steps of the historical plans' plan.json;
//   - schemas: ksqldb-streams/.../StepSchemaResolver.java,
//     AggregateParamsFactory.buildSchema and GroupByParamsFactory;
//   - topologies: ksqldb-functional-tests/src/test/resources/historical_plans/
//     count_-_count, group-by_-_field_with_re-key_(stream-_table),
//     tumbling-windows_-_max_tumbling, session-windows_-_max_session,
//     having_-_calculate_average_in_having, multi-col-keys_-_select___from_table,
//     count_-_count_table, suppress_-_should_suppress_after_a_filter_WHERE_clause
//     (WhereFilter before Aggregate-Prepare; EMIT FINAL, which Kafka Streams
//     runs inside the windowed aggregate, adds no step or processor)
//     and joins_-_table_table_join_with_where_clause (a
//     table's WHERE: WhereFilter-ApplyPredicate, -Filter, -PostProcess), with
//     ksqldb-streams/.../TableFilterBuilder and TableSelectBuilder.
//
// Internal topics are named as TopologyDescription prints them, without the
// query's application id (Aggregate-GroupBy-repartition, not
// _confluent-ksql-<service id>query_<id>-Aggregate-GroupBy-repartition); ksqlDB's
// EXPLAIN prints the same (confluentinc/ksql issue #1011; in apache/kafka's
// InternalTopologyBuilder the source and sink descriptions keep the names the
// DSL gave, and only the built nodes are prefixed). The topology is
// ksqlDB's: this server runs an aggregation without that repartition topic
// (see doc.go). An empty sinkName is a query without a sink (a source
// table's): its plan and topology end at the projection.
func ExplainShape(what string, q *sql.Query, plan *Plan, sinkName, sinkTopic string) (*queryShape, error) {
	src := plan.Source
	switch {
	case plan.Join != nil && len(plan.TFs) > 0:
		return nil, stmterr.Unsupported(what + " of a table function over a JOIN")
	case plan.Join != nil:
		return shapeJoin(what, q, plan, sinkName, sinkTopic)
	case src.Window != nil && (src.Table || plan.Agg != nil):
		return nil, stmterr.Unsupported(what + " of a query that reads a windowed table or aggregates a windowed stream")
	case src.Table && plan.Partition != nil:
		return nil, stmterr.Unsupported(what + " of a PARTITION BY on a table")
	}
	srcCols := sourceStepColumns(src)
	sh := &queryShape{Topo: &topology{}}
	steps := []*planStep{{op: "SOURCE", cols: srcCols, ctx: "KsqlTopic.Source"}} // source first
	t := sh.Topo
	t.sub()
	if src.Table {
		t.tableSource(src.Topic, "KsqlTopic-Reduce")
	} else {
		t.source(t.next("KSTREAM-SOURCE"), src.Topic)
		t.processor("KSTREAM-TRANSFORMVALUES-")
	}
	if plan.Where != nil {
		steps = append(steps, &planStep{op: "FILTER", cols: srcCols, ctx: "WhereFilter"})
		if src.Table {
			t.processor("WhereFilter-ApplyPredicate")
			t.processor("WhereFilter-Filter")
			t.processor("WhereFilter-PostProcess")
		} else {
			t.processor("WhereFilter")
		}
	}
	flatIn := srcCols
	if pp := plan.Partition; pp != nil && plan.Agg == nil {
		// LogicalPlanner.buildPersistentLogicalPlan: the filter, then
		// PARTITION BY, then the table functions, then the projection
		flatIn = pp.rekeyedColumns(srcCols)
		steps = append(steps, &planStep{op: "REKEY", cols: flatIn, ctx: "PartitionBy"})
		t.processor("PartitionBy-SelectKey")
	}
	if len(plan.TFs) > 0 {
		// StreamFlatMapBuilder.buildSchema: the input's columns, then a
		// KSQL_SYNTH_n column per table function, of its type
		cols := append([]types.Column(nil), flatIn...)
		for i, tc := range plan.TFs {
			cols = append(cols, types.Column{Name: fmt.Sprintf("KSQL_SYNTH_%d", i), Type: tc.Type})
		}
		steps = append(steps, &planStep{op: "FLAT_MAP", cols: cols, ctx: "FlatMap"})
		t.processor("FlatMap")
	}
	if src.Window != nil {
		// a projection of a windowed stream writes a windowed stream
		// (windowedStreamSourceV1 in the historical plans)
		kind := src.Window.Type
		sh.WindowType = &kind
	}
	if plan.Agg != nil {
		aggSteps, err := shapeAggregate(what, q, plan, t, sourceAggInput(plan))
		if err != nil {
			return nil, err
		}
		steps = append(steps, aggSteps...)
		if w := plan.Agg.Window; w != nil {
			kind := w.Kind
			sh.WindowType = &kind
		}
	} else {
		// TableSelectBuilder materializes the projection (Project-Last)
		// only when its input is not materialized; a table source and
		// its filter are (TableFilterBuilder keeps the source's store)
		steps = append(steps, &planStep{op: "PROJECT", cols: plan.Out.Cols, ctx: "Project"})
		t.processor("Project")
	}
	if sinkName == "" {
		sh.Plan = chainPlan(steps...)
		return sh, nil
	}
	if plan.Agg != nil || src.Table {
		t.processor("KTABLE-TOSTREAM-")
	}
	t.sink(t.next("KSTREAM-SINK"), sinkTopic)
	steps = append(steps, &planStep{op: "SINK", cols: plan.Out.Cols, ctx: sinkName})
	sh.Plan = chainPlan(steps...)
	return sh, nil
}

// aggInput is what an aggregation reads, as its steps name it.
type aggInput struct {
	keys  []types.Column // the input's key columns
	table bool
	// materialized: the input has a store of its own, so
	// TableSelectBuilder does not materialize the Prepare step
	materialized bool
	// resolve names a column reference as the input's schema does
	resolve func(ref *sql.ColumnRef) (string, bool)
	// stars: the columns SELECT * reads; nil where * is not explained
	stars []types.Column
	// rowtime qualifies the ROWTIME that COUNT(*) reads: a join's left
	// source (COUNT(B_ROWTIME) in the historical plan
	// group-by_-_windowed_join); "" for a single source
	rowtime string
	// index is the input scope's index of a column as resolve names it
	index func(name string) (int, bool)
}

// sourceAggInput is the input of an aggregation that reads its source.
func sourceAggInput(plan *Plan) aggInput {
	return aggInput{keys: plan.Source.Schema.Keys(), table: plan.Source.Table, materialized: true,
		resolve: func(ref *sql.ColumnRef) (string, bool) { return ref.Name, true },
		stars:   starColumns(plan.Source, true),
		index:   func(name string) (int, bool) { return plan.In.Lookup(&sql.ColumnRef{Name: name}) }}
}

// aggPrepare is what AggregateNode prepares before it groups: the
// Prepare step's columns and the GroupBy step's key.
type aggPrepare struct {
	required []string               // the columns the aggregation reads, as the input names them
	calls    []*sql.FuncCall        // every aggregate call of SELECT and HAVING, repeats included
	prepare  []types.Column         // the input's keys, then the Prepare step's values
	args     map[int]*expr.Compiled // prepare index of each KSQL_INTERNAL_COL_n: the argument it holds
	argExprs map[int]sql.Expr       // and the argument's expression
	grouped  []types.Column         // the GroupBy step's columns: its key, then the values
	byKey    bool                   // a stream grouped by exactly its one key column: not rekeyed
	// what EXPLAIN does not shape (no historical plan shows it): a
	// pseudo column of a join read, an aggregate of several arguments,
	// a grouping struct field named as a column
	joinPseudo, severalArgs, fieldClash bool
	unreadable                          string // a column whose type the input does not give
}

// values are the Prepare step's value columns.
func (a *aggPrepare) values(input aggInput) []types.Column {
	return a.prepare[len(input.keys):]
}

// prepareAggregate works out AggregateNode's Prepare and GroupBy schemas
// for an aggregation reading input.
func prepareAggregate(q *sql.Query, plan *Plan, input aggInput) (*aggPrepare, error) {
	in, ap := plan.In, plan.Agg
	a := &aggPrepare{args: map[int]*expr.Compiled{}, argExprs: map[int]sql.Expr{}}
	colTypes := map[string]types.Type{}
	resolve := func(ref *sql.ColumnRef) string {
		name, ok := input.resolve(ref)
		if !ok {
			return ""
		}
		if idx, found := in.Lookup(ref); found {
			colTypes[name] = in.Cols[idx].Type
		}
		return name
	}

	// AggregateAnalyzer: the columns the aggregation reads, in the order
	// the SELECT, WHERE, GROUP BY and HAVING clauses name them (window
	// bounds excepted; COUNT(*) reads ROWTIME), and every aggregate call of
	// the SELECT and HAVING clauses, repeats included.
	seen := map[string]bool{}
	need := func(name string) {
		if !seen[name] && name != "WINDOWSTART" && name != "WINDOWEND" {
			seen[name] = true
			a.required = append(a.required, name)
		}
	}
	visit := func(e sql.Expr, collectCalls bool) {
		expr.Walk(e, func(x sql.Expr) {
			switch x := x.(type) {
			case *sql.ColumnRef:
				need(resolve(x))
			case *sql.FuncCall:
				if !expr.IsAggregate(x.Name) {
					return
				}
				if x.Star || len(x.Args) == 0 {
					need(resolve(&sql.ColumnRef{Qualifier: input.rowtime, Name: "ROWTIME"}))
				}
				if collectCalls {
					a.calls = append(a.calls, x)
				}
			}
		})
	}
	for _, it := range q.Items {
		if it.Star {
			for _, c := range input.stars {
				need(resolve(&sql.ColumnRef{Name: c.Name}))
			}
			continue
		}
		visit(it.Expr, true)
	}
	visit(q.Where, false)
	for _, g := range q.GroupBy {
		visit(g, false)
	}
	visit(q.Having, true)

	// AggregateNode.InternalSchema: Prepare selects the required columns,
	// then each aggregate argument that is not a column as
	// KSQL_INTERNAL_COL_<its position>; an aggregate's trailing literal
	// arguments are its init arguments, which stay in the call.
	a.prepare = append([]types.Column(nil), input.keys...)
	for _, name := range a.required {
		typ, ok := colTypes[name]
		switch {
		case name == "":
			a.joinPseudo = true
			continue
		case !ok:
			if a.unreadable == "" {
				a.unreadable = name
			}
			continue
		}
		a.prepare = append(a.prepare, types.Column{Name: name, Type: typ})
	}
	expanded := map[string]bool{}
	for _, fc := range a.calls {
		args := fc.Args
		if len(args) > 1 {
			a.severalArgs = true
			for len(args) > 1 {
				if _, lit := args[len(args)-1].(*sql.Literal); !lit {
					break
				}
				args = args[:len(args)-1]
			}
		}
		for _, arg := range args {
			if ref, ok := arg.(*sql.ColumnRef); ok && seen[resolve(ref)] {
				continue
			}
			key := sql.Format(arg)
			if expanded[key] {
				continue
			}
			expanded[key] = true
			c := &expr.Compiler{In: in, Clause: "SELECT"}
			ce, err := c.Compile(arg)
			if err != nil {
				return nil, fmt.Errorf("aggregate argument %s: %w", key, err)
			}
			a.args[len(a.prepare)], a.argExprs[len(a.prepare)] = &ce, arg
			a.prepare = append(a.prepare, types.Column{Name: fmt.Sprintf("KSQL_INTERNAL_COL_%d", len(a.prepare)-len(input.keys)), Type: ce.Type})
		}
	}

	// GroupByParamsFactory: the grouping expressions become the key; a
	// stream grouped by exactly its one key column is not rekeyed
	// (Repartitioning.repartitionNeeded: a key of other than one column
	// always is).
	a.byKey = !input.table && len(input.keys) == 1 && len(q.GroupBy) == 1
	alias := 0
	taken := map[string]bool{}
	for _, c := range a.prepare {
		taken[c.Name] = true
	}
	for i, g := range q.GroupBy {
		// ColumnNames.columnAliasGenerator over the Prepare schema: a
		// struct field is named after the field, anything else KSQL_COL_n
		name := ""
		switch g := g.(type) {
		case *sql.ColumnRef:
			name = resolve(g)
		case *sql.Deref:
			if taken[g.Field] {
				a.fieldClash = true
			}
			name = g.Field
		default:
			for name = fmt.Sprintf("KSQL_COL_%d", alias); taken[name]; name = fmt.Sprintf("KSQL_COL_%d", alias) {
				alias++
			}
			alias++
		}
		taken[name] = true
		if i >= len(input.keys) || input.keys[i].Name != name {
			a.byKey = false
		}
		a.grouped = append(a.grouped, types.Column{Name: name, Type: ap.GroupTypes[i], Key: true})
	}
	if a.byKey {
		a.grouped = a.prepare
	} else {
		a.grouped = append(a.grouped, a.values(input)...)
	}
	return a, nil
}

// shapeAggregate adds AggregateNode's steps and processors, from Prepare to
// Project, to a plan and topology that read the aggregation's input.
func shapeAggregate(what string, q *sql.Query, plan *Plan, t *topology, input aggInput) ([]*planStep, error) {
	ap := plan.Agg
	refuse := func(why string) error { return stmterr.Unsupported(what + " of an aggregation " + why) }
	a, err := prepareAggregate(q, plan, input)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	switch {
	case a.joinPseudo:
		return nil, refuse("that reads a pseudo column of a join")
	case a.unreadable != "":
		return nil, refuse("that reads " + a.unreadable)
	case a.severalArgs:
		for _, fc := range a.calls {
			if len(fc.Args) > 1 {
				return nil, refuse("with a " + fc.Name + " of several arguments")
			}
		}
	case a.fieldClash:
		return nil, refuse("grouped by a field named as a column")
	}
	prepare, grouped, byKey := a.prepare, a.grouped, a.byKey
	steps := []*planStep{{op: "PROJECT", cols: prepare, ctx: "Aggregate.Prepare"}}
	if input.table && !input.materialized {
		// TableSelectBuilder: a projection of a table without a store
		// is materialized in <context>-Last, under a generated name
		t.processor("KTABLE-TRANSFORMVALUES-", "Aggregate-Prepare-Last")
	} else {
		t.processor("Aggregate-Prepare")
	}
	steps = append(steps, &planStep{op: "GROUP_BY", cols: grouped, ctx: "Aggregate.GroupBy"})

	const repartition = "Aggregate-GroupBy-repartition"
	const store = "Aggregate-Aggregate-Materialize"
	switch {
	case byKey:
		t.processor("KSTREAM-AGGREGATE-", store)
	case input.table:
		t.processor("KTABLE-FILTER-")
		t.processor("Aggregate-GroupBy")
		t.sink(t.next("KSTREAM-SINK"), repartition)
		t.sub()
		t.source(t.next("KSTREAM-SOURCE"), repartition)
		t.processor("KTABLE-AGGREGATE-", store)
	default:
		t.processor("KSTREAM-FILTER-")
		t.processor("Aggregate-GroupBy")
		// the repartition's filter, sink and source are named by the
		// GroupBy and take their indexes after the aggregate's
		t.internal(repartition + "-filter")
		t.sink(repartition+"-sink", repartition)
		t.sub()
		t.source(repartition+"-source", repartition)
		t.processor("KSTREAM-AGGREGATE-", store)
		t.index += 3
	}

	// AggregateParamsFactory.buildSchema: key, non-aggregate columns,
	// KSQL_AGG_VARIABLE_<n> per aggregate call, then the window bounds.
	agg := append(keysOf(grouped), a.nonAggregate(input)...)
	vars, err := a.callIndexes(ap)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	for i, ci := range vars {
		agg = append(agg, types.Column{Name: fmt.Sprintf("KSQL_AGG_VARIABLE_%d", i), Type: ap.Calls[ci].Result})
	}
	if ap.Window != nil {
		agg = append(agg, types.Column{Name: "WINDOWSTART", Type: types.Bigint}, types.Column{Name: "WINDOWEND", Type: types.Bigint})
	}
	steps = append(steps, &planStep{op: "AGGREGATE", cols: agg, ctx: "Aggregate.Aggregate"})
	t.processor("Aggregate-Aggregate-ToOutputSchema")
	if ap.Window != nil {
		t.processor("Aggregate-Aggregate-WindowSelect")
	}
	if plan.Having != nil {
		steps = append(steps, &planStep{op: "FILTER", cols: agg, ctx: "Aggregate.HavingFilter"})
		t.processor("Aggregate-HavingFilter-ApplyPredicate")
		t.processor("Aggregate-HavingFilter-Filter")
		t.processor("Aggregate-HavingFilter-PostProcess")
	}
	steps = append(steps, &planStep{op: "PROJECT", cols: plan.Out.Cols, ctx: "Aggregate.Project"})
	t.processor("Aggregate-Project")
	return steps, nil
}

// keysOf returns the key columns of cols.
func keysOf(cols []types.Column) []types.Column {
	var out []types.Column
	for _, c := range cols {
		if c.Key {
			out = append(out, c)
		}
	}
	return out
}

// ApplyTimestamp adds what a sink created WITH (TIMESTAMP=...) runs before
// it: ApplyTimestampTransform-<sink>, which sets each record's time from the
// column (StreamSinkBuilder and TableSinkBuilder, confluentinc/ksql v7.9.0;
// historical plans timestamp-extractor_-_sink_bigint_timestamp_column and
// join-with-custom-timestamp_-_stream_stream_inner_join_with_ts_-_JSON). The
// step is named, and takes no node index. An INSERT INTO has no WITH clause
// and no such step (Analyzer.analyzeNonStdOutSink).
func (sh *queryShape) ApplyTimestamp(sinkName, sinkTopic string) {
	for si, sub := range sh.Topo.subs {
		for i := len(sub) - 1; i >= 0; i-- {
			n := sub[i]
			if n.kind != "Sink" || n.topic != sinkTopic {
				continue
			}
			tr := &topoNode{kind: "Processor", name: "ApplyTimestampTransform-" + sinkName, preds: n.preds}
			n.preds = []string{tr.name}
			sh.Topo.subs[si] = append(sub[:i], append([]*topoNode{tr}, sub[i:]...)...)
			return
		}
	}
}

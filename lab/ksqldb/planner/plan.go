package planner

import (
	"errors"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Mode tells what a SELECT is planned for.
type Mode int

const (
	ModePersistent Mode = iota // CREATE ... AS SELECT, INSERT INTO
	ModePush                   // transient push query (EMIT CHANGES)
)

// projCol is one output column and how to compute it.
type projCol struct {
	col  types.Column
	Expr expr.Compiled
}

// Plan is a compiled SELECT over one source.
type Plan struct {
	Source      *metastore.Source
	In          *expr.Scope
	Where       *expr.Compiled
	Agg         *expr.AggPlan
	Having      *expr.Compiled
	Proj        []projCol    // in projection order
	Out         types.Schema // keys first, then values (persistent); projection order (push)
	Order       []int        // out column i is proj[order[i]]
	ResultTable bool
	Limit       *int64
	Join        *JoinPlan      // nil without JOIN (see join.go)
	Partition   *partitionPlan // nil without PARTITION BY (see partitionby.go)
	Persistent  bool           // planned for CREATE ... AS SELECT or INSERT INTO
	TFs         []expr.TFCall  // the projection's table functions (see tablefunctions.go)
	Repartition *Repartition   // a persistent aggregation's repartition (see repartition.go); nil where none
	AggStore    *AggStore      // a persistent aggregation's store layout (see aggstore.go); nil where none
	// PrepareLast is the store of a table-table join's aggregation's
	// Prepare step (see preparelast.go); nil where none
	PrepareLast *PrepareLast
	// JoinRepartitions are the join's stream sides written through
	// repartition topics (see joinrepartition.go)
	JoinRepartitions []JoinRepartition
	// LogsFKStore: a push plan whose chain's foreign-key join puts its
	// results to the output store a persistent one logs (PlanTransient;
	// see fkstore.go)
	LogsFKStore bool
	// Failures collects what the projection's expressions throw, for the
	// processing log of the query's Project step; nil where the shape
	// does not log them (see expr/failures.go)
	Failures *expr.Failures
	// JoinFailures collects what a foreign-key join's left join
	// expression throws, for the join step's logger; nil where it cannot
	// fail or the shape does not log it (see logForeignKeyFailures)
	JoinFailures *expr.Failures
	// WhereFailures collects what WHERE throws, for the WhereFilter
	// step's logger; nil where it cannot fail or the shape does not log
	// it (see failures.go). The GROUP BY's are the Agg's.
	WhereFailures *expr.Failures
	// PartitionFailures collects what the PARTITION BY expressions (the
	// projection's key columns) throw, for the PartitionBy step's logger;
	// nil where the shape does not log them
	PartitionFailures *expr.Failures
	// TFFailures collects what the table functions' parameters throw, for
	// the FlatMap step's logger; nil where the shape does not log them
	TFFailures *expr.Failures
	// PrepareFailures collects what an aggregation's arguments throw, for
	// the Aggregate.Prepare step's logger, HavingFailures what HAVING
	// throws, for the Aggregate.HavingFilter step's; nil where none can
	// fail or the shape does not log them (see aggfailures.go). Failures
	// is then the Aggregate.Project step's.
	PrepareFailures, HavingFailures *expr.Failures
}

func inputScope(src *metastore.Source, alias string) *expr.Scope {
	cols := append(append([]types.Column(nil), src.Schema.Cols...), expr.PseudoColumns...)
	if src.Window != nil {
		cols = append(cols, windowColumns...)
	}
	q := map[string]bool{src.Name: true}
	if alias != "" {
		q = map[string]bool{alias: true}
	}
	return &expr.Scope{Cols: cols, Qualifiers: q}
}

// Option adjusts how PlanQuery plans a query.
type Option func(*options)

type options struct {
	defaultKeyFormat string
	suppressOff      bool
	transient        bool
	pull             bool
}

// Pull plans a pull query over a table, whose projection logs what it
// throws (see aggfailures.go logsPullProjection); its WHERE, checked
// here as written, filters as QueryFilterNode rewrites it (see
// aggfailures.go FilterAsRewritten).
func Pull() Option { return func(o *options) { o.pull = true } }

// Transient plans a push query that runs as a transient query, whose
// steps log what their expressions throw (see aggfailures.go
// logsTransientSteps).
func Transient() Option { return func(o *options) { o.transient = true } }

// SuppressDisabled refuses EMIT FINAL, as ksql.suppress.enabled=false does
// (LogicalPlanner).
func SuppressDisabled(off bool) Option { return func(o *options) { o.suppressOff = off } }

// DefaultKeyFormat is the key format a join keys its rows in where its
// sources' key formats are NONE (JoinNode.getDefaultSourceKeyFormat and
// LogicalPlanner.getSinkKeyFormat take ksql.persistence.default.format.key);
// KAFKA when not given.
func DefaultKeyFormat(f string) Option { return func(o *options) { o.defaultKeyFormat = f } }

// refuseWindowedTables refuses a persistent query reading a windowed table,
// as PushQueryValidator does in the analysis, before any join is planned.
func refuseWindowedTables(ms *metastore.Store, q *sql.Query, mode Mode) error {
	if mode != ModePersistent {
		return nil
	}
	names := []string{q.From}
	for _, j := range q.Joins {
		names = append(names, j.Source)
	}
	for _, n := range names {
		if src, ok := ms.Sources[n]; ok && src.Table && src.Window != nil {
			return stmterr.Bad("KSQL does not support persistent queries on windowed tables.")
		}
	}
	return nil
}

// PlanQuery compiles q against the metastore.
func PlanQuery(ms *metastore.Store, q *sql.Query, mode Mode, sinkName string, opts ...Option) (*Plan, error) {
	o := options{defaultKeyFormat: formats.Kafka}
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkQualifiers(q); err != nil {
		return nil, err
	}
	if err := checkByClausesAsWritten(q); err != nil {
		return nil, err
	}
	if err := MissingSource(ms, q); err != nil {
		return nil, err
	}
	if err := refuseWindowedTables(ms, q, mode); err != nil {
		return nil, err
	}
	var src *metastore.Source
	var in *expr.Scope
	var jp *JoinPlan
	if len(q.Joins) > 0 {
		var err error
		if src, in, jp, err = planJoin(ms, q, o); err != nil {
			return nil, err
		}
	} else {
		var ok bool
		if src, ok = ms.Sources[q.From]; !ok {
			return nil, missingSource(ms, q.From)
		}
		in = inputScope(src, q.FromAlias)
	}
	if err := checkByClausesQualified(q, columnQualifier(q, src, jp)); err != nil {
		return nil, err
	}
	if err := checkKafkaGroupBy(q, src, jp); err != nil {
		return nil, err
	}
	if err := checkJoinWindowBounds(q, jp); err != nil {
		return nil, err
	}
	p := &Plan{Source: src, In: in, Join: jp, Limit: q.Limit, Persistent: mode == ModePersistent}
	if q.Limit != nil && mode == ModePersistent {
		return nil, stmterr.Bad("CREATE STREAM AS SELECT statements don't support LIMIT clause.")
	}
	hasTF, err := checkTableFunctions(q, src)
	if err != nil {
		return nil, err
	}
	if err := checkWhereWindowBounds(q, src, in); err != nil {
		return nil, err
	}
	if q.Where != nil {
		if expr.HasAggregate(q.Where) {
			return nil, stmterr.Bad("WHERE clause can not have aggregate functions.")
		}
		c := &expr.Compiler{In: in, Clause: "WHERE", Names: jp.columnNames(), Interpreted: o.pull}
		if logsSourceSteps(mode, src, jp) || logsTableWhere(mode, src, jp) || logsJoinWhere(mode, jp) || logsTransientSteps(o, src, jp, q) {
			c.Failures = &expr.Failures{Step: "WhereFilter"}
		}
		w, err := c.CompileLean(q.Where)
		if err != nil {
			return nil, filterTypeError("WHERE", err)
		}
		if w.Type != types.Boolean && w.Type != types.Null {
			return nil, stmterr.Bad("Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.", c.Format(q.Where), w.Type)
		}
		if c.Failures.Sites() > 0 {
			// SqlPredicate: the predicate that throws is false
			w = c.Failures.Boundary("Error evaluating predicate "+stepText(q.Where, jp), w)
			p.WhereFailures = c.Failures
		}
		p.Where = &w
	}
	aggregate := aggregates(q)
	pp, err := planPartitionBy(q, src, in, jp)
	if err != nil {
		return nil, err
	}
	p.Partition = pp
	if q.Having != nil && !aggregate {
		return nil, stmterr.Bad("Non-aggregate query cannot have HAVING clause.")
	}
	win, err := planWindow(q, src, aggregate, mode)
	if err != nil {
		return nil, err
	}
	// an aggregation without GROUP BY is one group: the Analyzer groups
	// by the constant X'01' (addDummyGroupbyForUdafs)
	oneGroup := aggregate && len(q.GroupBy) == 0
	p.ResultTable = aggregate || src.Table

	// expand the projection
	type item struct {
		expr  sql.Expr
		alias string
	}
	var items []item
	for _, it := range q.Items {
		if it.Star && jp != nil && pp != nil {
			exprs, names := pp.joinStarItems(jp, it.Pos)
			for i := range exprs {
				items = append(items, item{expr: exprs[i], alias: names[i]})
			}
			continue
		}
		if it.Star && jp != nil {
			exprs, names := jp.star(it.Qualifier, it.Pos)
			if len(exprs) == 0 {
				return nil, stmterr.Bad("Line: %d, Col: %d: Source %s does not exist.", it.Pos.Line, it.Pos.Col, it.Qualifier)
			}
			for i := range exprs {
				items = append(items, item{expr: exprs[i], alias: names[i]})
			}
			continue
		}
		if it.Star {
			if it.Qualifier != "" && !in.Qualifiers[it.Qualifier] {
				return nil, stmterr.Bad("Line: %d, Col: %d: Source %s does not exist.", it.Pos.Line, it.Pos.Col, it.Qualifier)
			}
			if pp != nil {
				exprs, names := pp.starItems(src, it.Pos)
				for i := range exprs {
					items = append(items, item{expr: exprs[i], alias: names[i]})
				}
				continue
			}
			for _, c := range starColumns(src, p.Persistent) {
				items = append(items, item{expr: &sql.ColumnRef{Name: c.Name, P: it.Pos}})
			}
			continue
		}
		if it.StructAll {
			// SelectionUtil.resolveStructAll: a column per field of the struct
			ce, err := (&expr.Compiler{In: in, Clause: "SELECT"}).Compile(it.Expr)
			if err != nil {
				return nil, err
			}
			if err := checkStructAll(it.Expr, ce.Type); err != nil {
				return nil, err
			}
			for _, f := range ce.Type.Fields {
				items = append(items, item{expr: &sql.Deref{X: it.Expr, Field: f.Name, P: it.Pos}, alias: f.Name})
			}
			continue
		}
		items = append(items, item{expr: it.Expr, alias: it.Alias})
	}
	// AstSanitizer names each expression without an alias with one
	// generator over the sources' columns (ColumnNames.columnAliasGenerator)
	srcCols := src.Schema.Cols
	if jp != nil {
		srcCols = nil
		for _, l := range jp.Leaves {
			srcCols = append(srcCols, l.Source.Schema.Cols...)
		}
	}
	aliases := newAliasGenerator(srcCols)
	nameOf := func(it item) string {
		if it.alias != "" {
			return it.alias
		}
		if ref, ok := it.expr.(*sql.ColumnRef); ok && jp != nil {
			return jp.columnName(ref)
		} else if ok {
			return ref.Name
		}
		return aliases.uniqueAliasFor(it.expr)
	}

	var comp *expr.Compiler
	var aggVars *aggVariables // the aggregate calls' KSQL_AGG_VARIABLE_<n>, where the aggregation's steps log
	if aggregate {
		ap := &expr.AggPlan{Window: win}
		gc := &expr.Compiler{In: in, Clause: "GROUP BY"}
		if logsSourceSteps(mode, src, jp) && pp == nil || logsTableGroupBy(mode, src, jp) || logsJoinGroupBy(mode, jp) {
			gc.Failures = &expr.Failures{Step: "Aggregate.GroupBy"}
		}
		for _, g := range q.GroupBy {
			if calls := expr.AggregateCalls(g); len(calls) > 0 { // AggAnalyzer.processGroupBy names the function
				return nil, stmterr.Bad("GROUP BY does not support aggregate functions: %s is an aggregate function.", calls[0].Name)
			}
			ce, err := gc.CompileLean(g)
			if err != nil {
				return nil, err
			}
			if ce.Type == types.Null {
				return nil, stmterr.Unsupported("GROUP BY on a " + ce.Type.String() + " expression")
			}
			ap.GroupKeys = append(ap.GroupKeys, sql.Format(g))
			ap.GroupTypes = append(ap.GroupTypes, ce.Type)
			ap.GroupEval = append(ap.GroupEval, ce)
		}
		if gc.Failures.Sites() > 0 {
			ap.GroupFailures = gc.Failures
		}
		if oneGroup {
			one := []byte{1}
			ap.GroupKeys = []string{"X'01'"}
			ap.GroupTypes = []types.Type{types.Bytes}
			ap.GroupEval = []expr.Compiled{{Type: types.Bytes, Eval: func([]any) any { return one }}}
		}
		group := map[string]bool{}
		for _, k := range ap.GroupKeys {
			group[k] = true
		}
		if win != nil {
			group["WINDOWSTART"], group["WINDOWEND"] = true, true
		}
		selects := make([]sql.Expr, len(items))
		for i, it := range items {
			selects[i] = it.expr
		}
		if err := checkAggregateClauses(in, selects, q.GroupBy, group, win != nil, q.Having); err != nil {
			return nil, err
		}
		if oneGroup && mode == ModePersistent { // AggregateNode.validateKeyPresent
			return nil, stmterr.Bad("CREATE TABLE AS SELECT statement does not support aggregate function %s without a GROUP BY clause.",
				aggregateCallsText(append(selects, q.Having)))
		}
		p.Agg = ap
		comp = &expr.Compiler{In: in, Agg: ap, Clause: "SELECT", Interpreted: o.pull}
		if logsAggregateSteps(mode) {
			comp.Failures = &expr.Failures{Step: "Aggregate.Project"}
			p.Failures = comp.Failures
			aggVars = newAggVariables(selects, q.Having, jp)
		}
	} else {
		comp = &expr.Compiler{In: in, Clause: "SELECT", Interpreted: o.pull}
		if hasTF {
			comp.TFs = &expr.TFSlots{Base: len(in.Cols)}
		}
		if logsTransientSteps(o, src, jp, q) && pp == nil {
			comp.Failures = &expr.Failures{Step: "Project"}
			p.Failures = comp.Failures
			if hasTF {
				comp.TFs.Failures = &expr.Failures{Step: "FlatMap"}
				p.TFFailures = comp.TFs.Failures
			}
		} else if logsPullProjection(o, jp) && pp == nil && !hasTF {
			comp.Failures = &expr.Failures{Step: "PROJECT"}
			p.Failures = comp.Failures
		} else if mode == ModePersistent && (jp == nil || logsJoinProjection(mode)) {
			// the Project step logs what its expressions throw (see
			// expr/failures.go), and so does the PartitionBy step, whose
			// expressions are the projection's key columns
			comp.Failures = &expr.Failures{Step: "Project"}
			p.Failures = comp.Failures
			if pp != nil && !pp.Null {
				p.PartitionFailures = &expr.Failures{Step: "PartitionBy"}
			}
			if hasTF {
				comp.TFs.Failures = &expr.Failures{Step: "FlatMap"}
				p.TFFailures = comp.TFs.Failures
			}
		}
	}
	values := 0 // the value columns so far: the step's select expressions

	keyOf := make([]int, len(items)) // index of the group/source key this item is, or -1
	names := projectionNames{plain: jp != nil || pp != nil}
	for i, it := range items {
		c := comp
		switch {
		case p.PartitionFailures != nil && pp.keyIndex(it.expr) >= 0:
			kc := *comp
			kc.Failures = p.PartitionFailures
			c = &kc
		case p.Failures != nil && jp != nil && jp.KeyIndex(it.expr) >= 0:
			// a join's key is computed by the step that rekeys its side,
			// whose failures are not logged yet
			kc := *comp
			kc.Failures = nil
			c = &kc
		}
		sites := c.Failures.Sites()
		ce, err := c.CompileLean(it.expr)
		if err != nil {
			return nil, err
		}
		name := nameOf(it)
		if ce.Type == types.Null {
			return nil, stmterr.Bad("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		if err := names.add(name, ce.Type, jp == nil && pp == nil && isSourceKey(it.expr, in, src)); err != nil {
			return nil, err
		}
		keyOf[i] = -1
		if pp != nil {
			keyOf[i] = pp.keyIndex(it.expr)
		} else if aggregate {
			for gi, g := range p.Agg.GroupKeys {
				if sql.Format(it.expr) == g {
					keyOf[i] = gi
				}
			}
		} else if jp != nil {
			keyOf[i] = jp.KeyIndex(it.expr)
		} else if ref, ok := it.expr.(*sql.ColumnRef); ok {
			if idx, ok := in.Lookup(ref); ok && idx < len(src.Schema.Cols) && src.Schema.Cols[idx].Key {
				keyOf[i] = idx
			}
		}
		if c.Failures == p.PartitionFailures && c.Failures.Sites() != sites {
			// PartitionByParamsFactory.buildExpressionEvaluator: the key
			// that throws is NULL
			ce = c.Failures.Boundary("Error computing new key from expression "+stepText(it.expr, jp), ce)
		}
		if keyOf[i] < 0 {
			index := values
			if !p.Persistent {
				index = i // a transient query's projection keeps its keys (FinalProjectNode)
			}
			if c.Failures.Sites() != sites && aggVars != nil { // it can fail
				ce = p.Failures.Computing(aggVars.text(it.expr), name, index, ce)
			} else if c.Failures.Sites() != sites {
				ce = p.Failures.Computing(projectText(it.expr, jp, comp.TFs), name, index, ce)
			}
			values++
		}
		p.Proj = append(p.Proj, projCol{col: types.Column{Name: name, Type: ce.Type}, Expr: ce})
	}
	if comp.TFs != nil {
		p.TFs = comp.TFs.Calls
	}
	if q.Having != nil {
		hc := &expr.Compiler{In: in, Agg: p.Agg, Clause: "HAVING", Names: jp.columnNames()}
		if aggVars != nil {
			hc.Failures = &expr.Failures{Step: "Aggregate.HavingFilter"}
		}
		h, err := hc.CompileLean(q.Having)
		if err != nil {
			return nil, filterTypeError("HAVING", err)
		}
		if h.Type != types.Boolean {
			return nil, stmterr.Bad("Type error in HAVING expression: Should evaluate to boolean but is %s (%s) instead.", hc.Format(q.Having), h.Type)
		}
		if hc.Failures.Sites() > 0 {
			// SqlPredicate: the predicate that throws is false
			h = hc.Failures.Boundary("Error evaluating predicate "+aggVars.text(q.Having), h)
			p.HavingFailures = hc.Failures
		}
		p.Having = &h
	}
	if err := checkEmitFinal(q, o.suppressOff); err != nil {
		return nil, err
	}
	if jp != nil && !aggregate && pp == nil {
		exprs := make([]sql.Expr, len(items))
		for i, it := range items {
			exprs[i] = it.expr
		}
		if err := jp.finish(p, keyOf, exprs, mode, sinkName); err != nil {
			return p, err
		}
		p.JoinRepartitions = planJoinRepartitions(p)
		return p, nil
	}
	if mode == ModePush {
		for i, pc := range p.Proj {
			c := pc.col
			c.Key = keyOf[i] >= 0
			p.Out.Cols = append(p.Out.Cols, c)
			p.Order = append(p.Order, i)
		}
		if err := checkTableAggregates(p); err != nil {
			return nil, err
		}
		return p, checkIntermediate(p)
	}

	if pp != nil {
		if err := pp.persistentOut(p, keyOf, sinkName); err != nil {
			return p, err
		}
		// the join's sides are repartitioned before the PartitionBy step
		// rekeys its result (LogicalPlanner: the join, then the PARTITION BY)
		if jp != nil && !aggregate {
			p.JoinRepartitions = planJoinRepartitions(p)
		}
		return p, nil
	}
	// persistent: every key must be projected exactly once, keys first
	var wantKeys int
	var keyNames []string
	if aggregate {
		wantKeys = len(p.Agg.GroupKeys)
		keyNames = p.Agg.GroupKeys
	} else {
		for _, c := range src.Schema.Keys() {
			wantKeys++
			keyNames = append(keyNames, c.Name)
		}
	}
	keyItems := make([][]int, wantKeys) // the items that are each key
	for i := range items {
		k := keyOf[i]
		if k < 0 {
			continue
		}
		if !aggregate {
			// map source column index to key ordinal
			n := 0
			for j := 0; j < k; j++ {
				if src.Schema.Cols[j].Key {
					n++
				}
			}
			k = n
		}
		keyItems[k] = append(keyItems[k], i)
	}
	if err := checkKeysOnce(p, aggregate, keyItems, keyNames); err != nil {
		return nil, err
	}
	keyPos := make([]int, wantKeys)
	var missing []string
	for k, at := range keyItems {
		if len(at) == 0 {
			missing = append(missing, keyNames[k])
			continue
		}
		keyPos[k] = at[0]
	}
	if len(missing) > 0 {
		return p, keysMissing(sinkName, aggregate, missing, keyNames)
	}
	for _, pos := range keyPos {
		c := p.Proj[pos].col
		c.Key = true
		p.Out.Cols = append(p.Out.Cols, c)
		p.Order = append(p.Order, pos)
	}
	isKey := map[int]bool{}
	for _, pos := range keyPos {
		isKey[pos] = true
	}
	for i, pc := range p.Proj {
		if !isKey[i] {
			p.Out.Cols = append(p.Out.Cols, pc.col)
			p.Order = append(p.Order, i)
		}
	}
	if len(p.Out.Values()) == 0 {
		return nil, stmterr.Bad("The projection contains no value columns.")
	}
	if err := checkTableAggregates(p); err != nil {
		return nil, err
	}
	if p.Repartition, err = planRepartition(q, p); err != nil {
		return nil, err
	}
	if err := planPrepareFailures(q, p); err != nil {
		return nil, err
	}
	if p.AggStore, err = planAggStore(q, p); err != nil {
		return nil, err
	}
	p.PrepareLast = planPrepareLast(q, p)
	p.JoinRepartitions = planJoinRepartitions(p)
	return p, checkIntermediate(p)
}

// checkStructAll refuses struct->* over what is not a STRUCT column or a
// STRUCT field, with SelectionUtil.resolveStructFields' messages.
func checkStructAll(e sql.Expr, t types.Type) error {
	switch x := e.(type) {
	case *sql.ColumnRef:
		if t.Kind() != types.KindStruct {
			return stmterr.Bad("Column `%s` is not a STRUCT type.", x.Name)
		}
	case *sql.Deref:
		if t.Kind() != types.KindStruct {
			return stmterr.Bad("Field %s is not a STRUCT type.", x.Field)
		}
	default:
		return stmterr.Bad("Unsupported struct column expression: %s", sql.Format(e))
	}
	return nil
}

// checkTableFunctions is Analyzer.TableFunctionVisitor over the SELECT
// items and QueryAnalyzer's check of the source: it reports whether the
// projection calls table functions, refusing them nested, with GROUP BY,
// inside a searched CASE or over a table, with ksqlDB's messages.
func checkTableFunctions(q *sql.Query, src *metastore.Source) (bool, error) {
	found := false
	var visit func(e sql.Expr, outer string, inCase *sql.Case) error
	visit = func(e sql.Expr, outer string, inCase *sql.Case) error {
		if e == nil {
			return nil
		}
		if cs, ok := e.(*sql.Case); ok && cs.Operand == nil {
			inCase = cs
		}
		if fc, ok := e.(*sql.FuncCall); ok && expr.UDTFs[fc.Name] != nil {
			switch {
			case outer != "":
				return stmterr.Bad("Table functions cannot be nested: %s(%s())", outer, fc.Name)
			case len(q.GroupBy) > 0:
				return stmterr.Bad("Table functions cannot be used with aggregations.")
			case inCase != nil:
				return stmterr.Bad("Table functions cannot be used in CASE: %s", sql.Format(inCase))
			}
			found = true
			outer = fc.Name
		}
		for _, ch := range expr.Children(e) {
			if err := visit(ch, outer, inCase); err != nil {
				return err
			}
		}
		return nil
	}
	for _, it := range q.Items {
		if it.Star || it.StructAll {
			continue
		}
		if err := visit(it.Expr, "", nil); err != nil {
			return false, err
		}
	}
	if found && src != nil && src.Table {
		return true, stmterr.Bad("Table source is not supported with table functions")
	}
	return found, nil
}

// filterTypeError is how ksqlDB reports a WHERE or HAVING expression whose
// types do not resolve: FilterTypeValidator wraps ExpressionTypeManager's
// failure as "Error in WHERE expression: ..." (confluentinc/ksql v7.9.0);
// what fails outside the type resolution passes as it is
// (expr.IsTypeCheckError).
func filterTypeError(clause string, err error) error {
	var se *stmterr.Error
	if !expr.IsTypeCheckError(err) || !errors.As(err, &se) {
		return err
	}
	return expr.KeepOperandMark(err, stmterr.Bad("Error in %s expression: %s", clause, se.Msg))
}

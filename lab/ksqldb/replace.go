package ksqldb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// CREATE OR REPLACE (confluentinc/ksql 7.9.0; docs how-to-guides
// update-a-running-persistent-query.md). A declaration (CREATE STREAM|TABLE
// with columns) replaces the existing one when the metastore allows the
// upgrade (MetaStoreImpl.putSource, StructuredDataSource.canUpgradeTo):
// same name, kind, topic, formats and timestamp column (replace_topic.go), identical key
// columns and every old value column kept at its place. A CREATE ... AS
// SELECT on a stream or table its query created upgrades that query in
// place (QueryIdUtil.buildId, QueryRegistryImpl.registerPersistentQuery):
// the sink passes the same check, the plan's steps must be upgradeable
// (ExecutionStep.validateUpgrade), and the query keeps its id, stops after
// committing what it processed and starts again with the new statement
// from the committed offsets. A query keeps the sources as they were when
// it was created or upgraded, so SELECT * names the columns it named then.

// createOrReplaceEnabled is KsqlConfig.KSQL_CREATE_OR_REPLACE_ENABLED
// (default true), read when a query would be upgraded.
const createOrReplaceEnabled = "ksql.create.or.replace.enabled"

// checkSourceUpgrade is canUpgradeTo: old may be replaced by next. The
// issues are listed in its order: type, topic, TIMESTAMP, then schema.
func checkSourceUpgrade(old, next *metastore.Source) error {
	var issues []string
	if old.Table != next.Table {
		issues = append(issues, fmt.Sprintf("DataSource '%s' has type = %s which is not upgradeable to %s", old.Name, dataSourceType(old), dataSourceType(next)))
	}
	if a, b := ksqlTopic(old), ksqlTopic(next); a != b {
		issues = append(issues, fmt.Sprintf("DataSource '%s' has topic = %s which is not upgradeable to %s", old.Name, a, b))
	}
	if a, b := timestampColumn(old), timestampColumn(next); a != b {
		issues = append(issues, fmt.Sprintf("DataSource '%s' has timestampColumn = %s which is not upgradeable to %s", old.Name, a, b))
	}
	if diff := schemaUpgradeIssue(old.Schema, next.Schema); diff != "" {
		issues = append(issues, fmt.Sprintf("DataSource '%s' has schema = %s which is not upgradeable to %s. (%s)", old.Name, old.Schema, next.Schema, diff))
	}
	if len(issues) > 0 {
		return stmterr.Bad("Cannot upgrade data source: %s", strings.Join(issues, "\n\tAND "))
	}
	return nil
}

// dataSourceType is DataSourceType's name.
func dataSourceType(s *metastore.Source) string {
	if s.Table {
		return "KTABLE"
	}
	return "KSTREAM"
}

// schemaUpgradeIssue is StructuredDataSource.checkSchemas: the key columns
// must be identical, and every old column must stay in next with its type
// and its place among the columns of its kind ("" when they do).
func schemaUpgradeIssue(old, next types.Schema) string {
	if missing := columnsNotKept(old.Keys(), next.Keys()); len(missing) > 0 {
		return "Key columns must be identical. The following key columns are changed, missing or reordered: " + bracketColumns(missing)
	}
	if missing := columnsNotKept(old.Values(), next.Values()); len(missing) > 0 {
		return "The following columns are changed, missing or reordered: " + bracketColumns(missing)
	}
	return ""
}

// columnsNotKept are the columns of old that next does not have at the
// same index with the same name and type.
func columnsNotKept(old, next []types.Column) []types.Column {
	var out []types.Column
	for i, c := range old {
		if i >= len(next) || next[i].Name != c.Name || next[i].Type.String() != c.Type.String() {
			out = append(out, c)
		}
	}
	return out
}

func bracketColumns(cols []types.Column) string {
	return "[" + strings.TrimSpace(types.Schema{Cols: cols}.String()) + "]"
}

// upgradeTarget is the query a CREATE OR REPLACE ... AS SELECT of existing
// upgrades (QueryIdUtil.buildId); nil when no query writes existing, and a
// new query writes it from now on. A source stream or table stays
// read-only (EngineExecutor.execute).
func upgradeTarget(ec *execCtx, existing *metastore.Source, table bool) (*metastore.Query, error) {
	_, writers := ec.ms.ReadersWriters(existing.Name)
	if len(writers) > 1 {
		return nil, stmterr.Bad("REPLACE for sink %s is not supported because there are multiple queries writing into it: [%s]", existing.Name, strings.Join(writers, ", "))
	}
	if len(writers) == 0 {
		return nil, checkWritable(existing)
	}
	if ec.ms.Queries[writers[0]].Insert {
		return nil, stmterr.Unsupported("CREATE OR REPLACE ... AS SELECT of a " + strings.ToLower(existing.Kind()) + " only INSERT INTO writes")
	}
	if strings.EqualFold(strings.TrimSpace(ec.props[createOrReplaceEnabled]), "false") {
		kind := "stream"
		if table {
			kind = "table"
		}
		return nil, stmterr.Bad("Cannot add %s '%s': A %s with the same name already exists", kind, existing.Name, kind)
	}
	return ec.ms.Queries[writers[0]], nil
}

// checkQueryUpgrade is ExecutionStep.validateUpgrade over the old and the
// new plan: a step that has no upgrade path refuses it by its class name.
func checkQueryUpgrade(ms *metastore.Store, old *metastore.Query, nextQ *sql.Query, next *planner.Plan) error {
	q, err := queryOf(old)
	if err != nil {
		return err
	}
	prev, err := planOfQuery(ms, old, q)
	if err != nil {
		return fmt.Errorf("upgrade %s: plan the running query: %w", old.ID, err)
	}
	for _, p := range []*planner.Plan{prev, next} {
		if step := stepWithoutUpgrade(p); step != "" {
			return stmterr.Bad("Upgrades not yet supported for %s", step)
		}
	}
	if prev.Source.Name != next.Source.Name {
		if prev.Agg != nil || next.Agg != nil {
			return stmterr.Unsupported("CREATE OR REPLACE ... AS SELECT of an aggregate that reads another source")
		}
		return checkSourceStepUpgrade(prev, next)
	}
	if prev.Agg == nil && next.Agg == nil {
		return nil
	}
	if prev.Agg == nil || next.Agg == nil {
		return stmterr.Unsupported("CREATE OR REPLACE ... AS SELECT that adds or removes an aggregation")
	}
	// StreamAggregate's MUST_MATCH: its class, the columns it reads, then
	// its functions. HAVING is a passive TableFilter above it: one only the
	// new plan has meets the old aggregate; one only the old plan has hands
	// the check to the new aggregate.
	const mismatch = "Query is not upgradeable. Plan step of type StreamAggregate must have matching %s. Values differ: %s vs. %s"
	if q.Having == nil && nextQ.Having != nil {
		return stmterr.Bad(mismatch, "class", "class io.confluent.ksql.execution.plan.StreamAggregate", "class io.confluent.ksql.execution.plan.TableFilter")
	}
	this, that := q, nextQ
	if q.Having != nil && nextQ.Having == nil {
		this, that = nextQ, q
	}
	if a, b := aggregateInputColumns(this), aggregateInputColumns(that); !slices.Equal(a, b) {
		return stmterr.Bad(mismatch, "columns not part of aggregate", quotedNames(a), quotedNames(b))
	}
	if a, b := aggregateFunctions(this), aggregateFunctions(that); !slices.Equal(a, b) {
		return stmterr.Bad(mismatch, "aggregate functions", "["+strings.Join(a, ", ")+"]", "["+strings.Join(b, ", ")+"]")
	}
	return nil
}

// aggregateInputColumns is AggregateAnalyzer's required columns: the
// columns an aggregation reads, in the order the SELECT, WHERE, GROUP BY
// and HAVING name them first; an aggregate without arguments reads ROWTIME.
func aggregateInputColumns(q *sql.Query) []string {
	var out []string
	add := func(e sql.Expr) {
		expr.Walk(e, func(x sql.Expr) {
			name := ""
			switch v := x.(type) {
			case *sql.ColumnRef:
				name = v.Name
			case *sql.FuncCall:
				if expr.ReadsRowtime(v) {
					name = "ROWTIME"
				}
			}
			if name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		})
	}
	for _, it := range q.Items {
		add(it.Expr)
	}
	add(q.Where)
	for _, g := range q.GroupBy {
		add(g)
	}
	add(q.Having)
	return out
}

// aggregateFunctions are StreamAggregate's aggregationFunctions: every
// aggregate call of q's SELECT and HAVING, repeats included, as the plan
// holds it. An argument that is a column keeps its name, a call without
// arguments reads ROWTIME, and any other argument is the column
// Aggregate.Prepare selects it as, KSQL_INTERNAL_COL_<n> after the
// columns the aggregation reads (AggregateNode's internal schema).
func aggregateFunctions(q *sql.Query) []string {
	internal := map[string]string{}
	next := len(aggregateInputColumns(q))
	var out []string
	add := func(e sql.Expr) {
		for _, fc := range expr.AggregateCalls(e) {
			if expr.ReadsRowtime(fc) {
				out = append(out, strings.ToUpper(fc.Name)+"(ROWTIME)")
				continue
			}
			args := make([]string, len(fc.Args))
			for i, a := range fc.Args {
				if ref, ok := a.(*sql.ColumnRef); ok {
					args[i] = ref.Name
					continue
				}
				key := sql.Format(a)
				if internal[key] == "" {
					internal[key] = fmt.Sprintf("KSQL_INTERNAL_COL_%d", next)
					next++
				}
				args[i] = internal[key]
			}
			out = append(out, strings.ToUpper(fc.Name)+"("+strings.Join(args, ", ")+")")
		}
	}
	for _, it := range q.Items {
		add(it.Expr)
	}
	add(q.Having)
	return out
}

// quotedNames prints a list of column names as Java prints ColumnName lists.
func quotedNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// stepWithoutUpgrade names the first step, from the sink down, of ksqlDB's
// plan for p that implements no upgrade ("" when none).
func stepWithoutUpgrade(p *planner.Plan) string {
	if p.Agg != nil && p.Agg.Window != nil {
		if p.Agg.Window.Final {
			return "TableSuppress"
		}
		return "StreamWindowedAggregate"
	}
	if p.Agg != nil && p.Source.Table {
		return "TableAggregate"
	}
	if jp := p.Join; jp != nil {
		last := jp.Steps[len(jp.Steps)-1]
		left, right := jp.Leaves[0].Source.Table, jp.Leaves[last.Right].Source.Table
		switch {
		case left && right && last.ForeignKey:
			return "ForeignKeyTableTableJoin"
		case left && right:
			return "TableTableJoin"
		case right:
			return "StreamTableJoin"
		default:
			return "StreamStreamJoin"
		}
	}
	if p.Source.Window != nil {
		if p.Source.Table {
			return "WindowedTableSource"
		}
		return "WindowedStreamSource"
	}
	return ""
}

// pinInputs records the sources a query reads as they are now.
func pinInputs(ms *metastore.Store, qi *metastore.Query, plan *planner.Plan) {
	qi.Inputs = map[string]*metastore.Source{plan.Source.Name: ms.Sources[plan.Source.Name]}
	for _, name := range plan.Joined() {
		qi.Inputs[name] = ms.Sources[name]
	}
}

// upgradeQuery swaps the running query old for qi, which has its id; the
// caller holds s.mu. Stopping commits what the old query processed, so the
// new one continues from there.
func (s *Server) upgradeQuery(old, qi *metastore.Query) error {
	if rq := s.running[old.ID]; rq != nil {
		rq.stop()
		delete(s.running, old.ID)
	}
	return s.startQuery(qi)
}

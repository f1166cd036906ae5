package planner

import (
	"slices"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// logsAggregateSteps reports an aggregation whose HavingFilter and
// Project steps log what their expressions throw: a persistent one
// (AggregateNode's steps after the aggregate are the same for a stream, a
// table or a join, a join's grouping columns named <alias>_<column>).
func logsAggregateSteps(mode Mode) bool {
	return mode == ModePersistent
}

// logsTransientSteps reports a transient push query whose WhereFilter
// and Project steps log what their expressions throw, as a persistent
// query's do: one over a stream or a join whose result is a stream (over
// its <alias>_<column> names), or one projecting a table, whose source is
// materialized as a persistent query's, so that its WHERE sees each key's
// old row (operators/tablefilter.go), or primary-key table-table joins,
// whose WHERE sees each key's old result as a persistent query's. ksqlDB
// builds a transient query with the steps of a persistent one, each
// step's logger named after the query's id
// (RuntimeBuildContext.getProcessingLogger, QueryLoggerUtil); a push
// query over a foreign-key join, an aggregation's steps after its WHERE
// (and a table's WHERE) and PARTITION BY do not log here yet; its table
// functions' parameters log under the FlatMap step.
func logsTransientSteps(o options, src *metastore.Source, jp *JoinPlan, q *sql.Query) bool {
	return o.transient && (!src.Table || !aggregates(q) && (jp == nil || !jp.ForeignKey()))
}

// logsPullProjection reports a pull query over a table whose projection
// logs what it throws: the pull query's ProjectOperator maps each row
// with SelectValueMapper, logging under the logger every pull query
// shares, processing.pull_query.PROJECT (PullPhysicalPlanBuilder,
// QueryLoggerUtil.queryLoggerName(QueryType, QueryContext)).
func logsPullProjection(o options, jp *JoinPlan) bool {
	return o.pull && jp == nil
}

// FilterAsRewritten makes a pull query's WHERE the predicate
// QueryFilterNode rewrote it into, filter (PullQueryRewriter: magic
// timestamps, BETWEEN and IN rewritten, then NOTs pushed down and AND
// distributed over OR, LogicRewriter.rewriteDNF), compiled once the
// clause's analysis has found its keys (QueryFilterNode's constructor):
// its SelectOperator's SqlPredicate evaluates that predicate on each row
// the data source operator reads, the row not sent where it is false or
// throws (a NOT that NotPropagator drops is not applied), and logs what
// it throws under processing.pull_query.SELECT
// (PullPhysicalPlanBuilder.translateFilterNode).
func (p *Plan) FilterAsRewritten(filter sql.Expr) error {
	f := &expr.Failures{Step: "SELECT"}
	w, err := (&expr.Compiler{In: p.In, Clause: "WHERE", Interpreted: true, Failures: f}).CompileLean(filter)
	if err != nil {
		return filterTypeError("WHERE", err)
	}
	p.WhereFailures = nil
	if f.Sites() > 0 {
		w = f.Boundary("Error evaluating predicate "+stepText(filter, nil), w)
		p.WhereFailures = f
	}
	p.Where = &w
	return nil
}

// Reads compiles the predicate a row a pull query's key lookup or range
// scan reads satisfies, over the plan's input, as the row its data source
// operator hands the SelectOperator.
func (p *Plan) Reads(e sql.Expr) (func(row []any) bool, error) {
	c, err := (&expr.Compiler{In: p.In, Clause: "WHERE", Interpreted: true}).CompileLean(e)
	if err != nil {
		return nil, err
	}
	return func(row []any) bool { return c.Eval(row) == true }, nil
}

// PullQueryLogger is the query id part of the loggers of pull queries'
// steps (QueryLoggerUtil.QueryType.PULL_QUERY, lower case).
const PullQueryLogger = "pull_query"

// aggVariables numbers the aggregate calls of the SELECT clause's
// expressions, then HAVING's, repeats included: ksqlDB's one
// AggregateExpressionRewriter rewrites the projection and then the
// HAVING expression, each call it meets KSQL_AGG_VARIABLE_<n> with the
// next n (confluentinc/ksql v7.9.0 ksqldb-engine .../planner/plan/AggregateNode.java;
// historical_plans having_-_calculate_average_in_having: the filter
// expression ((KSQL_AGG_VARIABLE_2 / KSQL_AGG_VARIABLE_3) > 25)).
type aggVariables struct {
	calls map[*sql.FuncCall]int
	jp    *JoinPlan // the join aggregated, whose columns are named <alias>_<column>; nil for none
}

func newAggVariables(selects []sql.Expr, having sql.Expr, jp *JoinPlan) *aggVariables {
	v := &aggVariables{calls: map[*sql.FuncCall]int{}, jp: jp}
	for _, e := range append(slices.Clip(selects), having) {
		expr.Walk(e, func(x sql.Expr) {
			if fc, ok := x.(*sql.FuncCall); ok && expr.IsAggregate(fc.Name) {
				v.calls[fc] = len(v.calls)
			}
		})
	}
	return v
}

// text is e as the HavingFilter and Project steps write it in the plan
// and to the processing log: columns as the step's input names them (see
// stepText), each aggregate call its variable.
func (v *aggVariables) text(e sql.Expr) string {
	return sql.FormatCalls(e, stepNames(v.jp), func(fc *sql.FuncCall) string {
		if n, ok := v.calls[fc]; ok {
			return "KSQL_AGG_VARIABLE_" + strconv.Itoa(n)
		}
		return ""
	})
}

// planPrepareFailures makes the aggregate arguments of a persistent
// aggregation of a stream log what they throw as its Prepare step does:
// each argument that is not a column is a select expression of the step,
// KSQL_INTERNAL_COL_<n> at index n, whose failure is "Error computing
// expression <argument> for column KSQL_INTERNAL_COL_<n> with index <n>"
// and NULL for the aggregate (SelectValueMapper.processColumn; historical_plans
// group-by_-_complex_UDAF_params_matching_HAVING: "(V0 + V1) AS
// KSQL_INTERNAL_COL_2"). An argument several calls share is computed
// once. Where the aggregation repartitions, the repartition stage
// computes the step's values (Repartition.Args; a join's, as the query
// writes its repartition topic, joinStages.writeGroupBy); else the first
// call aggregating the argument does. A table's Prepare step also sees
// its rows' old values, which its repartition stage prepares after the
// new one (repartitioner.writeChange); that of table-table joins keeps
// the rows it prepared in its store (Aggregate-Prepare-Last), so it
// evaluates a result's new row alone.
func planPrepareFailures(q *sql.Query, p *Plan) error {
	if !p.Persistent || p.Agg == nil {
		return nil
	}
	input, a, err := prepareInputAggregate(q, p)
	if a == nil || err != nil {
		return err
	}
	f := &expr.Failures{Step: "Aggregate.Prepare"}
	idxs := make([]int, 0, len(a.argExprs))
	for idx := range a.argExprs {
		idxs = append(idxs, idx)
	}
	slices.Sort(idxs)
	for _, idx := range idxs {
		arg, n := a.argExprs[idx], idx-len(input.keys)
		sites := f.Sites()
		ce, err := (&expr.Compiler{In: p.In, Clause: "SELECT", Failures: f}).CompileLean(arg)
		if err != nil {
			return err
		}
		if f.Sites() == sites {
			continue // it cannot fail
		}
		ce = f.Computing(stepText(arg, p.Join), "KSQL_INTERNAL_COL_"+strconv.Itoa(n), n, ce)
		if p.Repartition != nil {
			p.Repartition.Args[n] = &ce
			continue
		}
		text := sql.Format(arg)
		for _, c := range p.Agg.Calls {
			if c.Arg() != nil && sql.Format(c.Arg()) == text {
				c.SetArg(ce)
				break
			}
		}
	}
	if f.Sites() > 0 {
		p.PrepareFailures = f
	}
	return nil
}

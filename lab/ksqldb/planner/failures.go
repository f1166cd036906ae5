package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// logsSourceSteps reports a plan whose WHERE and GROUP BY log what they
// throw (see expr/failures.go): a persistent query over one stream. A
// table's filter and grouping also see its rows' old values (see
// logsTableWhere, logsTableGroupBy), and a join's steps are others,
// which still make a failure NULL silently.
func logsSourceSteps(mode Mode, src *metastore.Source, jp *JoinPlan) bool {
	return mode == ModePersistent && jp == nil && !src.Table
}

// logsJoinWhere reports a join whose WHERE logs what it throws, under
// the WhereFilter step's logger that follows the Join step, the
// predicate over the join's <alias>_<column> names (StreamFilterBuilder,
// TableFilterBuilder; historical_plans joins_-_with_where,
// joins_-_table_table_join_with_where_clause): a persistent one whose
// result is a stream, or that of primary-key table-table joins, whose
// filter also sees each key's old result (operators/tablefilter.go; an
// aggregation's repartition stage, repartitioner.writeChange), or that
// of a foreign-key join of two tables, whose filter sees each new result
// alone (JoinPlan.SendsOldResults), or that of a chain starting with a
// foreign-key join, whose filter sees each key's old result too, the
// foreign-key join's stored answer joined with the later tables
// (operators' oldForeignKeyResult); aggregated or not (see
// logsJoinGroupBy).
func logsJoinWhere(mode Mode, jp *JoinPlan) bool {
	return mode == ModePersistent && jp != nil
}

// logsJoinGroupBy reports an aggregation of a join whose GROUP BY logs
// what it throws, under the Aggregate.GroupBy logger as one stream's: a
// persistent one, which the query filters, prepares and groups as it
// writes the repartition topic (joinStages.writeGroupBy), before the
// aggregation's later steps log; a table-table join's Changes step by
// step, each step's new row and then its old one
// (repartitioner.writeChange).
func logsJoinGroupBy(mode Mode, jp *JoinPlan) bool {
	return mode == ModePersistent && jp != nil
}

// aggregates reports a query that aggregates: one with GROUP BY or an
// aggregate call in its projection.
func aggregates(q *sql.Query) bool {
	if len(q.GroupBy) > 0 {
		return true
	}
	for _, it := range q.Items {
		if it.Expr != nil && expr.HasAggregate(it.Expr) {
			return true
		}
	}
	return false
}

// logsTableWhere reports a plan whose WHERE over a table logs what it
// throws, under the WhereFilter step's logger as a stream's
// (TableFilterBuilder): a persistent query over one table, which
// evaluates the predicate on each key's old row as well: a projection's
// in its processor (operators/tablefilter.go), an aggregation's in its
// repartition stage (repartitioner.writeChange).
func logsTableWhere(mode Mode, src *metastore.Source, jp *JoinPlan) bool {
	return mode == ModePersistent && jp == nil && src.Table
}

// logsTableGroupBy reports an aggregation over one table whose GROUP BY
// logs what it throws, under the Aggregate.GroupBy logger as a stream's
// (TableGroupByBuilderBase, with GroupByParamsFactory's messages): a
// persistent one, whose repartition stage filters, prepares and groups
// each change's new row and then its old row, step by step
// (repartitioner.writeChange), as KTable.groupBy's parents send a Change
// through each processor (KTableTransformValues, KTableRepartitionMap).
func logsTableGroupBy(mode Mode, src *metastore.Source, jp *JoinPlan) bool {
	return mode == ModePersistent && jp == nil && src.Table
}

// logsJoinProjection reports a join whose Project step logs what its
// expressions throw: a persistent one. A table-table join, primary-key or
// foreign-key, also projects a result it deletes or WHERE filters out (to
// find the result's key), which ksqlDB's select sees as a null value, so
// those evaluations drop what they threw (operators' processSimple,
// resultExisted).
func logsJoinProjection(mode Mode) bool {
	return mode == ModePersistent
}

// stepText is an expression as ksqlDB writes it in a step of the query's
// plan and as Expression.toString gives it to the processing log: no name
// quoted, a column unqualified, or where the step follows a join, named
// <alias>_<column> as the join names it (ExpressionFormatter.formatExpression).
func stepText(e sql.Expr, jp *JoinPlan) string {
	return sql.FormatNamed(e, stepNames(jp))
}

// projectText is a projection's expression as the Project step writes
// it: as stepText, each table function call the column of the FlatMap
// step's it reads (TFSlots.Synthesised).
func projectText(e sql.Expr, jp *JoinPlan, tfs *expr.TFSlots) string {
	return sql.FormatCalls(e, stepNames(jp), tfs.Synthesised)
}

// stepNames names a column as a step's expressions do: unqualified, or
// <alias>_<column> after a join.
func stepNames(jp *JoinPlan) func(*sql.ColumnRef) string {
	if names := jp.columnNames(); names != nil {
		return names
	}
	return func(r *sql.ColumnRef) string { return r.Name }
}

// StepFailures are the Failures of the steps the processor evaluates, in
// the order a result passes them (a foreign-key join's Join, WhereFilter,
// Aggregate.Prepare, PartitionBy, FlatMap, Aggregate.HavingFilter, then
// Project or Aggregate.Project), nil ones included. The repartition
// stage's WHERE, Prepare and GROUP BY are its own.
func (p *Plan) StepFailures() [7]*expr.Failures {
	steps := [...]*expr.Failures{p.JoinFailures, p.WhereFailures, p.PrepareFailures, p.PartitionFailures, p.TFFailures, p.HavingFailures, p.Failures}
	if p.Repartition != nil {
		steps[1], steps[2] = nil, nil
	}
	return steps
}

// NextResult starts another result of the record at hand in each of the
// processor's steps (see expr.Failures.NextResult).
func (p *Plan) NextResult() {
	for _, f := range p.StepFailures() {
		f.NextResult()
	}
}

// DropFailures forgets what the processor's expressions threw since they
// were last taken.
func (p *Plan) DropFailures() {
	steps := p.StepFailures()
	expr.TakeInOrder(steps[:]...)
}

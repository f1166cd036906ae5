package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// PrepareLastStore names the store ksqlDB materializes the Prepare step of
// an aggregation of a table-table join in: the Prepare step is a
// TableSelect whose input, the join's result, has no store of its own,
// so TableSelectBuilder materializes it under its query context and
// PROJECT_OP "Last" (confluentinc/ksql v7.9.0; the historical plans
// group-by_-_on_join and sum_-_sum_int_left_join_of_table show
// KTABLE-TRANSFORMVALUES (stores: [Aggregate-Prepare-Last]) before
// Aggregate-GroupBy). Kafka Streams logs it to <application
// id>-Aggregate-Prepare-Last-changelog.
const PrepareLastStore = "Aggregate-Prepare-Last"

// PrepareLast is the layout of that store: per join result that passes
// WHERE, keyed by the join's key column in the join's key format, the
// Prepare step's row (the Aggregate.Prepare schema, the values
// Repartition lists) in the join's value format. The row it holds is the
// old value of the result's next Change, what the aggregation takes out
// (KTableTransformValues forwards the stored value as the old one).
type PrepareLast struct {
	// Keys are the join's key columns: the left table's, named
	// ALIAS_NAME, for a foreign-key join (ksqlDB keys its result as the
	// left table; historical plan
	// fk-join_-_Should_support_left_join_with_left_value-column_expression,
	// schema Join), else the join's key column; KeyFrom are their
	// indexes in the joined row
	Keys    []types.Column
	KeyFrom []int
	Values  []types.Column
	// the values of a joined row, as Repartition's
	PrepareValues
}

// planPrepareLast is the Prepare-Last store of an aggregation of a
// table-table join, primary-key or foreign-key, nil for other queries.
func planPrepareLast(q *sql.Query, p *Plan) *PrepareLast {
	rp := p.Repartition
	if p.Join == nil || !p.Join.TableTable() || rp == nil {
		return nil
	}
	pl := &PrepareLast{Values: rp.Values, PrepareValues: rp.PrepareValues}
	if jp := p.Join; jp.ForeignKey() {
		left := jp.Leaves[0]
		for i, c := range left.Source.Schema.Cols {
			if c.Key {
				pl.Keys = append(pl.Keys, types.Column{Name: left.Alias + "_" + c.Name, Type: c.Type, Key: true})
				pl.KeyFrom = append(pl.KeyFrom, left.Base+i)
			}
		}
		return pl
	}
	pl.Keys, pl.KeyFrom = joinAggInput(q, p).keys[:1], []int{p.Join.KeySlot}
	return pl
}

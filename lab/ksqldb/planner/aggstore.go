package planner

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// AggStore is the layout of a persistent aggregation's store,
// Aggregate-Aggregate-Materialize, whose changelog topic holds a record
// per group: the GroupBy step's key in the query's key format, and a row
// in the source's value format of the aggregation's internal schema
// (AggregateParamsFactory.buildSchema, confluentinc/ksql v7.9.0; the
// historical plans' "Aggregate.Aggregate.Materialize" schemas): the
// non-aggregate columns of the latest row aggregated (KudafAggregator
// copies them), then one KSQL_AGG_VARIABLE_<n> per aggregate call of the
// SELECT and HAVING clauses, repeats included, holding the UDAF's
// intermediate value.
type AggStore struct {
	Keys   []types.Column // the GroupBy step's key columns
	Values []types.Column // the non-aggregate columns, then the variables
	// NonAgg is, per non-aggregate column, its index in the input scope.
	NonAgg []int
	// Vars is, per KSQL_AGG_VARIABLE_<n>, the index of its call in
	// Agg.Calls.
	Vars []int
}

// planAggStore is the store layout of a persistent aggregation of one
// source or of a join, nil for other queries.
func planAggStore(q *sql.Query, p *Plan) (*AggStore, error) {
	input, a, err := prepareInputAggregate(q, p)
	if a == nil || err != nil {
		return nil, err
	}
	s := &AggStore{Keys: keysOf(a.grouped)}
	for _, c := range a.nonAggregate(input) {
		idx, ok := input.index(c.Name)
		if !ok {
			return nil, fmt.Errorf("aggregate store column %s: not in the input", c.Name)
		}
		s.Values, s.NonAgg = append(s.Values, c), append(s.NonAgg, idx)
	}
	vars, err := a.callIndexes(p.Agg)
	if err != nil {
		return nil, err
	}
	for i, ci := range vars {
		s.Values = append(s.Values, types.Column{Name: fmt.Sprintf("KSQL_AGG_VARIABLE_%d", i), Type: p.Agg.Calls[ci].IntermediateType()})
	}
	s.Vars = vars
	return s, nil
}

// prepareInputAggregate is the Prepare of a persistent aggregation, with
// the input it reads: its source or a join; nil for other queries.
func prepareInputAggregate(q *sql.Query, p *Plan) (aggInput, *aggPrepare, error) {
	if !p.Persistent || p.Agg == nil {
		return aggInput{}, nil, nil
	}
	input := sourceAggInput(p)
	if p.Join != nil {
		input = joinAggInput(q, p)
	}
	a, err := prepareAggregate(q, p, input)
	if err != nil {
		return aggInput{}, nil, err
	}
	return input, a, nil
}

// nonAggregate are the Aggregate step's non-aggregate columns: the
// required columns, in the order the query names them, that the Prepare
// step holds as values (not its KSQL_INTERNAL_COL_n arguments).
func (a *aggPrepare) nonAggregate(input aggInput) []types.Column {
	var out []types.Column
	values := a.values(input)
	for _, name := range a.required {
		for _, c := range values {
			if c.Name == name {
				out = append(out, c)
			}
		}
	}
	return out
}

// callIndexes is, per aggregate call of the SELECT and HAVING clauses
// (repeats included), the index of the planned call it is in ap.Calls.
func (a *aggPrepare) callIndexes(ap *expr.AggPlan) ([]int, error) {
	out := make([]int, len(a.calls))
	for i, fc := range a.calls {
		key := sql.Format(fc)
		found := -1
		for j, c := range ap.Calls {
			if c.Key == key {
				found = j
			}
		}
		if found < 0 {
			return nil, fmt.Errorf("aggregate %s was not planned", key)
		}
		out[i] = found
	}
	return out, nil
}

package planner

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// RepartitionSuffix ends the name of a query's repartition topic, after its
// application id: Kafka Streams names it after the Grouped operation, which
// ksqlDB names by the Aggregate/GroupBy query context
// (StreamGroupByBuilderBase, StreamsUtil.buildOpName).
const RepartitionSuffix = "-Aggregate-GroupBy-repartition"

// Repartition is how a persistent aggregation that rekeys (of a stream
// grouped by anything but its key, or of a table) goes through its
// repartition topic: each input record that passes WHERE is written keyed
// by its grouping values, with the Prepare step's columns as its value
// (AggregateNode's internal schema), and the aggregation reads it back
// from there.
type Repartition struct {
	Keys   []types.Column // the GroupBy step's key: a column per grouping expression
	Values []types.Column // the Prepare step's values
	PrepareValues
	// Table: the input is a table, whose records in the topic are
	// Changes of a row's old and new values (KTableRepartitionMap).
	Table bool
}

// PrepareValues computes the Prepare step's values of an input row.
type PrepareValues struct {
	// From is, per value, its column's index in the input scope, or -1 for
	// a KSQL_INTERNAL_COL_n, which Args computes.
	From []int
	Args []*expr.Compiled
}

// AppendValues appends the Prepare step's values of row to dst.
func (pv *PrepareValues) AppendValues(dst, row []any) []any {
	for i, idx := range pv.From {
		if idx >= 0 {
			dst = append(dst, row[idx])
		} else {
			dst = append(dst, pv.Args[i].Eval(row))
		}
	}
	return dst
}

// planRepartition is p's repartition, nil where ksqlDB does not repartition
// (a stream grouped by its key columns: groupByKey). An aggregation of a
// join writes the joined rows to the topic (the columns named ALIAS_NAME,
// as the join's schema names them), a table-table join's, primary-key or
// foreign-key, as Changes of its results.
func planRepartition(q *sql.Query, p *Plan) (*Repartition, error) {
	input, a, err := prepareInputAggregate(q, p)
	if a == nil || err != nil {
		return nil, err
	}
	if a.byKey {
		return nil, nil
	}
	r := &Repartition{Keys: keysOf(a.grouped), Table: p.Source.Table}
	for i, c := range a.values(input) {
		r.Values = append(r.Values, c)
		if ce, ok := a.args[len(input.keys)+i]; ok {
			r.From, r.Args = append(r.From, -1), append(r.Args, ce)
			continue
		}
		idx, ok := input.index(c.Name)
		if !ok {
			return nil, fmt.Errorf("repartition of column %s: not in the input", c.Name)
		}
		r.From, r.Args = append(r.From, idx), append(r.Args, nil)
	}
	return r, nil
}

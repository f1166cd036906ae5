package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkTableAggregates refuses an aggregation of a table with functions
// that cannot undo a row, naming each once in the order of the calls, as
// SchemaKGroupedTable.aggregate does when the query's topology is built,
// after the logical plan's checks.
func checkTableAggregates(p *Plan) error {
	if p.Agg == nil || !p.Source.Table {
		return nil
	}
	var cannot []string
	for _, c := range p.Agg.Calls {
		if !expr.Undoable[c.Name] && !slices.Contains(cannot, c.Name) {
			cannot = append(cannot, c.Name)
		}
	}
	if len(cannot) == 0 {
		return nil
	}
	plural := "s"
	if len(cannot) == 1 {
		plural = ""
	}
	return stmterr.Bad("The aggregation function%s %s cannot be applied to a table source, only to a stream source.", plural, joinAnd(cannot))
}

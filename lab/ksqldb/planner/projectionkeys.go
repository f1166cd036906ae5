package planner

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// asValueHint ends ksqlDB's refusals of a key projected more than once.
const asValueHint = "Each key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied."

// projectionNames refuses a projection's repeated column names as the
// LogicalSchema builder of SelectionUtil.buildProjectionSchema does: a
// column that refers to a source's key column is a key column, any other a
// value column, and a name repeats within its kind (DuplicateColumnException).
// Where plain (joins, PARTITION BY), or a name is both a key and a value,
// any repeat is refused by name alone.
type projectionNames struct {
	plain      bool
	keys, vals map[string]bool
}

// add records the name of the projection's next column.
func (n *projectionNames) add(name string, t types.Type, key bool) error {
	if n.keys == nil {
		n.keys, n.vals = map[string]bool{}, map[string]bool{}
	}
	same, other, kind, suffix := n.vals, n.keys, "value", ""
	if key {
		same, other, kind, suffix = n.keys, n.vals, "key", " KEY"
	}
	if same[name] && !n.plain {
		return stmterr.Bad("Duplicate %s columns found in schema: `%s` %s%s", kind, name, t, suffix)
	}
	if same[name] || other[name] {
		return stmterr.Bad("Duplicate column names: %s", name)
	}
	same[name] = true
	return nil
}

// isSourceKey reports an expression that is a reference to one of src's
// key columns.
func isSourceKey(e sql.Expr, in *expr.Scope, src *metastore.Source) bool {
	ref, ok := e.(*sql.ColumnRef)
	if !ok {
		return false
	}
	idx, ok := in.Lookup(ref)
	return ok && idx < len(src.Schema.Cols) && src.Schema.Cols[idx].Key
}

// checkKeysOnce refuses a key the projection has more than once, given
// the items that are each key: a grouping expression as
// LogicalPlanner.buildAggregateSchema does (its aliases in projection
// order), a source's key column as FinalProjectNode does (the column, then
// its aliases in order of name).
func checkKeysOnce(p *Plan, aggregate bool, keyItems [][]int, keyNames []string) error {
	for k, at := range keyItems {
		if len(at) < 2 {
			continue
		}
		aliases := make([]string, len(at))
		for i, pos := range at {
			aliases[i] = p.Proj[pos].col.Name
		}
		if aggregate {
			for i, a := range aliases {
				aliases[i] = "`" + a + "`"
			}
			return stmterr.Bad("The projection contains a key column more than once: %s.\n%s", joinAnd(aliases), asValueHint)
		}
		slices.Sort(aliases)
		return stmterr.Bad("The projection contains a key column (`%s`) more than once, aliased as: %s.\n%s", keyNames[k], joinAnd(aliases), asValueHint)
	}
	return nil
}

// KeysMissingError is a persistent query whose projection lacks a key.
// ksqlDB finds it as it builds the query's output node, once it has checked
// the sink's TIMESTAMP column against the projection
// (LogicalPlanner.buildOutputNode), so the plan it comes with has its
// projection (Plan.Proj) for that check.
type KeysMissingError struct {
	Err error
}

func (e *KeysMissingError) Error() string { return e.Err.Error() }
func (e *KeysMissingError) Unwrap() error { return e.Err }

// ProjectedColumns are the columns of the plan's projection, in its order.
func (p *Plan) ProjectedColumns() []types.Column {
	cols := make([]types.Column, len(p.Proj))
	for i, pc := range p.Proj {
		cols[i] = pc.col
	}
	return cols
}

// keysMissing is PlanNode.throwKeysNotIncludedError's refusal: a source's
// key columns are all named when any is missing (DataSourceNode), grouping
// expressions only those missing (AggregateNode).
func keysMissing(sinkName string, aggregate bool, missing, all []string) error {
	what, names := "key column", all
	if aggregate {
		what, names = "grouping expression", missing
	}
	plural := ""
	if len(names) > 1 {
		plural = "s"
	}
	return &KeysMissingError{Err: stmterr.Bad("Key%s missing from projection (ie, SELECT). \nThe query used to build `%s` must include the %s%s %s in its projection (eg, SELECT %s...).",
		plural, sinkName, what, plural, joinAnd(names), strings.Join(names, ", "))}
}

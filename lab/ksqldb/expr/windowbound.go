package expr

import (
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// WindowSpec is a planned WINDOW clause; times are milliseconds.
type WindowSpec struct {
	Kind      string // sql.Tumbling, sql.Hopping or sql.Session
	Size      int64  // the inactivity gap of a SESSION window
	Advance   int64  // == size for TUMBLING
	Grace     int64
	Retention int64
	Final     bool // EMIT FINAL
}

// windowBound compiles WINDOWSTART or WINDOWEND of a windowed aggregation:
// the aggregated row ends with the window's start and end.
func (c *Compiler) windowBound(x *sql.ColumnRef) (Compiled, error) {
	if c.Clause != "SELECT" {
		return Compiled{}, stmterr.Bad(WindowBoundsMsg, x.Name)
	}
	back := 2
	if x.Name == "WINDOWEND" {
		back = 1
	}
	return Compiled{Type: types.Bigint, Eval: func(r []any) any { return r[len(r)-back] }}, nil
}

// isWindowBoundRef reports whether x is a window bound of c's windowed
// aggregation (unqualified, or qualified with the source's name or alias).
func (c *Compiler) isWindowBoundRef(x *sql.ColumnRef) bool {
	return c.Agg != nil && c.Agg.Window != nil && IsWindowBound(x.Name) &&
		(x.Qualifier == "" || c.In.Qualifiers[x.Qualifier])
}

const WindowBoundsMsg = "Window bounds column %s can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.\nSee https://github.com/confluentinc/ksql/issues/4397"

func IsWindowBound(name string) bool { return name == "WINDOWSTART" || name == "WINDOWEND" }

package planner

import (
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

const defaultGraceCeiling = 24 * 60 * 60 * 1000 // StreamAggregateBuilder.DEFAULT_24_HR_GRACE_PERIOD

// Limits that keep a statement from exhausting the lab: Kafka Streams would
// build every window of a record in memory and overflow on times near the
// end of the long range.
const (
	maxWindowDays       = 100_000 // any WINDOW time
	maxWindowsPerRecord = 10_000  // HOPPING SIZE / ADVANCE BY
)

// planWindow checks the WINDOW clause of q and plans its window (nil
// without a WINDOW clause). Messages: LogicalPlanner ("WINDOW clause
// requires a GROUP BY clause."), SchemaKGroupedTable ("Windowing not supported for table
// aggregations."), PushQueryValidator ("KSQL does not support persistent
// queries on windowed tables."), AggregateAnalyzer (window bounds), Analyzer
// (reserved column names), Kafka Streams TimeWindows (sizes). A persistent
// query may project and filter a windowed stream (its records keep their
// windows); aggregating one is not built here.
func planWindow(q *sql.Query, src *metastore.Source, aggregate bool, mode Mode) (*expr.WindowSpec, error) {
	if src.Window != nil && mode == ModePersistent {
		if src.Table {
			return nil, stmterr.Bad("KSQL does not support persistent queries on windowed tables.")
		}
		if aggregate {
			return nil, stmterr.Unsupported("a persistent query that aggregates a windowed stream")
		}
	}
	for _, it := range q.Items {
		ref, isRef := it.Expr.(*sql.ColumnRef)
		switch {
		case it.Star:
		// Analyzer.checkForReservedToken, over SystemColumns' names: the
		// window bounds and the pseudo columns
		case isSystemColumn(it.Alias) && !(isRef && ref.Name == it.Alias):
			return nil, stmterr.Bad("`%s` is a reserved column name. You cannot use it as an alias for a column.", it.Alias)
		// an unaliased column is named after itself, in a join after its
		// source too (S.ROWTIME is S_ROWTIME), which no system column is
		case mode == ModePersistent && isRef && isSystemColumn(ref.Name) &&
			(it.Alias == ref.Name || it.Alias == "" && (len(q.Joins) == 0 || ref.Qualifier == "")):
			return nil, stmterr.Bad("Reserved column name in select: `%s`. Please remove or alias the column.", ref.Name)
		}
	}
	w := q.Window
	if w == nil {
		return nil, nil
	}
	if !aggregate {
		return nil, stmterr.Bad("Line: %d, Col: %d: WINDOW clause requires a GROUP BY clause.", w.P.Line, w.P.Col)
	}
	if src.Table {
		return nil, stmterr.Bad("Windowing not supported for table aggregations.")
	}
	if err := checkWindowBounds(q); err != nil {
		return nil, err
	}
	for _, wt := range []*sql.WindowTime{&w.Size, &w.Advance, w.Retention, w.Grace} {
		if wt == nil {
			continue
		}
		if perUnit := (sql.WindowTime{Value: 1, Unit: wt.Unit}).Millis(); wt.Value > maxWindowDays*(24*60*60*1000)/max(perUnit, 1) {
			return nil, stmterr.Unsupported(fmt.Sprintf("a WINDOW time over %d days", maxWindowDays))
		}
	}
	ws := &expr.WindowSpec{Kind: w.Kind, Size: w.Size.Millis(), Final: q.EmitFinal}
	switch w.Kind {
	case sql.Tumbling:
		ws.Advance = ws.Size
	case sql.Hopping:
		ws.Advance = w.Advance.Millis()
	case sql.Session:
		if ws.Size <= 0 {
			return nil, stmterr.Bad("Gap time cannot be zero or negative.")
		}
	}
	if ws.Size <= 0 {
		return nil, stmterr.Bad("Window size (sizeMs) must be larger than zero.")
	}
	if w.Kind != sql.Session && (ws.Advance <= 0 || ws.Advance > ws.Size) {
		return nil, stmterr.Bad("Window advancement interval should be more than zero and less than window duration which is %d ms, but given advancement interval is: %d ms", ws.Size, ws.Advance)
	}
	if w.Kind == sql.Hopping && ws.Size/ws.Advance > maxWindowsPerRecord {
		return nil, stmterr.Unsupported(fmt.Sprintf("a HOPPING window in which a record falls in more than %d windows (SIZE / ADVANCE BY)", maxWindowsPerRecord))
	}
	ws.Grace = max(defaultGraceCeiling-ws.Size, 0)
	if q.EmitFinal {
		ws.Grace = 0 // RewrittenAnalysis.getWindowExpression: zeroGracePeriod
	}
	if w.Grace != nil {
		ws.Grace = w.Grace.Millis()
	}
	ws.Retention = ws.Size + ws.Grace
	if w.Retention != nil {
		// Kafka Streams refuses a window store that forgets windows before they close
		if r := w.Retention.Millis(); r < ws.Size+ws.Grace && w.Kind == sql.Session {
			return nil, stmterr.Bad("The retention period of the session store %s must be no smaller than the session inactivity gap plus the grace period. Got gap=[%d], grace=[%d], retention=[%d]",
				"Aggregate-Aggregate-Materialize", ws.Size, ws.Grace, r)
		} else if r < ws.Size+ws.Grace {
			return nil, stmterr.Bad("The retention period of the window store %s must be no smaller than its window size plus the grace period. Got size=[%d], grace=[%d], retention=[%d]",
				"Aggregate-Aggregate-Materialize", ws.Size, ws.Grace, r)
		} else {
			ws.Retention = r
		}
	}
	return ws, nil
}

// checkWindowBounds refuses WINDOWSTART/WINDOWEND outside the SELECT
// clause of a windowed aggregation or inside an aggregate call.
func checkWindowBounds(q *sql.Query) error {
	var found string
	look := func(e sql.Expr) {
		expr.Walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok && found == "" && expr.IsWindowBound(ref.Name) {
				found = ref.Name
			}
		})
	}
	for _, g := range q.GroupBy {
		look(g)
	}
	look(q.Having)
	for _, it := range q.Items {
		for _, fc := range expr.AggregateCalls(it.Expr) {
			for _, a := range fc.Args {
				look(a)
			}
		}
	}
	if found != "" {
		return stmterr.Bad(expr.WindowBoundsMsg, found)
	}
	return nil
}

// windowColumns are the window bounds a windowed source's rows carry after
// the pseudo columns.
var windowColumns = []types.Column{{Name: "WINDOWSTART", Type: types.Bigint}, {Name: "WINDOWEND", Type: types.Bigint}}

// starColumns are the columns SELECT * expands to: the keys, then the
// window bounds of a windowed source, then the values.
func starColumns(src *metastore.Source, persistent bool) []types.Column {
	if src.Window == nil || persistent {
		return src.Schema.Cols
	}
	out := append([]types.Column(nil), src.Schema.Keys()...)
	out = append(out, windowColumns...)
	return append(out, src.Schema.Values()...)
}

// isSystemColumn reports one of SystemColumns.systemColumnNames(): the
// window bounds and the pseudo columns ROWTIME, ROWPARTITION and ROWOFFSET.
func isSystemColumn(name string) bool {
	switch name {
	case "ROWTIME", "ROWPARTITION", "ROWOFFSET":
		return true
	}
	return expr.IsWindowBound(name)
}

// checkEmitFinal refuses EMIT FINAL while suppression is off, and anywhere
// but on a windowed aggregation, as LogicalPlanner does once it has built
// the aggregation or projection.
func checkEmitFinal(q *sql.Query, suppressOff bool) error {
	if q.EmitFinal && suppressOff {
		return stmterr.Bad("Suppression is currently disabled. You can enable it by setting ksql.suppress.enabled to true")
	}
	if q.EmitFinal && (q.Window == nil || len(q.GroupBy) == 0) {
		return stmterr.Bad("EMIT FINAL is only supported for windowed aggregations.")
	}
	return nil
}

// checkWhereWindowBounds refuses WINDOWSTART or WINDOWEND in the WHERE of a
// windowed aggregation of a stream without windows: the Analyzer resolves
// them against the aggregation's columns, then FilterTypeValidator types
// the WHERE against the source's, which do not have them ("Error in WHERE
// expression: Unknown column WINDOWEND.", query-validation-tests
// window-bounds.json). A column that resolves nowhere is left to the
// compiler, as the Analyzer reports it first.
func checkWhereWindowBounds(q *sql.Query, src *metastore.Source, in *expr.Scope) error {
	if q.Where == nil || q.Window == nil || src.Window != nil {
		return nil
	}
	var bound string
	unresolved := false
	expr.Walk(q.Where, func(x sql.Expr) {
		ref, ok := x.(*sql.ColumnRef)
		if !ok {
			return
		}
		if _, ok := in.Lookup(ref); ok {
			return
		}
		if expr.IsWindowBound(ref.Name) && (ref.Qualifier == "" || in.Qualifiers[ref.Qualifier]) {
			if bound == "" {
				bound = ref.Name
			}
			return
		}
		unresolved = true
	})
	if bound == "" || unresolved {
		return nil
	}
	return stmterr.Bad("Error in WHERE expression: Unknown column %s.", bound)
}

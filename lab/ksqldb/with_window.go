package ksqldb

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// windowInfoOf is the window of the keys a windowed aggregation writes.
func windowInfoOf(w *expr.WindowSpec) *metastore.WindowInfo {
	wi := &metastore.WindowInfo{Type: w.Kind}
	if w.Kind != sql.Session {
		wi.Size = w.Size
	}
	return wi
}

// windowProp reads WINDOW_TYPE or WINDOW_SIZE of a CREATE over a windowed
// topic (CreateSourceProperties.getWindowType, getWindowSize; WindowType.of;
// DurationParser.parse; query-validation-tests hopping-windows.json
// "import table with invalid window size").
func (w *withProps) windowProp(name string, lit *sql.Literal) error {
	if lit == nil || lit.Kind != sql.StringLit {
		return stmterr.Bad("Invalid value %s for property %s", formatLit(lit), name)
	}
	text := lit.Text
	if name == "WINDOW_TYPE" {
		t := strings.ToUpper(text)
		if t != sql.Session && t != sql.Hopping && t != sql.Tumbling {
			return stmterr.Bad("Error in WITH clause property 'WINDOW_TYPE': Unknown window type: '%s' \nValid values are: SESSION, HOPPING, TUMBLING", text)
		}
		w.windowType = t
		return nil
	}
	ms, err := parseDuration(text)
	if err != nil {
		return stmterr.Bad("Configuration WINDOW_SIZE is invalid: Invalid duration: '%s'. %s", text, err.msg)
	}
	w.windowSize = &ms
	return nil
}

func formatLit(lit *sql.Literal) string {
	if lit == nil {
		return "?"
	}
	return sql.Format(lit)
}

// durationError is why DurationParser refused a text.
type durationError struct{ msg string }

// parseDuration reads "<long> <TimeUnit>" (singular or plural) into
// milliseconds, as DurationParser.parse does.
func parseDuration(text string) (int64, *durationError) {
	parts := strings.Split(text, " ")
	if len(parts) != 2 {
		return 0, &durationError{fmt.Sprintf("Expected 2 tokens, got: %d", len(parts))}
	}
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return 0, &durationError{fmt.Sprintf("Not numeric: '%s'", parts[0])}
	}
	unit := strings.ToUpper(parts[1])
	if !strings.HasSuffix(unit, "S") {
		unit += "S"
	}
	var ms int64
	switch unit {
	case "NANOSECONDS":
		ms = n / 1e6
	case "MICROSECONDS":
		ms = n / 1e3
	case "MILLISECONDS":
		ms = n
	default:
		per := (sql.WindowTime{Value: 1, Unit: unit}).Millis()
		if per == 0 {
			return 0, &durationError{fmt.Sprintf("Unknown time unit: '%s'\nSupported time units are: NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS", strings.ToUpper(parts[1]))}
		}
		ms = n * per
	}
	return ms, nil
}

// checkWindow validates WINDOW_TYPE with WINDOW_SIZE
// (CreateSourceProperties.validateWindowInfo).
func (w *withProps) checkWindow() error {
	switch {
	case w.windowType == "" && w.windowSize != nil:
		return nil // ignored without a window type, as ksqlDB does
	case w.windowType != "" && w.windowType != sql.Session && w.windowSize == nil:
		return stmterr.Bad("%s windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'", w.windowType)
	case w.windowType == sql.Session && w.windowSize != nil:
		return stmterr.Bad("'WINDOW_SIZE' should not be set for SESSION windows.")
	}
	return nil
}

// window is the source's key window, nil when WINDOW_TYPE is not given.
func (w *withProps) window() *metastore.WindowInfo {
	if w.windowType == "" {
		return nil
	}
	wi := &metastore.WindowInfo{Type: w.windowType}
	if w.windowSize != nil {
		wi.Size = *w.windowSize
	}
	return wi
}

// timestampColumnName reads the TIMESTAMP property's column reference:
// upper-cased unless back-quoted (ColumnReferenceParser).
func timestampColumnName(s string) string {
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return s[1 : len(s)-1]
	}
	return strings.ToUpper(s)
}

package connect

import (
	"fmt"
	"strings"
	"time"
)

// querier is one table of a task: TableQuerier / TimestampIncrementingTableQuerier.
type querier struct {
	table     tableID
	topic     string
	mode      string
	cols      []column
	incIdx    int   // index in cols of the incrementing column, -1 if none
	tsIdx     []int // indexes of the timestamp columns
	partition orderedMap
	offset    tableOffset
	nextRun   time.Time
	value     *schema
}

func newQuerier(t tableID, cols []column, cfg *jdbcConfig) (*querier, error) {
	q := &querier{table: t, topic: cfg.TopicPrefix + t.Name, mode: cfg.Mode, cols: cols, incIdx: -1, partition: partitionV1(t.fqn())}
	q.value = &schema{Type: typeStruct, Name: t.Name}
	for _, c := range cols {
		q.value.Fields = append(q.value.Fields, field{Name: c.Name, Schema: c.Schema})
	}
	find := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	if cfg.Mode == modeIncrementing || cfg.Mode == modeTimestampIncrementing {
		q.incIdx = find(cfg.IncColumn)
		if q.incIdx < 0 {
			return nil, fmt.Errorf("Cannot find incrementing column %s on %s", cfg.IncColumn, t.quoted())
		}
		c := cols[q.incIdx]
		switch c.Schema.Type {
		case typeInt8, typeInt16, typeInt32, typeInt64:
		default:
			if !(c.Schema.Name == logicalDecimal && c.scale == 0) {
				return nil, fmt.Errorf("Invalid type for incrementing column: %s", strings.ToUpper(string(c.Schema.Type)))
			}
		}
		if cfg.ValidateNonNull && !c.NotNull {
			return nil, fmt.Errorf("Cannot make incremental queries using incrementing column %s on %s because this column is nullable.", c.Name, t.quoted())
		}
	}
	if cfg.Mode == modeTimestamp || cfg.Mode == modeTimestampIncrementing {
		anyNotNull := false
		for _, name := range cfg.TsColumns {
			i := find(name)
			if i < 0 || cols[i].Schema.Name != logicalTimestamp && cols[i].Schema.Name != logicalDate {
				return nil, fmt.Errorf("Cannot find timestamp column %s on %s", name, t.quoted())
			}
			q.tsIdx = append(q.tsIdx, i)
			if cols[i].NotNull {
				anyNotNull = true
			}
		}
		if cfg.ValidateNonNull && !anyNotNull {
			return nil, fmt.Errorf("Cannot make incremental queries using timestamp columns %v on %s because all of these columns are nullable.", cfg.TsColumns, t.quoted())
		}
	}
	return q, nil
}

// qualified is a column reference that always names the table's column,
// never a SELECT-list alias.
func (q *querier) qualified(i int) string { return q.table.quoted() + "." + quoteIdent(q.cols[i].Name) }

func (q *querier) tsExpr() string {
	if len(q.tsIdx) == 1 {
		return q.qualified(q.tsIdx[0])
	}
	parts := make([]string, len(q.tsIdx))
	for i, idx := range q.tsIdx {
		parts[i] = q.qualified(idx)
	}
	return "COALESCE(" + strings.Join(parts, ",") + ")"
}

// statement builds the query and its bound arguments. Identifiers are
// quoted; every value is a parameter. now is the database's current time,
// used as the upper bound in timestamp modes.
func (q *querier) statement(now time.Time, delay time.Duration, tz *time.Location) (string, []any) {
	sel := make([]string, len(q.cols))
	for i, c := range q.cols {
		sel[i] = c.selectExpr
	}
	base := "SELECT " + strings.Join(sel, ", ") + " FROM " + q.table.quoted()
	inc := int64(-1)
	if q.offset.Incrementing != nil {
		inc = *q.offset.Incrementing
	}
	ts := time.Unix(0, 0).UTC()
	if q.offset.Timestamp != nil {
		ts = *q.offset.Timestamp
	}
	end := now.Add(-delay)
	switch q.mode {
	case modeIncrementing:
		col := q.qualified(q.incIdx)
		return base + " WHERE " + col + " > $1 ORDER BY " + col + " ASC", []any{inc}
	case modeTimestamp:
		e := q.tsExpr()
		return base + " WHERE " + e + " > $1 AND " + e + " < $2 ORDER BY " + e + " ASC", []any{ts.In(tz), end.In(tz)}
	case modeTimestampIncrementing:
		e := q.tsExpr()
		col := q.qualified(q.incIdx)
		return base + " WHERE " + e + " < $1 AND ((" + e + " = $2 AND " + col + " > $3) OR " + e + " > $2) ORDER BY " + e + "," + col + " ASC",
			[]any{end.In(tz), ts.In(tz), inc}
	}
	return base, nil
}

// rowOffset is the offset after a row.
func (q *querier) rowOffset(values []any) (tableOffset, error) {
	var o tableOffset
	if q.incIdx >= 0 {
		var id int64
		switch v := values[q.incIdx].(type) {
		case int8:
			id = int64(v)
		case int16:
			id = int64(v)
		case int32:
			id = int64(v)
		case int64:
			id = v
		case decimalValue:
			id = v.Unscaled.Int64()
		case nil:
			return o, fmt.Errorf("Null value for incrementing column of type: %s", q.cols[q.incIdx].Schema.Type)
		default:
			return o, fmt.Errorf("Invalid type for incrementing column: %T", v)
		}
		o.Incrementing = &id
	}
	for _, idx := range q.tsIdx {
		switch v := values[idx].(type) {
		case timestampValue:
			t := v.T
			o.Timestamp = &t
		case dateValue:
			t := time.Unix(int64(v.Days)*86400, 0).UTC()
			o.Timestamp = &t
		default:
			continue
		}
		break
	}
	return o, nil
}

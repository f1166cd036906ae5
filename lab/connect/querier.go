package connect

import (
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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

	// Custom query mode: query is the configured statement, pos the
	// result column of each mapped column, text the columns read in text
	// format (what table mode casts to text), incName and tsNames the
	// configured offset columns, which the WHERE clause names whether or
	// not the query selects them.
	query   string
	suffix  string
	pos     []int
	text    []bool
	textOID []uint32
	incName string
	tsNames []string
}

func newQuerier(t tableID, cols []column, cfg *jdbcConfig) (*querier, error) {
	q := &querier{table: t, topic: cfg.TopicPrefix + t.Name, mode: cfg.Mode, cols: cols, incIdx: -1, partition: partitionV1(t.fqn()),
		suffix: cfg.QuerySuffix, incName: cfg.IncColumn, tsNames: cfg.TsColumns}
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
	if (cfg.Mode == modeIncrementing || cfg.Mode == modeTimestampIncrementing) && cfg.IncColumn != "" {
		q.incIdx = find(cfg.IncColumn)
		if q.incIdx < 0 {
			// JdbcSourceTask.validateColumnsExist (10.8.4)
			return nil, &configException{"Incrementing column: " + cfg.IncColumn + " does not exist in table '" + t.quoted() + "'"}
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
		var missing []string
		for _, name := range cfg.TsColumns {
			if find(name) < 0 {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return nil, &configException{"Timestamp columns: " + strings.Join(missing, ", ") + " do not exist in table '" + t.quoted() + "'"}
		}
		for _, name := range cfg.TsColumns {
			i := find(name)
			if cols[i].Schema.Name != logicalTimestamp && cols[i].Schema.Name != logicalDate {
				return nil, fmt.Errorf("Cannot find timestamp column %s on %s", name, t.quoted())
			}
			q.tsIdx = append(q.tsIdx, i)
			if cols[i].NotNull {
				anyNotNull = true
			}
		}
		if cfg.ValidateNonNull && !anyNotNull {
			return nil, fmt.Errorf("Cannot make incremental queries using timestamp columns %s on %s because all of these columns are nullable.", strings.Join(cfg.TsColumns, ","), t.quoted())
		}
	}
	return q, nil
}

// newQueryQuerier is the querier of custom query mode: the query's result
// columns (cols, at result positions pos), the partition {"query":"query"}
// and topic.prefix as the whole topic name. Like the connector, it does
// not check the nullability of the offset columns, and the value schema
// has no name.
func newQueryQuerier(cols []column, pos []int, cfg *jdbcConfig) *querier {
	q := &querier{topic: cfg.TopicPrefix, mode: cfg.Mode, cols: cols, incIdx: -1,
		partition: orderedMap{{"query", "query"}}, query: cfg.Query, suffix: cfg.QuerySuffix, pos: pos,
		incName: cfg.IncColumn, tsNames: cfg.TsColumns}
	q.value = &schema{Type: typeStruct}
	q.text = make([]bool, len(cols))
	for i, c := range cols {
		q.value.Fields = append(q.value.Fields, field{Name: c.Name, Schema: c.Schema})
		if c.asText {
			q.text[i] = true
			q.textOID = append(q.textOID, c.OID)
		}
	}
	for i, c := range cols {
		if c.Name == cfg.IncColumn && (cfg.Mode == modeIncrementing || cfg.Mode == modeTimestampIncrementing) {
			q.incIdx = i
		}
	}
	if cfg.Mode == modeTimestamp || cfg.Mode == modeTimestampIncrementing {
		for _, name := range cfg.TsColumns {
			for i, c := range cols {
				if c.Name == name {
					q.tsIdx = append(q.tsIdx, i)
				}
			}
		}
	}
	return q
}

// ref is a column reference in the WHERE clause: in table mode it always
// names the table's column, never a SELECT-list alias; in query mode it is
// the bare quoted name, as ColumnId without a table renders it.
func (q *querier) ref(name string) string {
	if q.query != "" {
		return quoteIdent(name)
	}
	return q.table.quoted() + "." + quoteIdent(name)
}

func (q *querier) tsExpr() string {
	if len(q.tsNames) == 1 {
		return q.ref(q.tsNames[0])
	}
	parts := make([]string, len(q.tsNames))
	for i, n := range q.tsNames {
		parts[i] = q.ref(n)
	}
	return "COALESCE(" + strings.Join(parts, ",") + ")"
}

// source names what the querier reads, for messages: the table, or the
// custom query.
func (q *querier) source() string {
	if q.query != "" {
		return "query " + q.query
	}
	return "table " + q.table.quoted()
}

// resultIndex is where column i is in a result row.
func (q *querier) resultIndex(i int) int {
	if q.pos == nil {
		return i
	}
	return q.pos[i]
}

// args puts the result formats first: in query mode the text-like columns
// come in text format, which is their text as a cast would give it.
func (q *querier) args(args []any) []any {
	if len(q.textOID) == 0 {
		return args
	}
	formats := pgx.QueryResultFormatsByOID{}
	for _, oid := range q.textOID {
		formats[oid] = pgx.TextFormatCode
	}
	return append([]any{formats}, args...)
}

// rowValue is the driver value of column i in the current row.
func (q *querier) rowValue(rows pgx.Rows, raw []any, i int) any {
	idx := q.resultIndex(i)
	if q.text != nil && q.text[i] {
		b := rows.RawValues()[idx]
		if b == nil {
			return nil
		}
		return string(b)
	}
	return raw[idx]
}

// statement builds the query and its bound arguments. Identifiers are
// quoted; every value is a parameter. now is the database's current time,
// used as the upper bound in timestamp modes.
func (q *querier) statement(now time.Time, delay time.Duration, tz *time.Location) (string, []any) {
	var base string
	if q.query != "" {
		base = q.query
	} else {
		sel := make([]string, len(q.cols))
		for i, c := range q.cols {
			sel[i] = c.selectExpr
		}
		base = "SELECT " + strings.Join(sel, ", ") + " FROM " + q.table.quoted()
	}
	stmt, args := q.where(base, now, delay, tz)
	if q.suffix != "" {
		stmt += " " + q.suffix // TableQuerier.addSuffixIfPresent
	}
	return stmt, args
}

// where appends the mode's criteria (TimestampIncrementingCriteria).
func (q *querier) where(base string, now time.Time, delay time.Duration, tz *time.Location) (string, []any) {
	inc := int64(-1)
	if q.offset.Incrementing != nil {
		inc = *q.offset.Incrementing
	}
	ts := time.Unix(0, 0).UTC()
	if q.offset.Timestamp != nil {
		ts = *q.offset.Timestamp
	}
	end := now.Add(-delay)
	// TimestampIncrementingCriteria.whereClause picks the clause by the
	// columns it has, not by the mode's name.
	hasTs := (q.mode == modeTimestamp || q.mode == modeTimestampIncrementing) && len(q.tsNames) > 0
	hasInc := (q.mode == modeIncrementing || q.mode == modeTimestampIncrementing) && q.incName != ""
	switch {
	case hasInc && !hasTs:
		col := q.ref(q.incName)
		return base + " WHERE " + col + " > $1 ORDER BY " + col + " ASC", []any{inc}
	case hasTs && !hasInc:
		e := q.tsExpr()
		return base + " WHERE " + e + " > $1 AND " + e + " < $2 ORDER BY " + e + " ASC", []any{ts.In(tz), end.In(tz)}
	case hasTs && hasInc:
		e := q.tsExpr()
		col := q.ref(q.incName)
		return base + " WHERE " + e + " < $1 AND ((" + e + " = $2 AND " + col + " > $3) OR " + e + " > $2) ORDER BY " + e + "," + col + " ASC",
			[]any{end.In(tz), ts.In(tz), inc}
	}
	return base, nil
}

// rowOffset is the offset after a row.
func (q *querier) rowOffset(values []any) (tableOffset, error) {
	var o tableOffset
	if q.incIdx < 0 && q.incName != "" && (q.mode == modeIncrementing || q.mode == modeTimestampIncrementing) {
		// TimestampIncrementingCriteria.extractOffsetIncrementedId
		return o, fmt.Errorf("Incrementing column %s not found in %s", q.incName, q.fieldList())
	}
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

// fieldList renders the value schema's fields as Java's List<Field>
// toString does: [Field{name=id, index=0, schema=Schema{INT32}}, ...].
func (q *querier) fieldList() string {
	parts := make([]string, len(q.value.Fields))
	for i, f := range q.value.Fields {
		typ := map[schemaType]string{typeFloat32: "FLOAT32", typeFloat64: "FLOAT64"}[f.Schema.Type]
		if typ == "" {
			typ = strings.ToUpper(string(f.Schema.Type))
		}
		s := "Schema{" + typ + "}"
		if f.Schema.Name != "" {
			s = "Schema{" + f.Schema.Name + ":" + typ + "}"
		}
		parts[i] = fmt.Sprintf("Field{name=%s, index=%d, schema=%s}", f.Name, i, s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// configException is a ConfigException thrown by JdbcSourceTask.start.
type configException struct{ msg string }

func (e *configException) Error() string { return e.msg }

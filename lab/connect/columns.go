package connect

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// column is one mapped column of a table: its Connect schema and how to
// read it.
type column struct {
	Name    string
	TypName string
	NotNull bool
	Schema  schema
	// selectExpr is the column in the SELECT list.
	selectExpr string
	// asText: the column is read as its text (selectExpr casts it in
	// table mode; query mode asks for the text format). OID is its type.
	asText bool
	OID    uint32
	// decimal handling
	scale     int
	toInteger schemaType // best_fit / precision_only integral mapping
	toDouble  bool
}

// tableColumns reads a table's columns in attribute order and maps their
// types as GenericDatabaseDialect + PostgreSqlDatabaseDialect do. Unmapped
// types (arrays, geometric types, ...) are left out, as the connector skips
// them with a warning.
func tableColumns(ctx context.Context, conn *pgx.Conn, t tableID, numericMapping string) ([]column, []string, error) {
	rows, err := conn.Query(ctx, `
SELECT a.attname, ty.typname, a.atttypmod, a.attnotnull
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`, t.Schema, t.Name)
	if err != nil {
		return nil, nil, fmt.Errorf("read columns of %s: %w", t.quoted(), err)
	}
	defer rows.Close()
	var cols []column
	var skipped []string
	for rows.Next() {
		var c column
		var typmod int32
		if err := rows.Scan(&c.Name, &c.TypName, &typmod, &c.NotNull); err != nil {
			return nil, nil, fmt.Errorf("read columns of %s: %w", t.quoted(), err)
		}
		if !mapColumn(&c, typmod, numericMapping) {
			skipped = append(skipped, c.Name+" ("+c.TypName+")")
			continue
		}
		c.Schema.Optional = !c.NotNull
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read columns of %s: %w", t.quoted(), err)
	}
	if len(cols) == 0 && len(skipped) == 0 {
		return nil, nil, fmt.Errorf("read columns of %s: table not found", t.quoted())
	}
	return cols, skipped, nil
}

func mapColumn(c *column, typmod int32, numericMapping string) bool {
	c.selectExpr = quoteIdent(c.Name)
	switch c.TypName {
	case "int2":
		c.Schema = schema{Type: typeInt16}
	case "int4":
		c.Schema = schema{Type: typeInt32}
	case "int8", "oid":
		c.Schema = schema{Type: typeInt64}
	case "bool":
		c.Schema = schema{Type: typeBoolean}
	case "varchar", "text", "bpchar", "char", "name", "citext":
		c.Schema = schema{Type: typeString}
		c.selectExpr = quoteIdent(c.Name) + "::text AS " + quoteIdent(c.Name)
		c.asText = true
	case "json", "jsonb", "uuid", "xml":
		c.Schema = schema{Type: typeString}
		c.selectExpr = quoteIdent(c.Name) + "::text AS " + quoteIdent(c.Name)
		c.asText = true
	case "float4":
		c.Schema = schema{Type: typeFloat32}
	case "float8":
		c.Schema = schema{Type: typeFloat64}
	case "bytea":
		c.Schema = schema{Type: typeBytes}
	case "date":
		c.Schema = schema{Type: typeInt32, Name: logicalDate, Version: 1}
	case "time":
		c.Schema = schema{Type: typeInt32, Name: logicalTime, Version: 1}
	case "timestamp", "timestamptz":
		c.Schema = schema{Type: typeInt64, Name: logicalTimestamp, Version: 1}
	case "numeric":
		precision, scale := 0, 127
		if typmod >= 4 {
			precision = int(((typmod - 4) >> 16) & 0xffff)
			scale = int((typmod - 4) & 0xffff)
		}
		c.scale = scale
		// GenericDatabaseDialect.addFieldToSchema, case NUMERIC: integral
		// types up to precision 18; best_fit takes FLOAT64 for a scale up
		// to precision 18, best_fit_eager_double for any scale.
		if typmod >= 4 && numericMapping == "best_fit_eager_double" && scale > 0 {
			c.toDouble = true
		}
		if typmod >= 4 && precision < 19 {
			integral := ((numericMapping == "best_fit" || numericMapping == "best_fit_eager_double") && scale < 1) ||
				(numericMapping == "precision_only" && scale == 0)
			switch {
			case integral && precision > 9:
				c.toInteger = typeInt64
			case integral && precision > 4:
				c.toInteger = typeInt32
			case integral && precision > 2:
				c.toInteger = typeInt16
			case integral:
				c.toInteger = typeInt8
			case numericMapping == "best_fit" && scale > 0:
				c.toDouble = true
			}
		}
		switch {
		case c.toInteger != "":
			c.Schema = schema{Type: c.toInteger}
		case c.toDouble:
			c.Schema = schema{Type: typeFloat64}
		default:
			c.Schema = schema{Type: typeBytes, Name: logicalDecimal, Version: 1,
				Parameters: []param{{Key: "scale", Value: strconv.Itoa(scale)}, {Key: "connect.decimal.precision", Value: strconv.Itoa(precision)}}}
		}
	default:
		return false
	}
	return true
}

// convert turns a pgx value into the Connect value for the column.
func (c *column) convert(v any, tz *time.Location) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.Schema.Name {
	case logicalDate:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("column %s: unsupported date value %v", c.Name, v)
		}
		return dateValue{Days: int32(t.Unix() / 86400)}, nil
	case logicalTime:
		t, ok := v.(pgtype.Time)
		if !ok {
			return nil, fmt.Errorf("column %s: unsupported time value %v", c.Name, v)
		}
		return timeValue{Millis: int32(t.Microseconds / 1000)}, nil
	case logicalTimestamp:
		t, err := c.instant(v, tz)
		if err != nil {
			return nil, err
		}
		return timestampValue{T: t}, nil
	}
	if c.TypName == "numeric" {
		n, ok := v.(pgtype.Numeric)
		if !ok || n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil {
			return nil, fmt.Errorf("column %s: value %v cannot be represented as a Decimal", c.Name, v)
		}
		unscaled := rescale(n.Int, int(n.Exp), c.scale)
		switch {
		case c.toInteger != "":
			i := rescale(n.Int, int(n.Exp), 0).Int64()
			switch c.toInteger {
			case typeInt8:
				return int8(i), nil
			case typeInt16:
				return int16(i), nil
			case typeInt32:
				return int32(i), nil
			}
			return i, nil
		case c.toDouble:
			f, _ := new(big.Float).SetInt(n.Int).Float64()
			return f * pow10(int(n.Exp)), nil
		}
		return decimalValue{Unscaled: unscaled, Scale: c.scale}, nil
	}
	switch c.TypName {
	case "oid":
		if u, ok := v.(uint32); ok {
			return int64(u), nil
		}
	}
	return v, nil
}

// instant reads a timestamp: timestamptz is absolute; a timestamp without
// time zone is read in db.timezone, as the JDBC connector's calendar does.
func (c *column) instant(v any, tz *time.Location) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("column %s: unsupported timestamp value %v", c.Name, v)
	}
	if c.TypName == "timestamp" {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), tz)
	}
	return t.UTC(), nil
}

// rescale returns unscaled*10^exp expressed at the given scale (rounding
// half up when digits are dropped).
func rescale(unscaled *big.Int, exp, scale int) *big.Int {
	shift := exp + scale
	out := new(big.Int).Set(unscaled)
	if shift >= 0 {
		return out.Mul(out, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil))
	}
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-shift)), nil)
	q, r := new(big.Int).QuoRem(out, div, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(div) >= 0 {
		if out.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func pow10(e int) float64 {
	f := 1.0
	for ; e > 0; e-- {
		f *= 10
	}
	for ; e < 0; e++ {
		f /= 10
	}
	return f
}

// queryColumns describes the result of a custom query (the statement with
// its WHERE clause, unexecuted) and maps its columns as tableColumns does.
// A column read straight from a table is NOT NULL when the table's column
// is, as pgjdbc's ResultSetMetaData reports it; any other is optional. It
// returns the mapped columns, their result positions and the skipped ones.
func queryColumns(ctx context.Context, conn *pgx.Conn, stmt string, numericMapping string) ([]column, []int, []string, error) {
	sd, err := conn.PgConn().Prepare(ctx, "", stmt, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("describe query: %w", err)
	}
	var cols []column
	var pos []int
	var skipped []string
	seen := map[string]bool{}
	for i, f := range sd.Fields {
		c := column{Name: f.Name, OID: f.DataTypeOID}
		if err := conn.QueryRow(ctx, `SELECT typname FROM pg_catalog.pg_type WHERE oid = $1`, f.DataTypeOID).Scan(&c.TypName); err != nil {
			return nil, nil, nil, fmt.Errorf("describe query: type %d: %w", f.DataTypeOID, err)
		}
		if f.TableOID != 0 && f.TableAttributeNumber > 0 {
			err := conn.QueryRow(ctx, `SELECT attnotnull FROM pg_catalog.pg_attribute WHERE attrelid = $1 AND attnum = $2`,
				f.TableOID, int16(f.TableAttributeNumber)).Scan(&c.NotNull)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, nil, nil, fmt.Errorf("describe query: column %s: %w", f.Name, err)
			}
		}
		if !mapColumn(&c, f.TypeModifier, numericMapping) {
			skipped = append(skipped, c.Name+" ("+c.TypName+")")
			continue
		}
		if seen[c.Name] {
			// SchemaBuilder.field refuses a second field of the same name.
			return nil, nil, nil, fmt.Errorf("Cannot create field because of field name duplication %s", c.Name)
		}
		seen[c.Name] = true
		c.Schema.Optional = !c.NotNull
		cols = append(cols, c)
		pos = append(pos, i)
	}
	return cols, pos, skipped, nil
}

// autoIncrementColumn is the table's first column that pgjdbc reports as
// auto-incrementing (IS_AUTOINCREMENT): a nextval() default (serial) or an
// identity column. It returns "" when there is none.
func autoIncrementColumn(ctx context.Context, conn *pgx.Conn, t tableID) (string, error) {
	var name string
	err := conn.QueryRow(ctx, `
SELECT a.attname
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.attidentity IN ('a', 'd') OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%')
ORDER BY a.attnum
LIMIT 1`, t.quoted()).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find auto-incrementing column of %s: %w", t.quoted(), err)
	}
	return name, nil
}

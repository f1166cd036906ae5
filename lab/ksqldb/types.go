package ksqldb

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// sqlType is a ksqlDB SQL type this server supports.
type sqlType int

const (
	tNull sqlType = iota // only for the NULL literal during planning
	tBoolean
	tInteger
	tBigint
	tDouble
	tString
	tDecimal // decimal literals; refused as a column type
)

func (t sqlType) String() string {
	switch t {
	case tBoolean:
		return "BOOLEAN"
	case tInteger:
		return "INTEGER"
	case tBigint:
		return "BIGINT"
	case tDouble:
		return "DOUBLE"
	case tString:
		return "STRING"
	case tDecimal:
		return "DECIMAL"
	}
	return "NULL"
}

// describeName is the type name DESCRIBE prints (ksqlDB prints VARCHAR(STRING) as "STRING").
func (t sqlType) describeName() string { return t.String() }

func (t sqlType) numeric() bool {
	return t == tInteger || t == tBigint || t == tDouble || t == tDecimal
}

// typeOf converts a parsed type to a supported type, or refuses it.
func typeOf(t sql.Type) (sqlType, error) {
	switch t.Name {
	case "BOOLEAN":
		return tBoolean, nil
	case "INTEGER":
		return tInteger, nil
	case "BIGINT":
		return tBigint, nil
	case "DOUBLE":
		return tDouble, nil
	case "STRING":
		if t.Text != "" && strings.Contains(t.Text, "(") {
			return 0, unsupported("type " + t.Text)
		}
		return tString, nil
	}
	return 0, unsupported("type " + strings.ToUpper(t.Text))
}

// column is one column of a source or query schema.
type column struct {
	Name string
	Type sqlType
	Key  bool
}

// schema is an ordered list of columns: key columns first, then value columns.
type schema struct {
	Cols []column
}

func (s schema) keys() []column {
	var out []column
	for _, c := range s.Cols {
		if c.Key {
			out = append(out, c)
		}
	}
	return out
}

func (s schema) values() []column {
	var out []column
	for _, c := range s.Cols {
		if !c.Key {
			out = append(out, c)
		}
	}
	return out
}

func (s schema) find(name string) (int, bool) {
	for i, c := range s.Cols {
		if c.Name == name {
			return i, true
		}
	}
	return -1, false
}

// String renders the schema as ksqlDB does in messages and push-query headers.
func (s schema) String() string {
	parts := make([]string, 0, len(s.Cols))
	for _, c := range s.Cols {
		p := "`" + c.Name + "` " + c.Type.String()
		if c.Key {
			p += " KEY"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// coerce converts a Go value to the representation of t (int32, int64,
// float64, string, bool), reporting whether it could.
func coerce(v any, t sqlType) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch t {
	case tBoolean:
		b, ok := v.(bool)
		return b, ok
	case tInteger:
		switch x := v.(type) {
		case int32:
			return x, true
		case int64:
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, false
			}
			return int32(x), true
		case int:
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, false
			}
			return int32(x), true
		}
	case tBigint:
		switch x := v.(type) {
		case int32:
			return int64(x), true
		case int64:
			return x, true
		case int:
			return int64(x), true
		}
	case tDouble:
		switch x := v.(type) {
		case int32:
			return float64(x), true
		case int64:
			return float64(x), true
		case float32:
			return float64(x), true
		case float64:
			return x, true
		}
	case tString:
		s, ok := v.(string)
		return s, ok
	}
	return nil, false
}

// javaDouble formats a float64 as Java's Double.toString does.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	a := math.Abs(f)
	if a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // e.g. 1.2345E+07
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// formatValue renders a value as CAST(x AS STRING) would.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return javaDouble(x)
	}
	return fmt.Sprint(v)
}

package ksqldb

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"

	"github.com/ctalab/ctalab/lab/javanum"
)

// baseKind is a SQL base type (SqlBaseType in ksqlDB).
type baseKind int

const (
	kNull baseKind = iota // only for the NULL literal during planning
	kBoolean
	kInteger
	kBigint
	kDouble
	kString
	kDecimal // DECIMAL(p, s), see decimal.go
	kArray
	kMap
	kStruct
	kTimestamp
	kDate
	kTime
	kBytes
)

// structField is one field of a STRUCT type.
type structField struct {
	Name string
	Type sqlType
}

// typeInfo describes one SQL type; every distinct type has exactly one
// typeInfo (types are interned by their text), so sqlType values compare
// with ==.
type typeInfo struct {
	base   baseKind
	elem   sqlType // ARRAY element, MAP value
	key    sqlType // MAP key
	fields []structField
	text   string
	prec   int // DECIMAL precision
	scale  int // DECIMAL scale
}

// sqlType is a ksqlDB SQL type this server supports. The zero value is the
// type of the NULL literal.
type sqlType struct{ *typeInfo }

var (
	typeMu    sync.Mutex
	typeTable = map[string]sqlType{}
)

func intern(ti *typeInfo) sqlType {
	typeMu.Lock()
	defer typeMu.Unlock()
	if t, ok := typeTable[ti.text]; ok {
		return t
	}
	t := sqlType{ti}
	typeTable[ti.text] = t
	return t
}

var (
	tNull    sqlType
	tBoolean = intern(&typeInfo{base: kBoolean, text: "BOOLEAN"})
	tInteger = intern(&typeInfo{base: kInteger, text: "INTEGER"})
	tBigint  = intern(&typeInfo{base: kBigint, text: "BIGINT"})
	tDouble  = intern(&typeInfo{base: kDouble, text: "DOUBLE"})
	tString  = intern(&typeInfo{base: kString, text: "STRING"})

	tTimestamp = intern(&typeInfo{base: kTimestamp, text: "TIMESTAMP"})
	tDate      = intern(&typeInfo{base: kDate, text: "DATE"})
	tTime      = intern(&typeInfo{base: kTime, text: "TIME"})
	tBytes     = intern(&typeInfo{base: kBytes, text: "BYTES"})
)

// arrayOf is ARRAY<elem>.
func arrayOf(elem sqlType) sqlType {
	return intern(&typeInfo{base: kArray, elem: elem, text: "ARRAY<" + elem.String() + ">"})
}

// mapOf is MAP<key, value>.
func mapOf(key, value sqlType) sqlType {
	return intern(&typeInfo{base: kMap, key: key, elem: value, text: "MAP<" + key.String() + ", " + value.String() + ">"})
}

// structOf is STRUCT<`name` type, ...>, printed as SqlStruct.toString does.
func structOf(fields []structField) sqlType {
	if len(fields) == 0 {
		return intern(&typeInfo{base: kStruct, text: "STRUCT< >"})
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "`" + f.Name + "` " + f.Type.String()
	}
	return intern(&typeInfo{base: kStruct, fields: slices.Clone(fields), text: "STRUCT<" + strings.Join(parts, ", ") + ">"})
}

func (t sqlType) String() string {
	if t.typeInfo == nil {
		return "NULL"
	}
	return t.text
}

func (t sqlType) kind() baseKind {
	if t.typeInfo == nil {
		return kNull
	}
	return t.base
}

// complex reports ARRAY, MAP and STRUCT types.
func (t sqlType) complex() bool {
	k := t.kind()
	return k == kArray || k == kMap || k == kStruct
}

// field finds a STRUCT field by name.
func (t sqlType) field(name string) (int, sqlType, bool) {
	for i, f := range t.fields {
		if f.Name == name {
			return i, f.Type, true
		}
	}
	return -1, tNull, false
}

// describeName is the type name DESCRIBE prints (ksqlDB prints VARCHAR(STRING) as "STRING").
func (t sqlType) describeName() string { return t.String() }

func (t sqlType) numeric() bool {
	return t == tInteger || t == tBigint || t == tDouble || t.kind() == kDecimal
}

// typeOf converts a parsed type to a supported type, or refuses it.
func typeOf(t sql.Type) (sqlType, error) {
	text := t.Text
	if text == "" {
		text = t.Name
	}
	tp := &typeParser{s: text}
	typ, err := tp.parse()
	if err != nil {
		return tNull, err
	}
	if tp.skipSpace(); tp.i != len(tp.s) {
		return tNull, unsupported("type " + strings.ToUpper(text))
	}
	return typ, nil
}

// typeParser reads type text as SqlBase.g4's type rule writes it.
type typeParser struct {
	s string
	i int
}

func (p *typeParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *typeParser) accept(c byte) bool {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// word reads an identifier; quoted ones keep their case.
func (p *typeParser) word() (string, bool) {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '`' {
		j := strings.IndexByte(p.s[p.i+1:], '`')
		if j < 0 {
			return "", false
		}
		w := p.s[p.i+1 : p.i+1+j]
		p.i += j + 2
		return w, true
	}
	j := p.i
	for j < len(p.s) && (p.s[j] == '_' || (p.s[j] >= 'a' && p.s[j] <= 'z') || (p.s[j] >= 'A' && p.s[j] <= 'Z') || (p.s[j] >= '0' && p.s[j] <= '9')) {
		j++
	}
	if j == p.i {
		return "", false
	}
	w := strings.ToUpper(p.s[p.i:j])
	p.i = j
	return w, true
}

// number reads an unsigned integer.
func (p *typeParser) number() (int, bool) {
	p.skipSpace()
	j := p.i
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(p.s[p.i:j])
	if err != nil {
		return 0, false
	}
	p.i = j
	return n, true
}

func (p *typeParser) parse() (sqlType, error) {
	start := p.i
	w, ok := p.word()
	if !ok {
		return tNull, unsupported("type " + strings.ToUpper(p.s))
	}
	refuse := func() (sqlType, error) {
		return tNull, unsupported("type " + strings.ToUpper(strings.TrimSpace(p.s[start:min(max(p.i, start), len(p.s))])))
	}
	switch w {
	case "BOOLEAN":
		return tBoolean, nil
	case "INT", "INTEGER":
		return tInteger, nil
	case "BIGINT":
		return tBigint, nil
	case "DOUBLE":
		return tDouble, nil
	case "TIMESTAMP":
		return tTimestamp, nil
	case "DATE":
		return tDate, nil
	case "TIME":
		return tTime, nil
	case "BYTES":
		return tBytes, nil
	case "STRING", "VARCHAR":
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '(' {
			p.i = len(p.s)
			return refuse()
		}
		return tString, nil
	case "ARRAY":
		if !p.accept('<') {
			return refuse()
		}
		elem, err := p.parse()
		if err != nil {
			return tNull, err
		}
		if !p.accept('>') {
			return refuse()
		}
		return arrayOf(elem), nil
	case "MAP":
		if !p.accept('<') {
			return refuse()
		}
		k, err := p.parse()
		if err != nil {
			return tNull, err
		}
		if !p.accept(',') {
			return refuse()
		}
		v, err := p.parse()
		if err != nil {
			return tNull, err
		}
		if !p.accept('>') {
			return refuse()
		}
		if k != tString {
			return tNull, unsupported("MAP keys of type " + k.String())
		}
		return mapOf(k, v), nil
	case "STRUCT":
		if !p.accept('<') {
			return refuse()
		}
		var fields []structField
		if !p.accept('>') {
			for {
				name, ok := p.word()
				if !ok {
					return refuse()
				}
				ft, err := p.parse()
				if err != nil {
					return tNull, err
				}
				for _, f := range fields {
					if f.Name == name {
						return tNull, badStatement("Duplicate field names found in STRUCT: '%s'", name)
					}
				}
				fields = append(fields, structField{Name: name, Type: ft})
				if p.accept('>') {
					break
				}
				if !p.accept(',') {
					return refuse()
				}
			}
		}
		return structOf(fields), nil
	case "DECIMAL":
		// SqlBase.g4: DECIMAL '(' number ',' number ')'
		if !p.accept('(') {
			p.i = len(p.s)
			return refuse()
		}
		prec, ok1 := p.number()
		ok2 := p.accept(',')
		scale, ok3 := p.number()
		if !ok1 || !ok2 || !ok3 || !p.accept(')') {
			p.i = len(p.s)
			return refuse()
		}
		return decimalType(prec, scale)
	}
	p.i = len(p.s)
	return refuse()
}

// column is one column of a source or query schema.
type column struct {
	Name string
	Type sqlType
	Key  bool

	// Header marks a column read from the record's headers, not its key or
	// value: all of them (HEADERS) or, with OneHeader, the last one with
	// HeaderKey (HEADER('key')).
	Header    bool
	OneHeader bool
	HeaderKey string
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

// values are the columns of the record's value: neither key nor header
// columns.
func (s schema) values() []column {
	var out []column
	for _, c := range s.Cols {
		if !c.Key && !c.Header {
			out = append(out, c)
		}
	}
	return out
}

// headers are the columns read from the record's headers.
func (s schema) headers() []column {
	var out []column
	for _, c := range s.Cols {
		if c.Header {
			out = append(out, c)
		}
	}
	return out
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

// formatValue renders a value as CAST(x AS STRING) would.
func formatValue(v any) string {
	if s, ok := formatComplex(v); ok {
		return s
	}
	if s, ok := temporalText(v); ok {
		return s
	}
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
		return javanum.FormatDouble(x)
	case sqlDecimal:
		return x.plain() // CastEvaluator: toPlainString
	}
	return fmt.Sprint(v)
}

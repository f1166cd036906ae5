package types

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// Kind is a SQL base type (SqlBaseType in ksqlDB).
type Kind int

const (
	KindNull Kind = iota // only for the NULL literal during planning
	KindBoolean
	KindInteger
	KindBigint
	KindDouble
	KindString
	KindDecimal // DECIMAL(p, s), see decimal.go
	KindArray
	KindMap
	KindStruct
	KindTimestamp
	KindDate
	KindTime
	KindBytes
)

// Field is one field of a STRUCT type.
type Field struct {
	Name string
	Type Type
}

// Info describes one SQL type; every distinct type has exactly one
// Info (types are interned by their text), so sqlType values compare
// with ==.
type Info struct {
	Base      Kind
	Elem      Type // ARRAY element, MAP value
	Key       Type // MAP key
	Fields    []Field
	Text      string
	Precision int // DECIMAL precision
	Scale     int // DECIMAL scale
}

// Type is a ksqlDB SQL type this server supports. The zero value is the
// type of the NULL literal.
type Type struct{ *Info }

var (
	typeMu    sync.Mutex
	typeTable = map[string]Type{}
)

func Intern(ti *Info) Type {
	typeMu.Lock()
	defer typeMu.Unlock()
	if t, ok := typeTable[ti.Text]; ok {
		return t
	}
	t := Type{ti}
	typeTable[ti.Text] = t
	return t
}

var (
	Null    Type
	Boolean = Intern(&Info{Base: KindBoolean, Text: "BOOLEAN"})
	Integer = Intern(&Info{Base: KindInteger, Text: "INTEGER"})
	Bigint  = Intern(&Info{Base: KindBigint, Text: "BIGINT"})
	Double  = Intern(&Info{Base: KindDouble, Text: "DOUBLE"})
	String  = Intern(&Info{Base: KindString, Text: "STRING"})

	Timestamp = Intern(&Info{Base: KindTimestamp, Text: "TIMESTAMP"})
	Date      = Intern(&Info{Base: KindDate, Text: "DATE"})
	Time      = Intern(&Info{Base: KindTime, Text: "TIME"})
	Bytes     = Intern(&Info{Base: KindBytes, Text: "BYTES"})
)

// ArrayOf is ARRAY<elem>.
func ArrayOf(elem Type) Type {
	return Intern(&Info{Base: KindArray, Elem: elem, Text: "ARRAY<" + elem.String() + ">"})
}

// MapOf is MAP<key, value>.
func MapOf(key, value Type) Type {
	return Intern(&Info{Base: KindMap, Key: key, Elem: value, Text: "MAP<" + key.String() + ", " + value.String() + ">"})
}

// StructOf is STRUCT<`name` type, ...>, printed as SqlStruct.toString does.
func StructOf(fields []Field) Type {
	if len(fields) == 0 {
		return Intern(&Info{Base: KindStruct, Text: "STRUCT< >"})
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "`" + f.Name + "` " + f.Type.String()
	}
	return Intern(&Info{Base: KindStruct, Fields: slices.Clone(fields), Text: "STRUCT<" + strings.Join(parts, ", ") + ">"})
}

func (t Type) String() string {
	if t.Info == nil {
		return "NULL"
	}
	return t.Text
}

func (t Type) Kind() Kind {
	if t.Info == nil {
		return KindNull
	}
	return t.Base
}

// BaseName is the name of the type's SqlBaseType: the type without its
// parameters (DECIMAL for DECIMAL(4, 2), ARRAY for ARRAY<INTEGER>).
func (t Type) BaseName() string {
	s := t.String()
	if i := strings.IndexAny(s, "(<"); i >= 0 {
		return s[:i]
	}
	return s
}

// HasMap reports a MAP in t, at any depth of ARRAYs and STRUCTs.
func (t Type) HasMap() bool { return t.anyMap(func(Type) bool { return true }) }

// HasNonStringMapKey reports a MAP whose keys are not STRING anywhere in t.
func (t Type) HasNonStringMapKey() bool {
	return t.anyMap(func(m Type) bool { return m.Key != String })
}

// anyMap reports a MAP in t, or in its elements, fields and map values,
// that match accepts.
func (t Type) anyMap(match func(Type) bool) bool {
	switch t.Kind() {
	case KindMap:
		return match(t) || t.Elem.anyMap(match)
	case KindArray:
		return t.Elem.anyMap(match)
	case KindStruct:
		for _, f := range t.Fields {
			if f.Type.anyMap(match) {
				return true
			}
		}
	}
	return false
}

// Complex reports ARRAY, MAP and STRUCT types.
func (t Type) Complex() bool {
	k := t.Kind()
	return k == KindArray || k == KindMap || k == KindStruct
}

// Field finds a STRUCT Field by name.
func (t Type) Field(name string) (int, Type, bool) {
	for i, f := range t.Fields {
		if f.Name == name {
			return i, f.Type, true
		}
	}
	return -1, Null, false
}

// DescribeName is the type name DESCRIBE prints (ksqlDB prints VARCHAR(STRING) as "STRING").
func (t Type) DescribeName() string { return t.String() }

func (t Type) Numeric() bool {
	return t == Integer || t == Bigint || t == Double || t.Kind() == KindDecimal
}

// FromSQL converts a parsed type to a supported type, or refuses it.
func FromSQL(t sql.Type) (Type, error) { return FromSQLWith(t, nil) }

// FromSQLWith is FromSQL where a name that is no SQL type may name a custom
// type (CREATE TYPE): custom resolves it by its upper-cased name. A name
// neither knows is refused as ksqlDB's SqlTypeParser refuses it.
func FromSQLWith(t sql.Type, custom func(name string) (Type, bool)) (Type, error) {
	return fromSQL(t, &typeParser{custom: custom})
}

// FromSQLColumn is FromSQL for a column a source declares: a MAP may have
// keys of any type there, as in ksqlDB, where the source's formats refuse
// what they cannot carry (formats.Check); elsewhere this server supports
// the keys a KeyedMap holds and STRING.
func FromSQLColumn(t sql.Type) (Type, error) {
	return fromSQL(t, &typeParser{anyMapKey: true})
}

func fromSQL(t sql.Type, tp *typeParser) (Type, error) {
	text := t.Text
	if text == "" {
		text = t.Name
	}
	tp.s = text
	typ, err := tp.parse()
	if err != nil {
		return Null, err
	}
	if tp.skipSpace(); tp.i != len(tp.s) {
		return Null, stmterr.Unsupported("type " + strings.ToUpper(text))
	}
	return typ, nil
}

// typeParser reads type text as SqlBase.g4's type rule writes it.
type typeParser struct {
	s         string
	i         int
	custom    func(name string) (Type, bool)
	anyMapKey bool // MAP keys of any type (FromSQLColumn)
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

func (p *typeParser) parse() (Type, error) {
	start := p.i
	w, ok := p.word()
	if !ok {
		return Null, stmterr.Unsupported("type " + strings.ToUpper(p.s))
	}
	refuse := func() (Type, error) {
		return Null, stmterr.Unsupported("type " + strings.ToUpper(strings.TrimSpace(p.s[start:min(max(p.i, start), len(p.s))])))
	}
	switch w {
	case "BOOLEAN":
		return Boolean, nil
	case "INT", "INTEGER":
		return Integer, nil
	case "BIGINT":
		return Bigint, nil
	case "DOUBLE":
		return Double, nil
	case "TIMESTAMP":
		return Timestamp, nil
	case "DATE":
		return Date, nil
	case "TIME":
		return Time, nil
	case "BYTES":
		return Bytes, nil
	case "STRING", "VARCHAR":
		return String, nil
	case "ARRAY":
		if !p.accept('<') {
			return refuse()
		}
		elem, err := p.parse()
		if err != nil {
			return Null, err
		}
		if !p.accept('>') {
			return refuse()
		}
		return ArrayOf(elem), nil
	case "MAP":
		if !p.accept('<') {
			return refuse()
		}
		k, err := p.parse()
		if err != nil {
			return Null, err
		}
		if !p.accept(',') {
			return refuse()
		}
		v, err := p.parse()
		if err != nil {
			return Null, err
		}
		if !p.accept('>') {
			return refuse()
		}
		if k != String && !p.anyMapKey && !KeyedMapKey(k) {
			return Null, stmterr.Unsupported("MAP keys of type " + k.String())
		}
		return MapOf(k, v), nil
	case "STRUCT":
		if !p.accept('<') {
			return refuse()
		}
		var fields []Field
		if !p.accept('>') {
			for {
				name, ok := p.word()
				if !ok {
					return refuse()
				}
				ft, err := p.parse()
				if err != nil {
					return Null, err
				}
				for _, f := range fields {
					if f.Name == name {
						return Null, stmterr.Bad("Duplicate field names found in STRUCT: '%s'", name)
					}
				}
				fields = append(fields, Field{Name: name, Type: ft})
				if p.accept('>') {
					break
				}
				if !p.accept(',') {
					return refuse()
				}
			}
		}
		return StructOf(fields), nil
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
		return DecimalType(prec, scale)
	}
	if p.skipSpace(); p.i == len(p.s) || (p.s[p.i] != '(' && p.s[p.i] != '<') {
		// SqlTypeParser.getSqlType: a base type that is no primitive names
		// a custom type
		if p.custom != nil {
			if t, ok := p.custom(strings.ToUpper(w)); ok {
				return t, nil
			}
		}
		return Null, stmterr.Bad("Cannot resolve unknown type: %s", w)
	}
	p.i = len(p.s)
	return refuse()
}

// Column is one Column of a source or query schema.
type Column struct {
	Name string
	Type Type
	Key  bool

	// Header marks a column read from the record's headers, not its key or
	// value: all of them (HEADERS) or, with OneHeader, the last one with
	// HeaderKey (HEADER('key')).
	Header    bool
	OneHeader bool
	HeaderKey string
}

// Schema is an ordered list of columns: key columns first, then value columns.
type Schema struct {
	Cols []Column
}

func (s Schema) Keys() []Column {
	var out []Column
	for _, c := range s.Cols {
		if c.Key {
			out = append(out, c)
		}
	}
	return out
}

// Values are the columns of the record's value: neither key nor header
// columns.
func (s Schema) Values() []Column {
	var out []Column
	for _, c := range s.Cols {
		if !c.Key && !c.Header {
			out = append(out, c)
		}
	}
	return out
}

// Headers are the columns read from the record's Headers.
func (s Schema) Headers() []Column {
	var out []Column
	for _, c := range s.Cols {
		if c.Header {
			out = append(out, c)
		}
	}
	return out
}

// String renders the schema as ksqlDB does in messages and query headers
// (LogicalSchema.toString): a key column is marked KEY, a header column
// HEADERS or HEADER('key').
func (s Schema) String() string {
	parts := make([]string, 0, len(s.Cols))
	for _, c := range s.Cols {
		p := "`" + c.Name + "` " + c.Type.String()
		switch {
		case c.Key:
			p += " KEY"
		case c.Header && c.OneHeader:
			p += " HEADER('" + c.HeaderKey + "')"
		case c.Header:
			p += " HEADERS"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// Format renders a value as CAST(x AS STRING) would.
func Format(v any) string {
	if s, ok := formatComplex(v); ok {
		return s
	}
	if s, ok := TemporalText(v); ok {
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
	case Decimal:
		return x.Plain() // CastEvaluator: toPlainString
	}
	return fmt.Sprint(v)
}

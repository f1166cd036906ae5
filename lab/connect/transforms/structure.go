package transforms

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// SetSchemaMetadata, MaskField and Flatten (apache/kafka 3.9
// connect/transforms/.../transforms/SetSchemaMetadata.java, MaskField.java,
// Flatten.java).

func init() {
	registerKV("SetSchemaMetadata", []ConfigKey{
		{Name: "schema.name", Type: "STRING", Importance: "HIGH", Doc: "Schema name to set."},
		{Name: "schema.version", Type: "INT", Importance: "HIGH", Doc: "Schema version to set."},
		replaceNullKey(),
	}, newSetSchemaMetadata)
	registerKV("MaskField", []ConfigKey{
		{Name: "fields", Type: "LIST", Required: true, Importance: "HIGH", Doc: "Names of fields to mask.", Validate: nonEmptyList},
		{Name: "replacement", Type: "STRING", Importance: "LOW", Doc: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).", Validate: nonEmptyString},
		replaceNullKey(),
	}, newMaskField)
	registerKV("Flatten", []ConfigKey{
		{Name: "delimiter", Type: "STRING", Default: ".", Importance: "MEDIUM", Doc: "Delimiter to insert between field names from the input record when generating field names for the output record"},
	}, newFlatten)
}

// SetSchemaMetadata.

type setSchemaMetadata struct {
	op      operand
	name    *string
	version *int32
}

func newSetSchemaMetadata(op operand, c Config) (Transformation, error) {
	t := &setSchemaMetadata{op: op}
	if n, ok := c.str("schema.name"); ok {
		t.name = &n
	}
	if v, ok := c["schema.version"].(int32); ok {
		t.version = &v
	}
	if t.name == nil && t.version == nil {
		return nil, configErr("Neither schema name nor version configured")
	}
	return t, nil
}

func (t *setSchemaMetadata) Apply(r *Record) (*Record, error) {
	s, v := t.op.get(r)
	if s == nil && v == nil {
		return r, nil
	}
	if err := requireSchema(s, "updating schema metadata"); err != nil {
		return nil, err
	}
	ns := *s
	if t.name != nil {
		ns.Name = *t.name
	}
	if t.version != nil {
		ns.Version = int(*t.version)
	}
	if st, ok := v.(*data.Struct); ok {
		v = &data.Struct{Schema: &ns, Values: st.Values}
	}
	return t.op.with(r, &ns, v), nil
}

// MaskField.

type maskField struct {
	op          operand
	fields      map[string]bool
	order       []string
	replacement *string
}

func newMaskField(op operand, c Config) (Transformation, error) {
	t := &maskField{op: op, fields: map[string]bool{}}
	for _, f := range c.list("fields") {
		if !t.fields[f] {
			t.order = append(t.order, f)
		}
		t.fields[f] = true
	}
	if s, ok := c.str("replacement"); ok {
		t.replacement = &s
	}
	return t, nil
}

func (t *maskField) masked(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.replacement != nil {
		return maskWithReplacement(v, *t.replacement)
	}
	switch x := v.(type) {
	case bool:
		return false, nil
	case int8:
		return int8(0), nil
	case int16:
		return int16(0), nil
	case int32:
		return int32(0), nil
	case int64:
		return int64(0), nil
	case float32:
		return float32(0), nil
	case float64:
		return float64(0), nil
	case string:
		return "", nil
	case data.Decimal:
		return data.Decimal{Unscaled: new(big.Int), Scale: 0}, nil
	case data.Date:
		return data.Date{}, nil
	case data.Time:
		return data.Time{}, nil
	case data.Timestamp:
		return data.Timestamp{T: time.UnixMilli(0).UTC()}, nil
	case []any:
		return []any{}, nil
	case *data.Map:
		return data.NewHashMap(-1), nil
	default:
		return nil, dataErr("Cannot mask value of type: class %s", javaClassName(x))
	}
}

func maskWithReplacement(v any, repl string) (any, error) {
	bad := func() error {
		return dataErr("Unable to convert %s (class java.lang.String) to number", repl)
	}
	parseInt := func(bits int) (int64, error) {
		n, err := strconv.ParseInt(strings.TrimSpace(repl), 10, bits)
		if err != nil {
			return 0, bad()
		}
		return n, nil
	}
	switch v.(type) {
	case string:
		return repl, nil
	case int8:
		n, err := parseInt(8)
		return int8(n), err
	case int16:
		n, err := parseInt(16)
		return int16(n), err
	case int32:
		n, err := parseInt(32)
		return int32(n), err
	case int64:
		return parseInt(64)
	case float32:
		f, err := parseJavaFloat(repl, true)
		if err != nil {
			return nil, bad()
		}
		return float32(f), nil
	case float64:
		f, err := parseJavaFloat(repl, false)
		if err != nil {
			return nil, bad()
		}
		return f, nil
	case data.Decimal:
		d, ok := parseBigDecimal(repl)
		if !ok {
			return nil, bad()
		}
		return d, nil
	}
	return nil, dataErr("Cannot mask value of type class %s with custom replacement.", javaClassName(v))
}

// parseBigDecimal is new BigDecimal(String) for plain and exponent forms.
// Exponents beyond ±1000 are refused: such a value would have to be
// written out in full, which no record needs.
func parseBigDecimal(s string) (data.Decimal, bool) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 1000 || e < -1000 {
			return data.Decimal{}, false
		}
		mant, exp = s[:i], e
	}
	scale := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	n, ok := new(big.Int).SetString(mant, 10)
	if !ok || scale-exp > 1000 || scale-exp < -1000 {
		return data.Decimal{}, false
	}
	return data.Decimal{Unscaled: n, Scale: scale - exp}, true
}

func (t *maskField) Apply(r *Record) (*Record, error) {
	const purpose = "mask fields"
	s, v := t.op.get(r)
	if s == nil {
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.CopyHashMap(m)
		// maskedFields is a HashSet: visited in hash order.
		order := data.NewHashMap(-1)
		for _, f := range t.order {
			order.Put(f, nil)
		}
		for _, e := range order.Entries() {
			fv, _ := m.Get(e.Key)
			mv, err := t.masked(fv)
			if err != nil {
				return nil, err
			}
			out.Put(e.Key, mv)
		}
		return t.op.with(r, nil, out), nil
	}
	st, err := requireStruct(v, purpose)
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(st.Values))
	for i, f := range st.Schema.Fields {
		vals[i] = st.Values[i]
		if t.fields[f.Name] {
			if vals[i], err = t.masked(st.Values[i]); err != nil {
				return nil, err
			}
		}
	}
	return t.op.with(r, s, &data.Struct{Schema: st.Schema, Values: vals}), nil
}

// Flatten.

type flatten struct {
	op        operand
	delimiter string
}

func newFlatten(op operand, c Config) (Transformation, error) {
	d, _ := c.str("delimiter")
	return &flatten{op: op, delimiter: d}, nil
}

func (t *flatten) name(prefix, f string) string {
	if prefix == "" {
		return f
	}
	return prefix + t.delimiter + f
}

func (t *flatten) Apply(r *Record) (*Record, error) {
	const purpose = "flattening"
	s, v := t.op.get(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.NewLinkedMap()
		if err := t.flattenMap(m, "", out); err != nil {
			return nil, err
		}
		return t.op.with(r, nil, out), nil
	}
	st, err := requireStruct(v, purpose)
	if err != nil {
		return nil, err
	}
	ns := copySchemaBasics(s, data.StructType)
	var vals []any
	if err := t.flattenStruct(s, st, "", s.Optional, ns, &vals); err != nil {
		return nil, err
	}
	return t.op.with(r, ns, &data.Struct{Schema: ns, Values: vals}), nil
}

func (t *flatten) flattenMap(m *data.Map, prefix string, out *data.Map) error {
	for _, e := range m.Entries() {
		name := t.name(prefix, e.Key)
		if e.Value == nil {
			out.Put(name, nil)
			continue
		}
		typ, ok := inferType(e.Value)
		if !ok {
			return dataErr("Flatten transformation was passed a value of type class %s which is not supported by Connect's data API", javaClassName(e.Value))
		}
		switch typ {
		case data.MapType:
			if err := t.flattenMap(e.Value.(*data.Map), name, out); err != nil {
				return err
			}
		case data.StructType:
			return dataErr("Flatten transformation does not support class %s for record without schemas (for field %s).", javaClassName(e.Value), name)
		default:
			out.Put(name, e.Value)
		}
	}
	return nil
}

func (t *flatten) flattenStruct(s *data.Schema, st *data.Struct, prefix string, optional bool, out *data.Schema, vals *[]any) error {
	for i, f := range s.Fields {
		name := t.name(prefix, f.Name)
		var fv any
		if st != nil {
			fv = st.Values[i]
		}
		switch f.Schema.Type {
		case data.StructType:
			var child *data.Struct
			if fv != nil {
				var ok bool
				if child, ok = fv.(*data.Struct); !ok {
					return dataErr("Only Struct objects supported for [flattening], found: %s", javaClassName(fv))
				}
			}
			if err := t.flattenStruct(&f.Schema, child, name, optional || f.Schema.Optional, out, vals); err != nil {
				return err
			}
		case data.MapType:
			return dataErr("Flatten transformation does not support MAP for record with schemas (for field %s).", name)
		default:
			fs := f.Schema
			fs.Optional = optional || f.Schema.Optional
			if out.FieldIndex(name) >= 0 {
				return &Error{Class: SchemaBuilderException, Msg: "Cannot create field because of field name duplication " + name}
			}
			out.Fields = append(out.Fields, data.Field{Name: name, Schema: fs})
			*vals = append(*vals, fv)
		}
	}
	return nil
}

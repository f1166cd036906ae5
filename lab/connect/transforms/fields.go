package transforms

import (
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// This file: ValueToKey, ExtractField, HoistField, InsertField and
// ReplaceField (apache/kafka 3.9 connect/transforms/.../transforms/*.java).

func init() {
	register(&Plugin{Class: pkg + "ValueToKey", Kind: KindTransformation, Config: []ConfigKey{
		{Name: "fields", Type: "LIST", Required: true, Importance: "HIGH", Doc: "Field names on the record value to extract as the record key.", Validate: nonEmptyList},
		replaceNullKey(),
	}, newTransformation: newValueToKey})

	registerKV("ExtractField", []ConfigKey{
		{Name: "field", Type: "STRING", Required: true, Importance: "MEDIUM", Doc: "Field name to extract."},
		replaceNullKey(),
		fieldSyntaxKey(),
	}, newExtractField)

	registerKV("HoistField", []ConfigKey{
		{Name: "field", Type: "STRING", Required: true, Importance: "MEDIUM", Doc: "Field name for the single field that will be created in the resulting Struct or Map."},
	}, newHoistField)

	const opt = "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default)."
	registerKV("InsertField", []ConfigKey{
		{Name: "topic.field", Type: "STRING", Importance: "MEDIUM", Doc: "Field name for Kafka topic. " + opt},
		{Name: "partition.field", Type: "STRING", Importance: "MEDIUM", Doc: "Field name for Kafka partition. " + opt},
		{Name: "offset.field", Type: "STRING", Importance: "MEDIUM", Doc: "Field name for Kafka offset - only applicable to sink connectors.<br/>" + opt},
		{Name: "timestamp.field", Type: "STRING", Importance: "MEDIUM", Doc: "Field name for record timestamp. " + opt},
		{Name: "static.field", Type: "STRING", Importance: "MEDIUM", Doc: "Field name for static data field. " + opt},
		{Name: "static.value", Type: "STRING", Importance: "MEDIUM", Doc: "Static field value, if field name configured."},
		replaceNullKey(),
	}, newInsertField)

	registerKV("ReplaceField", []ConfigKey{
		{Name: "exclude", Type: "LIST", Default: []string{}, Importance: "MEDIUM", Doc: "Fields to exclude. This takes precedence over the fields to include."},
		{Name: "blacklist", Type: "LIST", Importance: "LOW", Doc: "Deprecated. Use exclude instead."},
		{Name: "include", Type: "LIST", Default: []string{}, Importance: "MEDIUM", Doc: "Fields to include. If specified, only these fields will be used."},
		{Name: "whitelist", Type: "LIST", Importance: "LOW", Doc: "Deprecated. Use include instead."},
		{Name: "renames", Type: "LIST", Default: []string{}, Importance: "MEDIUM", Doc: "Field rename mappings.", Validate: func(name string, v any) string {
			l, _ := v.([]string)
			if _, bad := parseRenames(l); bad != "" {
				return invalid("renames", v, "Invalid rename mapping: "+bad)
			}
			return ""
		}},
		replaceNullKey(),
	}, newReplaceField)
}

func fieldSyntaxKey() ConfigKey {
	return ConfigKey{Name: "field.syntax.version", Type: "STRING", Default: "V1", Importance: "HIGH",
		Doc:      "Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"`foo.bar`.baz\".",
		Validate: caseInsensitiveIn("V1", "V2")}
}

// ValueToKey.

type valueToKey struct{ fields []string }

func newValueToKey(c Config) (Transformation, error) {
	return &valueToKey{fields: c.list("fields")}, nil
}

const purposeValueToKey = "copying fields from value to key"

func (t *valueToKey) Apply(r *Record) (*Record, error) {
	if r.ValueSchema == nil {
		m, err := requireMap(r.Value, purposeValueToKey)
		if err != nil {
			return nil, err
		}
		key := data.NewHashMap(len(t.fields))
		for _, f := range t.fields {
			v, _ := m.Get(f)
			key.Put(f, v)
		}
		c := r.clone()
		c.KeySchema, c.Key = nil, key
		return c, nil
	}
	v, err := requireStruct(r.Value, purposeValueToKey)
	if err != nil {
		return nil, err
	}
	ks := &data.Schema{Type: data.StructType}
	vals := make([]any, 0, len(t.fields))
	for _, f := range t.fields {
		i := v.Schema.FieldIndex(f)
		if i < 0 {
			return nil, dataErr("Field does not exist: %s", f)
		}
		if ks.FieldIndex(f) >= 0 {
			return nil, &Error{Class: SchemaBuilderException, Msg: "Cannot create field because of field name duplication " + f}
		}
		ks.Fields = append(ks.Fields, data.Field{Name: f, Schema: v.Schema.Fields[i].Schema})
		vals = append(vals, v.Values[i])
	}
	c := r.clone()
	c.KeySchema, c.Key = ks, &data.Struct{Schema: ks, Values: vals}
	return c, nil
}

// ExtractField.

type extractField struct {
	op   operand
	orig string
	path fieldPath
}

func newExtractField(op operand, c Config) (Transformation, error) {
	f, _ := c.str("field")
	v, _ := c.str("field.syntax.version")
	path, err := parseFieldPath(f, strings.EqualFold(v, "V2"))
	if err != nil {
		return nil, err
	}
	return &extractField{op: op, orig: f, path: path}, nil
}

func (t *extractField) Apply(r *Record) (*Record, error) {
	const purpose = "field extraction"
	s, v := t.op.get(r)
	if s == nil {
		if v == nil {
			return t.op.with(r, nil, nil), nil
		}
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out, err := t.path.mapValue(m)
		if err != nil {
			return nil, err
		}
		return t.op.with(r, nil, out), nil
	}
	var st *data.Struct
	if v != nil {
		var err error
		if st, err = requireStruct(v, purpose); err != nil {
			return nil, err
		}
	}
	f := t.path.fieldFrom(s)
	if f == nil {
		return nil, &Error{Class: IllegalArgument, Msg: "Unknown field: " + t.orig}
	}
	fs := f.Schema
	if st == nil {
		return t.op.with(r, &fs, nil), nil
	}
	out, err := t.path.structValue(st)
	if err != nil {
		return nil, err
	}
	return t.op.with(r, &fs, out), nil
}

// HoistField.

type hoistField struct {
	op    operand
	field string
}

func newHoistField(op operand, c Config) (Transformation, error) {
	f, _ := c.str("field")
	return &hoistField{op: op, field: f}, nil
}

func (t *hoistField) Apply(r *Record) (*Record, error) {
	s, v := t.op.get(r)
	if s == nil {
		m := data.NewHashMap(-1)
		m.Put(t.field, v)
		return t.op.with(r, nil, m), nil
	}
	if v == nil && !s.Optional {
		return nil, dataErr("Invalid value: null used for required field: \"%s\", schema type: %s", t.field, strings.ToUpper(schemaTypeName(s.Type)))
	}
	ns := &data.Schema{Type: data.StructType, Fields: []data.Field{{Name: t.field, Schema: *s}}}
	return t.op.with(r, ns, &data.Struct{Schema: ns, Values: []any{v}}), nil
}

// schemaTypeName is the Schema.Type enum name.
func schemaTypeName(t data.Type) string {
	switch t {
	case data.Float32:
		return "FLOAT32"
	case data.Float64:
		return "FLOAT64"
	}
	return strings.ToUpper(string(t))
}

// InsertField.

type insertionSpec struct {
	name     string
	optional bool
}

func parseInsertion(c Config, key string) *insertionSpec {
	s, ok := c.str(key)
	if !ok {
		return nil
	}
	switch {
	case strings.HasSuffix(s, "?"):
		return &insertionSpec{s[:len(s)-1], true}
	case strings.HasSuffix(s, "!"):
		return &insertionSpec{s[:len(s)-1], false}
	}
	return &insertionSpec{s, true}
}

type insertField struct {
	op                                           operand
	topic, partition, offset, timestamp, static_ *insertionSpec
	staticValue                                  *string
}

func newInsertField(op operand, c Config) (Transformation, error) {
	t := &insertField{op: op,
		topic: parseInsertion(c, "topic.field"), partition: parseInsertion(c, "partition.field"),
		offset: parseInsertion(c, "offset.field"), timestamp: parseInsertion(c, "timestamp.field"),
		static_: parseInsertion(c, "static.field")}
	if sv, ok := c.str("static.value"); ok {
		t.staticValue = &sv
	}
	if t.topic == nil && t.partition == nil && t.offset == nil && t.timestamp == nil && t.static_ == nil {
		return nil, configErr("No field insertion configured")
	}
	if t.static_ != nil && t.staticValue == nil {
		// InsertionSpec has no toString, so Java prints its identity.
		return nil, configErr("Invalid value null for configuration static.value: No value specified for static field: " + t.static_.name)
	}
	return t, nil
}

func optSchema(t data.Type, optional bool, name string, version int) data.Schema {
	return data.Schema{Type: t, Optional: optional, Name: name, Version: version}
}

func (t *insertField) Apply(r *Record) (*Record, error) {
	const purpose = "field insertion"
	s, v := t.op.get(r)
	if v == nil {
		return r, nil
	}
	if t.offset != nil {
		// Only a SinkRecord has an offset; this worker runs source tasks.
		return nil, dataErr("Only SinkRecord supported for [%s], found: org.apache.kafka.connect.source.SourceRecord", purpose)
	}
	if s == nil {
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.CopyHashMap(m)
		if t.topic != nil {
			out.Put(t.topic.name, r.Topic)
		}
		if t.partition != nil && r.Partition != nil {
			out.Put(t.partition.name, *r.Partition)
		}
		if t.timestamp != nil && r.Timestamp != nil {
			out.Put(t.timestamp.name, *r.Timestamp)
		}
		if t.static_ != nil && t.staticValue != nil {
			out.Put(t.static_.name, *t.staticValue)
		}
		return t.op.with(r, nil, out), nil
	}
	st, err := requireStruct(v, purpose)
	if err != nil {
		return nil, err
	}
	ns := copySchemaBasics(st.Schema, data.StructType)
	ns.Optional = false
	ns.Fields = append([]data.Field(nil), st.Schema.Fields...)
	vals := append([]any(nil), st.Values...)
	add := func(spec *insertionSpec, fs data.Schema, val any, present bool) error {
		if spec == nil {
			return nil
		}
		if ns.FieldIndex(spec.name) >= 0 {
			return &Error{Class: SchemaBuilderException, Msg: "Cannot create field because of field name duplication " + spec.name}
		}
		ns.Fields = append(ns.Fields, data.Field{Name: spec.name, Schema: fs})
		if !present {
			val = nil
		}
		if val == nil && !fs.Optional {
			return dataErr("Invalid value: null used for required field: \"%s\", schema type: %s", spec.name, schemaTypeName(fs.Type))
		}
		vals = append(vals, val)
		return nil
	}
	var part any
	if r.Partition != nil {
		part = *r.Partition
	}
	var ts any
	if r.Timestamp != nil {
		ts = data.Timestamp{T: unixMilli(*r.Timestamp)}
	}
	var static any
	if t.staticValue != nil {
		static = *t.staticValue
	}
	steps := []struct {
		spec *insertionSpec
		fs   data.Schema
		val  any
	}{
		{t.topic, data.Schema{Type: data.String}, r.Topic},
		{t.partition, data.Schema{Type: data.Int32}, part},
		{t.timestamp, optSchema(data.Int64, false, data.LogicalTimestamp, 1), ts},
		{t.static_, data.Schema{Type: data.String}, static},
	}
	for _, st := range steps {
		if st.spec != nil {
			st.fs.Optional = st.spec.optional
		}
		if err := add(st.spec, st.fs, st.val, true); err != nil {
			return nil, err
		}
	}
	return t.op.with(r, ns, &data.Struct{Schema: ns, Values: vals}), nil
}

// ReplaceField.

type replaceField struct {
	op               operand
	exclude, include map[string]bool
	renames, reverse map[string]string
}

// parseRenames splits "old:new" pairs as String.split(":") does (trailing
// empty strings dropped); it returns the first bad mapping.
func parseRenames(l []string) (map[string]string, string) {
	m := map[string]string{}
	for _, mapping := range l {
		parts := strings.Split(mapping, ":")
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		if len(parts) != 2 {
			return nil, mapping
		}
		m[parts[0]] = parts[1]
	}
	return m, ""
}

func newReplaceField(op operand, c Config) (Transformation, error) {
	// ConfigUtils.translateDeprecatedConfigs: the old names stand in for
	// the new ones when only they are set.
	exclude, include := c.list("exclude"), c.list("include")
	if _, ok := c["blacklist"].([]string); ok && len(exclude) == 0 {
		exclude = c.list("blacklist")
	}
	if _, ok := c["whitelist"].([]string); ok && len(include) == 0 {
		include = c.list("whitelist")
	}
	renames, bad := parseRenames(c.list("renames"))
	if bad != "" {
		return nil, configErr(invalid("renames", c.list("renames"), "Invalid rename mapping: "+bad))
	}
	t := &replaceField{op: op, exclude: map[string]bool{}, include: map[string]bool{}, renames: renames, reverse: map[string]string{}}
	for _, f := range exclude {
		t.exclude[f] = true
	}
	for _, f := range include {
		t.include[f] = true
	}
	for k, v := range renames {
		t.reverse[v] = k
	}
	return t, nil
}

func (t *replaceField) keep(f string) bool {
	return !t.exclude[f] && (len(t.include) == 0 || t.include[f])
}

func (t *replaceField) renamed(f string) string {
	if n, ok := t.renames[f]; ok {
		return n
	}
	return f
}

func (t *replaceField) Apply(r *Record) (*Record, error) {
	const purpose = "field replacement"
	s, v := t.op.get(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.NewHashMap(m.Len())
		for _, e := range m.Entries() {
			if t.keep(e.Key) {
				out.Put(t.renamed(e.Key), e.Value)
			}
		}
		return t.op.with(r, nil, out), nil
	}
	st, err := requireStruct(v, purpose)
	if err != nil {
		return nil, err
	}
	ns := copySchemaBasics(st.Schema, data.StructType)
	var vals []any
	for i, f := range st.Schema.Fields {
		if !t.keep(f.Name) {
			continue
		}
		name := t.renamed(f.Name)
		if ns.FieldIndex(name) >= 0 {
			return nil, &Error{Class: SchemaBuilderException, Msg: "Cannot create field because of field name duplication " + name}
		}
		ns.Fields = append(ns.Fields, data.Field{Name: name, Schema: f.Schema})
		vals = append(vals, st.Values[i])
	}
	return t.op.with(r, ns, &data.Struct{Schema: ns, Values: vals}), nil
}

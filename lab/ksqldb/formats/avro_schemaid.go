package formats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/linkedin/goavro/v2"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// KEY_SCHEMA_ID and VALUE_SCHEMA_ID with AVRO (confluentinc/ksql v7.9.0
// SchemaRegistryTopicSchemaSupplier, ConnectFormatSchemaTranslator,
// KsqlAvroSerdeFactory, AvroSRSchemaDataTranslator): the columns come from
// the registered schema with its own field names (ORIGINAL_FIELD_NAME); a
// key schema is the single column ROWKEY of its type (SerdeUtils.wrapSingle,
// keys being always unwrapped), a value schema must be a record whose
// fields are the value columns. Records are written under the schema id,
// without registering: columns fill the fields of the same name, a field
// without a column takes its default or null, or the record fails.

// AvroKeyColumnsByID is the key column of an Avro key schema.
func AvroKeyColumnsByID(text string) ([]types.Column, error) {
	var sch any
	if err := json.Unmarshal([]byte(text), &sch); err != nil {
		return nil, fmt.Errorf("parse Avro schema: %w", err)
	}
	t, err := avroOriginalColumnType(sch)
	if err != nil {
		return nil, err
	}
	return []types.Column{{Name: "ROWKEY", Type: t}}, nil
}

// AvroValueColumnsByID are the value columns of an Avro record schema,
// skipping names already taken.
func AvroValueColumnsByID(text string, taken map[string]bool) ([]types.Column, error) {
	var sch any
	if err := json.Unmarshal([]byte(text), &sch); err != nil {
		return nil, fmt.Errorf("parse Avro schema: %w", err)
	}
	if m, ok := sch.(map[string]any); !ok || m["type"] != "record" {
		return nil, errors.New("Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.")
	}
	t, err := avroOriginalColumnType(sch)
	if err != nil {
		return nil, err
	}
	var cols []types.Column
	for _, f := range t.Fields {
		if !taken[f.Name] {
			cols = append(cols, types.Column{Name: f.Name, Type: f.Type})
		}
	}
	return cols, nil
}

// prepareAvroByID looks up the schema a serde writes with.
func (s *Serde) prepareAvroByID(ctx context.Context) error {
	if !s.Registry.Configured() {
		return ErrNoRegistry
	}
	got, err := s.Registry.Client.SR().SchemaByID(ctx, s.schemaID)
	if err != nil {
		return fmt.Errorf("schema %d: %w", s.schemaID, err)
	}
	var sch any
	if err := json.Unmarshal([]byte(got.Schema), &sch); err != nil {
		return fmt.Errorf("parse Avro schema %d: %w", s.schemaID, err)
	}
	codec, err := goavro.NewCodec(got.Schema)
	if err != nil {
		return fmt.Errorf("build Avro schema %d: %w", s.schemaID, err)
	}
	s.avroMapsOrdered = false
	if ordered := avroOrderedCodec(got.Schema); ordered != nil {
		codec, s.avroMapsOrdered = ordered, true
	}
	s.avroID, s.avroCodec, s.avroSR = s.schemaID, codec, sch
	return nil
}

// encodeAvroByID writes vals under the registered schema.
func (s *Serde) encodeAvroByID(buf []byte, vals []any) ([]byte, error) {
	w := avroSRWriter{names: map[string]any{}, ordered: s.avroMapsOrdered}
	if s.unwrapped() {
		if vals[0] == nil {
			return nil, nil
		}
		native, err := w.native(s.avroSR, "", vals[0], s.Cols[0].Type)
		if err != nil {
			return nil, err
		}
		return s.avroCodec.BinaryFromNative(buf, native)
	}
	rec, ok := s.avroSR.(map[string]any)
	if !ok || rec["type"] != "record" {
		return nil, fmt.Errorf("schema %d is not an Avro record", s.schemaID)
	}
	fields := make([]types.Field, len(s.Cols))
	for i, c := range s.Cols {
		fields[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	native, err := w.record(rec, "", &types.StructVal{Type: types.StructOf(fields), Vals: vals})
	if err != nil {
		return nil, err
	}
	return s.avroCodec.BinaryFromNative(buf, native)
}

// avroSRWriter turns values into goavro natives of a registered schema,
// remembering the named types it has met; ordered when the codec takes
// maps as arrays of entries (avroOrderedCodec).
type avroSRWriter struct {
	names   map[string]any
	ordered bool
}

// avroFullNameIn is a named type's full name within namespace ns, and the
// namespace of what it holds.
func avroFullNameIn(m map[string]any, ns string) (string, string) {
	name, _ := m["name"].(string)
	if strings.Contains(name, ".") {
		i := strings.LastIndexByte(name, '.')
		return name, name[:i]
	}
	if x, ok := m["namespace"].(string); ok {
		ns = x
	}
	if ns == "" {
		return name, ""
	}
	return ns + "." + name, ns
}

// resolve follows a named type reference.
func (w *avroSRWriter) resolve(sch any, ns string) (any, string) {
	name, ok := sch.(string)
	if !ok {
		return sch, ns
	}
	for _, full := range []string{name, ns + "." + name} {
		if def, ok := w.names[full]; ok {
			if i := strings.LastIndexByte(full, '.'); i >= 0 {
				return def, full[:i]
			}
			return def, ""
		}
	}
	return sch, ns
}

// branchName is goavro's name for a union branch.
func (w *avroSRWriter) branchName(sch any, ns string) string {
	switch x := sch.(type) {
	case string:
		switch x {
		case "null", "boolean", "int", "long", "float", "double", "bytes", "string", "array", "map":
			return x
		}
		if strings.Contains(x, ".") || ns == "" {
			return x
		}
		return ns + "." + x
	case map[string]any:
		switch x["type"] {
		case "record", "enum", "fixed":
			full, _ := avroFullNameIn(x, ns)
			return full
		}
		base := w.branchName(x["type"], ns)
		if base == "map" && w.ordered {
			base = "array"
		}
		if lt, ok := x["logicalType"].(string); ok {
			return base + "." + lt
		}
		return base
	}
	return ""
}

// fits reports whether a value of SQL type t is written as Avro type sch.
func (w *avroSRWriter) fits(sch any, ns string, t types.Type) bool {
	sch, ns = w.resolve(sch, ns)
	base, logical := sch, any(nil)
	if m, ok := sch.(map[string]any); ok {
		base, logical = m["type"], m["logicalType"]
		switch base {
		case "record":
			return t.Kind() == types.KindStruct
		case "enum":
			return t == types.String
		case "array":
			return t.Kind() == types.KindArray || (t.Kind() == types.KindMap && avroIsMapEntry(m["items"]))
		case "map":
			return t.Kind() == types.KindMap
		case "fixed":
			return t.Kind() == types.KindBytes || t.Kind() == types.KindDecimal
		}
		if _, nested := base.(map[string]any); nested {
			return w.fits(base, ns, t)
		}
	}
	switch t.Kind() {
	case types.KindTimestamp:
		return base == "long" && (logical == nil || logical == "timestamp-millis")
	case types.KindDate:
		return base == "int" && (logical == nil || logical == "date")
	case types.KindTime:
		return base == "int" && (logical == nil || logical == "time-millis")
	case types.KindDecimal:
		return base == "bytes" && logical == "decimal"
	case types.KindBytes:
		return base == "bytes" && logical == nil
	}
	switch t {
	case types.Integer, types.Bigint:
		return base == "int" || base == "long"
	case types.Double:
		return base == "double" || base == "float"
	case types.String:
		return base == "string"
	case types.Boolean:
		return base == "boolean"
	}
	return false
}

func avroIsMapEntry(items any) bool {
	m, ok := items.(map[string]any)
	return ok && m["type"] == "record" && m["connect.internal.type"] == "MapEntry"
}

// native is v, of SQL type t, as goavro takes it under sch.
func (w *avroSRWriter) native(sch any, ns string, v any, t types.Type) (any, error) {
	if m, ok := sch.(map[string]any); ok {
		if full, _ := avroFullNameIn(m, ns); m["name"] != nil {
			w.names[full] = m
		}
	}
	sch, ns = w.resolve(sch, ns)
	if u, ok := sch.([]any); ok {
		if v == nil {
			for _, b := range u {
				if b == "null" {
					return nil, nil
				}
			}
			return nil, fmt.Errorf("null for a field that is required in the Avro schema")
		}
		for _, b := range u {
			if b != "null" && w.fits(b, ns, t) {
				x, err := w.native(b, ns, v, t)
				if err != nil {
					return nil, err
				}
				return goavro.Union(w.branchName(b, ns), x), nil
			}
		}
		return nil, fmt.Errorf("no branch of Avro union %v takes a %s", u, t)
	}
	if v == nil {
		if sch == "null" {
			return nil, nil
		}
		return nil, fmt.Errorf("null for a field that is required in the Avro schema")
	}
	m, ok := sch.(map[string]any)
	if !ok {
		return avroSRPrimitive(sch, v)
	}
	switch m["type"] {
	case "record":
		sv, ok := v.(*types.StructVal)
		if !ok {
			return nil, fmt.Errorf("a %T for an Avro record", v)
		}
		return w.record(m, ns, sv)
	case "array":
		if t.Kind() == types.KindMap {
			return w.mapEntries(m["items"].(map[string]any), ns, v, t)
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("a %T for an Avro array", v)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := w.native(m["items"], ns, e, t.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case "map":
		mv, ok := v.(*types.KeyedMap)
		if !ok {
			return nil, fmt.Errorf("a %T for an Avro map", v)
		}
		// copyMap's new HashMap(), then AvroData.fromConnectData's, whose
		// order GenericDatumWriter.writeMap writes
		mv = connectHashMap(mv)
		out := make(map[string]any, mv.Len())
		var entries []any
		for i, key := range mv.Keys {
			k, isStr := key.(string)
			if !isStr {
				return nil, fmt.Errorf("a %T key for an Avro map", key)
			}
			x, err := w.native(m["values"], ns, mv.Vals[i], t.Elem)
			if err != nil {
				return nil, err
			}
			if w.ordered {
				entries = append(entries, map[string]any{"key": k, "value": x})
				continue
			}
			out[k] = x
		}
		if w.ordered {
			return entries, nil
		}
		return out, nil
	case "enum", "fixed":
		return v, nil
	}
	if m["logicalType"] != nil {
		return avroNative(v), nil
	}
	return w.native(m["type"], ns, v, t)
}

// avroSRPrimitive is v as goavro takes the primitive type sch.
func avroSRPrimitive(sch, v any) (any, error) {
	switch sch {
	case "int":
		switch x := v.(type) {
		case int32:
			return x, nil
		case int64:
			return int32(x), nil
		}
	case "long":
		switch x := v.(type) {
		case int32:
			return int64(x), nil
		case int64:
			return x, nil
		}
		return avroNative(v), nil
	case "float":
		if x, ok := v.(float64); ok {
			return float32(x), nil
		}
	case "double", "string", "boolean", "bytes":
		return avroNative(v), nil
	}
	return nil, fmt.Errorf("a %T for Avro type %v", v, sch)
}

// record fills the fields of rec from sv's fields of the same name.
func (w *avroSRWriter) record(rec map[string]any, ns string, sv *types.StructVal) (any, error) {
	full, inner := avroFullNameIn(rec, ns)
	w.names[full] = rec
	fields, _ := rec["fields"].([]any)
	byName := make(map[string]int, len(fields))
	for i, rf := range fields {
		f, _ := rf.(map[string]any)
		name, _ := f["name"].(string)
		byName[name] = i
	}
	out := make(map[string]any, len(fields))
	for i, f := range sv.Type.Fields {
		j, ok := byName[f.Name]
		if !ok {
			return nil, fmt.Errorf("Schema from Schema Registry misses field with name: %s", f.Name)
		}
		fm := fields[j].(map[string]any)
		if sv.Vals[i] == nil && fm["default"] != nil {
			// Connect's Struct.get gives a null field its default, which
			// goavro writes for a field left out
			continue
		}
		x, err := w.native(fm["type"], inner, sv.Vals[i], f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		out[fm["name"].(string)] = x
	}
	for _, rf := range fields {
		f := rf.(map[string]any)
		name := f["name"].(string)
		if _, ok := out[name]; ok {
			continue
		}
		if _, ok := f["default"]; ok {
			continue // goavro fills a field left out with its default
		}
		if u, ok := f["type"].([]any); ok && slices.Contains(u, any("null")) {
			out[name] = nil // an optional field without a default is null
			continue
		}
		return nil, fmt.Errorf("Missing default value for required Avro field: [%s]. This field appears in Avro schema in Schema Registry", name)
	}
	return out, nil
}

// mapEntries writes a MAP as Connect's MapEntry array.
func (w *avroSRWriter) mapEntries(entry map[string]any, ns string, v any, t types.Type) (any, error) {
	mv, ok := v.(*types.KeyedMap)
	if !ok {
		return nil, fmt.Errorf("a %T for an Avro MapEntry array", v)
	}
	full, inner := avroFullNameIn(entry, ns)
	w.names[full] = entry
	var keySch, valSch any
	for _, rf := range entry["fields"].([]any) {
		f := rf.(map[string]any)
		switch f["name"] {
		case "key":
			keySch = f["type"]
		case "value":
			valSch = f["type"]
		}
	}
	// in the order of copyMap's new HashMap(), as AvroData writes them
	mv = connectHashMap(mv)
	out := make([]any, 0, mv.Len())
	for i, k := range mv.Keys {
		kx, err := w.native(keySch, inner, k, types.String)
		if err != nil {
			return nil, err
		}
		vx, err := w.native(valSch, inner, mv.Vals[i], t.Elem)
		if err != nil {
			return nil, err
		}
		out = append(out, map[string]any{"key": kx, "value": vx})
	}
	return out, nil
}

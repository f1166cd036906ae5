package formats

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/linkedin/goavro/v2"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The Avro schemas ksqlDB 0.29 registers for what it writes, and the values
// it writes under them (confluentinc/ksql v7.9.0 ksqldb-serde
// .../serde/avro/AvroSchemas.java and KsqlAvroSerdeFactory.java, then
// schema-registry's AvroData.fromConnectSchema with connect.meta.data):
//
//   - the root schema carries the full name (KsqlDataSourceSchema, or
//     <Source>Key for a key, AvroFormat.getKeySchemaName) and is never
//     optional: several columns are a record of optional fields, a single
//     unwrapped column its bare type, written as null bytes when null;
//   - a STRUCT is a record named <parent>_<FIELD>, with connect.name;
//   - an ARRAY has optional items and adds no name part;
//   - a MAP, whose key schema is an optional STRING, is written as Connect's
//     MapEntry array: an array of records {key, value}, both optional, the
//     record and the array named <parent>_<FIELD> (its value's nested
//     names end in _MapValue).
//
// Entries of a MAP are written in key order; ksqlDB writes them in the
// order of its map (insertion order for maps it built).

const (
	avroNamespace      = "io.confluent.ksql.avro_schemas"
	avroValueFullName  = avroNamespace + ".KsqlDataSourceSchema"
	avroMapValueSuffix = "_MapValue"
)

// avroKeySchemaName is AvroFormat.getKeySchemaName: the source name from
// UPPER_UNDERSCORE to UpperCamel, then "Key", in ksqlDB's namespace.
func avroKeySchemaName(source string) string {
	var sb strings.Builder
	for _, w := range strings.Split(source, "_") {
		if w == "" {
			continue
		}
		sb.WriteString(strings.ToUpper(w[:1]))
		sb.WriteString(strings.ToLower(w[1:]))
	}
	return avroNamespace + "." + sb.String() + "Key"
}

// avroSplitName splits a full name into namespace and name.
func avroSplitName(full string) (string, string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

// avroSchemaWriter writes schema JSON in the order Avro's Schema.toString
// writes it: type, name, namespace (when it differs from the enclosing
// one), the type's own attributes, then the properties.
type avroSchemaWriter struct{ b bytes.Buffer }

func (w *avroSchemaWriter) str(s string) {
	k, _ := json.Marshal(s)
	w.b.Write(k)
}

// named writes the opening of a named type and returns its namespace,
// the enclosing namespace of what it holds.
func (w *avroSchemaWriter) named(typ, full, enclosing string) string {
	ns, name := avroSplitName(full)
	w.b.WriteString(`{"type":`)
	w.str(typ)
	w.b.WriteString(`,"name":`)
	w.str(name)
	if ns != enclosing {
		w.b.WriteString(`,"namespace":`)
		w.str(ns)
	}
	return ns
}

// record writes a record of optional fields.
func (w *avroSchemaWriter) record(full, enclosing string, fields []types.Field, props string) {
	ns := w.named("record", full, enclosing)
	w.b.WriteString(`,"fields":[`)
	for i, f := range fields {
		if i > 0 {
			w.b.WriteByte(',')
		}
		w.b.WriteString(`{"name":`)
		w.str(strings.ReplaceAll(f.Name, ".", "_"))
		w.b.WriteString(`,"type":`)
		w.optional(f.Type, full+"_"+f.Name, ns)
		w.b.WriteString(`,"default":null}`)
	}
	w.b.WriteString(`]`)
	w.b.WriteString(props)
	w.b.WriteByte('}')
}

// optional writes ["null", t].
func (w *avroSchemaWriter) optional(t types.Type, full, enclosing string) {
	w.b.WriteString(`["null",`)
	w.typ(t, full, enclosing)
	w.b.WriteByte(']')
}

// typ writes t, named full where it takes a name.
func (w *avroSchemaWriter) typ(t types.Type, full, enclosing string) {
	switch t.Kind() {
	case types.KindStruct:
		name, _ := json.Marshal(full)
		w.record(full, enclosing, t.Fields, `,"connect.name":`+string(name))
	case types.KindArray:
		w.b.WriteString(`{"type":"array","items":`)
		w.optional(t.Elem, full, enclosing)
		w.b.WriteByte('}')
	case types.KindMap:
		w.b.WriteString(`{"type":"array","items":`)
		entry := []types.Field{{Name: "key", Type: t.Key}, {Name: "value", Type: t.Elem}}
		// the entry's key and value take the names MapKey and MapValue
		// (AvroSchemas.Context), not key and value
		ns := w.named("record", full, enclosing)
		w.b.WriteString(`,"fields":[`)
		for i, f := range entry {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.b.WriteString(`{"name":`)
			w.str(f.Name)
			w.b.WriteString(`,"type":`)
			suffix := "_MapKey"
			if f.Name == "value" {
				suffix = avroMapValueSuffix
			}
			w.optional(f.Type, full+suffix, ns)
			w.b.WriteString(`,"default":null}`)
		}
		w.b.WriteString(`],"connect.internal.type":"MapEntry"},"connect.name":`)
		w.str(full)
		w.b.WriteByte('}')
	default:
		b, _ := json.Marshal(avroColumnSchema(t))
		w.b.Write(b)
	}
}

// avroWriterSchema is the schema ksqlDB registers for cols: the bare type
// of a single unwrapped column, else the record of optional columns, named
// full.
func avroWriterSchema(cols []types.Column, unwrapped bool, full string) string {
	var w avroSchemaWriter
	if unwrapped {
		w.typ(cols[0].Type, full, "")
		return w.b.String()
	}
	fields := make([]types.Field, len(cols))
	for i, c := range cols {
		fields[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	name, _ := json.Marshal(full)
	w.record(full, "", fields, `,"connect.name":`+string(name))
	return w.b.String()
}

// avroWriteOptional is v in an optional position of type t named full: nil
// or the union branch goavro takes.
func avroWriteOptional(v any, t types.Type, full string) any {
	if v == nil {
		return nil
	}
	branch := avroUnionBranch(t)
	switch t.Kind() {
	case types.KindArray, types.KindMap:
		branch = "array"
	case types.KindStruct:
		branch = full
	}
	return goavro.Union(branch, avroWriteNative(v, t, full))
}

// avroWriteNative is a non-null value of type t, named full, as goavro
// takes it under avroWriterSchema's schema.
func avroWriteNative(v any, t types.Type, full string) any {
	switch t.Kind() {
	case types.KindStruct:
		sv, ok := v.(*types.StructVal)
		if !ok {
			return v
		}
		rec := make(map[string]any, len(t.Fields))
		for i, f := range t.Fields {
			var x any
			if i < len(sv.Vals) {
				x = sv.Vals[i]
			}
			rec[strings.ReplaceAll(f.Name, ".", "_")] = avroWriteOptional(x, f.Type, full+"_"+f.Name)
		}
		return rec
	case types.KindArray:
		arr, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = avroWriteOptional(e, t.Elem, full)
		}
		return out
	case types.KindMap:
		m, ok := v.(*types.KeyedMap)
		if !ok {
			return v
		}
		// AvroData.fromConnectData: an entry for each of the map's
		// entries, in the order of the copy withCompatibleSchema made
		m = connectHashMap(m)
		out := make([]any, 0, m.Len())
		for i, k := range m.Keys {
			var key any // the null key, as the optional key field's null
			if k != nil {
				key = goavro.Union("string", k)
			}
			out = append(out, map[string]any{
				"key":   key,
				"value": avroWriteOptional(m.Vals[i], t.Elem, full+avroMapValueSuffix),
			})
		}
		return out
	}
	return avroNative(v)
}

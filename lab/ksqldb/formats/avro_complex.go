package formats

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Avro values of complex columns, read from sources (goavro's native form:
// []any for arrays, map[string]any for maps and records, and a one-entry
// map{branch: value} for a union branch). A MAP is read from an Avro map or
// from Connect's MapEntry array (an array of {key, value} records), as
// ksqlDB writes it (avro_write.go).

// avroBranch unwraps a union branch {name: value} when the value has the
// shape want expects and, for maps and records, the key is a type name
// rather than data.
func avroBranch(v any, t types.Type) any {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return v
	}
	for k, x := range m {
		switch t.Kind() {
		case types.KindArray:
			if _, ok := x.([]any); ok {
				return x
			}
		case types.KindMap:
			if _, ok := x.(map[string]any); ok && k == "map" {
				return x
			}
			if _, ok := x.([]any); ok && k == "array" {
				return x
			}
		case types.KindStruct:
			if _, ok := x.(map[string]any); ok {
				if _, _, isField := fieldFold(t, k); !isField {
					return x
				}
			}
		case types.KindString:
			if _, ok := x.(string); ok { // an enum branch
				return x
			}
		case types.KindBytes:
			if _, ok := x.([]byte); ok { // a fixed branch
				return x
			}
		}
	}
	return v
}

func fieldFold(t types.Type, name string) (int, types.Type, bool) {
	for i, f := range t.Fields {
		if strings.EqualFold(f.Name, name) {
			return i, f.Type, true
		}
	}
	return -1, types.Null, false
}

func avroComplex(v any, t types.Type) (any, error) {
	v = avroBranch(v, t)
	switch t.Kind() {
	case types.KindArray:
		arr, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := avroValue(unwrapUnion(avroBranch(e, t.Elem)), t.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case types.KindMap:
		if entries, ok := v.([]any); ok {
			return avroMapEntries(entries, t)
		}
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		// a map goavro read itself (its schema not rewritten, see
		// avroOrderedCodec) no longer has the wire's order: its entries
		// go in by sorted key
		keys := slices.Sorted(maps.Keys(m))
		vals := make([]any, len(keys))
		for i, k := range keys {
			x, err := avroValue(unwrapUnion(avroBranch(m[k], t.Elem)), t.Elem)
			if err != nil {
				return nil, err
			}
			vals[i] = x
		}
		return avroMapRead(keys, vals, true), nil
	case types.KindStruct:
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := &types.StructVal{Type: t, Vals: make([]any, len(t.Fields))}
		for k, e := range m {
			i, ft, ok := fieldFold(t, k)
			if !ok {
				continue
			}
			x, err := avroValue(unwrapUnion(avroBranch(e, ft)), ft)
			if err != nil {
				return nil, err
			}
			out.Vals[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
}

// avroMapEntries reads Connect's MapEntry array, or an Avro map's entries
// as avroOrderedCodec reads them, into a MAP; an entry whose key is neither
// a STRING nor null is refused, as MAP keys here are STRING only.
func avroMapEntries(entries []any, t types.Type) (any, error) {
	keys := make([]any, 0, len(entries))
	vals := make([]any, 0, len(entries))
	avroMap, utf8 := false, false
	for _, e := range entries {
		rec, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro %T into a map entry of %s", e, t)
		}
		_, utf8 = rec[avroMapUtf8Marker]
		_, strs := rec[avroMapStringMarker]
		avroMap = utf8 || strs
		k := unwrapUnion(rec["key"])
		if _, ok := k.(string); !ok && k != nil {
			return nil, fmt.Errorf("cannot resolve avro map key %v into %s", rec["key"], t.Key)
		}
		x, err := avroValue(unwrapUnion(avroBranch(rec["value"], t.Elem)), t.Elem)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
		vals = append(vals, x)
	}
	if avroMap {
		strs := make([]string, len(keys))
		for i, k := range keys {
			strs[i] = k.(string)
		}
		return avroMapRead(strs, vals, utf8), nil
	}
	// AvroData.toConnectData's new HashMap<>(size) in the entries' order,
	// then ConnectDataTranslator.toKsqlMap's new HashMap<>()
	out := types.NewHashMap(len(keys))
	for i, k := range keys {
		out.Put(k, vals[i])
	}
	return connectHashMap(out.Map()), nil
}

// avroMapEntryType is the MAP AvroData.toConnectSchema gives Connect's
// MapEntry array: the key and value fields' types.
func avroMapEntryType(entry map[string]any, fieldName func(string) string) (types.Type, error) {
	var key, val types.Type = types.Null, types.Null
	raw, _ := entry["fields"].([]any)
	for _, rf := range raw {
		f, _ := rf.(map[string]any)
		ft, err := avroColumnTypeAs(f["type"], fieldName)
		if err != nil {
			return types.Null, err
		}
		switch f["name"] {
		case "key":
			key = ft
		case "value":
			val = ft
		}
	}
	if key != types.String {
		return types.Null, stmterr.Unsupported("MAP keys of type " + key.String())
	}
	return types.MapOf(key, val), nil
}

// AvroColumnType maps an Avro schema to the SQL type ksqlDB infers for it:
// a union with null is its other branch, enum is STRING, array, map and
// record are ARRAY, MAP<STRING, ...> and STRUCT, field names upper-cased
// (ConnectKsqlSchemaTranslator's default UPPERCASE_FIELD_NAME policy).
func AvroColumnType(t any) (types.Type, error) { return avroColumnTypeAs(t, strings.ToUpper) }

// avroOriginalColumnType is avroColumnType keeping the schema's field
// names, as ksqlDB reads a schema named by KEY_SCHEMA_ID or VALUE_SCHEMA_ID
// (SchemaTranslationPolicy.ORIGINAL_FIELD_NAME).
func avroOriginalColumnType(t any) (types.Type, error) {
	return avroColumnTypeAs(t, func(s string) string { return s })
}

func avroColumnTypeAs(t any, fieldName func(string) string) (types.Type, error) {
	if u, ok := t.([]any); ok {
		var nonNull []any
		for _, x := range u {
			if x != "null" {
				nonNull = append(nonNull, x)
			}
		}
		if len(nonNull) != 1 {
			return types.Null, stmterr.Unsupported("inferring a column from an Avro union of several types")
		}
		t = nonNull[0]
	}
	if m, ok := t.(map[string]any); ok {
		if m["logicalType"] == "decimal" && m["type"] == "bytes" {
			// AvroData.toConnectSchema: scale 0 and precision 64
			// (CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT) when absent
			p, s := 64.0, 0.0
			if x, ok := m["precision"].(float64); ok {
				p = x
			}
			if x, ok := m["scale"].(float64); ok {
				s = x
			}
			return types.DecimalType(int(p), int(s))
		}
		if m["logicalType"] != nil {
			return avroLogicalColumnType(m["logicalType"], m["type"])
		}
		switch m["type"] {
		case "enum":
			return types.String, nil
		case "fixed": // AvroData.toConnectSchema: BYTES
			return types.Bytes, nil
		case "array":
			if entry, ok := m["items"].(map[string]any); ok && entry["connect.internal.type"] == "MapEntry" {
				return avroMapEntryType(entry, fieldName)
			}
			elem, err := avroColumnTypeAs(m["items"], fieldName)
			if err != nil {
				return types.Null, err
			}
			return types.ArrayOf(elem), nil
		case "map":
			val, err := avroColumnTypeAs(m["values"], fieldName)
			if err != nil {
				return types.Null, err
			}
			return types.MapOf(types.String, val), nil
		case "record":
			raw, _ := m["fields"].([]any)
			fields := make([]types.Field, 0, len(raw))
			for _, rf := range raw {
				f, _ := rf.(map[string]any)
				name, _ := f["name"].(string)
				ft, err := avroColumnTypeAs(f["type"], fieldName)
				if err != nil {
					return types.Null, err
				}
				fields = append(fields, types.Field{Name: fieldName(name), Type: ft})
			}
			return types.StructOf(fields), nil
		}
		t = m["type"]
	}
	switch t {
	case "int":
		return types.Integer, nil
	case "long":
		return types.Bigint, nil
	case "float", "double":
		return types.Double, nil
	case "string":
		return types.String, nil
	case "boolean":
		return types.Boolean, nil
	case "bytes":
		return types.Bytes, nil
	}
	return types.Null, stmterr.Unsupported(fmt.Sprintf("inferring a column from Avro type %v", t))
}

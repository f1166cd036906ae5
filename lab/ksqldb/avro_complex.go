package ksqldb

import (
	"fmt"
	"strings"
)

// Avro values of complex columns, read from sources (goavro's native form:
// []any for arrays, map[string]any for maps and records, and a one-entry
// map{branch: value} for a union branch). A MAP is read from an Avro map or
// from Connect's MapEntry array (an array of {key, value} records), as
// ksqlDB writes it (avro_write.go).

// avroBranch unwraps a union branch {name: value} when the value has the
// shape want expects and, for maps and records, the key is a type name
// rather than data.
func avroBranch(v any, t sqlType) any {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return v
	}
	for k, x := range m {
		switch t.kind() {
		case kArray:
			if _, ok := x.([]any); ok {
				return x
			}
		case kMap:
			if _, ok := x.(map[string]any); ok && k == "map" {
				return x
			}
			if _, ok := x.([]any); ok && k == "array" {
				return x
			}
		case kStruct:
			if _, ok := x.(map[string]any); ok {
				if _, _, isField := fieldFold(t, k); !isField {
					return x
				}
			}
		case kString:
			if _, ok := x.(string); ok { // an enum branch
				return x
			}
		}
	}
	return v
}

func fieldFold(t sqlType, name string) (int, sqlType, bool) {
	for i, f := range t.fields {
		if strings.EqualFold(f.Name, name) {
			return i, f.Type, true
		}
	}
	return -1, tNull, false
}

func avroComplex(v any, t sqlType) (any, error) {
	v = avroBranch(v, t)
	switch t.kind() {
	case kArray:
		arr, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := avroValue(unwrapUnion(avroBranch(e, t.elem)), t.elem)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case kMap:
		if entries, ok := v.([]any); ok {
			return avroMapEntries(entries, t)
		}
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			x, err := avroValue(unwrapUnion(avroBranch(e, t.elem)), t.elem)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case kStruct:
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := &structVal{t: t, vals: make([]any, len(t.fields))}
		for k, e := range m {
			i, ft, ok := fieldFold(t, k)
			if !ok {
				continue
			}
			x, err := avroValue(unwrapUnion(avroBranch(e, ft)), ft)
			if err != nil {
				return nil, err
			}
			out.vals[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
}

// avroMapEntries reads Connect's MapEntry array into a MAP; an entry
// without a STRING key is refused, as MAP keys here are STRING only.
func avroMapEntries(entries []any, t sqlType) (any, error) {
	out := make(map[string]any, len(entries))
	for _, e := range entries {
		rec, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro %T into a map entry of %s", e, t)
		}
		k, ok := unwrapUnion(rec["key"]).(string)
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro map key %v into %s", rec["key"], t.key)
		}
		x, err := avroValue(unwrapUnion(avroBranch(rec["value"], t.elem)), t.elem)
		if err != nil {
			return nil, err
		}
		out[k] = x
	}
	return out, nil
}

// avroMapEntryType is the MAP AvroData.toConnectSchema gives Connect's
// MapEntry array: the key and value fields' types.
func avroMapEntryType(entry map[string]any, fieldName func(string) string) (sqlType, error) {
	var key, val sqlType = tNull, tNull
	raw, _ := entry["fields"].([]any)
	for _, rf := range raw {
		f, _ := rf.(map[string]any)
		ft, err := avroColumnTypeAs(f["type"], fieldName)
		if err != nil {
			return tNull, err
		}
		switch f["name"] {
		case "key":
			key = ft
		case "value":
			val = ft
		}
	}
	if key != tString {
		return tNull, unsupported("MAP keys of type " + key.String())
	}
	return mapOf(key, val), nil
}

// avroColumnType maps an Avro schema to the SQL type ksqlDB infers for it:
// a union with null is its other branch, enum is STRING, array, map and
// record are ARRAY, MAP<STRING, ...> and STRUCT, field names upper-cased
// (ConnectKsqlSchemaTranslator's default UPPERCASE_FIELD_NAME policy).
func avroColumnType(t any) (sqlType, error) { return avroColumnTypeAs(t, strings.ToUpper) }

// avroOriginalColumnType is avroColumnType keeping the schema's field
// names, as ksqlDB reads a schema named by KEY_SCHEMA_ID or VALUE_SCHEMA_ID
// (SchemaTranslationPolicy.ORIGINAL_FIELD_NAME).
func avroOriginalColumnType(t any) (sqlType, error) {
	return avroColumnTypeAs(t, func(s string) string { return s })
}

func avroColumnTypeAs(t any, fieldName func(string) string) (sqlType, error) {
	if u, ok := t.([]any); ok {
		var nonNull []any
		for _, x := range u {
			if x != "null" {
				nonNull = append(nonNull, x)
			}
		}
		if len(nonNull) != 1 {
			return tNull, unsupported("inferring a column from an Avro union of several types")
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
			return decimalType(int(p), int(s))
		}
		if m["logicalType"] != nil {
			return avroLogicalColumnType(m["logicalType"], m["type"])
		}
		switch m["type"] {
		case "enum":
			return tString, nil
		case "array":
			if entry, ok := m["items"].(map[string]any); ok && entry["connect.internal.type"] == "MapEntry" {
				return avroMapEntryType(entry, fieldName)
			}
			elem, err := avroColumnTypeAs(m["items"], fieldName)
			if err != nil {
				return tNull, err
			}
			return arrayOf(elem), nil
		case "map":
			val, err := avroColumnTypeAs(m["values"], fieldName)
			if err != nil {
				return tNull, err
			}
			return mapOf(tString, val), nil
		case "record":
			raw, _ := m["fields"].([]any)
			fields := make([]structField, 0, len(raw))
			for _, rf := range raw {
				f, _ := rf.(map[string]any)
				name, _ := f["name"].(string)
				ft, err := avroColumnTypeAs(f["type"], fieldName)
				if err != nil {
					return tNull, err
				}
				fields = append(fields, structField{Name: fieldName(name), Type: ft})
			}
			return structOf(fields), nil
		}
		t = m["type"]
	}
	switch t {
	case "int":
		return tInteger, nil
	case "long":
		return tBigint, nil
	case "float", "double":
		return tDouble, nil
	case "string":
		return tString, nil
	case "boolean":
		return tBoolean, nil
	case "bytes":
		return tBytes, nil
	}
	return tNull, unsupported(fmt.Sprintf("inferring a column from Avro type %v", t))
}

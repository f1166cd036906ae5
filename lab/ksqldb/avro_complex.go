package ksqldb

import (
	"fmt"
	"strings"
)

// Avro values of complex columns, read from sources (goavro's native form:
// []any for arrays, map[string]any for maps and records, and a one-entry
// map{branch: value} for a union branch). Writing complex columns in Avro is
// not implemented: sinks refuse them in checkFormat.

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

// avroColumnType maps an Avro schema to the SQL type ksqlDB infers for it:
// a union with null is its other branch, enum is STRING, array, map and
// record are ARRAY, MAP<STRING, ...> and STRUCT, field names upper-cased
// (ConnectKsqlSchemaTranslator's default UPPERCASE_FIELD_NAME policy).
func avroColumnType(t any) (sqlType, error) {
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
			elem, err := avroColumnType(m["items"])
			if err != nil {
				return tNull, err
			}
			return arrayOf(elem), nil
		case "map":
			val, err := avroColumnType(m["values"])
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
				ft, err := avroColumnType(f["type"])
				if err != nil {
					return tNull, err
				}
				fields = append(fields, structField{Name: strings.ToUpper(name), Type: ft})
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

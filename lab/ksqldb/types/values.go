package types

import "strings"

// StructVal is a STRUCT value.
type StructVal struct {
	Type Type
	Vals []any
}

// formatComplex renders a complex value as ksqlDB's CAST(x AS STRING) does
// (String.valueOf of the Java value: List, Map, Connect Struct).
func formatComplex(v any) (string, bool) {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	case *KeyedMap:
		return formatKeyedMap(x), true
	case *StructVal:
		var parts []string
		for i, f := range x.Type.Fields {
			if x.Vals[i] != nil {
				parts = append(parts, f.Name+"="+javaString(x.Vals[i]))
			}
		}
		return "Struct{" + strings.Join(parts, ",") + "}", true
	}
	return "", false
}

// javaString is String.valueOf: "null" for NULL.
func javaString(v any) string {
	if v == nil {
		return "null"
	}
	return Format(v)
}

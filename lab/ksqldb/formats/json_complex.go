package formats

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// jsonComplex converts a decoded JSON value into a complex column value.
func jsonComplex(v any, t types.Type) (any, error) {
	switch t.Kind() {
	case types.KindArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := jsonValue(e, t.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case types.KindMap:
		obj, ok := v.(*JSONObject)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		// KsqlJsonDeserializer.enforceKeyAndValueTypeForMap: a new
		// HashMap<>(size), filled in document order
		out := types.NewHashMap(len(obj.Keys))
		for _, k := range obj.Keys {
			x, err := jsonValue(obj.Vals[k], t.Elem)
			if err != nil {
				return nil, err
			}
			var key any = k
			if t.Key != types.String {
				// other keys come only from this server's own state,
				// which writes each key as its text
				if key, err = ParseText(k, t.Key); err != nil {
					return nil, err
				}
			}
			out.Put(key, x)
		}
		return out.Map(), nil
	case types.KindStruct:
		obj, ok := v.(*JSONObject)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := &types.StructVal{Type: t, Vals: make([]any, len(t.Fields))}
		for i, f := range t.Fields {
			raw, ok := obj.Vals[f.Name]
			if !ok {
				for _, k := range obj.Keys { // field names match case-insensitively
					if strings.EqualFold(k, f.Name) {
						raw = obj.Vals[k]
						break
					}
				}
			}
			x, err := jsonValue(raw, f.Type)
			if err != nil {
				return nil, err
			}
			out.Vals[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("not a complex type: %s", t)
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case []any:
		return "ARRAY"
	case *JSONObject:
		return "STRUCT"
	case string:
		return "STRING"
	case bool:
		return "BOOLEAN"
	}
	return "NUMBER"
}

// AppendJSONComplex appends a complex value as JSON; ok is false for other values.
func AppendJSONComplex(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONValue(b, e)
		}
		return append(b, ']'), true
	case map[string]any:
		// a Go map (TO_JSON_STRING's TreeMap): by sorted key
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONValue(b, k)
			b = append(b, ':')
			b = AppendJSONValue(b, x[k])
		}
		return append(b, '}'), true
	case *types.KeyedMap:
		// Jackson writes a key by its toString, in the map's (HashMap) order
		b = append(b, '{')
		for i, k := range x.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, types.KeyText(k))
			b = append(b, ':')
			b = AppendJSONValue(b, x.Vals[i])
		}
		return append(b, '}'), true
	case *types.StructVal:
		b = append(b, '{')
		for i, f := range x.Type.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONValue(b, f.Name)
			b = append(b, ':')
			b = AppendJSONValue(b, x.Vals[i])
		}
		return append(b, '}'), true
	}
	return b, false
}

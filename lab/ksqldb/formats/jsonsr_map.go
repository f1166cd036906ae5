package formats

// MAP values in JSON_SR. JsonSchemaData (confluentinc/schema-registry
// v7.9.0 json-schema-converter/.../JsonSchemaData.java) keeps a Connect
// map whose key schema is a required STRING as a JSON object, and any
// other map, ksqlDB's own with their optional STRING keys among them, as
// an array of {"key":k,"value":v} entry objects: fromConnectData writes
// the entries in the map's order, toConnectData reads them into a new
// HashMap<>(), which ConnectDataTranslator.toKsqlMap copies into another
// (confluentinc/ksql v7.9.0).

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// mapObjectMode reports a Connect map JsonSchemaData keeps as a JSON
// object: one whose key schema is a required STRING.
func mapObjectMode(n *connectNode) bool {
	return n.key != nil && n.key.kind == "string" && !n.key.optional
}

// jsonNodeType is the JsonNodeType Jackson names a decoded JSON value by.
func jsonNodeType(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case []any:
		return "ARRAY"
	case *JSONObject:
		return "OBJECT"
	case string:
		return "STRING"
	case bool:
		return "BOOLEAN"
	}
	return "NUMBER"
}

// jsonSRMap reads the JSON of a Connect map n into a column of MAP type t
// (JsonSchemaData's MAP converter, then ConnectDataTranslator.toKsqlMap).
func jsonSRMap(v any, n *connectNode, t types.Type) (any, error) {
	connect := types.NewDefaultHashMap()
	if mapObjectMode(n) {
		obj, ok := v.(*JSONObject)
		if !ok {
			return nil, fmt.Errorf("Maps with string fields should be encoded as JSON objects, but found %s", jsonNodeType(v))
		}
		for _, k := range obj.Keys {
			if err := requiredNull(obj.Vals[k], true, n.elem); err != nil {
				return nil, err
			}
			connect.Put(k, obj.Vals[k])
		}
	} else {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("Maps with non-string fields should be encoded as JSON array of objects, but found %s", jsonNodeType(v))
		}
		for _, e := range arr {
			entry, ok := e.(*JSONObject)
			if !ok {
				return nil, fmt.Errorf("Found invalid map entry instead of object: %s", jsonNodeType(e))
			}
			if len(entry.Keys) != 2 {
				return nil, fmt.Errorf("Found invalid map entry, expected length 2 but found :%d", len(entry.Keys))
			}
			rawKey, hasKey := entry.Vals["key"]
			rawVal, hasVal := entry.Vals["value"]
			if err := requiredNull(rawKey, hasKey, n.key); err != nil {
				return nil, err
			}
			if err := requiredNull(rawVal, hasVal, n.elem); err != nil {
				return nil, err
			}
			k, err := connectMapKey(rawKey, n.key)
			if err != nil {
				return nil, err
			}
			connect.Put(k, rawVal)
		}
	}
	m := connect.Map()
	ksql := types.NewDefaultHashMap()
	for i, k := range m.Keys {
		var key any
		if k != nil {
			key = types.KeyText(k) // String.valueOf of the Connect key
		}
		val, err := jsonSRValue(m.Vals[i], n.elem, t.Elem)
		if err != nil {
			return nil, err
		}
		ksql.Put(key, val)
	}
	return ksql.Map(), nil
}

// requiredNull is JsonSchemaData.toConnectData's refusal of a JSON null,
// present in the document, for a schema n that is not optional; an absent
// entry key or value is read as null (a null key, too: a HashMap keeps one).
func requiredNull(v any, present bool, n *connectNode) error {
	if v != nil || !present || n.optional {
		return nil
	}
	return fmt.Errorf("Invalid null value for required %s field", strings.ToUpper(n.kind))
}

// connectMapKey is the Java object JsonSchemaData.toConnectData makes of a
// map entry's key of Connect type n: a String, Integer (int8 to int32),
// Long, Double or Boolean.
func connectMapKey(v any, n *connectNode) (any, error) {
	num, isNum := v.(json.Number)
	switch {
	case v == nil:
		return nil, nil
	case !isNum:
		return v, nil
	}
	switch n.kind {
	case "int8", "int16", "int32":
		i, err := num.Int64()
		return int32(i), err
	case "int64":
		return num.Int64()
	case "string":
		return num.String(), nil
	}
	return num.Float64()
}

// jsonSRNested reads the JSON of an ARRAY or STRUCT of Connect type n that
// holds a map into column type t, following n down to the maps
// (ConnectDataTranslator.toKsqlArray, toKsqlStruct: a writer's field lands
// in the field of its name, else of its upper-cased name).
func jsonSRNested(v any, n *connectNode, t types.Type) (any, error) {
	switch t.Kind() {
	case types.KindMap:
		return jsonSRMap(v, n, t)
	case types.KindArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			x, err := jsonSRValue(e, n.elem, t.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case types.KindStruct:
		obj, ok := v.(*JSONObject)
		if !ok {
			return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
		}
		out := &types.StructVal{Type: t, Vals: make([]any, len(t.Fields))}
		for _, f := range n.fields {
			i := structFieldIndex(t, f.name)
			if i < 0 {
				continue
			}
			x, err := jsonSRValue(obj.Vals[f.name], f.node, t.Fields[i].Type)
			if err != nil {
				return nil, err
			}
			out.Vals[i] = x
		}
		return out, nil
	}
	return jsonValue(v, t)
}

// structFieldIndex finds a struct type's field by name, then by
// upper-cased name; -1 when it has neither.
func structFieldIndex(t types.Type, name string) int {
	for _, try := range []string{name, strings.ToUpper(name)} {
		for i, f := range t.Fields {
			if f.Name == try {
				return i
			}
		}
	}
	return -1
}

// jsonSRWire is a column value of type t made ready to be written as JSON
// under the Connect schema n, by JsonSchemaData.fromConnectData: each map
// an object or a list of key/value entries, in the map's order.
func jsonSRWire(v any, n *connectNode, t types.Type) any {
	if v == nil || n == nil {
		return v
	}
	switch x := v.(type) {
	case *types.KeyedMap:
		if t.Kind() != types.KindMap {
			return v
		}
		if mapObjectMode(n) {
			return x.MapVals(func(e any) any { return jsonSRWire(e, n.elem, t.Elem) })
		}
		entry := types.StructOf([]types.Field{{Name: "key", Type: t.Key}, {Name: "value", Type: t.Elem}})
		out := make([]any, len(x.Keys))
		for i, k := range x.Keys {
			out[i] = &types.StructVal{Type: entry, Vals: []any{k, jsonSRWire(x.Vals[i], n.elem, t.Elem)}}
		}
		return out
	case []any:
		if t.Kind() != types.KindArray {
			return v
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonSRWire(e, n.elem, t.Elem)
		}
		return out
	case *types.StructVal:
		if t.Kind() != types.KindStruct {
			return v
		}
		out := &types.StructVal{Type: x.Type, Vals: append([]any(nil), x.Vals...)}
		for _, f := range n.fields {
			if i := structFieldIndex(x.Type, f.name); i >= 0 && i < len(out.Vals) {
				out.Vals[i] = jsonSRWire(out.Vals[i], f.node, x.Type.Fields[i].Type)
			}
		}
		return out
	}
	return v
}

// setJSONSRMaps keeps the Connect schema of each column holding a MAP from
// root, the Connect schema of the JSON_SR schema the serde writes under:
// the column's own when unwrapped, else the field of its name (or of its
// name upper-cased).
func (s *Serde) setJSONSRMaps(root *connectNode) {
	s.jsonSRMaps = nil
	for i, c := range s.Cols {
		if !c.Type.HasMap() {
			continue
		}
		if s.jsonSRMaps == nil {
			s.jsonSRMaps = make([]*connectNode, len(s.Cols))
		}
		if s.unwrapped() {
			s.jsonSRMaps[i] = root
			continue
		}
		for _, f := range root.fields {
			if f.name == c.Name || strings.ToUpper(f.name) == c.Name {
				s.jsonSRMaps[i] = f.node
				break
			}
		}
	}
}

// jsonSRWireColumn is column i's value v made ready to be written as JSON:
// in JSON_SR, its maps as the schema it is written under keeps them.
func (s *Serde) jsonSRWireColumn(i int, v any) any {
	if s.jsonSRMaps == nil || s.jsonSRMaps[i] == nil {
		return v
	}
	return jsonSRWire(v, s.jsonSRMaps[i], s.Cols[i].Type)
}

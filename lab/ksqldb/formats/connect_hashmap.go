package formats

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// connectHashMap is m put, in its order, into a new HashMap<>(), as
// ConnectSchemas.withCompatibleSchema and AvroSRSchemaDataTranslator.copyMap
// copy a map before AvroData writes it, AvroData.fromConnectData copies a
// map with STRING keys once more, and ConnectDataTranslator.toKsqlMap
// copies a map it reads (confluentinc/ksql v7.9.0,
// confluentinc/schema-registry v7.9.0).
func connectHashMap(m *types.KeyedMap) *types.KeyedMap {
	h := types.NewDefaultHashMap()
	for i, k := range m.Keys {
		h.Put(k, m.Vals[i])
	}
	return h.Map()
}

// connectCompatible is v of type t with each MAP, at any depth, copied into
// a new HashMap<>() in its order, as ConnectSchemas.withCompatibleSchema
// copies the values ProtobufSRSchemaDataTranslator writes under a
// VALUE_SCHEMA_ID or KEY_SCHEMA_ID (confluentinc/ksql v7.9.0).
func connectCompatible(v any, t types.Type) any {
	switch x := v.(type) {
	case *types.KeyedMap:
		if t.Kind() != types.KindMap {
			return v
		}
		return connectHashMap(x.MapVals(func(e any) any { return connectCompatible(e, t.Elem) }))
	case []any:
		if t.Kind() != types.KindArray {
			return v
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = connectCompatible(e, t.Elem)
		}
		return out
	case *types.StructVal:
		out := &types.StructVal{Type: x.Type, Vals: make([]any, len(x.Vals))}
		for i, e := range x.Vals {
			ft := types.Null
			if i < len(x.Type.Fields) {
				ft = x.Type.Fields[i].Type
			}
			out.Vals[i] = connectCompatible(e, ft)
		}
		return out
	}
	return v
}

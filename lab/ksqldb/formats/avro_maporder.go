package formats

// Entry order of Avro maps. goavro reads and writes an Avro map as a Go map,
// which has no order, while ksqlDB reads and writes the entries in the order
// of the java.util.HashMaps it fills (confluentinc/schema-registry v7.9.0
// AvroData.fromConnectData and toConnectData, confluentinc/ksql v7.9.0
// ConnectDataTranslator.toKsqlMap, ConnectSchemas.withCompatibleSchema,
// AvroSRSchemaDataTranslator.copyMap; Avro 1.11 GenericDatumReader.readMap
// and GenericDatumWriter.writeMap). So a schema's maps are handed to goavro
// as arrays of {key, value} records, which Avro encodes with the same bytes
// as a map's entries (blocks of a count, then each key and value), and a
// third field of type null, which takes no bytes, tells them from Connect's
// MapEntry arrays when read.

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/linkedin/goavro/v2"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Marker fields of a rewritten map's entry record: the map's keys are read
// as Avro Utf8s, or as Java Strings when the map schema says so
// ("avro.java.string": "String", GenericDatumReader.findStringClass).
const (
	avroMapUtf8Marker   = "ksqlAvroMapUtf8Keys"
	avroMapStringMarker = "ksqlAvroMapStringKeys"
)

// avroOrderedCodec is the codec of schema text with each map an array of
// entry records, or nil when goavro takes no such schema (a union of an
// array and a map, say).
func avroOrderedCodec(text string) *goavro.Codec {
	var sch any
	if err := json.Unmarshal([]byte(text), &sch); err != nil {
		return nil
	}
	n := 0
	out, err := json.Marshal(avroMapsAsArrays(sch, &n))
	if err != nil || n == 0 {
		return nil
	}
	codec, err := goavro.NewCodec(string(out))
	if err != nil {
		return nil
	}
	return codec
}

// avroMapsAsArrays is sch with each map an array of entry records, named
// by the count n of maps met.
func avroMapsAsArrays(sch any, n *int) any {
	switch s := sch.(type) {
	case []any:
		out := make([]any, len(s))
		for i, b := range s {
			out[i] = avroMapsAsArrays(b, n)
		}
		return out
	case map[string]any:
		out := maps.Clone(s)
		switch s["type"] {
		case "map":
			*n++
			marker := avroMapUtf8Marker
			if s["avro.java.string"] == "String" {
				marker = avroMapStringMarker
			}
			return map[string]any{"type": "array", "items": map[string]any{
				"type": "record",
				"name": fmt.Sprintf("KsqlAvroMapEntry%d", *n),
				"fields": []any{
					map[string]any{"name": "key", "type": "string"},
					map[string]any{"name": "value", "type": avroMapsAsArrays(s["values"], n)},
					map[string]any{"name": marker, "type": "null", "default": nil},
				},
			}}
		case "array":
			out["items"] = avroMapsAsArrays(s["items"], n)
		case "record", "error":
			fields, _ := s["fields"].([]any)
			nf := make([]any, len(fields))
			for i, rf := range fields {
				f, ok := rf.(map[string]any)
				if !ok {
					nf[i] = rf
					continue
				}
				f = maps.Clone(f)
				if def, ok := f["default"]; ok {
					f["default"] = avroDefaultMapsAsArrays(f["type"], def)
				}
				f["type"] = avroMapsAsArrays(f["type"], n)
				nf[i] = f
			}
			out["fields"] = nf
		default:
			if _, nested := s["type"].(map[string]any); nested {
				out["type"] = avroMapsAsArrays(s["type"], n)
			} else if _, union := s["type"].([]any); union {
				out["type"] = avroMapsAsArrays(s["type"], n)
			}
		}
		return out
	}
	return sch
}

// avroDefaultMapsAsArrays is a field's default of schema sch with each map
// an array of entries, by sorted key: a JSON object read here keeps no
// order.
func avroDefaultMapsAsArrays(sch, def any) any {
	switch s := sch.(type) {
	case []any: // a union's default is of its first branch
		if len(s) > 0 {
			return avroDefaultMapsAsArrays(s[0], def)
		}
	case map[string]any:
		switch s["type"] {
		case "map":
			obj, ok := def.(map[string]any)
			if !ok {
				return def
			}
			out := make([]any, 0, len(obj))
			for _, k := range slices.Sorted(maps.Keys(obj)) {
				out = append(out, map[string]any{"key": k, "value": avroDefaultMapsAsArrays(s["values"], obj[k])})
			}
			return out
		case "array":
			arr, ok := def.([]any)
			if !ok {
				return def
			}
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = avroDefaultMapsAsArrays(s["items"], e)
			}
			return out
		case "record":
			obj, ok := def.(map[string]any)
			if !ok {
				return def
			}
			out := maps.Clone(obj)
			fields, _ := s["fields"].([]any)
			for _, rf := range fields {
				if f, ok := rf.(map[string]any); ok {
					name, _ := f["name"].(string)
					if x, ok := obj[name]; ok {
						out[name] = avroDefaultMapsAsArrays(f["type"], x)
					}
				}
			}
			return out
		}
		if _, nested := s["type"].(map[string]any); nested {
			return avroDefaultMapsAsArrays(s["type"], def)
		}
	}
	return def
}

// avroMapRead is the MAP ksqlDB reads from an Avro map whose entries came
// in the order of keys and vals: GenericDatumReader.readMap's
// new HashMap<>(size) of Utf8 keys (or Strings, when utf8 is false),
// AvroData.toConnectData's new HashMap<>(size) of their Strings, then
// ConnectDataTranslator.toKsqlMap's new HashMap<>().
func avroMapRead(keys []string, vals []any, utf8 bool) *types.KeyedMap {
	wire := types.NewHashMap(len(keys))
	for i, k := range keys {
		if utf8 {
			wire.Put(types.AvroUtf8(k), vals[i])
		} else {
			wire.Put(k, vals[i])
		}
	}
	read := wire.Map()
	connect := types.NewHashMap(read.Len())
	for i, k := range read.Keys {
		if u, ok := k.(types.AvroUtf8); ok {
			k = string(u)
		}
		connect.Put(k, read.Vals[i])
	}
	return connectHashMap(connect.Map())
}

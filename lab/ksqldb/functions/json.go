package functions

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The JSON functions, as ksqldb-engine/.../function/udf/json/*.java define
// them over Jackson trees (UdfJsonMapper): EXTRACTJSONFIELD, IS_JSON_STRING,
// JSON_ARRAY_LENGTH, JSON_CONCAT, JSON_KEYS, JSON_RECORDS, JSON_ITEMS,
// TO_JSON_STRING and JSON_ARRAY_CONTAINS.

// errNoJSON is empty input: Jackson's readTree gives a MissingNode.
var errNoJSON = errors.New("no JSON content")

// parseJSONTree reads the first JSON value of s as Jackson's readTree
// does: objects as *formats.JSONObject, arrays as []any, numbers as json.Number
// (their text), strings, booleans and nil.
func parseJSONTree(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := formats.ReadJSONTree(d)
	if errors.Is(err, io.EOF) {
		return nil, errNoJSON
	}
	return v, err
}

// appendJSONTree writes a parsed tree compactly, as Jackson writes a
// JsonNode. plain is UdfJsonMapper's WRITE_BIGDECIMAL_AS_PLAIN; without it
// (JsonNode.toString) a decimal with an exponent keeps BigDecimal's form.
func appendJSONTree(b []byte, v any, plain bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return jsonwire.AppendString(b, x)
	case json.Number:
		return append(b, jacksonNumber(string(x), plain)...)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONTree(b, e, plain)
		}
		return append(b, ']')
	case *formats.JSONObject:
		b = append(b, '{')
		for i, k := range x.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, k)
			b = append(b, ':')
			b = appendJSONTree(b, x.Vals[k], plain)
		}
		return append(b, '}')
	}
	return b
}

// jacksonNumber is how Jackson writes a number it read with
// USE_BIG_DECIMAL_FOR_FLOATS and exact decimals: integers as their digits,
// other numbers as the BigDecimal of their text.
func jacksonNumber(text string, plain bool) string {
	if !strings.ContainsAny(text, ".eE") {
		if n, ok := new(big.Int).SetString(text, 10); ok {
			return n.String()
		}
		return text
	}
	d, err := types.ParseDecimal(text)
	if err != nil {
		return text
	}
	if plain {
		return d.Plain()
	}
	return d.String()
}

func jsonTreeText(v any, plain bool) string { return string(appendJSONTree(nil, v, plain)) }

// jsonStr1 builds a one-STRING-argument JSON function: NULL for NULL.
func jsonStr1(name, pname string, ret types.Type, f func(string) any) *UDF {
	return &UDF{name: name, overloads: []Overload{{Params: []Param{p(types.String, pname)}, Ret: ret, Fn: str1(f)}}}
}

func init() {
	register(&UDF{name: "extractjsonfield", overloads: []Overload{{Params: []Param{p(types.String, "input"), p(types.String, "path")}, Ret: types.String,
		Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			return extractJSONField(a[0].(string), a[1].(string))
		}}}})
	register(&UDF{name: "IS_JSON_STRING", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.Boolean,
		Fn: func(a []any) any {
			if a[0] == nil {
				return false
			}
			_, err := parseJSONTree(a[0].(string))
			return err == nil
		}}}})
	register(jsonStr1("JSON_ARRAY_LENGTH", "jsonArray", types.Integer, func(s string) any {
		if arr, ok := mustTree(s).([]any); ok {
			return int32(len(arr))
		}
		return nil
	}))
	register(jsonStr1("JSON_KEYS", "jsonObj", types.ArrayOf(types.String), func(s string) any {
		obj, ok := mustTree(s).(*formats.JSONObject)
		if !ok {
			return nil
		}
		return strings2any(obj.Keys)
	}))
	register(jsonStr1("JSON_RECORDS", "jsonObj", types.MapOf(types.String, types.String), func(s string) any {
		obj, ok := mustTree(s).(*formats.JSONObject)
		if !ok {
			return nil
		}
		// JsonRecords: new HashMap<>(node.size()), filled in document order
		out := types.NewHashMap(len(obj.Keys))
		for _, k := range obj.Keys {
			if t, ok := obj.Vals[k].(string); ok {
				out.Put(k, t)
			} else {
				out.Put(k, jsonTreeText(obj.Vals[k], false))
			}
		}
		return out.Map()
	}))
	register(jsonStr1("JSON_ITEMS", "jsonItems", types.ArrayOf(types.String), func(s string) any {
		arr, ok := mustTree(s).([]any)
		if !ok {
			return nil // readAsJsonArray throws for anything but an array
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = jsonTreeText(e, false)
		}
		return out
	}))
	Generics["TO_JSON_STRING"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		if len(args) != 1 {
			return types.Null, nil, stmterr.Bad("Function 'TO_JSON_STRING' does not accept parameters (%s).", typeList(args))
		}
		return types.String, func(v []any) any { return toJSONString(v[0]) }, nil
	}
	Generics["JSON_ARRAY_CONTAINS"] = func(name string, args []types.Type) (types.Type, func([]any) any, error) {
		if len(args) != 2 || (args[0] != types.String && args[0] != types.Null) {
			return types.Null, nil, stmterr.Bad("Function 'JSON_ARRAY_CONTAINS' does not accept parameters (%s).", typeList(args))
		}
		return types.Boolean, func(v []any) any {
			s, ok := v[0].(string)
			if !ok {
				return nil
			}
			return jsonArrayContains(s, v[1])
		}, nil
	}
	register(&UDF{name: "JSON_CONCAT", overloads: []Overload{{Params: []Param{p(types.String, "jsonStrings")}, variadic: true, Ret: types.String, Fn: jsonConcat}}})
}

// mustTree is the tree of s, or nil when it is not JSON (the UDF throws).
func mustTree(s string) any {
	v, err := parseJSONTree(s)
	if err != nil {
		return nil
	}
	return v
}

// jsonConcat is JsonConcat: objects merge their top-level keys (the last
// wins); otherwise every value becomes an array (a non-array is wrapped)
// and the arrays are joined. NULL when an input is NULL or not JSON.
func jsonConcat(a []any) any {
	if len(a) == 0 {
		return nil
	}
	nodes := make([]any, len(a))
	allObjects := true
	for i, s := range a {
		if s == nil {
			return nil
		}
		v, err := parseJSONTree(s.(string))
		if err != nil {
			return nil
		}
		if _, ok := v.(*formats.JSONObject); !ok {
			allObjects = false
		}
		nodes[i] = v
	}
	if allObjects {
		out := &formats.JSONObject{Vals: map[string]any{}}
		for _, n := range nodes {
			o := n.(*formats.JSONObject)
			for _, k := range o.Keys {
				out.Set(k, o.Vals[k])
			}
		}
		return jsonTreeText(out, true)
	}
	out := []any{}
	for _, n := range nodes {
		if arr, ok := n.([]any); ok {
			out = append(out, arr...)
		} else {
			out = append(out, n)
		}
	}
	return jsonTreeText(out, true)
}

// extractJSONField is JsonExtractString: the path's tokens walk objects by
// name and arrays by index; text comes out unquoted, anything else as JSON.
func extractJSONField(input, path string) any {
	tokens, ok := jsonPathTokens(path)
	if !ok {
		return nil
	}
	node, err := parseJSONTree(input)
	if err != nil {
		return nil
	}
	for _, tok := range tokens {
		switch x := node.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			node = x[i]
		case *formats.JSONObject:
			v, ok := x.Vals[tok]
			if !ok {
				return nil
			}
			node = v
		default:
			return nil
		}
	}
	if s, ok := node.(string); ok {
		return s
	}
	return jsonTreeText(node, false)
}

// jsonPathTokens is JsonPathTokenizer: '$' then .name, ['name'] or [index]
// steps.
func jsonPathTokens(path string) ([]string, bool) {
	if !strings.HasPrefix(path, "$") {
		return nil, false
	}
	var out []string
	rest := path[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			out = append(out, rest[1:1+end])
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, false
			}
			out = append(out, strings.Trim(rest[1:end], `'"`))
			rest = rest[end+1:]
		default:
			return nil, false
		}
	}
	return out, true
}

// toJSONString is ToJsonString: structs and maps with their keys sorted
// (TreeMap), time values as the REST API prints them, BYTES in base64.
func toJSONString(v any) string {
	var b bytes.Buffer
	formats.WriteJSONValue(&b, sortedForJSON(v))
	return b.String()
}

// sortedForJSON turns structs and maps into Go maps keyed by the field
// name or the key's toString, which are written with sorted keys.
func sortedForJSON(v any) any {
	switch x := v.(type) {
	case *types.StructVal:
		m := make(map[string]any, len(x.Vals))
		for i, f := range x.Type.Fields {
			m[f.Name] = sortedForJSON(x.Vals[i])
		}
		return m
	case *types.KeyedMap:
		m := make(map[string]any, x.Len())
		for i, k := range x.Keys {
			m[types.KeyText(k)] = sortedForJSON(x.Vals[i])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sortedForJSON(e)
		}
		return out
	}
	return v
}

// jsonArrayContains is JsonArrayContains: whether a top-level element of
// the JSON array equals val, an integer token matching only INT or BIGINT,
// a decimal token only DOUBLE; false when s is not a JSON array.
func jsonArrayContains(s string, val any) bool {
	arr, ok := mustTree(s).([]any)
	if !ok {
		return false
	}
	for _, e := range arr {
		switch x := e.(type) {
		case nil:
			if val == nil {
				return true
			}
		case json.Number:
			if strings.ContainsAny(string(x), ".eE") {
				if d, ok := val.(float64); ok {
					if f, err := x.Float64(); err == nil && f == d {
						return true
					}
				}
				continue
			}
			n, err := x.Int64()
			switch v := val.(type) {
			case int32:
				if err == nil && n == int64(v) {
					return true
				}
			case int64:
				if err == nil && n == v {
					return true
				}
			}
		case string, bool:
			if x == val {
				return true
			}
		}
	}
	return false
}

package functions

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"

	"github.com/ctalab/ctalab/internal/jackson"
	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The JSON functions, as ksqldb-engine/.../function/udf/json/*.java define
// them over Jackson trees (UdfJsonMapper): EXTRACTJSONFIELD, IS_JSON_STRING,
// JSON_ARRAY_LENGTH, JSON_CONCAT, JSON_KEYS, JSON_RECORDS, JSON_ITEMS,
// TO_JSON_STRING and JSON_ARRAY_CONTAINS. A text Jackson refuses is
// refused as UdfJsonMapper.parseJson refuses it (internal/jackson):
// KsqlFunctionException "Invalid JSON format:<text>" around Jackson's
// exception, which the functions let escape but IS_JSON_STRING and
// JSON_ARRAY_CONTAINS, which catch it.

const jsonUDF = "io.confluent.ksql.function.udf.json."

// readTree is UdfJsonMapper.parseJson: the first JSON value of s, objects
// as *formats.JSONObject, arrays as []any, numbers as json.Number (their
// text), strings, booleans and nil; missing for a text with no value (a
// MissingNode); or what it throws.
func readTree(s string) (v any, missing bool, thrown []string) {
	missing, refusal := jackson.ReadTree(s)
	switch {
	case refusal != "":
		return nil, false, threw("Invalid JSON format:"+s, refusal)
	case missing:
		return nil, true, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := formats.ReadJSONTree(d)
	if err != nil {
		// Jackson took it: this reader must too
		return nil, false, threw("this server's JSON reader refused what Jackson takes: " + err.Error())
	}
	return v, false, nil
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

// jsonTree1 registers a one-STRING-argument JSON function that reads its
// text with parseJson: NULL for NULL and for a text with no value, f's
// value of the tree otherwise. class, method and javaRet name the @Udf
// method as Method.toString writes it.
func jsonTree1(name, pname, class, method string, ret types.Type, javaRet string, f func(tree any) any) {
	register(&UDF{name: name, overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, pname)}, Ret: ret,
		Method: "public " + javaRet + " " + jsonUDF + class + "." + method + "(java.lang.String)",
		Throwing: func(a []any) (any, []string) {
			if a[0] == nil {
				return nil, nil
			}
			v, missing, thrown := readTree(a[0].(string))
			if missing || thrown != nil {
				return nil, thrown
			}
			return f(v), nil
		}})}})
}

func init() {
	register(&UDF{name: "extractjsonfield", overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, "input"), p(types.String, "path")}, Ret: types.String,
		Method: "public java.lang.String " + jsonUDF + "JsonExtractString.extract(java.lang.String,java.lang.String)",
		Throwing: func(a []any) (any, []string) {
			if a[0] == nil || a[1] == nil {
				return nil, nil
			}
			return extractJSONField(a[0].(string), a[1].(string))
		}})}})
	register(&UDF{name: "IS_JSON_STRING", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.Boolean,
		Fn: func(a []any) any {
			if a[0] == nil {
				return false
			}
			missing, refusal := jackson.ReadTree(a[0].(string))
			return !missing && refusal == ""
		}}}})
	jsonTree1("JSON_ARRAY_LENGTH", "jsonArray", "JsonArrayLength", "length", types.Integer, "java.lang.Integer", func(v any) any {
		if arr, ok := v.([]any); ok {
			return int32(len(arr))
		}
		return nil
	})
	jsonTree1("JSON_KEYS", "jsonObj", "JsonKeys", "keys", types.ArrayOf(types.String), "java.util.List", func(v any) any {
		obj, ok := v.(*formats.JSONObject)
		if !ok {
			return nil
		}
		return strings2any(obj.Keys)
	})
	jsonTree1("JSON_RECORDS", "jsonObj", "JsonRecords", "records", types.MapOf(types.String, types.String), "java.util.Map", func(v any) any {
		obj, ok := v.(*formats.JSONObject)
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
	})
	register(&UDF{name: "JSON_ITEMS", overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, "jsonItems")}, Ret: types.ArrayOf(types.String),
		Method: "public java.util.List " + jsonUDF + "JsonItems.items(java.lang.String)", Throwing: jsonItems})}})
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
	register(&UDF{name: "JSON_CONCAT", overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, "jsonStrings")}, variadic: true, Ret: types.String,
		Method: "public java.lang.String " + jsonUDF + "JsonConcat.concat(java.lang.String[])", Throwing: jsonConcat})}})
}

// jsonItems is JsonItems: readAsJsonArray's elements as JSON texts, or
// what it throws. A JSON null reads as a null List, on which forEach
// throws.
func jsonItems(a []any) (any, []string) {
	if a[0] == nil {
		return nil, nil
	}
	s := a[0].(string)
	if r := jackson.ReadNodeList(s); r != nil {
		if r.Null {
			return nil, threw(`Cannot invoke "java.util.List.forEach(java.util.function.Consumer)" because "objectList" is null`)
		}
		return nil, threw(append([]string{"Invalid JSON format:" + s}, r.Msgs...)...)
	}
	v, _, thrown := readTree(s)
	if thrown != nil {
		return nil, thrown
	}
	arr := v.([]any)
	out := make([]any, len(arr))
	for i, e := range arr {
		out[i] = jsonTreeText(e, false)
	}
	return out, nil
}

// jsonConcat is JsonConcat: objects merge their top-level keys (the last
// wins); otherwise every value becomes an array (a non-array is wrapped)
// and the arrays are joined; a single value is written as it is. NULL
// when an input is NULL or has no value; what parseJson throws escapes,
// and with no argument nodes.get(0) throws.
func jsonConcat(a []any) (any, []string) {
	if len(a) == 0 {
		return nil, threw("Index 0 out of bounds for length 0")
	}
	nodes := make([]any, len(a))
	allObjects := true
	for i, s := range a {
		if s == nil {
			return nil, nil
		}
		v, missing, thrown := readTree(s.(string))
		if missing || thrown != nil {
			return nil, thrown
		}
		if _, ok := v.(*formats.JSONObject); !ok {
			allObjects = false
		}
		nodes[i] = v
	}
	if len(nodes) == 1 {
		return jsonTreeText(nodes[0], true), nil
	}
	if allObjects {
		out := &formats.JSONObject{Vals: map[string]any{}}
		for _, n := range nodes {
			o := n.(*formats.JSONObject)
			for _, k := range o.Keys {
				out.Set(k, o.Vals[k])
			}
		}
		return jsonTreeText(out, true), nil
	}
	out := []any{}
	for _, n := range nodes {
		if arr, ok := n.([]any); ok {
			out = append(out, arr...)
		} else {
			out = append(out, n)
		}
	}
	return jsonTreeText(out, true), nil
}

// extractJSONField is JsonExtractString: the path's tokens walk objects by
// name and arrays by index; text comes out unquoted, anything else as JSON
// (the MissingNode of a text with no value as "").
func extractJSONField(input, path string) (any, []string) {
	tokens, ok := jsonPathTokens(path)
	if !ok {
		return nil, threw("Invalid JSON path: '" + path + "'")
	}
	node, missing, thrown := readTree(input)
	switch {
	case thrown != nil:
		return nil, thrown
	case missing && len(tokens) == 0:
		return "", nil // MissingNode.toString()
	case missing:
		return nil, nil
	}
	for _, tok := range tokens {
		switch x := node.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, nil
			}
			node = x[i]
		case *formats.JSONObject:
			v, ok := x.Vals[tok]
			if !ok {
				return nil, nil
			}
			node = v
		default:
			return nil, nil
		}
	}
	if s, ok := node.(string); ok {
		return s, nil
	}
	return jsonTreeText(node, false), nil
}

// jsonPathTokens is JsonPathTokenizer (confluentinc/ksql v7.9.4
// ksqldb-engine .../util/json/JsonPathTokenizer.java): '$', then steps
// .name (letters, digits, '_', ':' and '@'), [name] (letters, digits and
// '_') or ["name"] (\" and \\ escaped); ok is false for a path it refuses
// (KsqlException "Invalid JSON path: '<path>'"). A letter or digit is
// Character.isLetterOrDigit's of a UTF-16 unit, so no character outside
// the Basic Multilingual Plane is one.
func jsonPathTokens(path string) (tokens []string, ok bool) {
	rs := []rune(path)
	if len(rs) == 0 || rs[0] != '$' {
		return nil, false
	}
	letterOrDigit := func(r rune) bool { return r <= 0xFFFF && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
	subscript := func(r rune) bool { return r == '_' || letterOrDigit(r) }
	segment := func(r rune) bool { return r == ':' || r == '@' || subscript(r) }
	i := 1
	unquoted := func(in func(rune) bool) (string, bool) {
		start := i
		for i < len(rs) && in(rs[i]) {
			i++
		}
		return string(rs[start:i]), i > start
	}
	for i < len(rs) {
		var tok string
		switch rs[i] {
		case '.':
			i++
			if tok, ok = unquoted(segment); !ok {
				return nil, false
			}
		case '[':
			i++
			if i < len(rs) && rs[i] == '"' {
				i++
				var b strings.Builder
				for ; i < len(rs) && rs[i] != '"'; i++ {
					if rs[i] == '\\' {
						if i++; i == len(rs) || rs[i] != '"' && rs[i] != '\\' {
							return nil, false
						}
					}
					b.WriteRune(rs[i])
				}
				if i == len(rs) {
					return nil, false
				}
				i++ // the closing quote
				tok = b.String()
			} else if tok, ok = unquoted(subscript); !ok {
				return nil, false
			}
			if i == len(rs) || rs[i] != ']' {
				return nil, false
			}
			i++
		default:
			return nil, false
		}
		tokens = append(tokens, tok)
	}
	return tokens, true
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
// a decimal token only DOUBLE; false when s is not a JSON array. Its
// parser reads the text token by token up to the first match
// (jackson.ArrayElements): what follows is not read, and a refusal before
// it, or an integer token its value's type cannot hold, is false.
func jsonArrayContains(s string, val any) bool {
	found := false
	jackson.ArrayElements(s, func(e jackson.Element) bool {
		switch e.Kind {
		case jackson.ElementNull:
			found = val == nil
		case jackson.ElementTrue, jackson.ElementFalse:
			found = val == (e.Kind == jackson.ElementTrue)
		case jackson.ElementString:
			found = val == e.Text
		case jackson.ElementFloat:
			// readValueAs(Double.class), Double.equals
			if d, ok := val.(float64); ok {
				f, _ := strconv.ParseFloat(e.Text, 64) // past a double: Infinity
				found = math.Float64bits(f) == math.Float64bits(d)
			}
		case jackson.ElementInt:
			// readValueAs(Integer.class) or (Long.class): a token out of
			// their range throws InputCoercionException, an IOException
			bits := 64
			switch val.(type) {
			case int32:
				bits = 32
			case int64:
			default:
				return false
			}
			n, err := strconv.ParseInt(e.Text, 10, bits)
			if err != nil {
				return true // found stays false
			}
			found = n == types.ToInt(val)
		}
		return found
	})
	return found
}

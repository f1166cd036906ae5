package formats

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// jsonNodeText is KsqlJsonDeserializer.processString for a JSON object or
// array read into a STRING column, from the value's text: an object is
// written back as Jackson writes the map it reads (fields in the order
// read, a repeated name keeping its first place and last value, integers
// as read, other numbers as BigDecimal.toString); an array is its elements
// each read as a STRING (JsonNode.asText, a null as "null"), joined by
// ", " in brackets.
func jsonNodeText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return "", err
		}
		parts := make([]string, len(elems))
		for i, e := range elems {
			t, err := jsonNodeText(e)
			if err != nil {
				return "", err
			}
			parts[i] = t
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	if len(raw) > 0 && raw[0] == '{' {
		b, err := appendJSONNode(nil, raw)
		return string(b), err
	}
	v, err := decodeJSONScalar(raw)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return x, nil
	case json.Number:
		return jacksonNumberText(x), nil
	case bool:
		if x {
			return "true", nil
		}
	}
	return "false", nil
}

// appendJSONNode appends the JSON value raw as Jackson writes back what it
// read, objects keeping their fields' order.
func appendJSONNode(b []byte, raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		var o jsonObject
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, err
		}
		b = append(b, '{')
		for i, k := range o.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonwire.AppendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendJSONNode(b, o.vals[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case len(raw) > 0 && raw[0] == '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, err
		}
		b = append(b, '[')
		for i, e := range elems {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONNode(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	v, err := decodeJSONScalar(raw)
	if err != nil {
		return nil, err
	}
	if n, ok := v.(json.Number); ok {
		return append(b, jacksonNumberText(n)...), nil
	}
	return AppendJSONValue(b, v), nil
}

// decodeJSONScalar decodes a JSON string, number, boolean or null, a
// number as a json.Number.
func decodeJSONScalar(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// jacksonNumberText is a JSON number as Jackson reads it with
// USE_BIG_DECIMAL_FOR_FLOATS and gives it back: an integer as written (0
// for -0), any other number as BigDecimal.toString.
func jacksonNumberText(x json.Number) string {
	s := x.String()
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			return "0"
		}
		return s
	}
	d, err := types.ParseDecimal(s)
	if err != nil {
		return s
	}
	return d.String()
}

package formats

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// ksqlDB writes JSON with Jackson, which escapes only what JSON requires:
// '<', '>' and '&' stay as they are, where Go's encoding/json writes
// \u003c, \u003e and \u0026. marshalJSON and appendJSONString write them as
// Jackson does, in REST responses and in the JSON formats' records.

// MarshalJSON is json.Marshal without HTML escaping.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// AppendJSONString appends s as a JSON string without HTML escaping. A
// string with nothing to escape is quoted as it is.
func AppendJSONString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	k, _ := MarshalJSON(s)
	return append(b, k...)
}

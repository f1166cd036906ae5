package formats

import (
	"encoding/json"
	"errors"

	"github.com/ctalab/ctalab/internal/jsondepth"
)

// JSONObject is a parsed JSON object with its keys in document order (a
// Jackson ObjectNode); a later duplicate key replaces the earlier value
// and keeps the earlier place.
type JSONObject struct {
	Keys []string
	Vals map[string]any
}

// Set puts member k, at the end when it is new.
func (o *JSONObject) Set(k string, v any) {
	if _, ok := o.Vals[k]; !ok {
		o.Keys = append(o.Keys, k)
	}
	o.Vals[k] = v
}

// MaxJSONDepth is how many arrays and objects Jackson reads open at once
// (see package jsondepth).
const MaxJSONDepth = jsondepth.Max

// ErrJSONTooDeep is StreamReadConstraints.validateNestingDepth's refusal
// of the array or object one level past MaxJSONDepth.
var ErrJSONTooDeep = jsondepth.ErrTooDeep

// ReadJSONTree reads the next JSON value from d as Jackson's readTree
// does: objects as *JSONObject, arrays as []any, numbers as json.Number
// when d uses numbers (their text), strings, booleans and nil. A value
// nested deeper than MaxJSONDepth is refused with ErrJSONTooDeep.
func ReadJSONTree(d *json.Decoder) (any, error) { return readJSONTree(d, 0) }

func readJSONTree(d *json.Decoder, depth int) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if (t == '[' || t == '{') && depth == MaxJSONDepth {
			return nil, ErrJSONTooDeep
		}
		switch t {
		case '[':
			arr := []any{}
			for d.More() {
				v, err := readJSONTree(d, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := d.Token()
			return arr, err
		case '{':
			obj := &JSONObject{Vals: map[string]any{}}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := readJSONTree(d, depth+1)
				if err != nil {
					return nil, err
				}
				obj.Set(k.(string), v)
			}
			_, err := d.Token()
			return obj, err
		}
		return nil, errors.New("unexpected " + t.String())
	}
	return tok, nil
}

package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// coerceAvroJSON rewrites the JSON numbers in data that stand for an Avro
// int or long as the integers CP 7.9's REST Proxy reads from them. The proxy
// decodes Avro JSON with Avro 1.11's JsonDecoder, whose readInt and readLong
// accept any JSON number and take Jackson's getIntValue/getLongValue of it:
// a fraction is truncated toward zero, and a value outside the type's range
// is an error (apache/avro release-1.11.4, org/apache/avro/io/JsonDecoder.java;
// Jackson ParserBase.convertNumberToLong). goavro's textual decoder refuses a
// fraction for an int or long, so the numbers are made integral first.
//
// canonical is the schema in Parsing Canonical Form (goavro's
// CanonicalSchema): every name full, every primitive a plain string.
func coerceAvroJSON(canonical string, data []byte) ([]byte, error) {
	if !bytes.ContainsAny(data, ".eE") {
		return data, nil // no number with a fraction or an exponent
	}
	var schema any
	if err := json.Unmarshal([]byte(canonical), &schema); err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		return data, nil // let the Avro decoder report malformed JSON
	}
	w := avroWalker{names: map[string]any{}}
	w.collect(schema)
	changed, err := w.walk(&value, schema)
	if err != nil || !changed {
		return data, err
	}
	return jsonwire.Marshal(value)
}

type avroWalker struct {
	names map[string]any // full name -> named schema
}

func (w *avroWalker) collect(s any) {
	switch n := s.(type) {
	case []any:
		for _, b := range n {
			w.collect(b)
		}
	case map[string]any:
		if name, ok := n["name"].(string); ok {
			w.names[name] = n
		}
		if fields, ok := n["fields"].([]any); ok {
			for _, f := range fields {
				if fm, ok := f.(map[string]any); ok {
					w.collect(fm["type"])
				}
			}
		}
		w.collect(n["items"])
		w.collect(n["values"])
	}
}

// walk coerces *v against schema s and reports whether anything changed.
func (w *avroWalker) walk(v *any, s any) (bool, error) {
	switch n := s.(type) {
	case string:
		switch n {
		case "int":
			return coerceInteger(v, math.MinInt32, math.MaxInt32, "int")
		case "long":
			return coerceInteger(v, math.MinInt64, math.MaxInt64, "long")
		case "null", "boolean", "float", "double", "bytes", "string":
			return false, nil
		}
		if named, ok := w.names[n]; ok {
			return w.walk(v, named)
		}
	case []any: // a union: {"branch": value} or null
		m, ok := (*v).(map[string]any)
		if !ok || len(m) != 1 {
			return false, nil
		}
		for branch, inner := range m {
			for _, b := range n {
				if unionBranchName(b) == branch {
					changed, err := w.walk(&inner, b)
					m[branch] = inner
					return changed, err
				}
			}
		}
	case map[string]any:
		switch n["type"] {
		case "record", "error":
			m, ok := (*v).(map[string]any)
			if !ok {
				return false, nil
			}
			fields, _ := n["fields"].([]any)
			changedAny := false
			for _, f := range fields {
				fm, _ := f.(map[string]any)
				name, _ := fm["name"].(string)
				fv, present := m[name]
				if !present {
					continue
				}
				changed, err := w.walk(&fv, fm["type"])
				if err != nil {
					return false, err
				}
				m[name] = fv
				changedAny = changedAny || changed
			}
			return changedAny, nil
		case "array":
			items, ok := (*v).([]any)
			if !ok {
				return false, nil
			}
			changedAny := false
			for i := range items {
				changed, err := w.walk(&items[i], n["items"])
				if err != nil {
					return false, err
				}
				changedAny = changedAny || changed
			}
			return changedAny, nil
		case "map":
			m, ok := (*v).(map[string]any)
			if !ok {
				return false, nil
			}
			changedAny := false
			for k, mv := range m {
				changed, err := w.walk(&mv, n["values"])
				if err != nil {
					return false, err
				}
				m[k] = mv
				changedAny = changedAny || changed
			}
			return changedAny, nil
		}
	}
	return false, nil
}

// unionBranchName is the key Avro JSON uses for a union branch: the type's
// full name for named types, its type name otherwise.
func unionBranchName(b any) string {
	switch n := b.(type) {
	case string:
		return n
	case map[string]any:
		if name, ok := n["name"].(string); ok {
			return name
		}
		t, _ := n["type"].(string)
		return t
	}
	return ""
}

// coerceInteger makes a JSON number integral as Jackson's getIntValue or
// getLongValue does: truncated toward zero, refused outside [lo, hi] with
// Jackson's overflow message.
func coerceInteger(v *any, lo, hi int64, typ string) (bool, error) {
	num, ok := (*v).(json.Number)
	if !ok {
		return false, nil
	}
	s := string(num)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if i < lo || i > hi {
			return false, integerOverflow(s, lo, hi, typ)
		}
		return false, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return false, nil // not a number goavro would take either
	}
	if math.IsInf(f, 0) || math.IsNaN(f) || f < float64(lo) || f > float64(hi) {
		return false, integerOverflow(s, lo, hi, typ)
	}
	t := math.Trunc(f)
	i := int64(t)
	if t >= float64(math.MaxInt64) { // 2^63: Java's (long) cast saturates
		i = math.MaxInt64
	}
	*v = json.Number(strconv.FormatInt(i, 10))
	return true, nil
}

func isRangeErr(err error) bool {
	return errors.Is(err, strconv.ErrRange)
}

func integerOverflow(s string, lo, hi int64, typ string) error {
	//lint:ignore ST1005 Jackson's message, answered to the client verbatim
	return fmt.Errorf("Numeric value (%s) out of range of %s (%d - %d)", s, typ, lo, hi)
}

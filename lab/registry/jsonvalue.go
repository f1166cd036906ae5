package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/javanum"
)

// jkind is the kind of a JSON value.
type jkind int

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jvalue is a JSON value that keeps object member order and the literal
// form of numbers, the way Jackson's tree model (which the Java Avro parser
// uses) does. Avro schema properties and field defaults are written back in
// their original member order, so the order must survive a round trip.
type jvalue struct {
	kind  jkind
	b     bool
	num   string // the literal, for jNumber
	isInt bool   // jNumber without fraction or exponent (Jackson IntNode/LongNode/BigIntegerNode)
	s     string
	arr   []*jvalue
	obj   []jmember
}

type jmember struct {
	key string
	val *jvalue
}

// get returns the member named key of an object, or nil.
func (v *jvalue) get(key string) *jvalue {
	if v == nil || v.kind != jObject {
		return nil
	}
	for _, m := range v.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// text returns the string of a JSON string, and false for anything else
// (Jackson's textValue() returning null).
func (v *jvalue) text() (string, bool) {
	if v == nil || v.kind != jString {
		return "", false
	}
	return v.s, true
}

// parseJSON decodes one JSON document, rejecting trailing content.
func parseJSON(data []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected content after the JSON document")
	}
	return v, nil
}

// maxNestingDepth is Jackson's default StreamReadConstraints limit on
// nested arrays and objects (1000, since jackson-core 2.15), which the Java
// registry's Avro parser applies; deeper documents are refused, never
// followed down the stack.
const maxNestingDepth = 1000

func errNestingDepth(depth int) error {
	return fmt.Errorf("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)", depth, maxNestingDepth)
}

func decodeValue(dec *json.Decoder, depth int) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("no content to map due to end-of-input")
		}
		return nil, err
	}
	return decodeFrom(dec, tok, depth)
}

func decodeFrom(dec *json.Decoder, tok json.Token, depth int) (*jvalue, error) {
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: jNull}, nil
	case bool:
		return &jvalue{kind: jBool, b: t}, nil
	case string:
		return &jvalue{kind: jString, s: t}, nil
	case json.Number:
		lit := string(t)
		return &jvalue{kind: jNumber, num: lit, isInt: !strings.ContainsAny(lit, ".eE")}, nil
	case json.Delim:
		if depth+1 > maxNestingDepth {
			return nil, errNestingDepth(depth + 1)
		}
		switch t {
		case '[':
			v := &jvalue{kind: jArray}
			for dec.More() {
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		case '{':
			v := &jvalue{kind: jObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("unexpected object key %v", kt)
				}
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				replaced := false
				for i := range v.obj {
					if v.obj[i].key == key { // last one wins, first position kept (LinkedHashMap)
						v.obj[i].val = e
						replaced = true
						break
					}
				}
				if !replaced {
					v.obj = append(v.obj, jmember{key: key, val: e})
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// isIntegral reports whether the value is a JSON integer (Jackson isIntegralNumber).
func (v *jvalue) isIntegral() bool { return v != nil && v.kind == jNumber && v.isInt }

// fitsBits reports whether an integral value fits a signed integer of n bits.
func (v *jvalue) fitsBits(n int) bool {
	if !v.isIntegral() {
		return false
	}
	_, err := strconv.ParseInt(v.num, 10, n)
	return err == nil
}

// float returns the number as a float64.
func (v *jvalue) float() float64 {
	f, _ := strconv.ParseFloat(v.num, 64)
	return f
}

// writeJSON writes v the way Jackson's default generator does: compact,
// members in order, integers as their canonical decimal, other numbers with
// Java's Double.toString, strings with Jackson's escaping.
func writeJSON(buf *bytes.Buffer, v *jvalue) { writeJSONNumbers(buf, v, writeJavaDouble) }

// writeJSONNumbers is writeJSON with non-integer numbers written by
// fraction.
func writeJSONNumbers(buf *bytes.Buffer, v *jvalue, fraction func(*bytes.Buffer, *jvalue)) {
	switch v.kind {
	case jNull:
		buf.WriteString("null")
	case jBool:
		if v.b {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case jNumber:
		if v.isInt {
			n, ok := new(big.Int).SetString(v.num, 10)
			if ok {
				buf.WriteString(n.String())
			} else {
				buf.WriteString(v.num)
			}
			return
		}
		fraction(buf, v)
	case jString:
		writeString(buf, v.s)
	case jArray:
		buf.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONNumbers(buf, e, fraction)
		}
		buf.WriteByte(']')
	case jObject:
		buf.WriteByte('{')
		for i, m := range v.obj {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, m.key)
			buf.WriteByte(':')
			writeJSONNumbers(buf, m.val, fraction)
		}
		buf.WriteByte('}')
	}
}

// writeJavaDouble writes a non-integer number as Java's Double.toString.
func writeJavaDouble(buf *bytes.Buffer, v *jvalue) {
	f := v.float()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		writeString(buf, javaDouble(f))
		return
	}
	buf.WriteString(javaDouble(f))
}

const upperHex = "0123456789ABCDEF"

// writeString writes a JSON string with Jackson's default escaping: quote,
// backslash and control characters; everything else, including non-ASCII
// and '/', is written as is.
func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '\b':
			buf.WriteString(`\b`)
		case '\t':
			buf.WriteString(`\t`)
		case '\f':
			buf.WriteString(`\f`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		default:
			if r < 0x20 {
				buf.WriteString(`\u00`)
				buf.WriteByte(upperHex[r>>4])
				buf.WriteByte(upperHex[r&0xF])
				continue
			}
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
}

// javaDouble formats f as Jackson writes a Java double: Double.toString.
func javaDouble(f float64) string { return javanum.FormatDouble(f) }

package transforms

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// DropHeaders, InsertHeader and HeaderFrom (apache/kafka 3.9
// connect/transforms/.../transforms/DropHeaders.java, InsertHeader.java,
// HeaderFrom.java).

func init() {
	register(&Plugin{Class: pkg + "DropHeaders", Kind: KindTransformation, Config: []ConfigKey{
		{Name: "headers", Type: "LIST", Required: true, Importance: "HIGH", Doc: "The name of the headers to be removed.", Validate: nonEmptyList},
	}, newTransformation: func(c Config) (Transformation, error) {
		t := dropHeaders{names: map[string]bool{}}
		for _, h := range c.list("headers") {
			t.names[h] = true
		}
		return t, nil
	}})
	register(&Plugin{Class: pkg + "InsertHeader", Kind: KindTransformation, Config: []ConfigKey{
		{Name: "header", Type: "STRING", Required: true, Importance: "HIGH", Doc: "The name of the header."},
		{Name: "value.literal", Type: "STRING", Required: true, Importance: "HIGH", Doc: "The literal value that is to be set as the header value on all records."},
	}, newTransformation: func(c Config) (Transformation, error) {
		h, _ := c.str("header")
		lit, _ := c.str("value.literal")
		s, v := parseLiteral(lit)
		return insertHeader{header: Header{Key: h, Schema: s, Value: v}}, nil
	}})
	registerKV("HeaderFrom", []ConfigKey{
		{Name: "fields", Type: "LIST", Required: true, Importance: "HIGH", Doc: "Field names in the record whose values are to be copied or moved to headers.", Validate: nonEmptyList},
		{Name: "headers", Type: "LIST", Required: true, Importance: "HIGH", Doc: "Header names, in the same order as the field names listed in the fields configuration property.", Validate: nonEmptyList},
		{Name: "operation", Type: "STRING", Required: true, Importance: "HIGH", Doc: "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).",
			Validate: func(name string, v any) string {
				if s, _ := v.(string); s != "move" && s != "copy" {
					return invalid(name, v, "String must be one of: move, copy")
				}
				return ""
			}},
		replaceNullKey(),
	}, newHeaderFrom)
}

type dropHeaders struct{ names map[string]bool }

func (t dropHeaders) Apply(r *Record) (*Record, error) {
	c := r.clone()
	c.Headers = c.Headers[:0]
	for _, h := range r.Headers {
		if !t.names[h.Key] {
			c.Headers = append(c.Headers, h)
		}
	}
	return c, nil
}

type insertHeader struct{ header Header }

func (t insertHeader) Apply(r *Record) (*Record, error) {
	c := r.clone()
	c.Headers = append(c.Headers, t.header)
	return c, nil
}

// parseLiteral is Values.parseString for the literals a header usually
// holds: true/false as BOOLEAN; numbers as Values.parseAsNumber types
// them (a whole number as the smallest of INT8..INT64, a fraction as
// FLOAT32, larger values as a Decimal); anything else (text, and the
// dates, arrays and maps Values would parse, whose string form is the
// literal again) as a STRING.
func parseLiteral(s string) (*data.Schema, any) {
	t := strings.TrimSpace(s)
	switch t {
	case "true":
		return &data.Schema{Type: data.Boolean}, true
	case "false":
		return &data.Schema{Type: data.Boolean}, false
	}
	if numberLiteral.MatchString(t) {
		if d, ok := parseBigDecimal(strings.TrimPrefix(t, "+")); ok {
			if n, exact := exactInteger(d); exact {
				switch {
				case n >= -128 && n <= 127:
					return &data.Schema{Type: data.Int8}, int8(n)
				case n >= -32768 && n <= 32767:
					return &data.Schema{Type: data.Int16}, int16(n)
				case n >= -1<<31 && n <= 1<<31-1:
					return &data.Schema{Type: data.Int32}, int32(n)
				}
				return &data.Schema{Type: data.Int64}, n
			}
			if d.Scale != 0 {
				if f, err := strconv.ParseFloat(t, 32); err == nil {
					return &data.Schema{Type: data.Float32}, float32(f)
				}
			}
			return &data.Schema{Type: data.Bytes, Name: data.LogicalDecimal, Version: 1, Parameters: []data.Param{{Key: "scale", Value: strconv.Itoa(d.Scale)}}}, d
		}
	}
	return &data.Schema{Type: data.String}, s
}

// numberLiteral is what new BigDecimal(String) accepts, starting with a
// digit or a sign as Values.parseNextToken requires.
var numberLiteral = regexp.MustCompile(`^([+-](\d+\.?\d*|\.\d+)|\d+\.?\d*)([eE][+-]?\d+)?$`)

// exactInteger reports whether d is a whole number within the long range.
func exactInteger(d data.Decimal) (int64, bool) {
	n := new(big.Int).Set(d.Unscaled)
	if d.Scale > 0 {
		q, r := new(big.Int).QuoRem(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil), new(big.Int))
		if r.Sign() != 0 {
			return 0, false
		}
		n = q
	} else if d.Scale < 0 {
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil))
	}
	if !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

type headerFrom struct {
	op      operand
	fields  []string
	headers []string
	move    bool
}

func newHeaderFrom(op operand, c Config) (Transformation, error) {
	t := &headerFrom{op: op, fields: c.list("fields"), headers: c.list("headers")}
	if len(t.fields) != len(t.headers) {
		return nil, configErr("'fields' config must have the same number of elements as 'headers' config.")
	}
	opName, _ := c.str("operation")
	t.move = opName == "move"
	return t, nil
}

func (t *headerFrom) Apply(r *Record) (*Record, error) {
	opName := "copy"
	if t.move {
		opName = "move"
	}
	purpose := "header " + opName
	s, v := t.op.get(r)
	c := r.clone()
	if s == nil {
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.CopyHashMap(m)
		for i, f := range t.fields {
			fv, _ := m.Get(f)
			if t.move {
				out.Remove(f)
			}
			c.Headers = append(c.Headers, Header{Key: t.headers[i], Value: fv})
		}
		return t.op.with(c, nil, out), nil
	}
	st, err := requireStruct(v, purpose)
	if err != nil {
		return nil, err
	}
	ns, nv := s, any(st)
	if t.move {
		drop := map[string]bool{}
		for _, f := range t.fields {
			drop[f] = true
		}
		ms := copySchemaBasics(s, data.StructType)
		var vals []any
		for i, f := range s.Fields {
			if !drop[f.Name] {
				ms.Fields = append(ms.Fields, f)
				vals = append(vals, st.Values[i])
			}
		}
		ns, nv = ms, &data.Struct{Schema: ms, Values: vals}
	}
	for i, f := range t.fields {
		j := s.FieldIndex(f)
		if j < 0 {
			return nil, &Error{Class: "java.lang.NullPointerException", Msg: "Cannot invoke \"org.apache.kafka.connect.data.Field.schema()\" because the return value of \"org.apache.kafka.connect.data.Schema.field(String)\" is null"}
		}
		fs := s.Fields[j].Schema
		fv, _ := st.Get(f)
		c.Headers = append(c.Headers, Header{Key: t.headers[i], Schema: &fs, Value: fv})
	}
	return t.op.with(c, ns, nv), nil
}

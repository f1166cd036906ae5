package connect

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// jsonConverterClass is the only converter this worker has installed.
const jsonConverterClass = "org.apache.kafka.connect.json.JsonConverter"

// jsonConverter is org.apache.kafka.connect.json.JsonConverter.
type jsonConverter struct {
	schemasEnable bool
	decimalNumber bool // decimal.format=NUMERIC; BASE64 otherwise
}

// newJSONConverter builds a converter from the connector properties with the
// given prefix ("key.converter" or "value.converter"), falling back to the
// worker defaults. It returns an error message in ConfigDef wording for
// values it cannot parse.
func newJSONConverter(props map[string]string, prefix string, workerDefault map[string]string) (*jsonConverter, []converterIssue) {
	get := func(k string) (string, bool) {
		if v, ok := props[prefix+"."+k]; ok {
			return v, true
		}
		v, ok := workerDefault[prefix+"."+k]
		return v, ok
	}
	c := &jsonConverter{schemasEnable: true}
	var errs []converterIssue
	if v, ok := get("schemas.enable"); ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			c.schemasEnable = true
		case "false":
			c.schemasEnable = false
		default:
			errs = append(errs, converterIssue{Key: "schemas.enable", Msg: fmt.Sprintf("Invalid value %s for configuration schemas.enable: Expected value to be either true or false", v)})
		}
	}
	if v, ok := get("decimal.format"); ok {
		switch strings.ToUpper(strings.TrimSpace(v)) {
		case "BASE64":
		case "NUMERIC":
			c.decimalNumber = true
		default:
			errs = append(errs, converterIssue{Key: "decimal.format", Msg: fmt.Sprintf("Invalid value %s for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC", v)})
		}
	}
	return c, errs
}

// fromConnectData serialises a value with its schema. A nil schema with a
// nil value gives a nil (null) Kafka key or value, as JsonConverter does.
func (c *jsonConverter) fromConnectData(s *schema, v any) []byte {
	if s == nil && v == nil {
		return nil
	}
	var b bytes.Buffer
	if c.schemasEnable {
		b.WriteString(`{"schema":`)
		if s == nil {
			b.WriteString("null")
		} else {
			writeJSONSchema(&b, s)
		}
		b.WriteString(`,"payload":`)
		c.writeValue(&b, s, v)
		b.WriteByte('}')
		return b.Bytes()
	}
	c.writeValue(&b, s, v)
	return b.Bytes()
}

// writeJSONSchema writes a schema as JsonConverter.asJsonSchema does: type,
// fields (structs), optional, name, version, parameters.
func writeJSONSchema(b *bytes.Buffer, s *schema) {
	b.WriteString(`{"type":`)
	jsonString(b, string(s.Type))
	if s.Type == typeStruct {
		b.WriteString(`,"fields":[`)
		for i := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			f := &s.Fields[i]
			inner := bytes.Buffer{}
			writeJSONSchema(&inner, &f.Schema)
			raw := inner.Bytes()
			b.Write(raw[:len(raw)-1])
			b.WriteString(`,"field":`)
			jsonString(b, f.Name)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	if s.Type == data.ArrayType && s.ValueSchema != nil {
		b.WriteString(`,"items":`)
		writeJSONSchema(b, s.ValueSchema)
	}
	if s.Type == data.MapType && s.KeySchema != nil && s.ValueSchema != nil {
		b.WriteString(`,"keys":`)
		writeJSONSchema(b, s.KeySchema)
		b.WriteString(`,"values":`)
		writeJSONSchema(b, s.ValueSchema)
	}
	b.WriteString(`,"optional":`)
	b.WriteString(strconv.FormatBool(s.Optional))
	if s.Name != "" {
		b.WriteString(`,"name":`)
		jsonString(b, s.Name)
	}
	if s.Version != 0 {
		b.WriteString(`,"version":`)
		b.WriteString(strconv.Itoa(s.Version))
	}
	if s.Doc != "" {
		b.WriteString(`,"doc":`)
		jsonString(b, s.Doc)
	}
	if len(s.Parameters) > 0 {
		b.WriteString(`,"parameters":{`)
		for i, p := range s.Parameters {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, p.Key)
			b.WriteByte(':')
			jsonString(b, p.Value)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

func (c *jsonConverter) writeValue(b *bytes.Buffer, s *schema, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case *structValue:
		b.WriteByte('{')
		for i := range x.Schema.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, x.Schema.Fields[i].Name)
			b.WriteByte(':')
			c.writeValue(b, &x.Schema.Fields[i].Schema, x.Values[i])
		}
		b.WriteByte('}')
	case *data.Map:
		// A schemaless map (or a MAP schema with string keys) is a JSON
		// object in the map's iteration order.
		var vs *schema
		if s != nil {
			vs = s.ValueSchema
		}
		b.WriteByte('{')
		for i, e := range x.Entries() {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, e.Key)
			b.WriteByte(':')
			c.writeValue(b, vs, e.Value)
		}
		b.WriteByte('}')
	case []any:
		var vs *schema
		if s != nil {
			vs = s.ValueSchema
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			c.writeValue(b, vs, e)
		}
		b.WriteByte(']')
	case int8:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int16:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float32:
		b.WriteString(javaDouble(float64(x), 32))
	case float64:
		b.WriteString(javaDouble(x, 64))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		jsonString(b, x)
	case []byte:
		jsonString(b, base64.StdEncoding.EncodeToString(x))
	case decimalValue:
		if c.decimalNumber {
			b.WriteString(decimalString(x))
		} else {
			jsonString(b, base64.StdEncoding.EncodeToString(twosComplement(x.Unscaled)))
		}
	case dateValue:
		b.WriteString(strconv.FormatInt(int64(x.Days), 10))
	case timeValue:
		b.WriteString(strconv.FormatInt(int64(x.Millis), 10))
	case timestampValue:
		b.WriteString(strconv.FormatInt(x.T.UnixMilli(), 10))
	default:
		jsonString(b, fmt.Sprint(x))
	}
}

// twosComplement returns the minimal big-endian two's-complement bytes of n,
// as java.math.BigInteger.toByteArray does.
func twosComplement(n *big.Int) []byte {
	if n.Sign() == 0 {
		return []byte{0}
	}
	if n.Sign() > 0 {
		raw := n.Bytes()
		if raw[0]&0x80 != 0 {
			raw = append([]byte{0}, raw...)
		}
		return raw
	}
	// Negative: 2^(8k) + n for the smallest k that keeps the sign bit set.
	bitLen := new(big.Int).Neg(n).BitLen()
	k := bitLen/8 + 1
	mod := new(big.Int).Lsh(big.NewInt(1), uint(8*k))
	raw := new(big.Int).Add(mod, n).Bytes()
	for len(raw) < k {
		raw = append([]byte{0xFF}, raw...)
	}
	for len(raw) > 1 && raw[0] == 0xFF && raw[1]&0x80 != 0 {
		raw = raw[1:]
	}
	return raw
}

// decimalString renders a decimal in plain notation, as BigDecimal's
// toPlainString does for decimal.format=NUMERIC.
func decimalString(d decimalValue) string {
	s := new(big.Int).Abs(d.Unscaled).String()
	neg := d.Unscaled.Sign() < 0
	if d.Scale > 0 {
		if len(s) <= d.Scale {
			s = strings.Repeat("0", d.Scale-len(s)+1) + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	} else if d.Scale < 0 {
		s += strings.Repeat("0", -d.Scale)
	}
	if neg {
		s = "-" + s
	}
	return s
}

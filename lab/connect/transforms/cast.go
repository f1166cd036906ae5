package transforms

import (
	"encoding/base64"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// Cast (apache/kafka 3.9 connect/transforms/.../transforms/Cast.java).

func init() {
	registerKV("Cast", []ConfigKey{
		{Name: "spec", Type: "LIST", Required: true, Importance: "HIGH",
			Doc: "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.",
			Validate: func(name string, v any) string {
				l, _ := v.([]string)
				if len(l) == 0 {
					return "Must specify at least one field to cast."
				}
				if _, err := parseCastSpec(l); err != nil {
					var e *Error
					if errors.As(err, &e) {
						return e.Msg
					}
					return err.Error()
				}
				return ""
			}},
		replaceNullKey(),
	}, newCast)
}

// castTypes are Schema.Type names by their spelling in a spec.
var castTypes = map[string]data.Type{
	"INT8": data.Int8, "INT16": data.Int16, "INT32": data.Int32, "INT64": data.Int64,
	"FLOAT32": data.Float32, "FLOAT64": data.Float64, "BOOLEAN": data.Boolean, "STRING": data.String,
	"BYTES": data.Bytes, "ARRAY": data.ArrayType, "MAP": data.MapType, "STRUCT": data.StructType,
}

const castOutputs = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"
const castInputs = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"

func castOutputType(spelled string) (data.Type, error) {
	t, ok := castTypes[strings.ToUpper(strings.TrimSpace(spelled))]
	if !ok {
		return "", configErr("Invalid type found in casting spec: " + strings.TrimSpace(spelled))
	}
	switch t {
	case data.Bytes, data.ArrayType, data.MapType, data.StructType:
		return "", configErr("Cast transformation does not support casting to " + schemaTypeName(t) + "; supported types are " + castOutputs)
	}
	return t, nil
}

// castSpec is the parsed spec: per field, or the whole value when whole is set.
type castSpec struct {
	whole  data.Type
	fields map[string]data.Type
	order  []string
}

func parseCastSpec(l []string) (*castSpec, error) {
	cs := &castSpec{fields: map[string]data.Type{}}
	for _, mapping := range l {
		parts := strings.Split(mapping, ":")
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		switch {
		case len(parts) > 2:
			return nil, configErr(invalid("renames", l, "Invalid rename mapping: "+mapping))
		case len(parts) <= 1:
			p := ""
			if len(parts) == 1 {
				p = parts[0]
			}
			t, err := castOutputType(p)
			if err != nil {
				return nil, err
			}
			cs.whole = t
		default:
			t, err := castOutputType(parts[1])
			if err != nil {
				return nil, err
			}
			name := strings.TrimSpace(parts[0])
			if _, dup := cs.fields[name]; !dup {
				cs.order = append(cs.order, name)
			}
			cs.fields[name] = t
		}
	}
	if cs.whole != "" && len(l) > 1 {
		return nil, configErr("Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec")
	}
	return cs, nil
}

type cast struct {
	op   operand
	spec *castSpec
}

func newCast(op operand, c Config) (Transformation, error) {
	l := c.list("spec")
	if len(l) == 0 {
		return nil, configErr("Must specify at least one field to cast.")
	}
	cs, err := parseCastSpec(l)
	if err != nil {
		return nil, err
	}
	return &cast{op: op, spec: cs}, nil
}

func (t *cast) Apply(r *Record) (*Record, error) {
	const purpose = "cast types"
	s, v := t.op.get(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		if t.spec.whole != "" {
			out, err := castValue(nil, v, t.spec.whole)
			if err != nil {
				return nil, err
			}
			return t.op.with(r, nil, out), nil
		}
		m, err := requireMap(v, purpose)
		if err != nil {
			return nil, err
		}
		out := data.CopyHashMap(m)
		// casts is a HashMap: its entries are visited in hash order.
		order := data.NewHashMap(-1)
		for _, f := range t.spec.order {
			order.Put(f, nil)
		}
		for _, e := range order.Entries() {
			fv, _ := m.Get(e.Key)
			cv, err := castValue(nil, fv, t.spec.fields[e.Key])
			if err != nil {
				return nil, err
			}
			out.Put(e.Key, cv)
		}
		return t.op.with(r, nil, out), nil
	}
	if t.spec.whole != "" {
		ns := copySchemaBasics(s, t.spec.whole)
		ns.Optional = s.Optional
		out, err := castValue(s, v, t.spec.whole)
		if err != nil {
			return nil, err
		}
		return t.op.with(r, ns, out), nil
	}
	st, err := requireStruct(v, purpose)
	if err != nil {
		return nil, err
	}
	ns := copySchemaBasics(s, data.StructType)
	ns.Optional = s.Optional
	vals := make([]any, len(st.Values))
	for i, f := range st.Schema.Fields {
		fs := f.Schema
		target, ok := t.spec.fields[f.Name]
		if !ok {
			ns.Fields = append(ns.Fields, f)
			vals[i] = st.Values[i]
			continue
		}
		ns.Fields = append(ns.Fields, data.Field{Name: f.Name, Schema: data.Schema{Type: target, Optional: fs.Optional}})
		if vals[i], err = castValue(&fs, st.Values[i], target); err != nil {
			return nil, err
		}
	}
	return t.op.with(r, ns, &data.Struct{Schema: ns, Values: vals}), nil
}

// inferType is ConnectSchema.schemaType of a value's class.
func inferType(v any) (data.Type, bool) {
	switch v.(type) {
	case int8:
		return data.Int8, true
	case int16:
		return data.Int16, true
	case int32:
		return data.Int32, true
	case int64:
		return data.Int64, true
	case float32:
		return data.Float32, true
	case float64:
		return data.Float64, true
	case bool:
		return data.Boolean, true
	case string:
		return data.String, true
	case []byte:
		return data.Bytes, true
	case *data.Struct:
		return data.StructType, true
	case *data.Map:
		return data.MapType, true
	case []any:
		return data.ArrayType, true
	}
	return "", false
}

// castValue is Cast.castValueToType.
func castValue(s *data.Schema, v any, target data.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	var in data.Type
	if s == nil {
		var ok bool
		if in, ok = inferType(v); !ok {
			return nil, dataErr("Cast transformation was passed a value of type class %s which is not supported by Connect's data API", javaClassName(v))
		}
	} else {
		in = s.Type
	}
	switch in {
	case data.ArrayType, data.MapType, data.StructType:
		return nil, dataErr("Cast transformation does not support casting from %s; supported types are %s", schemaTypeName(in), castInputs)
	}
	// Logical values become their internal numbers except for string casts,
	// which format them (Values.dateFormatFor).
	if target == data.String {
		return castToString(v), nil
	}
	switch x := v.(type) {
	case data.Date:
		v = x.Days
	case data.Time:
		v = x.Millis
	case data.Timestamp:
		v = x.T.UnixMilli()
	}
	outOfRange := func() error { return dataErr("Value (%s) was out of range for requested data type", javaString(v)) }
	unexpected := func() error { return dataErr("Unexpected type in Cast transformation: class %s", javaClassName(v)) }
	// Number, Boolean and String inputs.
	var (
		isNum  bool
		asLong int64   // Number.longValue
		asDbl  float64 // Number.doubleValue
		isFlt  bool
	)
	switch x := v.(type) {
	case int8:
		isNum, asLong, asDbl = true, int64(x), float64(x)
	case int16:
		isNum, asLong, asDbl = true, int64(x), float64(x)
	case int32:
		isNum, asLong, asDbl = true, int64(x), float64(x)
	case int64:
		isNum, asLong, asDbl = true, x, float64(x)
	case float32:
		isNum, isFlt, asDbl = true, true, float64(x)
		asLong = d2l(asDbl)
	case float64:
		isNum, isFlt, asDbl = true, true, x
		asLong = d2l(x)
	case data.Decimal:
		// BigDecimal.intValue and friends keep the low bits of the
		// truncated BigInteger, unlike (int) of a double.
		isNum = true
		f, _ := new(big.Float).SetPrec(200).SetString(decimalPlain(x))
		asDbl, _ = f.Float64()
		i, _ := new(big.Int).SetString(strings.Split(decimalPlain(x), ".")[0], 10)
		asLong = i.Int64() // BigInteger.longValue keeps the low 64 bits
	}
	switch target {
	case data.Int8, data.Int16, data.Int32, data.Int64:
		var n int64
		switch x := v.(type) {
		case bool:
			if x {
				n = 1
			}
		case string:
			bits := map[data.Type]int{data.Int8: 8, data.Int16: 16, data.Int32: 32, data.Int64: 64}[target]
			p, err := strconv.ParseInt(x, 10, bits)
			if err != nil || strings.HasPrefix(x, "+") && len(x) == 1 {
				return nil, outOfRange()
			}
			n = p
		default:
			if !isNum {
				return nil, unexpected()
			}
			n = asLong
			if isFlt && target != data.Int64 {
				n = int64(d2i(asDbl)) // byteValue/shortValue/intValue go through (int)
			}
		}
		switch target {
		case data.Int8:
			return int8(n), nil
		case data.Int16:
			return int16(n), nil
		case data.Int32:
			return int32(n), nil
		}
		return n, nil
	case data.Float32, data.Float64:
		var f float64
		switch x := v.(type) {
		case bool:
			if x {
				f = 1
			}
		case string:
			p, err := parseJavaFloat(x, target == data.Float32)
			if err != nil {
				return nil, outOfRange()
			}
			f = p
		default:
			if !isNum {
				return nil, unexpected()
			}
			f = asDbl
		}
		if target == data.Float32 {
			return float32(f), nil
		}
		return f, nil
	case data.Boolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			return strings.EqualFold(x, "true"), nil
		default:
			if !isNum {
				return nil, unexpected()
			}
			return asLong != 0, nil
		}
	}
	return nil, dataErr("%s is not supported in the Cast transformation.", schemaTypeName(target))
}

// d2i and d2l are Java's double to int and long conversions: NaN is 0,
// out-of-range values saturate.
func d2i(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

func d2l(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// parseJavaFloat is Float.parseFloat / Double.parseDouble for decimal
// input: surrounding whitespace and a trailing f/F/d/D are allowed.
func parseJavaFloat(s string, single bool) (float64, error) {
	t := strings.TrimSpace(s)
	switch t {
	case "NaN", "+NaN", "-NaN":
		return math.NaN(), nil
	case "Infinity", "+Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	t = strings.TrimRight(t, "fFdD")
	if t == "" || strings.ContainsAny(t, "_xXpPnN") || strings.EqualFold(strings.TrimLeft(t, "+-"), "inf") {
		return 0, strconv.ErrSyntax
	}
	bits := 64
	if single {
		bits = 32
	}
	f, err := strconv.ParseFloat(t, bits)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, err
	}
	return f, nil
}

// castToString is Cast.castToString: dates as Values.dateFormatFor
// formats them, bytes in base64, the rest as toString.
func castToString(v any) string {
	switch x := v.(type) {
	case data.Date:
		return javaDateString(int64(x.Days) * 86400000)
	case data.Time:
		return javaDateString(int64(x.Millis))
	case data.Timestamp:
		return javaDateString(x.T.UnixMilli())
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case data.Decimal:
		return decimalToString(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return javaString(v)
}

// decimalPlain is BigDecimal.toPlainString.
func decimalPlain(d data.Decimal) string {
	s := new(big.Int).Abs(d.Unscaled).String()
	neg := d.Unscaled.Sign() < 0
	switch {
	case d.Scale > 0:
		if len(s) <= d.Scale {
			s = strings.Repeat("0", d.Scale-len(s)+1) + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	case d.Scale < 0:
		s += strings.Repeat("0", -d.Scale)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// decimalToString is BigDecimal.toString: plain unless the scale is
// negative or the adjusted exponent is below -6.
func decimalToString(d data.Decimal) string {
	digits := new(big.Int).Abs(d.Unscaled).String()
	adjusted := len(digits) - 1 - d.Scale
	if d.Scale >= 0 && adjusted >= -6 {
		return decimalPlain(d)
	}
	s := digits[:1]
	if len(digits) > 1 {
		s += "." + digits[1:]
	}
	s += "E"
	if adjusted >= 0 {
		s += "+"
	}
	s += strconv.Itoa(adjusted)
	if d.Unscaled.Sign() < 0 {
		s = "-" + s
	}
	return s
}

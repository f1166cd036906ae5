package restproxy

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Jackson 2.16's deserializers for the scalars of kafka-rest's v3
// ProduceRequest (v3_bind.go), each refusing what it refuses with
// Jackson's message, and how StreamingResponse answers that message.

// Java types as Jackson's messages name them.
const (
	javaBuilder  = "io.confluent.kafkarest.entities.v3.ProduceRequest$Builder"
	javaData     = "io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestData"
	javaHeader   = "io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestHeader"
	javaHeaders  = "java.util.ArrayList<" + javaHeader + ">"
	javaFormat   = "io.confluent.kafkarest.entities.EmbeddedFormat"
	javaStrategy = "io.confluent.kafkarest.entities.v3.ProduceRequest$EnumSubjectNameStrategy"
)

// Enum constants in declaration order (an index binds by it), and as
// Jackson lists them when a name does not match (its lookup table's order).
var (
	embeddedFormats    = []string{"BINARY", "JSON", "STRING", "AVRO", "JSONSCHEMA", "PROTOBUF"}
	embeddedFormatList = "[BINARY, AVRO, JSON, JSONSCHEMA, PROTOBUF, STRING]"
	nameStrategies     = []string{"TOPIC_NAME", "RECORD_NAME", "TOPIC_RECORD_NAME"}
	nameStrategyList   = "[RECORD_NAME, TOPIC_NAME, TOPIC_RECORD_NAME]"
)

// Unknown members, as UnrecognizedPropertyException words them for the
// AutoValue classes the builders return (the record's is what
// ProduceActionIntegrationTest.produceWithInvalidData_throwsBadRequest
// expects).
const (
	v3UnknownField = `Unrecognized field "%s" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest$Builder), ` +
		`not marked as ignorable (6 known properties: "value", "originalSize", "partitionId", "headers", "key", "timestamp"])`
	v3UnknownDataField = `Unrecognized field "%s" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest_ProduceRequestData), ` +
		`not marked as ignorable (7 known properties: "schema", "subject_name_strategy", "schema_id", "type", "subject", "schema_version", "data"])`
	v3UnknownHeaderField = `Unrecognized field "%s" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest_ProduceRequestHeader), ` +
		`not marked as ignorable (one known property: "name"])`
)

// jacksonError is a JsonMappingException as StreamingResponse answers it:
// 400 and the message's first line, trimmed.
func jacksonError(format string, a ...any) *apiError {
	msg := fmt.Sprintf(format, a...)
	msg, _, _ = strings.Cut(msg, "\n")
	return newAPIError(http.StatusBadRequest, http.StatusBadRequest, "%s", strings.TrimFunc(msg, func(r rune) bool { return r <= ' ' }))
}

// jacksonUnknown is UnrecognizedPropertyException for the member name,
// worded by format; it remembers the name, which is all rest-utils'
// JacksonMessageBodyProvider answers of it (unrecognized).
func jacksonUnknown(format, name string) *apiError {
	e := jacksonError(format, name)
	e.unknown = name
	return e
}

// jacksonToken is the shape and JsonToken Jackson names a JSON value by.
func jacksonToken(raw json.RawMessage) (shape, token string) {
	switch raw[0] {
	case '{':
		return "Object", "START_OBJECT"
	case '[':
		return "Array", "START_ARRAY"
	case '"':
		return "String", "VALUE_STRING"
	case 't':
		return "Boolean", "VALUE_TRUE"
	case 'f':
		return "Boolean", "VALUE_FALSE"
	case 'n':
		return "Null", "VALUE_NULL"
	}
	if isJSONFloat(raw) {
		return "Floating-point", "VALUE_NUMBER_FLOAT"
	}
	return "Integer", "VALUE_NUMBER_INT"
}

func isJSONFloat(raw json.RawMessage) bool {
	return strings.ContainsAny(string(raw), ".eE")
}

// mismatched is MismatchedInputException for a token the type's
// deserializer does not take.
func mismatched(javaType string, raw json.RawMessage) *apiError {
	shape, token := jacksonToken(raw)
	return jacksonError("Cannot deserialize value of type `%s` from %s value (token `JsonToken.%s`)", javaType, shape, token)
}

// weirdString is InvalidFormatException for a string the type cannot take
// (DeserializationContext.weirdStringException).
func weirdString(javaType, value, why string) *apiError {
	return jacksonError("Cannot deserialize value of type `%s` from String \"%s\": %s", javaType, jacksonTruncate(value), why)
}

// jacksonTruncate is DatabindContext._truncate: at most 500 characters
// either side.
func jacksonTruncate(s string) string {
	const max = 500
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "]...[" + string(r[len(r)-max:])
}

// javaTrim is String.trim: every character up to U+0020 off both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// scalarForBean answers a scalar where a bean with only a properties
// creator is expected (BeanDeserializerBase.deserializeFromString and
// friends, CoercionAction.Fail for the empty string).
func scalarForBean(javaType string, raw json.RawMessage) *apiError {
	noCreator := func(arg, kind, value string) *apiError {
		return jacksonError("Cannot construct instance of `%s` (although at least one Creator exists): no %s-argument constructor/factory method to deserialize from %s value (%s)", javaType, arg, kind, value)
	}
	switch shape, _ := jacksonToken(raw); shape {
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		if s == "" {
			return jacksonError("Cannot coerce empty String (\"\") to `%s` value (but could if coercion was enabled using `CoercionConfig`)", javaType)
		}
		return noCreator("String", "String", "'"+s+"'")
	case "Boolean":
		return noCreator("boolean/Boolean", "boolean", string(raw))
	case "Integer":
		n, ok := new(big.Int).SetString(string(raw), 10)
		switch {
		case ok && n.IsInt64() && n.Int64() >= math.MinInt32 && n.Int64() <= math.MaxInt32:
			return noCreator("int/Int", "Number", n.String())
		case ok && n.IsInt64():
			return noCreator("long/Long", "Number", n.String())
		}
		return noCreator("BigInteger", "Number", string(raw))
	case "Floating-point":
		f, _ := strconv.ParseFloat(string(raw), 64)
		return noCreator("double/Double", "Number", javaDouble(f))
	}
	return mismatched(javaType, raw)
}

// javaDouble is Double.toString.
func javaDouble(f float64) string {
	switch {
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// jacksonInteger binds a java.lang.Integer
// (NumberDeserializers.IntegerDeserializer): floats are truncated, strings
// holding an int are parsed, "" and "null" are null.
func jacksonInteger(raw json.RawMessage) (*int32, *apiError) {
	outOfRange := func() *apiError {
		return jacksonError("Numeric value (%s) out of range of int (-2147483648 - 2147483647)", raw)
	}
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Integer":
		n, err := strconv.ParseInt(string(raw), 10, 32)
		if err != nil {
			return nil, outOfRange()
		}
		v := int32(n)
		return &v, nil
	case "Floating-point":
		f, _ := strconv.ParseFloat(string(raw), 64)
		if f < math.MinInt32 || f > math.MaxInt32 {
			return nil, outOfRange()
		}
		v := int32(f)
		return &v, nil
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		text := javaTrim(s)
		if text == "" || text == "null" {
			return nil, nil
		}
		invalid := weirdString("java.lang.Integer", text, "not a valid `java.lang.Integer` value")
		if len(text) > 9 {
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil || !javaIntegerText(text) {
				return nil, invalid
			}
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, weirdString("java.lang.Integer", text, fmt.Sprintf(
					"Overflow: numeric value (%s) out of range of `java.lang.Integer` (-2147483648 -2147483647)", text))
			}
			v := int32(n)
			return &v, nil
		}
		n, err := strconv.ParseInt(text, 10, 32)
		if err != nil || !javaIntegerText(text) {
			return nil, invalid
		}
		v := int32(n)
		return &v, nil
	}
	return nil, mismatched("java.lang.Integer", raw)
}

// jacksonLong checks a primitive long (NumberDeserializers.LongDeserializer):
// floats are truncated, strings holding a long are parsed, "", "null" and
// null are 0.
func jacksonLong(raw json.RawMessage) *apiError {
	outOfRange := jacksonError("Numeric value (%s) out of range of long (-9223372036854775808 - 9223372036854775807)", raw)
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil
	case "Integer":
		if _, err := strconv.ParseInt(string(raw), 10, 64); err != nil {
			return outOfRange
		}
		return nil
	case "Floating-point":
		if f, _ := strconv.ParseFloat(string(raw), 64); f < math.MinInt64 || f > math.MaxInt64 {
			return outOfRange
		}
		return nil
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		text := javaTrim(s)
		if text == "" || text == "null" {
			return nil
		}
		if _, err := strconv.ParseInt(text, 10, 64); err != nil || !javaIntegerText(text) {
			return weirdString("long", text, "not a valid `long` value")
		}
		return nil
	}
	return mismatched("long", raw)
}

// javaIntegerText is what Integer.parseInt takes of ASCII: a sign and
// digits (strconv also takes underscores in some bases, never here).
func javaIntegerText(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// jacksonString binds a java.lang.String: any scalar is taken as its text.
func jacksonString(raw json.RawMessage) (*string, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		return &s, nil
	case "Object", "Array":
		return nil, mismatched("java.lang.String", raw)
	}
	s := string(raw)
	return &s, nil
}

// jacksonEnum binds an enum (EnumDeserializer): a constant's exact name,
// its index as a number or as a string of digits.
func jacksonEnum(raw json.RawMessage, javaType string, constants []string, listed string) (*string, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		// EnumDeserializer._fromString: the name as written, then
		// trimmed as String.trim trims, which the rest goes on with
		for _, name := range []string{s, strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })} {
			if i := slices.Index(constants, name); i >= 0 {
				return &constants[i], nil
			}
			s = name
		}
		if s == "" {
			return nil, jacksonError("Cannot coerce empty String (\"\") to `%s` value (but could if coercion was enabled using `CoercionConfig`)", javaType)
		}
		if s[0] >= '0' && s[0] <= '9' {
			if i, err := strconv.ParseInt(s, 10, 32); err == nil && i >= 0 && int(i) < len(constants) {
				return &constants[i], nil
			}
		}
		return nil, weirdString(javaType, s, "not one of the values accepted for Enum class: "+listed)
	case "Integer":
		i, err := strconv.ParseInt(string(raw), 10, 32)
		if err == nil && i >= 0 && int(i) < len(constants) {
			return &constants[i], nil
		}
		return nil, jacksonError("Cannot deserialize value of type `%s` from number %s: index value outside legal index range [0..%d]", javaType, raw, len(constants)-1)
	}
	return nil, mismatched(javaType, raw)
}

// bindList binds a JSON List of beans as Jackson's CollectionDeserializer
// binds it into javaType: null is a null list, anything but an array a
// mismatch, and each element null or what bind makes of it; the first
// element bind refuses refuses the list.
func bindList[T any](raw json.RawMessage, javaType string, bind func(json.RawMessage) (*T, *apiError)) ([]*T, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Array":
	default:
		return nil, mismatched(javaType, raw)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	out := make([]*T, 0, len(elems))
	for _, el := range elems {
		if isNull(el) {
			out = append(out, nil)
			continue
		}
		v, e := bind(el)
		if e != nil {
			return nil, e
		}
		out = append(out, v)
	}
	return out, nil
}

// immutableListCopy is ImmutableList.copyOf of the list a creator of
// javaType is given: a null element is its NullPointerException "at index
// i", which Jackson reports as the creator's problem.
func immutableListCopy[T any](list []*T, javaType string) ([]T, *apiError) {
	out := make([]T, 0, len(list))
	for i, v := range list {
		if v == nil {
			return nil, jacksonError("Cannot construct instance of `%s`, problem: at index %d", javaType, i)
		}
		out = append(out, *v)
	}
	return out, nil
}

// errReadOpen is a binder's answer on reaching openMember or nextMember:
// the end of what Jackson read, before a syntax error, of an object it
// had not finished; nothing was refused before.
var errReadOpen = &apiError{Status: http.StatusBadRequest, Code: http.StatusBadRequest, Message: "read up to a syntax error"}

// readOpen reports whether members[i] marks the end of what Jackson read
// of an object before a syntax error.
func readOpen(members []member, i int) bool {
	return members[i].name == openMember || members[i].name == nextMember
}

// buildPreempted reports whether Jackson refused the token after
// members[i], which it reads before a creator completed by members[i]
// builds.
func buildPreempted(members []member, i int) bool {
	return i+1 < len(members) && members[i+1].name == nextMember
}

// beanMembers reads the members of the JSON object a BeanDeserializer
// binds into javaType; anything but an object is refused as Jackson
// refuses a scalar or an array for a bean.
func beanMembers(raw json.RawMessage, javaType string) ([]member, *apiError) {
	if shape, _ := jacksonToken(raw); shape != "Object" {
		return nil, scalarForBean(javaType, raw)
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	return members, nil
}

// jacksonBoolean binds a java.lang.Boolean (StdDeserializer._parseBoolean):
// "true" or "false" in lower, title or upper case as strings, "" and
// "null" as null, an int as true unless 0.
func jacksonBoolean(raw json.RawMessage) (*bool, *apiError) {
	t, f := true, false
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Boolean":
		if raw[0] == 't' {
			return &t, nil
		}
		return &f, nil
	case "Integer":
		if n, ok := new(big.Int).SetString(string(raw), 10); ok && n.Sign() == 0 {
			return &f, nil
		}
		return &t, nil
	case "String":
		var s string
		_ = json.Unmarshal(raw, &s)
		text := javaTrim(s)
		switch text {
		case "true", "True", "TRUE":
			return &t, nil
		case "false", "False", "FALSE":
			return &f, nil
		case "", "null":
			return nil, nil
		}
		return nil, weirdString("java.lang.Boolean", text, `only "true" or "false" recognized`)
	}
	return nil, mismatched("java.lang.Boolean", raw)
}

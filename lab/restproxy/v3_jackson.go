package restproxy

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"strconv"
	"strings"
)

// A streamed v3 record is bound as Jackson 2.16 binds kafka-rest v7.9.0's
// entities/v3/ProduceRequest.java, so that what it refuses, it refuses with
// Jackson's message: ProduceRequest.Deserializer reads a
// ProduceRequest.Builder through its @JsonCreator (an Integer, a List of
// ProduceRequestHeader, two ProduceRequestData and an Instant); members are
// bound in the order written, a member the creator lacks is reported only
// once the rest has been bound and the object built, and building checks
// what the AutoValue builders check. StreamingResponse answers the
// JsonMappingException with its message's first line (400).

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
		if s == "" {
			return nil, jacksonError("Cannot coerce empty String (\"\") to `%s` value (but could if coercion was enabled using `CoercionConfig`)", javaType)
		}
		for i := range constants {
			if constants[i] == s {
				return &constants[i], nil
			}
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

// decodeV3Record binds one streamed record.
func decodeV3Record(raw json.RawMessage, rec *v3ProduceRecord) *apiError {
	switch shape, _ := jacksonToken(raw); shape {
	case "Object":
	case "Null":
		// ProduceRequest.Deserializer calls setOriginalSize on the null
		// builder; the NullPointerException is GenericExceptionMapper's.
		return newAPIError(http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error")
	default:
		return scalarForBean(javaBuilder, raw)
	}
	members, err := objectMembers(raw)
	if err != nil {
		return jacksonError("%s", jsonErrorText(err))
	}
	var unknown []string
	*rec = v3ProduceRecord{}
	var headers []*v3ProduceHeader
	var setPartitionID *int32
	setPartition := false
	for _, m := range members {
		var e *apiError
		switch m.name {
		case "partition_id":
			rec.PartitionID, e = jacksonInteger(m.value)
		case "partitionId":
			// the abstract Builder's own setters are properties too, set
			// once the creator has built it
			setPartitionID, e = jacksonInteger(m.value)
			setPartition = true
		case "originalSize":
			e = jacksonLong(m.value) // overwritten by ProduceRequest.Deserializer
		case "headers":
			headers, e = decodeV3Headers(m.value)
		case "key":
			rec.Key, e = decodeV3Data(m.value)
		case "value":
			rec.Value, e = decodeV3Data(m.value)
		case "timestamp":
			rec.Timestamp, e = jacksonInstant(m.value)
		default:
			unknown = append(unknown, m.name)
		}
		if e != nil {
			return e
		}
	}
	if setPartition {
		rec.PartitionID = setPartitionID
	}
	// Builder.setHeaders copies the list into an ImmutableList
	for i, h := range headers {
		if h == nil {
			return jacksonError("Cannot construct instance of `%s`, problem: at index %d", javaBuilder, i)
		}
		rec.Headers = append(rec.Headers, *h)
	}
	if len(unknown) > 0 {
		return jacksonError(v3UnknownField, unknown[0])
	}
	return nil
}

// decodeV3Headers binds the List<ProduceRequestHeader>; a null element
// stays null until the builder copies the list.
func decodeV3Headers(raw json.RawMessage) ([]*v3ProduceHeader, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Array":
	default:
		return nil, mismatched(javaHeaders, raw)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	out := make([]*v3ProduceHeader, 0, len(elems))
	for _, el := range elems {
		switch shape, _ := jacksonToken(el); shape {
		case "Null":
			out = append(out, nil)
			continue
		case "Object":
		default:
			return nil, scalarForBean(javaHeader, el)
		}
		h, e := decodeV3Header(el)
		if e != nil {
			return nil, e
		}
		out = append(out, h)
	}
	return out, nil
}

// decodeV3Header binds one ProduceRequestHeader through its creator
// (String name, byte[] value).
func decodeV3Header(raw json.RawMessage) (*v3ProduceHeader, *apiError) {
	members, err := objectMembers(raw)
	if err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	var h v3ProduceHeader
	var name *string
	var unknown []string
	for _, m := range members {
		var e *apiError
		switch m.name {
		case "name":
			name, e = jacksonString(m.value)
		case "value":
			var b []byte
			b, e = jacksonBytes(m.value)
			h.Value = nil
			if b != nil {
				v := base64.StdEncoding.EncodeToString(b)
				h.Value = &v
			}
		default:
			unknown = append(unknown, m.name)
		}
		if e != nil {
			return nil, e
		}
	}
	if name == nil {
		return nil, jacksonError("Cannot construct instance of `%s`, problem: Null name", javaHeader)
	}
	if len(unknown) > 0 {
		return nil, jacksonError(v3UnknownHeaderField, unknown[0])
	}
	h.Name = *name
	return &h, nil
}

// decodeV3Data binds a key or value (ProduceRequestData) and checks it as
// its builder does.
func decodeV3Data(raw json.RawMessage) (*v3ProduceData, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Object":
	default:
		return nil, scalarForBean(javaData, raw)
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	var d v3ProduceData
	var unknown []string
	for _, m := range members {
		var e *apiError
		switch m.name {
		case "type":
			d.Type, e = jacksonEnum(m.value, javaFormat, embeddedFormats, embeddedFormatList)
		case "subject":
			d.Subject, e = jacksonString(m.value)
		case "subject_name_strategy":
			d.SubjectNameStrategy, e = jacksonEnum(m.value, javaStrategy, nameStrategies, nameStrategyList)
		case "schema_id":
			d.SchemaID, e = jacksonInteger(m.value)
		case "schema_version":
			d.SchemaVersion, e = jacksonInteger(m.value)
		case "schema":
			d.Schema, e = jacksonString(m.value)
		case "data":
			d.Data = m.value // a JsonNode: any JSON, null a NullNode
		default:
			unknown = append(unknown, m.name)
		}
		if e != nil {
			return nil, e
		}
	}
	if problem := v3DataProblem(&d); problem != "" {
		return nil, jacksonError("Cannot construct instance of `%s`, problem: %s", javaData, problem)
	}
	if len(unknown) > 0 {
		return nil, jacksonError(v3UnknownDataField, unknown[0])
	}
	return &d, nil
}

// v3DataProblem is what ProduceRequestData.Builder.build refuses, in its
// order: AutoValue's null check of data, then its checkState calls.
func v3DataProblem(d *v3ProduceData) string {
	switch {
	case d.Data == nil:
		return "Null data"
	case d.SubjectNameStrategy != nil && d.Subject != nil:
		return "Only one of 'subject_name_strategy' or 'subject' can be used."
	case d.SchemaID != nil && (d.SchemaVersion != nil || d.Schema != nil),
		d.SchemaID == nil && d.SchemaVersion != nil && d.Schema != nil:
		return "Only one of 'schema_id', 'schema_version' or 'schema' can be used."
	case d.Type == nil:
		return ""
	}
	format := *d.Type
	switch format {
	case "AVRO", "JSONSCHEMA", "PROTOBUF":
		switch {
		case d.SchemaID != nil:
			return fmt.Sprintf("'schema_id=%d' cannot be used with 'serializer'.", *d.SchemaID)
		case d.SchemaVersion != nil:
			return fmt.Sprintf("'schema_version=%d' cannot be used with 'serializer'.", *d.SchemaVersion)
		case d.Schema == nil:
			return "'schema_version=latest' cannot be used with 'serializer'."
		}
		return ""
	}
	for _, c := range []struct {
		set  bool
		name string
	}{
		{d.SubjectNameStrategy != nil, "subject_strategy"},
		{d.Subject != nil, "subject"},
		{d.SchemaID != nil, "schema_id"},
		{d.SchemaVersion != nil, "schema_version"},
		{d.Schema != nil, "schema"},
	} {
		if c.set {
			return fmt.Sprintf("'type=%s' cannot be used with '%s'.", format, c.name)
		}
	}
	return ""
}

// jacksonBytes binds a byte[] (PrimitiveArrayDeserializers.ByteDeser): a
// base64 string in Jackson's default variant, or an array of numbers.
func jacksonBytes(raw json.RawMessage) ([]byte, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "String":
		b, e := jacksonBase64(string(raw[1 : len(raw)-1]))
		if b == nil && e == nil {
			b = []byte{}
		}
		return b, e
	case "Array":
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, jacksonError("%s", jsonErrorText(err))
		}
		out := make([]byte, 0, len(elems))
		for _, el := range elems {
			b, e := jacksonByte(el)
			if e != nil {
				return nil, e
			}
			out = append(out, b)
		}
		return out, nil
	}
	return nil, mismatched("[B", raw)
}

// jacksonByte is one element of a byte[] given as numbers: -128 to 255,
// floats truncated, null 0.
func jacksonByte(raw json.RawMessage) (byte, *apiError) {
	text := string(raw)
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return 0, nil
	case "String":
		_ = json.Unmarshal(raw, &text)
		if _, err := strconv.ParseInt(javaTrim(text), 10, 32); err != nil {
			return 0, weirdString("byte[]", text, "not a valid `byte` value")
		}
		text = javaTrim(text)
	case "Integer", "Floating-point":
	default:
		return 0, mismatched("byte", raw)
	}
	f, _ := strconv.ParseFloat(text, 64)
	n := math.Trunc(f)
	if n < -128 || n > 255 {
		return 0, jacksonError("Numeric value (%s) out of range of Java byte", text)
	}
	return byte(int(n)), nil
}

// base64 decoding as jackson-core's UTF8StreamJsonParser._decodeBase64
// does for Base64Variants.MIME_NO_LINEFEEDS (padding required, white space
// only between 4-character units), on the string as written in the JSON.
const (
	b64Prefix  = "Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): "
	b64Padding = "Unexpected end of base64-encoded String: base64 variant 'MIME-NO-LINEFEEDS' expects padding (one or more '=' characters) at the end. This Base64Variant might have been incorrectly configured"
	b64Chars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func b64Value(ch int) int {
	if ch == '=' {
		return -2
	}
	if ch < 0 || ch > 127 {
		return -1
	}
	return strings.IndexByte(b64Chars, byte(ch))
}

// jsonStringReader yields the characters of a JSON string's body, escapes
// decoded, as the parser meets them.
type jsonStringReader struct {
	s string
	i int
}

func (r *jsonStringReader) next() (ch int, escaped, end bool) {
	if r.i >= len(r.s) {
		return 0, false, true
	}
	c := r.s[r.i]
	if c != '\\' || r.i+1 >= len(r.s) {
		r.i++
		return int(c), false, false
	}
	esc := r.s[r.i+1]
	r.i += 2
	switch esc {
	case 'b':
		return '\b', true, false
	case 'f':
		return '\f', true, false
	case 'n':
		return '\n', true, false
	case 'r':
		return '\r', true, false
	case 't':
		return '\t', true, false
	case 'u':
		if r.i+4 <= len(r.s) {
			v, err := strconv.ParseUint(r.s[r.i:r.i+4], 16, 16)
			if err == nil {
				r.i += 4
				return int(v), true, false
			}
		}
	}
	return int(esc), true, false
}

// rest is the string's remaining text, which Jackson's message quotes.
func (r *jsonStringReader) rest() string {
	var s string
	_ = json.Unmarshal([]byte(`"`+r.s[r.i:]+`"`), &s)
	return s
}

func jacksonBase64(body string) ([]byte, *apiError) {
	r := &jsonStringReader{s: body}
	var out []byte
	illegal := func(ch, index int, extra string) *apiError {
		var msg string
		switch {
		case ch <= ' ':
			msg = fmt.Sprintf("Illegal white space character (code 0x%x) as character #%d of 4-char base64 unit: can only used between units", ch, index+1)
		case ch == '=':
			msg = fmt.Sprintf("Unexpected padding character ('=') as character #%d of 4-char base64 unit: padding only legal as 3rd or 4th character", index+1)
		case ch >= 0x7f && ch <= 0x9f:
			msg = fmt.Sprintf("Illegal character (code 0x%x) in base64 content", ch)
		default:
			msg = fmt.Sprintf("Illegal character '%c' (code 0x%x) in base64 content", rune(ch), ch)
		}
		if extra != "" {
			msg += ": " + extra
		}
		return weirdString("byte[]", r.rest(), b64Prefix+msg)
	}
	noPadding := func() *apiError { return weirdString("byte[]", "", b64Padding) }
	// unit reads the character at index of a unit: its bits, -2 for
	// padding, or an error.
	unit := func(index int) (bits int, end bool, e *apiError) {
		ch, _, end := r.next()
		if end {
			return 0, true, nil
		}
		bits = b64Value(ch)
		if bits == -1 || (bits == -2 && index < 2) {
			return 0, false, illegal(ch, index, "")
		}
		return bits, false, nil
	}
	for {
		// first character: white space between units is skipped
		var bits int
		for {
			ch, escaped, end := r.next()
			if end {
				return out, nil
			}
			if ch <= ' ' {
				continue
			}
			bits = b64Value(ch)
			if bits < 0 {
				if escaped && bits == -2 {
					continue
				}
				return nil, illegal(ch, 0, "")
			}
			break
		}
		data := bits
		b, end, e := unit(1)
		if e != nil {
			return nil, e
		}
		if end {
			return nil, illegal('"', 1, "")
		}
		data = data<<6 | b
		b, end, e = unit(2)
		switch {
		case e != nil:
			return nil, e
		case end:
			return nil, noPadding()
		case b == -2:
			ch, escaped, end := r.next()
			if end {
				return nil, illegal('"', 3, "expected padding character '='")
			}
			if ch != '=' {
				if !escaped || b64Value(ch) == -1 {
					return nil, illegal(ch, 3, "")
				}
				return nil, illegal('\\', 3, "expected padding character '='")
			}
			out = append(out, byte(data>>4))
			continue
		}
		data = data<<6 | b
		b, end, e = unit(3)
		switch {
		case e != nil:
			return nil, e
		case end:
			return nil, noPadding()
		case b == -2:
			data >>= 2
			out = append(out, byte(data>>8), byte(data))
			continue
		}
		data = data<<6 | b
		out = append(out, byte(data>>16), byte(data>>8), byte(data))
	}
}

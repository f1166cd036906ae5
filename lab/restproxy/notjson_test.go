package restproxy

import (
	"net/http"
	"testing"
)

// A v2 produce or records:batch body that is not JSON. kafka-rest 7.9
// reads either as one entity through a UTF8StreamJsonParser (rest-utils'
// JacksonMessageBodyProvider, jackson-jaxrs-base ProviderBase.readFrom);
// its JsonParseException is answered by rest-utils v7.9.0
// core/.../exceptions/JsonParseExceptionMapper.java with
// getOriginalMessage() as it is, unless databind met it inside a member's
// value and wrapped it (BeanDeserializerBase.wrapAndThrow), when
// JsonMappingExceptionMapper answers it sanitised: the text cut at "(for
// Object starting at", its first back-quoted name cut after the last dot.
// The messages are jackson-core 2.16 json/UTF8StreamJsonParser.java's,
// base/ParserMinimalBase.java's and base/ParserBase.java's; each text
// below was checked by running jackson-core and jackson-databind 2.16.0
// with KafkaRestApplication.getJsonMapper's ObjectMapper over stand-ins
// of kafka-rest v7.9.0's entities, reading each body from a byte stream.

const (
	locRaw = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
	locSan = "[Source: REDACTED (`INCLUDE_SOURCE_IN_LOCATION` disabled); "
	expect = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
)

var v2NotJSON = []mappingRefusal{
	// the root value and the root object's names and separators: the
	// JsonParseException as it is
	{"a bare word", `foobar`, "Unrecognized token 'foobar': " + expect},
	{"an unquoted name", `{records:1}`, "Unexpected character ('r' (code 114)): was expecting double-quote to start field name"},
	{"a missing close of the root object", `{"records":[{"value":1}]`,
		"Unexpected end-of-input: expected close marker for Object (start marker at " + locRaw + "line: 1, column: 1])"},
	{"a missing comma between root members", `{"records":[{"value":1}] "x":1}`,
		"Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"},
	{"a trailing comma in the root object", `{"records":[{"value":1}],}`,
		"Unexpected character ('}' (code 125)): was expecting double-quote to start field name"},
	{"a missing colon in the root object", `{"records" [{"value":1}]}`,
		"Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value"},
	{"a missing root member value", `{"records":}`, "Unexpected character ('}' (code 125)): expected a value"},
	{"the root object closed as an array", `{"records":[{"value":1}]]`,
		"Unexpected close marker ']': expected '}' (for Object starting at " + locRaw + "line: 1, column: 1])"},
	{"the end inside a root name", `{"rec`, "Unexpected end-of-input in field name"},
	{"the end after a root name", `{"records"`, "Unexpected end-of-input within/between Object entries"},
	{"a lone close brace", `}`, "Unexpected close marker '}': expected ']' (for root starting at " + locRaw + "line: 1])"},
	{"a root number run into a word", `1x`, "Unexpected character ('x' (code 120)): Expected space separating root-level values"},
	// a root member's first token is read with its name, outside the
	// bean's error wrapping
	{"a bad literal as a root member value", `{"key_schema":tru}`, "Unrecognized token 'tru': " + expect},
	{"a leading zero as a root member value", `{"records":01}`, "Invalid numeric value: Leading zeroes not allowed"},
	// a member the request lacks is buffered as it is read
	{"inside an unknown member", `{"bogus":[}`,
		"Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 10])"},
	{"a bad escape in an unknown member", `{"zz":"a\q"}`, "Unrecognized character escape 'q' (code 113)"},
	// inside a member's value: wrapped, sanitised
	{"a close brace in the records array", `{"records":[}`,
		"Unexpected close marker '}': expected ']' (for Array starting at " + locSan + "line: 1, column: 12])"},
	{"a missing comma between records", `{"records":[{"value":1} {"value":2}]}`,
		"Unexpected character ('{' (code 123)): was expecting comma to separate Array entries"},
	{"a record closed as an array", `{"records":[{"value":1]}`, "Unexpected close marker ']': expected '}'"},
	{"a key array closed as an object", `{"records":[{"key":[1,2}]}]}`,
		"Unexpected close marker '}': expected ']' (for Array starting at " + locSan + "line: 1, column: 20])"},
	{"a bad literal", `{"records":[{"value":tru}]}`, "Unrecognized token 'tru': " + expect},
	{"a literal run into a word", `{"records":[{"value":[truex]}]}`, "Unrecognized token 'truex': " + expect},
	{"NaN", `{"records":[{"value":NaN}]}`, "Non-standard token 'NaN': enable `ALLOW_NON_NUMERIC_NUMBERS` to allow"},
	{"a single-quoted string", `{"records":[{"value":'x'}]}`,
		"Unexpected character (''' (code 39)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
	{"a single-quoted name", `{"records":[{'value':1}]}`,
		"Unexpected character (''' (code 39)): was expecting double-quote to start field name"},
	{"a bad escape", `{"records":[{"value":"a\qb"}]}`, "Unrecognized character escape 'q' (code 113)"},
	{"a bad escape in a root string member", `{"key_schema":"a\qb"}`, "Unrecognized character escape 'q' (code 113)"},
	{"a bad unicode escape", `{"records":[{"value":"a\u12G4"}]}`,
		"Unexpected character ('G' (code 71)): expected a hex-digit for character escape sequence"},
	{"a tab in a string", "{\"records\":[{\"value\":\"x\ty\"}]}",
		"Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value"},
	{"a leading zero", `{"records":[{"value":[-01]}]}`, "Invalid numeric value: Leading zeroes not allowed"},
	{"a decimal point without digits", `{"records":[{"value":1.}]}`,
		"Unexpected character ('}' (code 125)) in numeric value: Decimal point not followed by a digit"},
	{"an exponent without digits", `{"records":[{"value":[1e+x]}]}`,
		"Unexpected character ('x' (code 120)) in numeric value: Exponent indicator not followed by a digit"},
	{"a minus without digits", `{"records":[{"value":-a}]}`,
		"Unexpected character ('a' (code 97)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value"},
	{"a plus sign", `{"records":[{"value":+1}]}`,
		"Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow"},
	{"a trailing comma in a record", `{"records":[{"value":1,}]}`,
		"Unexpected character ('}' (code 125)): was expecting double-quote to start field name"},
	{"a trailing comma in the records", `{"records":[{"value":1},]}`, "Unexpected character (']' (code 93)): expected a value"},
	{"a missing colon in a record", `{"records":[{"value" 1}]}`,
		"Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"},
	{"the end inside a string", `{"records":[{"value":"abc`, "Unexpected end-of-input in VALUE_STRING"},
	{"the end inside an escape", `{"records":[{"value":["a\u12`, "Unexpected end-of-input in character escape sequence"},
	{"the end after a number in a record", `{"records":[{"value":1`,
		"Unexpected end-of-input: expected close marker for Object (start marker at " + locSan + "line: 1, column: 13])"},
	{"the end after a record's colon", `{"records":[{"value":`, "Unexpected end-of-input within/between Object entries"},
	{"the end after a comma in an array", `{"records":[{"value":[1,`, "Unexpected end-of-input within/between Array entries"},
	{"the end inside the records", `{"records":[`,
		"Unexpected end-of-input: expected close marker for Array (start marker at " + locSan + "line: 1, column: 12])"},
	{"the end after a minus", `{"records":[{"value":[-`, "Unexpected end-of-input in START_ARRAY"},
	// Jackson binds as it reads: a member mistyped before the refusal is
	// answered first, a check made as an object or list ends is not
	{"a mistyped root member before the refusal", `{"key_schema_id":"x","records":[}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a mistyped root member before the refusal after white space", `  {"key_schema_id":"x","records":[}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a root member of the wrong shape before the refusal", `{"key_schema":[],"records":[}`,
		sanString + "Array value (token `JsonToken.START_ARRAY`)"},
	{"a mistyped member of the record holding the refusal", `{"records":[{"partition":"x","value":tru}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a mistyped member of an earlier record", `{"records":[{"value":1,"partition":"x"},{"value":1} {"value":2}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a null record before the refusal", `{"records":[null {"value":2}]}`,
		"Unexpected character ('{' (code 123)): was expecting comma to separate Array entries"},
}

func TestAV2ProduceBodyThatIsNotJSONIsAnsweredWithJacksonsParseError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	for _, c := range v2NotJSON {
		e.wantMappingRefusal(e.post("t", ctJSON, c.body), c, mediaTypeV2)
	}
	e.assertUnchanged("t", before)
}

var batchNotJSON = []mappingRefusal{
	{"a bare word", `foobar`, "Unrecognized token 'foobar': " + expect},
	{"an unquoted name", `{entries:1}`, "Unexpected character ('e' (code 101)): was expecting double-quote to start field name"},
	{"a missing close of the root object", `{"entries":[{"id":"1","value":{"data":1}}]`,
		"Unexpected end-of-input: expected close marker for Object (start marker at " + locRaw + "line: 1, column: 1])"},
	{"a close brace in the entries", `{"entries":[}`,
		"Unexpected close marker '}': expected ']' (for Array starting at " + locSan + "line: 1, column: 12])"},
	{"a bad literal in an entry", `{"entries":[{"id":"1","value":{"data":tru}}]}`, "Unrecognized token 'tru': " + expect},
	{"a mistyped member of an earlier entry", `{"entries":[{"id":"a","partition_id":"x"} {]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a mistyped member of the entry holding the refusal", `{"entries":[{"id":"a","partition_id":"x","value":{"data":[}}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
}

func TestARecordsBatchBodyThatIsNotJSONIsAnsweredWithJacksonsParseError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	url := "/v3/clusters/" + e.clusterID() + "/topics/t/records:batch"
	for _, c := range batchNotJSON {
		e.wantMappingRefusal(e.do(http.MethodPost, url, "application/json", []byte(c.body)), c, mediaTypeJSON)
	}
	e.assertUnchanged("t", before)
}

// Jackson binds as it reads, and makes some checks as an object ends: an
// unknown member (BeanDeserializer._deserializeUsingPropertyBased keeps
// it until the object is built), a null element (the creator's
// ImmutableList.copyOf), a batch entry's id (its Builder.build). Such a
// refusal of an object Jackson finished reading comes before a syntax
// error after it; of an object still open at the syntax error, never. A
// creator complete with a member builds only once the parser has read
// the token after it, so a syntax error in that token comes first. The
// expected order is the oracle's (jackson-core and jackson-databind
// 2.16.0 reading each body as jackson-jaxrs-base's ProviderBase.readFrom
// does into stand-ins of kafka-rest v7.9.0's entities/v2/ProduceRequest,
// entities/v3/ProduceBatchRequest and ProduceBatchRequestEntry); each
// refusal is answered as it is for a body that is JSON.
func TestACheckJacksonMakesAsAnObjectEndsIsAnsweredBeforeASyntaxErrorAfterThatObject(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	const allV2 = `"key_schema_id":1,"key_schema":"a","value_schema_id":2,"value_schema":"b"`
	for _, c := range []struct{ name, body string }{
		{"an unknown member of a record before a bad literal", `{"records":[{"value":1,"x":2}],"key_schema":tru}`},
		{"an unknown member of a record before a bad record", `{"records":[{"value":1,"x":2},{"value":tru}]}`},
		{"an unknown member of a record before the end of input", `{"records":[{"value":1,"x":2}`},
	} {
		e.wantUnrecognized(e.post("t", ctJSON, c.body), "x")
	}
	for _, c := range []mappingRefusal{
		{"a null record, the creator complete, a bad string after", `{"records":[null],` + allV2 + `,"x":"a\q"}`,
			"Cannot construct instance of `ProduceRequest`, problem: at index 0"},
		{"a null record, the creator complete, a bad token after", `{"records":[null],` + allV2 + `,"x":tru}`,
			"Unrecognized token 'tru': " + expect},
		{"a null record, the request open", `{"records":[null],"value_schema":tru}`, "Unrecognized token 'tru': " + expect},
		{"an array for the request", `[1 2]`, "Cannot deserialize value of type `ProduceRequest` from Array value (token `JsonToken.START_ARRAY`)"},
	} {
		e.wantMappingRefusal(e.post("t", ctJSON, c.body), c, mediaTypeV2)
	}

	url := "/v3/clusters/" + e.clusterID() + "/topics/t/records:batch"
	post := func(body string) response { return e.do(http.MethodPost, url, "application/json", []byte(body)) }
	e.wantUnrecognized(post(`{"entries":[{"id":"a","value":{"type":"JSON","data":1},"x":1}],"y":tru}`), "x")
	e.wantError(post(`{"entries":[{"id":1,"value":{"type":"JSON","data":1}}, tru]}`), http.StatusUnprocessableEntity, 42208, "Batch entry identifier is not a valid string.")
	for _, c := range []mappingRefusal{
		{"an entry without an id", `{"entries":[{"value":{"type":"JSON","data":1}}, tru]}`, "Cannot construct instance of `Builder`, problem: Null id"},
		{"a value without data", `{"entries":[{"id":"a","value":{"type":"JSON"}}, tru]}`, "Cannot construct instance of `ProduceRequestData`, problem: Null data"},
		{"a null entry, a bad name after", `{"entries":[null],tru}`, "Unexpected character ('t' (code 116)): was expecting double-quote to start field name"},
		{"a null entry, the entries open", `{"entries":[null,tru]}`, "Unrecognized token 'tru': " + expect},
		{"a null entry, a bad string after", `{"entries":[null],"x":"a\q"}`, "Cannot construct instance of `ProduceBatchRequest`, problem: at index 0"},
	} {
		e.wantMappingRefusal(post(c.body), c, mediaTypeJSON)
	}
	e.assertUnchanged("t", before)
}

// A v2 produce body that is JSON null (or empty: jackson-jaxrs-base's
// ProviderBase.readFrom returns null, JaxRSFeature.ALLOW_EMPTY_INPUT) is
// the null entity of the resource method's @Valid @NotNull ProduceRequest
// parameter (kafka-rest v7.9.0 resources/v2/ProduceToTopicAction.java and
// ProduceToPartitionAction.java: produceBinary, produceJson, produceAvro,
// produceJsonSchema, produceProtobuf, the request after AsyncResponse, the
// topic and, to a partition, the partition). Jersey 2.36 registers no
// ParameterNameProvider (ext/bean-validation ValidationBinder), so
// Hibernate Validator names the parameter as reflection does, arg0, arg1,
// …, kafka-rest being compiled without -parameters (no such javac
// argument in its or its parents' poms); rest-utils v7.9.0
// ConstraintViolationExceptionMapper answers 422 with
// ConstraintViolations.format: "<property path> <message> (was <value>)".
func TestAV2ProduceBodyThatIsNullIsRefusedForTheResourceMethodsParameter(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	for ct, method := range map[string]string{ctBinary: "produceBinary", ctJSON: "produceJson", ctAvro: "produceAvro",
		ctJSONSchema: "produceJsonSchema", ctProtobuf: "produceProtobuf"} {
		for _, body := range []string{`null`, ` null `, ``} {
			e.wantError(e.do(http.MethodPost, "/topics/t", ct, []byte(body)), 422, 422, method+".arg2 must not be null (was null)")
			e.wantError(e.do(http.MethodPost, "/topics/t/partitions/0", ct, []byte(body)), 422, 422, method+".arg3 must not be null (was null)")
		}
	}
}

// Jackson reads a body byte by byte: where a token, a comma or a colon
// should start, a byte outside ASCII is named as the ISO-8859-1
// character it would be, or read as the start of a word
// (_handleUnexpectedValue, _reportInvalidToken), whose next byte
// _decodeCharForError then refuses; bytes that are not UTF-8 as it
// decodes them are "Invalid UTF-8 start byte" or "middle byte"; after a
// literal, _checkMatchEnd reads a character's first byte again as its
// second; a sign is followed as _handleInvalidNumberStart follows it.
// Each text is the oracle's (jackson-core and jackson-databind 2.16.0
// reading each body into a stand-in of kafka-rest v7.9.0's
// entities/v2/ProduceRequest, answered through rest-utils' mappers).
func TestAV2ProduceBodysBytesAreReadAsJacksonReadsThem(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	const nonNumeric = "enable `ALLOW_NON_NUMERIC_NUMBERS` to allow"
	const minus = " in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value"
	const plus = "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow"
	value := func(s string) string { return `{"records":[{"value":` + s + `}]}` }
	for _, c := range []mappingRefusal{
		{"a letter outside ASCII as the body", "é", "Invalid UTF-8 start byte 0xa9"},
		{"a letter outside ASCII as a record", `{"records":[é]}`, "Invalid UTF-8 start byte 0xa9"},
		{"a euro sign as a value", value("€"), "Invalid UTF-8 start byte 0x82"},
		{"a multiplication sign as a value", value("×"), "Invalid UTF-8 start byte 0x97"},
		{"a letter outside ASCII as a name", `{é:1}`, "Unexpected character ('é' (code 233)): was expecting double-quote to start field name"},
		{"a letter outside ASCII for a colon", `{"records"é}`, "Unexpected character ('Ã' (code 195)): was expecting a colon to separate field name and value"},
		{"a letter outside ASCII for a comma", `{"records":[]é}`, "Unexpected character ('Ã' (code 195)): was expecting comma to separate Object entries"},
		{"a byte not UTF-8 for a comma", "{\"records\":[{\"value\":1}]\xff}", "Unexpected character ('ÿ' (code 255)): was expecting comma to separate Object entries"},
		{"a byte not UTF-8 as a name", "{\xff:1}", "Invalid UTF-8 start byte 0xff"},
		{"a byte not UTF-8 as a value", value("\xff"), "Unrecognized token 'ÿ': " + expect},
		{"a continuation byte as a record", "{\"records\":[\x80]}", "Unexpected character ((CTRL-CHAR, code 128)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{"a byte not UTF-8 in a string", value("\"a\xffb\""), "Invalid UTF-8 start byte 0xff"},
		{"a character cut short in a string", value("\"a\xc3\""), "Invalid UTF-8 middle byte 0x22"},
		{"a letter outside ASCII after a literal", value("trueé"), "Invalid UTF-8 middle byte 0xc3"},
		{"-INF", value("-INF"), "Non-standard token '-INF': " + nonNumeric},
		{"+INF", value("+INF"), "Non-standard token '+INF': " + nonNumeric},
		{"-Infinity", value("-Infinity"), "Non-standard token '-Infinity': " + nonNumeric},
		{"+Infinity", value("+Infinity"), "Non-standard token '+Infinity': " + nonNumeric},
		{"-Inf", value("-Inf"), "Unrecognized token '-Inf': " + expect},
		{"-Infinity run on", value("-Infinityx"), "Unrecognized token '-Infinityx': " + expect},
		{"a minus, I, a letter", value("-Ix"), "Unexpected character ('x' (code 120))" + minus},
		{"a minus, I, a close", value("-I"), "Unexpected character ('}' (code 125))" + minus},
		{"a plus, I, a letter", value("+Ix"), plus},
		{"a plus, I, the end", `{"records":[{"value":+I`, "Unexpected end-of-input in a Number value"},
		{"a minus, a point", value("-.5"), "Unexpected character ('.' (code 46)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{"a minus, a letter outside ASCII", value("-é"), "Unexpected character ('Ã' (code 195))" + minus},
		{"a point, a letter outside ASCII", value("1.é"), "Unexpected character ('Ã' (code 195)) in numeric value: Decimal point not followed by a digit"},
		{"a tab in a unicode escape", value("\"\\u0\t1\""), "Unexpected character ((CTRL-CHAR, code 9)): expected a hex-digit for character escape sequence"},
	} {
		e.wantMappingRefusal(e.post("t", ctJSON, c.body), c, mediaTypeV2)
	}
	e.assertUnchanged("t", before)
	// what Jackson decodes without checking: an encoded surrogate, an
	// overlong form, a code point past U+10FFFF
	for _, s := range []string{"\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80"} {
		if resp := e.post("t", ctJSON, value(`"`+s+`"`)); resp.status != http.StatusOK {
			t.Errorf("%q: %d %s", s, resp.status, resp.body)
		}
	}
}

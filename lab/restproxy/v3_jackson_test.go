package restproxy

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A streamed v3 record kafka-rest cannot bind is answered with Jackson's
// own message, cut to its first line, in a 400 for that record, and the
// stream goes on (kafka-rest v7.9.0 response/StreamingResponse.java:
// InputStreamingResponse.next hands the JsonMappingException to a failed
// future, CompositeErrorMapper answers it through jackson-jaxrs-base's
// JsonMappingExceptionMapper as status 400 and the message up to its first
// "\n"). The record is bound as entities/v3/ProduceRequest.java binds it:
// ProduceRequest.Deserializer reads a ProduceRequest.Builder through its
// @JsonCreator, whose members are an Integer, a List of
// ProduceRequestHeader (String name, byte[] value), two ProduceRequestData
// (EmbeddedFormat, String, EnumSubjectNameStrategy, Integer, Integer,
// String, JsonNode) and an Instant (jackson-datatype-jsr310's
// InstantDeserializer, registered by KafkaRestApplication.getJsonMapper).
// The texts were taken from Jackson 2.16.0 (jackson-core,
// jackson-databind, jackson-modules-java8 2.16.0, the version Confluent
// Platform 7.9 ships) running kafka-rest v7.9.0's ProduceRequest classes
// with KafkaRestApplication's ObjectMapper through a MappingIterator, as
// JsonStreamMessageBodyReader reads the body.

const (
	jBuilder = "io.confluent.kafkarest.entities.v3.ProduceRequest$Builder"
	jData    = "io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestData"
	jHeader  = "io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestHeader"
	jHeaders = "java.util.ArrayList<" + jHeader + ">"
	jFormat  = "io.confluent.kafkarest.entities.EmbeddedFormat"
	jNoPad   = "Unexpected end of base64-encoded String: base64 variant 'MIME-NO-LINEFEEDS' expects padding (one or more '=' characters) at the end. This Base64Variant might have been incorrectly configured"
	jB64     = "Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): "
)

// streamThenGood posts body and then a good record as one v3 stream and
// returns the answers; the last must be the good record's success.
func (e *env) streamThenGood(t *testing.T, topic, body string) []map[string]any {
	t.Helper()
	full := body + "\n" + `{"value":{"type":"STRING","data":"after"}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/"+topic+"/records", "application/json", []byte(full))
	got := readStream(t, resp.body)
	if resp.status != http.StatusOK || len(got) < 2 {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	if last := got[len(got)-1]; last["error_code"] != float64(200) {
		t.Fatalf("the record after it: %v", last)
	}
	return got[:len(got)-1]
}

func TestAStreamedV3RecordJacksonCannotBindIsAnsweredWithJacksonsMessage(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	integer := func(from, token string) string {
		return "Cannot deserialize value of type `java.lang.Integer` from " + from + " value (token `JsonToken." + token + "`)"
	}
	for _, c := range []struct{ name, body, want string }{
		// partition_id: NumberDeserializers.IntegerDeserializer
		{"partition_id a string not an int", `{"partition_id":"x"}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"x\": not a valid `java.lang.Integer` value"},
		{"partition_id a string trimmed", `{"partition_id":" x "}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"x\": not a valid `java.lang.Integer` value"},
		{"partition_id a string of a fraction", `{"partition_id":"1.5"}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"1.5\": not a valid `java.lang.Integer` value"},
		{"partition_id a string past int", `{"partition_id":"3000000000"}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"3000000000\": Overflow: numeric value (3000000000) out of range of `java.lang.Integer` (-2147483648 -2147483647)"},
		{"partition_id an object", `{"partition_id":{"a":1}}`, integer("Object", "START_OBJECT")},
		{"partition_id an array", `{"partition_id":[1]}`, integer("Array", "START_ARRAY")},
		{"partition_id true", `{"partition_id":true}`, integer("Boolean", "VALUE_TRUE")},
		{"partition_id false", `{"partition_id":false}`, integer("Boolean", "VALUE_FALSE")},
		{"partition_id past int", `{"partition_id":3000000000}`, "Numeric value (3000000000) out of range of int (-2147483648 - 2147483647)"},
		{"partition_id below int", `{"partition_id":-3000000000}`, "Numeric value (-3000000000) out of range of int (-2147483648 - 2147483647)"},
		{"partition_id past long", `{"partition_id":99999999999999999999}`, "Numeric value (99999999999999999999) out of range of int (-2147483648 - 2147483647)"},
		{"partition_id a float past int", `{"partition_id":1e10}`, "Numeric value (1e10) out of range of int (-2147483648 - 2147483647)"},
		// timestamp: jsr310 InstantDeserializer, DateTimeFormatter.ISO_INSTANT
		{"timestamp not a date", `{"timestamp":"x"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"x\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text 'x' could not be parsed at index 0"},
		{"timestamp a date without time", `{"timestamp":"2021-02-05"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-02-05\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-02-05' could not be parsed at index 10"},
		{"timestamp without offset", `{"timestamp":"2021-02-05T19:14:42"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-02-05T19:14:42\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-02-05T19:14:42' could not be parsed at index 19"},
		{"timestamp without seconds", `{"timestamp":"2021-02-05T19:14Z"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-02-05T19:14Z\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-02-05T19:14Z' could not be parsed at index 16"},
		{"timestamp a one-digit month", `{"timestamp":"2021-2-05T19:14:42Z"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-2-05T19:14:42Z\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-2-05T19:14:42Z' could not be parsed at index 5"},
		{"timestamp with a space for T", `{"timestamp":"2021-02-05 19:14:42Z"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-02-05 19:14:42Z\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-02-05 19:14:42Z' could not be parsed at index 10"},
		{"timestamp month 13", `{"timestamp":"2021-13-05T19:14:42Z"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-13-05T19:14:42Z\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-13-05T19:14:42Z' could not be parsed at index 0"},
		{"timestamp February 30", `{"timestamp":"2021-02-30T19:14:42Z"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-02-30T19:14:42Z\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-02-30T19:14:42Z' could not be parsed at index 0"},
		{"timestamp with text after it", `{"timestamp":"2021-02-05T19:14:42Zx"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"2021-02-05T19:14:42Zx\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '2021-02-05T19:14:42Zx' could not be parsed, unparsed text found at index 20"},
		{"timestamp a negative number string", `{"timestamp":"-1"}`,
			"Cannot deserialize value of type `java.time.Instant` from String \"-1\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text '-1' could not be parsed at index 1"},
		{"timestamp true", `{"timestamp":true}`,
			"Unexpected token (VALUE_TRUE), expected one of [VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT] for java.time.Instant value"},
		{"timestamp an object", `{"timestamp":{}}`, "Cannot deserialize value of type `java.time.Instant` from Object value (token `JsonToken.START_OBJECT`)"},
		{"timestamp an array", `{"timestamp":[]}`, "Cannot deserialize value of type `java.time.Instant` from Array value (token `JsonToken.START_ARRAY`)"},
		{"timestamp past Instant", `{"timestamp":31556889864403200}`,
			"Instant exceeds minimum or maximum instant (through reference chain: " + jBuilder + "[\"timestamp\"])"},
		// headers: CollectionDeserializer, then ProduceRequestHeader's creator
		{"headers an object", `{"headers":{}}`, "Cannot deserialize value of type `" + jHeaders + "` from Object value (token `JsonToken.START_OBJECT`)"},
		{"headers a string", `{"headers":"x"}`, "Cannot deserialize value of type `" + jHeaders + "` from String value (token `JsonToken.VALUE_STRING`)"},
		{"headers a number", `{"headers":1}`, "Cannot deserialize value of type `" + jHeaders + "` from Integer value (token `JsonToken.VALUE_NUMBER_INT`)"},
		{"headers a float", `{"headers":1.5}`, "Cannot deserialize value of type `" + jHeaders + "` from Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)"},
		{"a header a string", `{"headers":["x"]}`,
			"Cannot construct instance of `" + jHeader + "` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')"},
		{"a header an empty string", `{"headers":[""]}`,
			"Cannot coerce empty String (\"\") to `" + jHeader + "` value (but could if coercion was enabled using `CoercionConfig`)"},
		{"a header a number", `{"headers":[1]}`,
			"Cannot construct instance of `" + jHeader + "` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (1)"},
		{"a header a long", `{"headers":[3000000000]}`,
			"Cannot construct instance of `" + jHeader + "` (although at least one Creator exists): no long/Long-argument constructor/factory method to deserialize from Number value (3000000000)"},
		{"a header a float", `{"headers":[1.5]}`,
			"Cannot construct instance of `" + jHeader + "` (although at least one Creator exists): no double/Double-argument constructor/factory method to deserialize from Number value (1.5)"},
		{"a header a boolean", `{"headers":[true]}`,
			"Cannot construct instance of `" + jHeader + "` (although at least one Creator exists): no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (true)"},
		{"a header an array", `{"headers":[[]]}`, "Cannot deserialize value of type `" + jHeader + "` from Array value (token `JsonToken.START_ARRAY`)"},
		{"a header null", `{"headers":[{"name":"a"},null,null]}`, "Cannot construct instance of `" + jBuilder + "`, problem: at index 1"},
		{"a header without a name", `{"headers":[{"value":"AA=="}]}`, "Cannot construct instance of `" + jHeader + "`, problem: Null name"},
		{"a header name an object", `{"headers":[{"name":{},"value":"AA=="}]}`, "Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)"},
		{"a header with an unknown member", `{"headers":[{"value":"AA==","bogus":1,"name":"h"}]}`,
			`Unrecognized field "bogus" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest_ProduceRequestHeader), not marked as ignorable (one known property: "name"])`},
		{"a header value with an illegal character", `{"headers":[{"name":"h","value":"AAAA!AAA"}]}`,
			"Cannot deserialize value of type `byte[]` from String \"AAA\": " + jB64 + "Illegal character '!' (code 0x21) in base64 content"},
		{"a header value with an escaped illegal character", `{"headers":[{"name":"h","value":"AA\u00e9A"}]}`,
			"Cannot deserialize value of type `byte[]` from String \"A\": " + jB64 + "Illegal character 'é' (code 0xe9) in base64 content"},
		{"a header value with a space inside a unit", `{"headers":[{"name":"h","value":"AA AA"}]}`,
			"Cannot deserialize value of type `byte[]` from String \"AA\": " + jB64 + "Illegal white space character (code 0x20) as character #3 of 4-char base64 unit: can only used between units"},
		{"a header value with early padding", `{"headers":[{"name":"h","value":"=AAA"}]}`,
			"Cannot deserialize value of type `byte[]` from String \"AAA\": " + jB64 + "Unexpected padding character ('=') as character #1 of 4-char base64 unit: padding only legal as 3rd or 4th character"},
		{"a header value with a character after padding", `{"headers":[{"name":"h","value":"AA=A"}]}`,
			"Cannot deserialize value of type `byte[]` from String \"\": " + jB64 + "Illegal character 'A' (code 0x41) in base64 content"},
		{"a header value without padding", `{"headers":[{"name":"h","value":"AAA"}]}`, "Cannot deserialize value of type `byte[]` from String \"\": " + jNoPad},
		{"a header value a number", `{"headers":[{"name":"h","value":1}]}`, "Cannot deserialize value of type `[B` from Integer value (token `JsonToken.VALUE_NUMBER_INT`)"},
		{"a header value an object", `{"headers":[{"name":"h","value":{}}]}`, "Cannot deserialize value of type `[B` from Object value (token `JsonToken.START_OBJECT`)"},
		{"a header value a byte out of range", `{"headers":[{"name":"h","value":[300]}]}`, "Numeric value (300) out of range of Java byte"},
		// key and value: ProduceRequestData's creator
		{"key a string", `{"key":"x"}`,
			"Cannot construct instance of `" + jData + "` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')"},
		{"key an empty string", `{"key":""}`,
			"Cannot coerce empty String (\"\") to `" + jData + "` value (but could if coercion was enabled using `CoercionConfig`)"},
		{"key a number", `{"key":1}`,
			"Cannot construct instance of `" + jData + "` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (1)"},
		{"key a big integer", `{"key":99999999999999999999}`,
			"Cannot construct instance of `" + jData + "` (although at least one Creator exists): no BigInteger-argument constructor/factory method to deserialize from Number value (99999999999999999999)"},
		{"key a float in exponent form", `{"key":1e2}`,
			"Cannot construct instance of `" + jData + "` (although at least one Creator exists): no double/Double-argument constructor/factory method to deserialize from Number value (100.0)"},
		{"key false", `{"key":false}`,
			"Cannot construct instance of `" + jData + "` (although at least one Creator exists): no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (false)"},
		{"value an array", `{"value":[1]}`, "Cannot deserialize value of type `" + jData + "` from Array value (token `JsonToken.START_ARRAY`)"},
		{"value without data", `{"value":{"type":"STRING"}}`, "Cannot construct instance of `" + jData + "`, problem: Null data"},
		{"type not a format", `{"value":{"type":"FOO","data":1}}`,
			"Cannot deserialize value of type `" + jFormat + "` from String \"FOO\": not one of the values accepted for Enum class: [BINARY, AVRO, JSON, JSONSCHEMA, PROTOBUF, STRING]"},
		{"type in lower case", `{"value":{"type":"binary","data":"AA=="}}`,
			"Cannot deserialize value of type `" + jFormat + "` from String \"binary\": not one of the values accepted for Enum class: [BINARY, AVRO, JSON, JSONSCHEMA, PROTOBUF, STRING]"},
		{"type empty", `{"value":{"type":"","data":1}}`,
			"Cannot coerce empty String (\"\") to `" + jFormat + "` value (but could if coercion was enabled using `CoercionConfig`)"},
		{"type an index past the formats", `{"value":{"type":6,"data":1}}`,
			"Cannot deserialize value of type `" + jFormat + "` from number 6: index value outside legal index range [0..5]"},
		{"type an object", `{"value":{"type":{},"data":1}}`, "Cannot deserialize value of type `" + jFormat + "` from Object value (token `JsonToken.START_OBJECT`)"},
		{"type a float", `{"value":{"type":1.5,"data":1}}`, "Cannot deserialize value of type `" + jFormat + "` from Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)"},
		{"subject_name_strategy not a strategy", `{"value":{"subject_name_strategy":"topic_name","data":1}}`,
			"Cannot deserialize value of type `io.confluent.kafkarest.entities.v3.ProduceRequest$EnumSubjectNameStrategy` from String \"topic_name\": not one of the values accepted for Enum class: [RECORD_NAME, TOPIC_NAME, TOPIC_RECORD_NAME]"},
		{"schema_id not an int", `{"value":{"schema_id":"x"}}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"x\": not a valid `java.lang.Integer` value"},
		{"schema an object", `{"value":{"schema":{}}}`, "Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)"},
		{"subject an array", `{"value":{"subject":[]}}`, "Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)"},
		{"an unknown member inside value", `{"key":{"type":"JSON","data":1,"extra":2}}`,
			`Unrecognized field "extra" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest_ProduceRequestData), not marked as ignorable (7 known properties: "schema", "subject_name_strategy", "schema_id", "type", "subject", "schema_version", "data"])`},
		{"an unknown member inside value before a missing data", `{"value":{"bogus":1}}`, "Cannot construct instance of `" + jData + "`, problem: Null data"},
		// ProduceRequestData.Builder.build's checkState
		{"subject and subject_name_strategy", `{"value":{"subject":"a","subject_name_strategy":"TOPIC_NAME","data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: Only one of 'subject_name_strategy' or 'subject' can be used."},
		{"schema_id and schema", `{"value":{"schema_id":1,"schema":"s","data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: Only one of 'schema_id', 'schema_version' or 'schema' can be used."},
		{"a schemaless type with schema_id", `{"value":{"type":"BINARY","schema_id":1,"data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: 'type=BINARY' cannot be used with 'schema_id'."},
		{"a schemaless type with subject_name_strategy", `{"value":{"type":"JSON","subject_name_strategy":"TOPIC_NAME","data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: 'type=JSON' cannot be used with 'subject_strategy'."},
		{"a schemaless type with schema", `{"value":{"type":"STRING","schema":"x","data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: 'type=STRING' cannot be used with 'schema'."},
		{"a schema type with schema_version", `{"value":{"type":"AVRO","schema_version":1,"data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: 'schema_version=1' cannot be used with 'serializer'."},
		{"a schema type without schema", `{"value":{"type":"PROTOBUF","data":1}}`,
			"Cannot construct instance of `" + jData + "`, problem: 'schema_version=latest' cannot be used with 'serializer'."},
		// ProduceRequest.Builder's setters are properties of their own
		{"partitionId a string not an int", `{"partitionId":"x"}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"x\": not a valid `java.lang.Integer` value"},
		{"originalSize not a long", `{"originalSize":"x"}`, "Cannot deserialize value of type `long` from String \"x\": not a valid `long` value"},
		{"originalSize an object", `{"originalSize":{}}`, "Cannot deserialize value of type `long` from Object value (token `JsonToken.START_OBJECT`)"},
		// the record itself
		{"a record an array", `[1]`, "Cannot deserialize value of type `" + jBuilder + "` from Array value (token `JsonToken.START_ARRAY`)"},
		{"a record a string", `"x"`,
			"Cannot construct instance of `" + jBuilder + "` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')"},
		{"a record a number", `1`,
			"Cannot construct instance of `" + jBuilder + "` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (1)"},
		{"a record true", `true`,
			"Cannot construct instance of `" + jBuilder + "` (although at least one Creator exists): no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (true)"},
		// Jackson reports a member ProduceRequest lacks only once the rest
		// of the record has been bound and built
		{"a mistyped member after an unknown one", `{"bogus":1,"partition_id":"x"}`,
			"Cannot deserialize value of type `java.lang.Integer` from String \"x\": not a valid `java.lang.Integer` value"},
		{"a null header after an unknown member", `{"bogus":1,"headers":[null]}`, "Cannot construct instance of `" + jBuilder + "`, problem: at index 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.endOffsets("t")
			got := e.streamThenGood(t, "t", c.body)
			if len(got) != 1 || len(got[0]) != 2 || got[0]["error_code"] != float64(400) || got[0]["message"] != c.want {
				t.Errorf("%s:\n got %v\nwant 400 %s", c.body, got, c.want)
			}
			if after := e.endOffsets("t"); after[0] != before[0]+1 {
				t.Errorf("%s wrote a record: %v -> %v", c.body, before, after)
			}
		})
	}
}

// A null record makes ProduceRequest.Deserializer call setOriginalSize on
// the null builder Jackson reads for it; the NullPointerException falls to
// StreamingResponse's default mapper, rest-utils' KafkaExceptionMapper,
// whose GenericExceptionMapper answers 500 "Internal Server Error"
// (rest-utils v7.9.0 exceptions/GenericExceptionMapper.java,
// DebuggableExceptionMapper.createResponse without a config), and the
// stream goes on.
func TestANullStreamedV3RecordIsAnInternalServerErrorAndTheStreamGoesOn(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	got := e.streamThenGood(t, "t", `null`)
	if len(got) != 1 || got[0]["error_code"] != float64(500) || got[0]["message"] != "Internal Server Error" {
		t.Fatalf("%v", got)
	}
	if n := e.endOffsets("t")[0]; n != 1 {
		t.Fatalf("%d records written, want only the one after", n)
	}
}

// What Jackson coerces, kafka-rest takes: an Integer from a float
// (truncated, DeserializationFeature.ACCEPT_FLOAT_AS_INT) or from a
// string holding one, an Instant from a number of seconds
// (InstantDeserializer, READ_DATE_TIMESTAMPS_AS_NANOSECONDS) or from a
// string holding one, an enum from its index, a byte[] from an array of
// numbers (PrimitiveArrayDeserializers.ByteDeser), a String from any
// scalar. Observed with the same Jackson 2.16.0 and kafka-rest v7.9.0
// classes. (Timestamps are in the future: franz-go times a record out
// from its timestamp.)
func TestAStreamedV3RecordIsBoundWithJacksonsCoercions(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 3)
	for _, c := range []struct {
		name, body string
		partition  int32
		ts         time.Time
		header     string
		value      string
	}{
		{name: "partition_id a float", body: `{"partition_id":1.5,"value":{"type":"STRING","data":"v"}}`, partition: 1},
		{name: "partition_id a string", body: `{"partition_id":" 2","value":{"type":"STRING","data":"v"}}`, partition: 2},
		{name: "partition_id an empty string is none", body: `{"partition_id":"","value":{"type":"STRING","data":"v"}}`, partition: -1},
		{name: "timestamp seconds", body: `{"partition_id":0,"timestamp":4102444800,"value":{"type":"STRING","data":"v"}}`, ts: time.Unix(4102444800, 0)},
		{name: "timestamp fractional seconds", body: `{"partition_id":0,"timestamp":4102444800.5,"value":{"type":"STRING","data":"v"}}`, ts: time.Unix(4102444800, 500_000_000)},
		{name: "timestamp seconds in a string", body: `{"partition_id":0,"timestamp":"4102444800.25","value":{"type":"STRING","data":"v"}}`, ts: time.Unix(4102444800, 250_000_000)},
		{name: "timestamp with an offset", body: `{"partition_id":0,"timestamp":"2100-02-05T19:14:42+01:00","value":{"type":"STRING","data":"v"}}`, ts: time.Date(2100, 2, 5, 18, 14, 42, 0, time.UTC)},
		{name: "timestamp in lower case", body: `{"partition_id":0,"timestamp":"2100-02-05t19:14:42.5z","value":{"type":"STRING","data":"v"}}`, ts: time.Date(2100, 2, 5, 19, 14, 42, 500_000_000, time.UTC)},
		{name: "timestamp at 24:00", body: `{"partition_id":0,"timestamp":"2100-02-05T24:00:00Z","value":{"type":"STRING","data":"v"}}`, ts: time.Date(2100, 2, 6, 0, 0, 0, 0, time.UTC)},
		{name: "a header value as numbers", body: `{"partition_id":0,"headers":[{"name":"h","value":[104,255,-1]}],"value":{"type":"STRING","data":"v"}}`, header: "h\xff\xff"},
		{name: "a header value with spaces between units", body: `{"partition_id":0,"headers":[{"name":"h","value":"aGk= aGk="}],"value":{"type":"STRING","data":"v"}}`, header: "hihi"},
		{name: "a header name a number", body: `{"partition_id":0,"headers":[{"name":1.50,"value":"aGk="}],"value":{"type":"STRING","data":"v"}}`, header: "hi"},
		{name: "partitionId, the builder's setter, set after partition_id", body: `{"partitionId":2,"partition_id":1,"value":{"type":"STRING","data":"v"}}`, partition: 2},
		{name: "originalSize taken and ignored", body: `{"partition_id":0,"originalSize":"5","value":{"type":"STRING","data":"ignored size"}}`, value: "ignored size"},
		{name: "type an index", body: `{"partition_id":0,"value":{"type":2,"data":"idx"}}`, value: "idx"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := e.streamThenGood(t, "t", c.body)
			if len(got) != 1 || got[0]["error_code"] != float64(200) {
				t.Fatalf("%s: %v", c.body, got)
			}
			p := int32(got[0]["partition_id"].(float64))
			if c.partition >= 0 && p != c.partition {
				t.Errorf("partition %d, want %d", p, c.partition)
			}
			rec := e.recordAt("t", p, int64(got[0]["offset"].(float64)))
			if !c.ts.IsZero() && !rec.Timestamp.Equal(c.ts) {
				t.Errorf("timestamp %v, want %v", rec.Timestamp.UTC(), c.ts.UTC())
			}
			if c.header != "" && (len(rec.Headers) != 1 || string(rec.Headers[0].Value) != c.header) {
				t.Errorf("headers %v, want one of value %q", rec.Headers, c.header)
			}
			if c.value != "" && string(rec.Value) != c.value {
				t.Errorf("value %q, want %q", rec.Value, c.value)
			}
		})
	}
}

// recordAt reads the record at one offset of one partition.
func (e *env) recordAt(topic string, partition int32, offset int64) *kgo.Record {
	e.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {partition: kgo.NewOffset().At(offset)}}))
	if err != nil {
		e.t.Fatalf("new consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			e.t.Fatalf("read %s/%d@%d: %v", topic, partition, offset, err)
		}
		for _, r := range fs.Records() {
			if r.Offset == offset {
				return r
			}
		}
	}
}

// Jackson quotes an unknown member's name as written, escapes and all
// decoded, without escaping it again (UnrecognizedPropertyException.from).
func TestAnUnknownMemberOfAStreamedV3RecordIsNamedAsWritten(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	got := e.streamThenGood(t, "t", `{"a\"b\u00e9":1}`)
	want := `Unrecognized field "a"bé" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest$Builder), ` +
		`not marked as ignorable (6 known properties: "value", "originalSize", "partitionId", "headers", "key", "timestamp"])`
	if len(got) != 1 || got[0]["message"] != want {
		t.Fatalf("%v", got)
	}
}

// jackson-databind 2.16's EnumDeserializer._fromString looks a name up as
// written, then trimmed (String.trim: every character up to U+0020 off
// both ends), and words a refusal with the trimmed name; a blank name is
// refused as the empty one. The answers are the oracle's (Jackson 2.16.0
// binding kafka-rest v7.9.0's ProduceRequestData stand-in, EmbeddedFormat
// in its declared order).
func TestAStreamedV3RecordsTypeIsLookedUpTrimmedAsJacksonDoes(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	const notOne = "Cannot deserialize value of type `io.confluent.kafkarest.entities.EmbeddedFormat` from String \"%s\": not one of the values accepted for Enum class: [BINARY, AVRO, JSON, JSONSCHEMA, PROTOBUF, STRING]"
	for _, c := range []struct{ typ, want string }{
		{` JSON`, producedOK},
		{`JSON `, producedOK},
		{` 1 `, producedOK}, // the index of JSON
		{`\u0001JSON`, producedOK},
		{`  `, "Cannot coerce empty String (\"\") to `io.confluent.kafkarest.entities.EmbeddedFormat` value (but could if coercion was enabled using `CoercionConfig`)"},
		{`\tJS `, fmt.Sprintf(notOne, "JS")},
		{` 9 `, fmt.Sprintf(notOne, "9")},
	} {
		got := e.streamAnswers("t", `{"value":{"type":"`+c.typ+`","data":1}}`)
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q: %q, want %q", c.typ, got, c.want)
		}
	}
}

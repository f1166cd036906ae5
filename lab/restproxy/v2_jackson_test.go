package restproxy

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A v2 produce body or a records:batch body that Jackson cannot bind.
// kafka-rest 7.9 reads both as one entity through rest-utils'
// JacksonMessageBodyProvider (kafka-rest v7.9.0
// resources/v2/ProduceToTopicAction.java takes @Valid @NotNull
// ProduceRequest, resources/v3/ProduceBatchAction.java @Valid
// ProduceBatchRequest). Two mappers for JsonMappingException are
// registered: rest-utils v7.9.0 Application.registerJsonProvider adds its
// own (core/.../exceptions/JsonMappingExceptionMapper.java, @Priority(1)),
// and KafkaRestApplication.registerExceptionMappers adds
// jackson-jaxrs-base's (no @Priority, so Priorities.USER). Jersey 2.36
// (core-common ExceptionMapperFactory.find, Providers.getAllServiceHolders)
// sorts custom mappers by priority and keeps the first of two at the same
// distance, so rest-utils' answers: 400, an ErrorMessage
// {"error_code":400,"message"} in the resource's media type, the message
// Jackson's getOriginalMessage() (no location, no reference chain) with its
// first back-quoted class name cut to what follows the last dot and then
// the last dollar sign. The texts below were derived from the sources
// named on each case and then checked by running jackson-core,
// jackson-databind, jackson-datatype-jdk8, -jsr310 and -guava 2.16.0 with
// KafkaRestApplication.getJsonMapper's ObjectMapper, reading each body
// as jackson-jaxrs-base's ProviderBase.readFrom does, into stand-ins of
// kafka-rest v7.9.0's entities (the AutoValue classes written out as
// AutoValue generates them), and putting the refusal through rest-utils'
// sanitising.

// mappingRefusal is one body and the message rest-utils answers it with.
type mappingRefusal struct{ name, body, want string }

func (e *env) wantMappingRefusal(resp response, c mappingRefusal, contentType string) {
	e.t.Helper()
	var got map[string]any
	if err := json.Unmarshal(resp.body, &got); err != nil || resp.status != http.StatusBadRequest ||
		resp.contentType != contentType || len(got) != 2 || got["error_code"] != float64(400) || got["message"] != c.want {
		e.t.Errorf("%s: %d %s %s\nwant 400 %s %q", c.name, resp.status, resp.contentType, resp.body, contentType, c.want)
	}
}

const (
	sanInteger = "Cannot deserialize value of type `Integer` from "
	sanString  = "Cannot deserialize value of type `String` from "
)

// entities/v2/ProduceRequest.java: a static @JsonCreator (List of
// ProduceRecord, Integer, String, Integer, String) building an AutoValue
// class; ProduceRecord likewise (Integer, JsonNode, JsonNode).
var v2MappingRefusals = []mappingRefusal{
	// Integer members: NumberDeserializers.IntegerDeserializer
	{"key_schema_id a word", `{"key_schema_id":"x","records":[{"value":1}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"value_schema_id an object", `{"value_schema_id":{"a":1},"records":[{"value":1}]}`,
		sanInteger + "Object value (token `JsonToken.START_OBJECT`)"},
	{"key_schema_id true", `{"key_schema_id":true,"records":[{"value":1}]}`,
		sanInteger + "Boolean value (token `JsonToken.VALUE_TRUE`)"},
	{"value_schema_id past int", `{"value_schema_id":3000000000,"records":[{"value":1}]}`,
		"Numeric value (3000000000) out of range of int (-2147483648 - 2147483647)"},
	// String members: StringDeserializer takes scalars as text, not
	// objects or arrays (StdDeserializer._deserializeFromArray)
	{"key_schema an object", `{"key_schema":{},"records":[{"value":1}]}`,
		sanString + "Object value (token `JsonToken.START_OBJECT`)"},
	{"value_schema an array", `{"value_schema":[],"records":[{"value":1}]}`,
		sanString + "Array value (token `JsonToken.START_ARRAY`)"},
	// records: CollectionDeserializer.handleNonArray names the container
	// type, java.util.ArrayList<...ProduceRequest$ProduceRecord>, whose
	// last dot and dollar leave "ProduceRecord>"
	{"records an object", `{"records":{"value":1}}`,
		"Cannot deserialize value of type `ProduceRecord>` from Object value (token `JsonToken.START_OBJECT`)"},
	{"records a string", `{"records":"x"}`,
		"Cannot deserialize value of type `ProduceRecord>` from String value (token `JsonToken.VALUE_STRING`)"},
	// a record that is not an object (BeanDeserializerBase.deserializeFromString
	// and friends)
	{"a record a number", `{"records":[1]}`,
		"Cannot construct instance of `ProduceRecord` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (1)"},
	{"a record a string", `{"records":["x"]}`,
		"Cannot construct instance of `ProduceRecord` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')"},
	{"a record an array", `{"records":[[]]}`,
		"Cannot deserialize value of type `ProduceRecord` from Array value (token `JsonToken.START_ARRAY`)"},
	// a null record is kept by CollectionDeserializer; ProduceRequest.create's
	// ImmutableList.copyOf throws, and StdValueInstantiator wraps it
	{"a null record", `{"records":[{"value":1},null]}`,
		"Cannot construct instance of `ProduceRequest`, problem: at index 1"},
	{"a record's partition a word", `{"records":[{"partition":"x","value":1}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a record's partition an array", `{"records":[{"value":1,"partition":[0]}]}`,
		sanInteger + "Array value (token `JsonToken.START_ARRAY`)"},
	// the body itself
	{"the body an array", `[{"records":[{"value":1}]}]`,
		"Cannot deserialize value of type `ProduceRequest` from Array value (token `JsonToken.START_ARRAY`)"},
	{"the body a string", `"x"`,
		"Cannot construct instance of `ProduceRequest` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')"},
	{"the body a number", `1`,
		"Cannot construct instance of `ProduceRequest` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (1)"},
	// BeanDeserializer._deserializeUsingPropertyBased buffers a member the
	// creator lacks and reports it only once the object is built: a
	// mistyped member after it is the answer
	{"an unknown member then a mistyped one", `{"bogus":1,"key_schema_id":"x","records":[{"value":1}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"an unknown record member then a mistyped one", `{"records":[{"bogus":1,"partition":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"an unknown member then a null record", `{"bogus":1,"records":[null]}`,
		"Cannot construct instance of `ProduceRequest`, problem: at index 0"},
	// once every creator member is read the AutoValue class's
	// deserializer binds the rest through its fields
	{"a null record after the request is built", `{"records":[{"value":1}],"key_schema_id":1,"key_schema":"a","value_schema_id":1,"value_schema":"b","records":[null]}`,
		"(was java.lang.NullPointerException)"},
	{"a mistyped member after the request is built", `{"records":[{"value":1}],"key_schema_id":1,"key_schema":"a","value_schema_id":1,"value_schema":"b","key_schema_id":"x"}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
}

func TestAV2ProduceBodyJacksonCannotBindIsAnsweredWithRestUtilsMappingError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	for _, c := range v2MappingRefusals {
		e.wantMappingRefusal(e.post("t", ctJSON, c.body), c, mediaTypeV2)
	}
	e.assertUnchanged("t", before)
}

func TestEveryV2EmbeddedFormatRefusesAMistypedMemberBeforeItsOwnChecks(t *testing.T) {
	// every format binds the same ProduceRequest before looking at a
	// schema or a record's data
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	c := mappingRefusal{"partition a word", `{"records":[{"value":"not base64 !","partition":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"}
	for _, ct := range []string{ctBinary, ctJSON, ctAvro, ctJSONSchema, ctProtobuf} {
		e.wantMappingRefusal(e.post("t", ct, c.body), mappingRefusal{ct, c.body, c.want}, mediaTypeV2)
	}
	e.wantMappingRefusal(e.do(http.MethodPost, "/topics/t/partitions/0", ctJSON, []byte(c.body)), c, mediaTypeV2)
	e.assertUnchanged("t", before)
}

func TestAV2ProduceUnknownMemberIsReportedOnceItsObjectIsBuilt(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	// the record holding it is built, and refused, before the next one is read
	e.wantUnrecognized(e.post("t", ctJSON, `{"records":[{"bogus":1},{"partition":"x"}]}`), "bogus")
	// a record with all three creator members is built at the last, so a
	// member after it is refused there
	e.wantUnrecognized(e.post("t", ctJSON, `{"records":[{"partition":0,"key":1,"value":2,"bogus":1,"partition":"x"}]}`), "bogus")
}

// records:batch (entities/v3/ProduceBatchRequest.java, a static
// @JsonCreator taking a List of ProduceBatchRequestEntry;
// ProduceBatchRequestEntry.java read by its Deserializer as a
// ProduceBatchRequestEntry.Builder through the Builder's @JsonCreator,
// the same members as a streamed v3 record's plus a JsonNode id).
var batchMappingRefusals = []mappingRefusal{
	{"entries an object", `{"entries":{}}`,
		"Cannot deserialize value of type `ProduceBatchRequestEntry>` from Object value (token `JsonToken.START_OBJECT`)"},
	{"an entry a string", `{"entries":["x"]}`,
		"Cannot construct instance of `Builder` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')"},
	{"a null entry", `{"entries":[{"id":"a"},null]}`,
		"Cannot construct instance of `ProduceBatchRequest`, problem: at index 1"},
	{"an entry without id", `{"entries":[{"value":{"type":"JSON","data":1}}]}`,
		"Cannot construct instance of `Builder`, problem: Null id"},
	{"partition_id a word", `{"entries":[{"id":"a","partition_id":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"timestamp not a date", `{"entries":[{"id":"a","timestamp":"x"}]}`,
		"Cannot deserialize value of type `Instant` from String \"x\": Failed to deserialize java.time.Instant: (java.time.format.DateTimeParseException) Text 'x' could not be parsed at index 0"},
	{"a value's type unknown", `{"entries":[{"id":"a","value":{"type":"NOPE","data":1}}]}`,
		"Cannot deserialize value of type `EmbeddedFormat` from String \"NOPE\": not one of the values accepted for Enum class: [BINARY, AVRO, JSON, JSONSCHEMA, PROTOBUF, STRING]"},
	{"a value without data", `{"entries":[{"id":"a","value":{"type":"JSON"}}]}`,
		"Cannot construct instance of `ProduceRequestData`, problem: Null data"},
	{"a header without name", `{"entries":[{"id":"a","headers":[{"value":"AA=="}]}]}`,
		"Cannot construct instance of `ProduceRequestHeader`, problem: Null name"},
	{"a null header", `{"entries":[{"id":"a","headers":[null]}]}`,
		"Cannot construct instance of `Builder`, problem: at index 0"},
	{"headers an object", `{"entries":[{"id":"a","headers":{}}]}`,
		"Cannot deserialize value of type `ProduceRequestHeader>` from Object value (token `JsonToken.START_OBJECT`)"},
	{"an unknown entry member then a mistyped one", `{"entries":[{"id":"a","bogus":1,"partition_id":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"an unknown member then a mistyped entry", `{"bogus":1,"entries":[{"id":"a","partition_id":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"the body an array", `[]`,
		"Cannot deserialize value of type `ProduceBatchRequest` from Array value (token `JsonToken.START_ARRAY`)"},
	// an entry with all six creator members is built at the last; the
	// AutoValue builder's setters take what follows
	{"partitionId after the entry is built", `{"entries":[{"id":"a","partition_id":1,"headers":[],"key":null,"value":null,"timestamp":null,"partitionId":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"a null header after the entry is built", `{"entries":[{"id":"a","partition_id":1,"headers":[],"key":null,"value":null,"timestamp":null,"headers":[null]}]}`,
		"at index 0"},
	{"a null entry after the request is built", `{"entries":[{"id":"a"}],"entries":[null]}`,
		"(was java.lang.NullPointerException)"},
	{"a mistyped entry after the request is built", `{"entries":[{"id":"a"}],"entries":[{"id":"b","partition_id":"x"}]}`,
		sanInteger + "String \"x\": not a valid `java.lang.Integer` value"},
	{"originalSize after the entry is built", `{"entries":[{"id":"a","partition_id":1,"headers":[],"key":null,"value":null,"timestamp":null,"originalSize":"x"}]}`,
		"Cannot deserialize value of type `long` from String \"x\": not a valid `long` value"},
}

func TestARecordsBatchBodyJacksonCannotBindIsAnsweredWithRestUtilsMappingError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	url := "/v3/clusters/" + e.clusterID() + "/topics/t/records:batch"
	for _, c := range batchMappingRefusals {
		e.wantMappingRefusal(e.do(http.MethodPost, url, "application/json", []byte(c.body)), c, mediaTypeJSON)
	}
	e.assertUnchanged("t", before)
}

func TestARecordsBatchUnknownMemberIsUnprocessable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	url := "/v3/clusters/" + e.clusterID() + "/topics/t/records:batch"
	post := func(body string) response { return e.do(http.MethodPost, url, "application/json", []byte(body)) }
	e.wantUnrecognized(post(`{"entries":[{"id":"a","bogus":1,"value":{"type":"JSON","data":1}}]}`), "bogus")
	e.wantUnrecognized(post(`{"entries":[{"id":"a","value":{"type":"JSON","data":1,"bogus":1}}]}`), "bogus")
	e.wantUnrecognized(post(`{"entries":[{"id":"a","headers":[{"name":"h","bogus":1}]}]}`), "bogus")
	// ProduceBatchRequest is built once "entries" is read
	e.wantUnrecognized(post(`{"entries":[{"id":"a","value":{"type":"JSON","data":1}}],"bogus":1}`), "bogus")
	// an entry is built once its six creator members are read: an unknown
	// member kept until then is refused there, and the AutoValue builder
	// that takes the members after it knows no partition_id
	full := `"id":"a","partition_id":1,"headers":[],"key":null,"value":null,"timestamp":null`
	e.wantUnrecognized(post(`{"entries":[{"bogus":1,`+full+`,"partition_id":"x"}]}`), "bogus")
	e.wantUnrecognized(post(`{"entries":[{`+full+`,"partition_id":"x"}]}`), "partition_id")
	e.wantUnrecognized(post(`{"entries":[{`+full+`,"bogus":1,"partition_id":"x"}]}`), "bogus")
	e.assertUnchanged("t", before)
}

// ProduceBatchRequestEntry.Deserializer builds each entry as soon as it
// is read (Builder.build), refusing an id that is not a string of 1 to 80
// characters matching [0-9a-zA-Z-_]+ with Errors.produceBatchException,
// a RestConstraintViolationException (422/42208), before the next entry
// is read.
func TestARecordsBatchEntryIdIsCheckedAsTheEntryIsBuilt(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	url := "/v3/clusters/" + e.clusterID() + "/topics/t/records:batch"
	post := func(body string) response { return e.do(http.MethodPost, url, "application/json", []byte(body)) }
	const invalid = "Batch entry identifier is not a valid string."
	for _, body := range []string{
		`{"entries":[{"id":"a b","value":{"type":"JSON","data":1}}]}`,
		`{"entries":[{"id":"a.b","value":{"type":"JSON","data":1}}]}`,
		`{"entries":[{"id":null,"value":{"type":"JSON","data":1}}]}`,
		`{"entries":[{"id":""}]}`,
		`{"entries":[{"id":"` + strings.Repeat("a", 81) + `"}]}`,
		// the first entry is refused before the second is read
		`{"entries":[{"id":1},{"id":"b","partition_id":"x"}]}`,
	} {
		e.wantError(post(body), http.StatusUnprocessableEntity, 42208, invalid)
	}
	if resp := post(`{"entries":[{"id":"` + strings.Repeat("a", 80) + `","value":{"type":"JSON","data":1}},{"id":"Z-_9","value":{"type":"JSON","data":2}}]}`); resp.status != http.StatusMultiStatus ||
		!strings.Contains(string(resp.body), `"failures":[]`) {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
}

// A streamed v3 record is bound through the same builder
// (ProduceRequest.Deserializer reads a ProduceRequest.Builder): once its
// five creator members are read the builder is built, and the AutoValue
// builder's deserializer, which knows only its setters, takes the rest.
func TestAStreamedV3RecordWithEveryCreatorMemberTakesTheRestThroughTheBuildersSetters(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	full := `"partition_id":0,"headers":[],"key":null,"value":{"type":"STRING","data":"x"},"timestamp":null`
	unknown := func(name string) string {
		return `Unrecognized field "` + name + `" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest$Builder), ` +
			`not marked as ignorable (6 known properties: "value", "originalSize", "partitionId", "headers", "key", "timestamp"])`
	}
	for _, c := range []struct{ name, body, want string }{
		{"partition_id again", `{` + full + `,"partition_id":"x"}`, unknown("partition_id")},
		{"an unknown member before the last creator member", `{"bogus":1,` + full + `,"partitionId":"x"}`, unknown("bogus")},
		{"a null header through setHeaders", `{` + full + `,"headers":[null]}`, "at index 0"},
	} {
		got := e.streamThenGood(t, "t", c.body)
		if len(got) != 1 || got[0]["error_code"] != float64(400) || got[0]["message"] != c.want {
			t.Errorf("%s: %v, want %q", c.name, got, c.want)
		}
	}
}

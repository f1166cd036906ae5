package restproxy

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// Request bodies nested deeper than Jackson reads. kafka-rest 7.9 reads
// them with an ObjectMapper whose StreamReadConstraints keep jackson-core
// 2.16's default nesting depth, 1000 (kafka-rest v7.9.0
// KafkaRestApplication.getJsonMapper only lifts maxStringLength;
// jackson-core jackson-core-2.16.0 StreamReadConstraints.DEFAULT_MAX_DEPTH,
// ParserBase.createChildArrayContext). The parser refuses the array or
// object that opens level 1001, counted from the body's root, with a
// StreamConstraintsException.

// nestedArrays is n arrays, each the only member of the one around it.
func nestedArrays(n int) string {
	return strings.Repeat("[", n) + strings.Repeat("]", n)
}

// v2DeepBody is a v2 produce body nested depth levels: the body object,
// "records", the record object, and depth-3 arrays as the record's value.
func v2DeepBody(depth int, schemaField string) string {
	return `{` + schemaField + `"records":[{"value":` + nestedArrays(depth-3) + `}]}`
}

// The refusal reaches the client through rest-utils' JsonMappingExceptionMapper:
// jackson-databind 2.16.0 BeanDeserializer._deserializeWithErrorWrapping
// wraps the StreamConstraintsException (a JsonProcessingException, so a
// JacksonException) into a JsonMappingException, and the mapper rest-utils
// v7.9.0 registers with @Priority(1) (core/.../exceptions/JsonMappingExceptionMapper.java,
// Application.registerJsonProvider) is picked before jackson-jaxrs-base's
// (Jersey 2.36 ExceptionMapperFactory.find, Providers.getAllServiceHolders
// sorting custom providers by priority). It answers 400 with the original
// message, whose back-quoted class name it cuts to the text after the last
// dot.
const v2TooDeepMessage = "Document nesting depth (1001) exceeds the maximum allowed (1000, from `getMaxNestingDepth()`)"

func TestV2ProduceRefusesABodyNestedPastJacksonsDepthWithTheMappingError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	before := e.endOffsets("deep")
	// Every embedded format reads the same ProduceRequest entity (kafka-rest
	// v7.9.0 entities/v2/ProduceRequest.java, value a JsonNode), so the
	// refusal comes before any format or schema check.
	for _, ct := range []string{ctBinary, ctJSON, ctAvro, ctJSONSchema, ctProtobuf} {
		resp := e.post("deep", ct, v2DeepBody(1001, ""))
		code, msg := resp.apiErr(t)
		if resp.status != http.StatusBadRequest || code != 400 || msg != v2TooDeepMessage {
			t.Errorf("%s: %d %s", ct, resp.status, resp.body)
		}
	}
	e.assertUnchanged("deep", before)
}

func TestV2ProduceToAPartitionRefusesABodyNestedPastJacksonsDepth(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	resp := e.do(http.MethodPost, "/topics/deep/partitions/0", ctJSON, []byte(v2DeepBody(1001, "")))
	if code, msg := resp.apiErr(t); resp.status != http.StatusBadRequest || code != 400 || msg != v2TooDeepMessage {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
}

func TestV2JSONProduceAcceptsABodyNestedToJacksonsDepth(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	resp := e.post("deep", ctJSON, v2DeepBody(1000, ""))
	if resp.status != http.StatusOK {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	if got := e.consume("deep", 1)[0].Value; string(got) != nestedArrays(997) {
		t.Fatalf("value written %.40q…", got)
	}
}

func TestV2JSONSchemaProduceAcceptsABodyNestedToJacksonsDepth(t *testing.T) {
	e := newRegistryEnv(t)
	e.createTopic("deep", 1)
	resp := e.post("deep", ctJSONSchema, v2DeepBody(1000, `"value_schema":"{\"type\":\"array\"}",`))
	if resp.status != http.StatusOK {
		t.Fatalf("%d %.300s", resp.status, resp.body)
	}
}

func TestV2ProduceTakesAMistypedFieldBeforeTheDepthJacksonNeverReaches(t *testing.T) {
	// key_schema is a String: Jackson's StringDeserializer refuses the
	// array that opens at level 2 and never reads further in, so the
	// answer is the mapping error a shallow array gets.
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	shallow := e.post("deep", ctJSON, `{"key_schema":[[]],"records":[{"value":1}]}`)
	deep := e.post("deep", ctJSON, `{"key_schema":`+nestedArrays(1000)+`,"records":[{"value":1}]}`)
	if deep.status != shallow.status || !bytes.Equal(deep.body, shallow.body) {
		t.Fatalf("deep %d %s, shallow %d %s", deep.status, deep.body, shallow.status, shallow.body)
	}
}

func TestV2ConsumerBodiesTakeTheMistypedFieldBeforeTheDepthJacksonNeverReaches(t *testing.T) {
	// No v2 consumer request entity has a field of free JSON (kafka-rest
	// v7.9.0 entities/v2/Consumer*Request.java): Jackson refuses a nested
	// array where a string or object belongs at the level it opens.
	e := newEnv(t, envOptions{})
	_, base := e.createConsumer("g", `{"name":"c1","format":"json"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	shallow := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":[[]]}`))
	deep := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":`+nestedArrays(1000)+`}`))
	if deep.status != shallow.status || !bytes.Equal(deep.body, shallow.body) {
		t.Fatalf("deep %d %s, shallow %d %s", deep.status, deep.body, shallow.status, shallow.body)
	}
}

// v3DeepRecord is a v3 produce record nested depth levels: the record
// object, "value", and depth-2 arrays as its JSON data.
func v3DeepRecord(depth int) string {
	return `{"value":{"type":"JSON","data":` + nestedArrays(depth-2) + `}}`
}

// The v3 record stream reads each record with MappingIterator.nextValue
// (kafka-rest v7.9.0 response/JsonStreamMessageBodyReader.java,
// JsonStream.java). The failure is wrapped with the path through
// ProduceRequest.Builder and ProduceRequestData (entities/v3/ProduceRequest.java;
// jackson-databind 2.16.0 JsonMappingException.wrapWithPath,
// Reference.getDescription), and StreamingResponse answers it in place of
// the record with jackson-jaxrs-base 2.16's JsonMappingExceptionMapper:
// 400 and the first line of getMessage(), which has no location line as
// StreamReadConstraints builds its exception without one. The iterator
// then skips to the end of that record (MappingIterator._resync) and the
// stream goes on.
const v3TooDeepMessage = "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)" +
	` (through reference chain: io.confluent.kafkarest.entities.v3.ProduceRequest$Builder["value"]->io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestData["data"])`

func TestV3ProduceAnswersARecordNestedPastJacksonsDepthAndGoesOn(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	body := `{"value":{"type":"STRING","data":"one"}}` + "\n" + v3DeepRecord(1001) + "\n" + `{"value":{"type":"STRING","data":"two"}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/deep/records", "application/json", []byte(body))
	if resp.status != http.StatusOK {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	got := readStream(t, resp.body)
	if len(got) != 3 || got[0]["offset"] != float64(0) || got[2]["offset"] != float64(1) {
		t.Fatalf("answers %s", resp.body)
	}
	if len(got[1]) != 2 || got[1]["error_code"] != float64(400) || got[1]["message"] != v3TooDeepMessage {
		t.Fatalf("deep record answered %v", got[1])
	}
}

func TestV3ProduceAnswersASingleRecordNestedPastJacksonsDepth(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	before := e.endOffsets("deep")
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/deep/records", "application/json", []byte(v3DeepRecord(1001)))
	got := readStream(t, resp.body)
	if resp.status != http.StatusOK || len(got) != 1 || got[0]["error_code"] != float64(400) || got[0]["message"] != v3TooDeepMessage {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	e.assertUnchanged("deep", before)
}

func TestV3ProduceAcceptsARecordNestedToJacksonsDepth(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/deep/records", "application/json", []byte(v3DeepRecord(1000)))
	got := readStream(t, resp.body)
	if resp.status != http.StatusOK || len(got) != 1 || got[0]["error_code"] != float64(200) {
		t.Fatalf("%d %.300s", resp.status, resp.body)
	}
	if v := e.consume("deep", 1)[0].Value; string(v) != nestedArrays(998) {
		t.Fatalf("value written %.40q…", v)
	}
}

func TestV3AdminBodiesTakeTheMistypedFieldBeforeTheDepthJacksonNeverReaches(t *testing.T) {
	// No v3 admin request entity has a field of free JSON (kafka-rest
	// v7.9.0 entities/v3/*Request.java other than the produce ones).
	e := newEnv(t, envOptions{})
	path := "/v3/clusters/" + e.clusterID() + "/topics"
	shallow := e.do(http.MethodPost, path, "application/json", []byte(`{"topic_name":[[]]}`))
	deep := e.do(http.MethodPost, path, "application/json", []byte(`{"topic_name":`+nestedArrays(1000)+`}`))
	if deep.status != shallow.status || !bytes.Equal(deep.body, shallow.body) {
		t.Fatalf("deep %d %s, shallow %d %s", deep.status, deep.body, shallow.status, shallow.body)
	}
}

func TestV3ProduceNamesTheKeyOfARecordNestedPastJacksonsDepth(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	body := `{"key":{"type":"JSON","data":` + nestedArrays(999) + `},"value":{"type":"STRING","data":"v"}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/deep/records", "application/json", []byte(body))
	got := readStream(t, resp.body)
	want := strings.Replace(v3TooDeepMessage, `Builder["value"]`, `Builder["key"]`, 1)
	if len(got) != 1 || got[0]["error_code"] != float64(400) || got[0]["message"] != want {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
}

func TestV3ProduceEndsTheStreamWhenTheRefusedRecordNestsFurther(t *testing.T) {
	// MappingIterator._resync skips the rest of the refused record token
	// by token, so the parser refuses the array opening inside it at level
	// 1002; hasNext throws, StreamingResponse's InputStreamingResponse
	// turns that into kafka-rest's BadRequestException ("Error processing
	// message: …"), V3ExceptionMapper answers it and the stream ends.
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	before := e.endOffsets("deep")
	body := `{"value":{"type":"JSON","data":` + nestedArrays(1000) + `}}` + "\n" + `{"value":{"type":"STRING","data":"after"}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/deep/records", "application/json", []byte(body))
	got := readStream(t, resp.body)
	if resp.status != http.StatusOK || len(got) != 2 || got[0]["message"] != v3TooDeepMessage {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	want := "Bad Request: Error processing message: Document nesting depth (1002) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
	if len(got[1]) != 2 || got[1]["error_code"] != float64(400) || got[1]["message"] != want {
		t.Fatalf("second answer %v", got[1])
	}
	e.assertUnchanged("deep", before)
}

// A records:batch body is one entity (kafka-rest v7.9.0
// resources/v3/ProduceBatchAction.java, @Valid ProduceBatchRequest), read
// by rest-utils' JacksonMessageBodyProvider like a v2 body; an entry's id
// is a JsonNode and its key and value data too
// (entities/v3/ProduceBatchRequestEntry.java).
func TestV3ProduceBatchRefusesAnEntryNestedPastJacksonsDepthWithTheMappingError(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	before := e.endOffsets("deep")
	url := "/v3/clusters/" + e.clusterID() + "/topics/deep/records:batch"
	for _, entry := range []string{
		`{"id":"a","value":{"type":"JSON","data":` + nestedArrays(997) + `}}`,
		`{"id":"a","key":{"type":"JSON","data":` + nestedArrays(997) + `}}`,
		`{"id":` + nestedArrays(998) + `}`,
	} {
		resp := e.do(http.MethodPost, url, "application/json", []byte(`{"entries":[`+entry+`]}`))
		if code, msg := resp.apiErr(t); resp.status != http.StatusBadRequest || code != 400 || msg != v2TooDeepMessage {
			t.Errorf("%.40s…: %d %s", entry, resp.status, resp.body)
		}
	}
	e.assertUnchanged("deep", before)
}

func TestV3ProduceBatchAcceptsAnEntryNestedToJacksonsDepth(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("deep", 1)
	url := "/v3/clusters/" + e.clusterID() + "/topics/deep/records:batch"
	resp := e.do(http.MethodPost, url, "application/json", []byte(`{"entries":[{"id":"a","value":{"type":"JSON","data":`+nestedArrays(996)+`}}]}`))
	if resp.status != http.StatusMultiStatus || !strings.Contains(string(resp.body), `"successes":[{"id":"a"`) {
		t.Fatalf("%d %.300s", resp.status, resp.body)
	}
}

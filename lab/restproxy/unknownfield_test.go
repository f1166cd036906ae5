package restproxy

import (
	"net/http"
	"testing"
)

// A field the request entity does not have. kafka-rest 7.9 reads every
// request entity but the streamed v3 produce through rest-utils'
// JacksonMessageBodyProvider, which turns Jackson's
// UnrecognizedPropertyException into a ConstraintViolationException
// "Unrecognized field: <name>" (rest-utils v7.9.0
// core/src/main/java/io/confluent/rest/validation/JacksonMessageBodyProvider.java
// readFrom); ConstraintViolationExceptionMapper answers it 422 with
// error_code 422 (core/.../exceptions/ConstraintViolationExceptionMapper.java,
// registered by kafka-rest's KafkaRestApplication.registerExceptionMappers).
// kafka-rest's own integration test pins it for records:batch
// (kafka-rest v7.9.0 ProduceBatchActionIntegrationTest
// produceWithInvalidData_throwsBadRequest).

func (e *env) wantUnrecognized(resp response, field string) {
	e.t.Helper()
	code, msg := resp.apiErr(e.t)
	if resp.status != http.StatusUnprocessableEntity || code != 422 || msg != "Unrecognized field: "+field {
		e.t.Errorf("%d %s, want 422 Unrecognized field: %s", resp.status, resp.body, field)
	}
}

func TestAnUnknownFieldOfAV2ProduceRequestIsUnprocessable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	before := e.endOffsets("t")
	e.wantUnrecognized(e.post("t", ctJSON, `{"records":[{"value":1}],"recordz":[]}`), "recordz")
	e.wantUnrecognized(e.post("t", ctJSON, `{"records":[{"value":1,"partitionz":0}]}`), "partitionz")
	e.wantUnrecognized(e.do(http.MethodPost, "/topics/t/partitions/0", ctJSON, []byte(`{"recordz":[]}`)), "recordz")
	e.assertUnchanged("t", before)
}

// Jackson reads a body in order and stops at the first member it cannot
// bind, but keeps a member the creator lacks until the object is built
// (jackson-databind 2.16.0 BeanDeserializer._deserializeUsingPropertyBased
// buffers it and reports it after creator.build): a mistyped field is the
// answer whether it comes before or after an unknown one in the same
// object (v2_jackson_test.go has the unknown-first cases).
func TestAV2ProduceRequestIsAnsweredForItsFirstProblemInBodyOrder(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	first := e.post("t", ctJSON, `{"key_schema_id":"x","bogus":1}`)
	typed := e.post("t", ctJSON, `{"key_schema_id":"x"}`)
	if first.status != http.StatusBadRequest || string(first.body) != string(typed.body) {
		t.Errorf("mistyped then unknown: %d %s, want the mistyped field's %d %s", first.status, first.body, typed.status, typed.body)
	}
	// two unknown fields: the first written
	e.wantUnrecognized(e.post("t", ctJSON, `{"zzz":1,"aaa":2,"mmm":3}`), "zzz")
}

func TestAnUnknownFieldOfAV2ConsumerRequestIsUnprocessable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.wantUnrecognized(e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{"name":"c1","formatz":"json"}`)), "formatz")
}

func TestAnUnknownFieldOfAV3AdminRequestIsUnprocessable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.wantUnrecognized(e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics", "application/json",
		[]byte(`{"topic_name":"t2","bogus":1}`)), "bogus")
}

func TestAnUnknownFieldOfAV3BatchProduceIsUnprocessable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	// the body of ProduceBatchActionIntegrationTest.produceWithInvalidData_throwsBadRequest
	e.wantUnrecognized(e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/t/records:batch", "application/json",
		[]byte(`{ "records": {"subject": "foobar" } }`)), "records")
}

// The streamed v3 produce reads records with a MappingIterator
// (JsonStreamMessageBodyReader), so Jackson's own message reaches the
// client, cut to its first line by jackson-jaxrs-base's
// JsonMappingExceptionMapper inside StreamingResponse, in a 400 answer
// for that record (kafka-rest v7.9.0 ProduceActionIntegrationTest
// produceWithInvalidData_throwsBadRequest pins the text). The failed
// future is answered and the loop goes on to the next record
// (StreamingResponse.resume, InputStreamingResponse.next).
func TestAnUnknownFieldOfAStreamedV3RecordIsAnsweredAndTheStreamGoesOn(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	body := `{ "records": {"subject": "foobar" } }` + "\n" + `{"value":{"type":"STRING","data":"after"}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/t/records", "application/json", []byte(body))
	got := readStream(t, resp.body)
	want := `Unrecognized field "records" (class io.confluent.kafkarest.entities.v3.AutoValue_ProduceRequest$Builder), ` +
		`not marked as ignorable (6 known properties: "value", "originalSize", "partitionId", "headers", "key", "timestamp"])`
	if resp.status != http.StatusOK || len(got) != 2 || len(got[0]) != 2 || got[0]["error_code"] != float64(400) || got[0]["message"] != want {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	if got[1]["error_code"] != float64(200) {
		t.Fatalf("the record after it: %v", got[1])
	}
	if v := e.consume("t", 1)[0].Value; string(v) != "after" {
		t.Fatalf("written %q", v)
	}
}

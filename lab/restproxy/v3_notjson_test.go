package restproxy

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// A streamed v3 produce body that is not JSON (kafka-rest v7.9.0
// response/StreamingResponse.java over a MappingIterator of
// ProduceRequest). Refused looking for the next record, hasNext's
// RuntimeException becomes BadRequestException("Error processing
// message: …"), answered through V3ExceptionMapper, and ends the stream;
// refused inside a record, nextValue's JsonParseException or databind's
// JsonMappingException wrapping it is answered by jackson-jaxrs-base's
// mapper: 400 and the first line of getMessage(), Jackson's message as it
// is. Locations count from the stream's start. Each text was checked by
// running jackson-core and jackson-databind 2.16.0 with
// KafkaRestApplication.getJsonMapper's ObjectMapper's readValues over a
// stand-in of kafka-rest v7.9.0's entities/v3/ProduceRequest.java,
// answering as StreamingResponse does.

const (
	goodJSONRecord = `{"value":{"type":"JSON","data":1}}`
	// streamEnded prefixes hasNext's refusal, which ends a stream
	streamEnded = "Bad Request: Error processing message: "
	// producedOK stands for a record produced in streamAnswers
	producedOK = "ok"
)

// streamAnswers posts a stream and gives each answer's message, or
// producedOK for a record produced.
func (e *env) streamAnswers(topic, body string) []string {
	e.t.Helper()
	var answers []string
	for _, a := range e.postStream(topic, body) {
		switch {
		case a["error_code"] == float64(200):
			answers = append(answers, producedOK)
		case a["error_code"] == float64(400) && len(a) == 2:
			answers = append(answers, a["message"].(string))
		default:
			answers = append(answers, fmt.Sprint(a))
		}
	}
	return answers
}

func (e *env) postStream(topic, body string) []map[string]any {
	e.t.Helper()
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/"+topic+"/records", "application/json", []byte(body))
	if resp.status != http.StatusOK {
		e.t.Fatalf("%d %s", resp.status, resp.body)
	}
	return readStream(e.t, resp.body)
}

func TestAStreamedV3BodyNotJSONBetweenRecordsEndsTheStreamWithKafkaRestsBadRequest(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	const bad = "Bad Request: Error processing message: "
	for _, c := range []struct{ name, body, want string }{
		{"a word after a record", goodJSONRecord + ` x`, bad + "Unrecognized token 'x': " + expect},
		{"records separated by a comma", goodJSONRecord + `,` + goodJSONRecord, bad + "Unexpected character (',' (code 44)): expected a value"},
		{"a close brace after a record", goodJSONRecord + ` }`,
			bad + "Unexpected close marker '}': expected ']' (for root starting at " + locRaw + "line: 1])"},
		{"a number run into a word after a record", goodJSONRecord + ` 1x`,
			bad + "Unexpected character ('x' (code 120)): Expected space separating root-level values"},
	} {
		got := e.postStream("t", c.body)
		if len(got) != 2 || got[0]["error_code"] != float64(200) ||
			got[1]["error_code"] != float64(400) || got[1]["message"] != c.want || len(got[1]) != 2 {
			t.Errorf("%s: %v\nwant a success, then 400 %q", c.name, got, c.want)
		}
	}
	if got := e.postStream("t", `foobar`); len(got) != 1 || got[0]["message"] != bad+"Unrecognized token 'foobar': "+expect {
		t.Errorf("a bare word: %v", got)
	}
}

func TestAStreamedV3RecordNotJSONIsAnsweredWithJacksonsMessageAsItIs(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	for _, c := range []struct{ name, body, want string }{
		{"a bad literal", `{"value":{"type":"JSON","data":tru}}`, "Unrecognized token 'tru': " + expect},
		{"an array closed as an object", `{"value":{"type":"JSON","data":[}}`,
			"Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 32])"},
		{"an unquoted name", `{value:1} ` + goodJSONRecord, "Unexpected character ('v' (code 118)): was expecting double-quote to start field name"},
		{"a bad escape", `{"value":{"type":"JSON","data":"a\q"}} ` + goodJSONRecord, "Unrecognized character escape 'q' (code 113)"},
		{"a bad literal in a root member", `{"partition_id":tru} ` + goodJSONRecord, "Unrecognized token 'tru': " + expect},
		{"a missing close", `{"value":{"type":"JSON","data":1}`,
			"Unexpected end-of-input: expected close marker for Object (start marker at " + locRaw + "line: 1, column: 1])"},
		{"a refusal on a later line", goodJSONRecord + "\n  " + `{"value":{"type":"JSON","data":[}}`,
			"Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 2, column: 34])"},
		{"a refusal on a later line of a record", goodJSONRecord + "\n{\"value\":\n  {\"type\":\"JSON\",\"data\":\n   [1 }}",
			"Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 4, column: 4])"},
	} {
		got := e.postStream("t", c.body)
		var refused map[string]any
		for _, a := range got {
			if a["error_code"] != float64(200) {
				refused = a
				break
			}
		}
		if refused == nil || refused["error_code"] != float64(400) || refused["message"] != c.want || len(refused) != 2 {
			t.Errorf("%s: %v\nwant 400 %q", c.name, got, c.want)
		}
	}
}

func TestAStreamedV3RecordMistypedBeforeItsSyntaxErrorIsRefusedThenTheSyntaxErrorEndsTheStream(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	const (
		mistyped = "Cannot deserialize value of type `java.lang.Integer` from String \"x\": not a valid `java.lang.Integer` value"
		bad      = "Bad Request: Error processing message: "
	)
	for _, c := range []struct{ name, body, want string }{
		{"a bad literal", `{"partition_id":"x","value":{"type":"JSON","data":tru}}`, bad + "Unrecognized token 'tru': " + expect},
		{"an array closed as an object", `{"partition_id":"x","value":{"type":"JSON","data":[}} ` + goodJSONRecord,
			bad + "Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 51])"},
		{"a missing comma", `{"partition_id":"x" "value":1}`,
			bad + "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"},
		{"the end after a comma", goodJSONRecord + ` {"partition_id":"x",`, bad + "Unexpected end-of-input within/between Object entries"},
	} {
		got := e.postStream("t", c.body)
		if len(got) > 0 && got[0]["error_code"] == float64(200) {
			got = got[1:]
		}
		if len(got) != 2 || got[0]["error_code"] != float64(400) || got[0]["message"] != mistyped ||
			got[1]["error_code"] != float64(400) || got[1]["message"] != c.want {
			t.Errorf("%s: %v\nwant 400 %q, then 400 %q", c.name, got, mistyped, c.want)
		}
	}
}

// After a record refused for its syntax, StreamingResponse's next
// hasNext() has the MappingIterator resync (jackson-databind 2.16.0
// MappingIterator.hasNextValue, _resync): it reads tokens on from where
// jackson-core's parser stopped when it threw, skipping nested arrays
// and objects, until the record's own object closes. A refusal met
// doing so ends the stream as "Bad Request: Error processing message:
// …"; otherwise the records after it are read and answered as usual.
// The answers below are the oracle's output (jackson-core and
// jackson-databind 2.16.0, ObjectMapper.readValues over a stand-in of
// kafka-rest v7.9.0's entities/v3/ProduceRequest.java, the
// hasNext/nextValue loop of response/StreamingResponse.java); "ok" is a
// record produced.
func TestAStreamedV3RecordRefusedForItsSyntaxIsFollowedByWhatTheResyncMeets(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	const ok, bad = producedOK, streamEnded
	data := func(s string) string { return `{"value":{"type":"JSON","data":` + s + `}}` }
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"a missing comma in an array, then a record", data(`[1 2]`) + " " + goodJSONRecord,
			[]string{"Unexpected character ('2' (code 50)): was expecting comma to separate Array entries", ok}},
		{"a bad literal after a good record", goodJSONRecord + " " + data(`tru`) + " " + goodJSONRecord,
			[]string{ok, "Unrecognized token 'tru': " + expect,
				bad + "Unexpected character ('{' (code 123)): was expecting comma to separate Object entries"}},
		{"a missing value in an array", data(`[1,]`) + " " + goodJSONRecord,
			[]string{"Unexpected character (']' (code 93)): expected a value",
				bad + "Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 32])"}},
		{"a bad escape, alone", data(`"a\q"`),
			[]string{"Unrecognized character escape 'q' (code 113)",
				bad + "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"}},
		{"a missing colon in an object, then a record", data(`{"a" 1}`) + " " + goodJSONRecord,
			[]string{"Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value", ok}},
		{"a leading zero", data(`[01]`) + " " + goodJSONRecord,
			[]string{"Invalid numeric value: Leading zeroes not allowed",
				bad + "Unexpected character ('1' (code 49)): was expecting comma to separate Array entries"}},
		{"a minus without digits, then a record", data(`[-x]`) + " " + goodJSONRecord,
			[]string{"Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", ok}},
		{"NaN, then a record", data(`[NaN]`) + " " + goodJSONRecord,
			[]string{"Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", ok}},
		{"an array closed as an object, then as an array", data(`[}]`) + " " + goodJSONRecord,
			[]string{"Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 32])", ok}},
		{"an array closed as an object, then the record", data(`[}`) + " " + goodJSONRecord,
			[]string{"Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 32])",
				bad + "Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 32])"}},
		{"a bad literal eats the close after it", data(`[nul]`) + " " + goodJSONRecord,
			[]string{"Unrecognized token 'nul': " + expect,
				bad + "Unexpected close marker '}': expected ']' (for Array starting at " + locRaw + "line: 1, column: 32])"}},
		{"a missing comma in the record, then two records", data(`[1] x`) + " " + goodJSONRecord + "\n" + goodJSONRecord,
			[]string{"Unexpected character ('x' (code 120)): was expecting comma to separate Object entries", ok, ok}},
		{"the end of input inside the record", data(`1`)[:len(data(`1`))-1],
			[]string{"Unexpected end-of-input: expected close marker for Object (start marker at " + locRaw + "line: 1, column: 1])",
				bad + "Unexpected end-of-input: expected close marker for Object (start marker at " + locRaw + "line: 1, column: 1])"}},
		{"two records refused in turn", data(`[1 2]`) + "\n" + data(`[3 4]`) + "\n" + goodJSONRecord,
			[]string{"Unexpected character ('2' (code 50)): was expecting comma to separate Array entries",
				"Unexpected character ('4' (code 52)): was expecting comma to separate Array entries", ok}},
	} {
		if answers := e.streamAnswers("t", c.body); !slices.Equal(answers, c.want) {
			t.Errorf("%s: %q\nwant %q", c.name, answers, c.want)
		}
	}
}

// A streamed record's object Jackson finished reading is checked as it
// ends, before a syntax error after it: its refusal answers the record,
// and the resync meets the syntax error. A record that is an array is
// refused on its first token. The answers are the oracle's (see
// TestAStreamedV3RecordRefusedForItsSyntaxIsFollowedByWhatTheResyncMeets).
func TestAStreamedV3RecordsFinishedObjectIsCheckedBeforeASyntaxErrorAfterIt(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("t", 1)
	const bad = streamEnded
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"a key without data", "{\"key\":{\"type\":\"JSON\",\"ata\":\"k\"},\"value\":{\"type\":\"JSON\"\t\"data\":[[],{}]}}",
			[]string{"Cannot construct instance of `io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestData`, problem: Null data",
				bad + "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"}},
		{"the creator complete, a bad token after", `{"partition_id":0,"headers":[],"key":null,"value":{"type":"JSON","data":1},"timestamp":null,"x":tru}`,
			[]string{"Unrecognized token 'tru': " + expect,
				bad + "Unexpected end-of-input: expected close marker for Object (start marker at " + locRaw + "line: 1, column: 1])"}},
		{"an array", `[{"value":1} x] ` + goodJSONRecord,
			[]string{"Cannot deserialize value of type `io.confluent.kafkarest.entities.v3.ProduceRequest$Builder` from Array value (token `JsonToken.START_ARRAY`)",
				bad + "Unexpected character ('x' (code 120)): was expecting comma to separate Array entries"}},
	} {
		if answers := e.streamAnswers("t", c.body); !slices.Equal(answers, c.want) {
			t.Errorf("%s: %q\nwant %q", c.name, answers, c.want)
		}
	}
}

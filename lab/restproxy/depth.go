package restproxy

import (
	"net/http"
	"strings"

	"github.com/ctalab/ctalab/internal/jsondepth"
)

// Request bodies nested deeper than Jackson reads (package jsondepth).
// kafka-rest 7.9's ObjectMapper keeps jackson-core's default depth bound
// (KafkaRestApplication.getJsonMapper lifts only maxStringLength), so
// its parser refuses the array or object that opens level 1001 of a body.
// It only gets that far inside a field of free JSON, a record's key or
// value (a JsonNode); anywhere else the field's type refuses the first
// nested array or object, and the lab answers that as it always has.

// tooDeepIn reports whether Jackson refuses body for its depth inside a
// field of free JSON: free names those fields' paths from the root.
func tooDeepIn(body []byte, free func(path []any) bool) (jsondepth.Refusal, bool) {
	r, ok := jsondepth.Find(body)
	if !ok || !free(r.Path) {
		return jsondepth.Refusal{}, false
	}
	return r, true
}

// v2RecordData is a v2 produce body's records[i].key or .value
// (entities/v2/ProduceRequest.java).
func v2RecordData(path []any) bool {
	_, index := path[1].(int)
	return path[0] == "records" && index && (path[2] == "key" || path[2] == "value")
}

// v3RecordData is a v3 produce record's key.data or value.data
// (entities/v3/ProduceRequest.java).
func v3RecordData(path []any) bool {
	return (path[0] == "key" || path[0] == "value") && path[1] == "data"
}

// v3BatchData is a records:batch body's entries[i].id, .key.data or
// .value.data (entities/v3/ProduceBatchRequest.java,
// ProduceBatchRequestEntry.java).
func v3BatchData(path []any) bool {
	_, index := path[1].(int)
	return path[0] == "entries" && index &&
		(path[2] == "id" || (path[2] == "key" || path[2] == "value") && path[3] == "data")
}

// tooDeepBody is the answer to a body Jersey reads as one entity: databind
// wraps the StreamConstraintsException into a JsonMappingException
// (BeanDeserializerBase.wrapAndThrow), and rest-utils'
// JsonMappingExceptionMapper, which Jersey picks first for its
// @Priority(1), answers 400 with its original message sanitised.
func tooDeepBody() *apiError {
	return jsonError("%s", restUtilsSanitized(jsondepth.ErrTooDeep.Error()))
}

// restUtilsSanitized is rest-utils v7.9.0 JsonMappingExceptionMapper's
// sanitizeExceptionMessage: the message up to "(for Object starting at",
// trimmed, with its first back-quoted name cut to what follows the last
// dot and then the last dollar sign.
func restUtilsSanitized(msg string) string {
	msg, _, _ = strings.Cut(msg, "(for Object starting at")
	msg = strings.TrimSpace(msg)
	fragments := strings.Split(msg, "`")
	if len(fragments) > 2 {
		name := fragments[1]
		if dot := strings.LastIndexByte(name, '.'); dot != -1 && dot != len(name)-1 {
			name = name[dot+1:]
		}
		if dollar := strings.LastIndexByte(name, '$'); dollar != -1 && dollar != len(name)-1 {
			name = name[dollar+1:]
		}
		fragments[1] = name
		msg = strings.Join(fragments, "`")
	}
	return msg
}

// v3TooDeepRecord is the answer, in the stream, to a v3 produce record
// refused for its depth: MappingIterator.nextValue throws the
// StreamConstraintsException wrapped with its path through
// ProduceRequest.Builder and ProduceRequestData, and StreamingResponse
// maps it with jackson-jaxrs-base's JsonMappingExceptionMapper to 400 and
// the first line of getMessage(), which is all of it (the exception has
// no location).
func v3TooDeepRecord(field string) *apiError {
	return newAPIError(http.StatusBadRequest, http.StatusBadRequest,
		`%s (through reference chain: io.confluent.kafkarest.entities.v3.ProduceRequest$Builder["%s"]->io.confluent.kafkarest.entities.v3.ProduceRequest$ProduceRequestData["data"])`,
		jsondepth.ErrTooDeep.Error(), field)
}

// v3TooDeepResync is the answer that ends the stream when the refused
// record opens another array or object before it ends: MappingIterator's
// _resync meets it at depth, hasNext throws, and StreamingResponse answers
// kafka-rest's BadRequestException through V3ExceptionMapper.
func v3TooDeepResync(depth int) *apiError {
	return newAPIError(http.StatusBadRequest, http.StatusBadRequest, "Bad Request: Error processing message: %s", jsondepth.Message(depth))
}

package restproxy

import (
	"fmt"
	"net/http"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// Error codes the REST Proxy v2 puts in {"error_code":…} bodies. Where a code
// is the bare HTTP status (400, 404, 405, 406, 413, 415, 422, 500) the real
// service uses the status itself.
const (
	codeKeySchemaMissing   = 42201
	codeValueSchemaMissing = 42202
	codeSchemaRegistry     = 42207
	codeTopicNotFound      = 40401
	codeKafkaError         = 50002
	codeKafkaRetriable     = 50003
)

// apiError is a response in the REST Proxy's error shape.
type apiError struct {
	Status  int    `json:"-"`
	Code    int    `json:"error_code"`
	Message string `json:"message"`
	// unknown names the member a Jackson refusal is about when the
	// refusal is UnrecognizedPropertyException (jacksonUnknown).
	unknown string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %d: %s", e.Status, e.Code, e.Message)
}

func newAPIError(status, code int, format string, a ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, a...)}
}

// httpError is how Jersey answers routing failures: the status as the code
// and "HTTP <status> <reason>" as the message.
func httpError(status int) *apiError {
	return &apiError{Status: status, Code: status, Message: fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))}
}

// badRequest is kafka-rest's BadRequestException as its v2 mapper prints it.
func badRequest(format string, a ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: http.StatusBadRequest, Message: "Bad Request: " + fmt.Sprintf(format, a...)}
}

// jsonError is how malformed or mistyped request JSON is answered (Jackson's
// parse and mapping exceptions are mapped to 400/400).
func jsonError(format string, a ...any) *apiError {
	return newAPIError(http.StatusBadRequest, http.StatusBadRequest, format, a...)
}

func keySchemaMissing() *apiError {
	return newAPIError(http.StatusUnprocessableEntity, codeKeySchemaMissing, "Request includes keys but does not include key schema")
}

func valueSchemaMissing() *apiError {
	return newAPIError(http.StatusUnprocessableEntity, codeValueSchemaMissing, "Request includes values but does not include value schema")
}

func topicNotFound() *apiError {
	return newAPIError(http.StatusNotFound, codeTopicNotFound, "Topic not found.")
}

const mediaTypeV2 = "application/vnd.kafka.v2+json"

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := jsonwire.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error_code":500,"message":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", mediaTypeV2)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, e)
}

// unrecognized is rest-utils' answer to a field the request entity lacks:
// JacksonMessageBodyProvider.readFrom turns Jackson's
// UnrecognizedPropertyException into a ConstraintViolationException with
// this message, which ConstraintViolationExceptionMapper answers 422
// (rest-utils v7.9.0 core/.../validation/JacksonMessageBodyProvider.java,
// core/.../exceptions/ConstraintViolationExceptionMapper.java).
func unrecognized(field string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, "Unrecognized field: %s", field)
}

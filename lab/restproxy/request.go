package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// produceRequest is the body of POST /topics/{topic} (API v2). All top-level
// fields are optional; schemas matter only for the avro format.
type produceRequest struct {
	KeySchema     *string
	KeySchemaID   *int32
	ValueSchema   *string
	ValueSchemaID *int32
	Records       []produceRecord
}

// produceRecord is one entry of "records". Key and Value hold the raw JSON of
// the field, or nil when it was absent or JSON null.
type produceRecord struct {
	Key       json.RawMessage
	Value     json.RawMessage
	Partition *int32
}

// member is one name and value of a JSON object.
type member struct {
	name  string
	value json.RawMessage
}

// objectMembers is a JSON object's members in the order written (a name
// written twice appears twice).
func objectMembers(raw json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{name: name, value: v})
	}
	return out, nil
}

// nullRequest is the @NotNull violation of a null v2 request entity (a
// ProduceRequest, or a consumer's subscription, assignment or seek), param
// its property path (v2ProduceParam; the consumer routes), as rest-utils'
// ConstraintViolationExceptionMapper words it (ConstraintViolations.format).
func nullRequest(param string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, "%s must not be null (was null)", param)
}

// v2ProduceParam is the property path Hibernate Validator gives the
// ProduceRequest parameter of the kafka-rest resource method producing f
// (resources/v2/ProduceToTopicAction.java, ProduceToPartitionAction.java):
// the method's name, then the parameter's as reflection names it without
// javac's -parameters, after AsyncResponse, the topic and, to a
// partition, the partition.
func v2ProduceParam(f embeddedFormat, toPartition bool) string {
	method := map[embeddedFormat]string{formatBinary: "produceBinary", formatJSON: "produceJson", formatAvro: "produceAvro",
		formatJSONSchema: "produceJsonSchema", formatProtobuf: "produceProtobuf"}[f]
	if toPartition {
		return method + ".arg3"
	}
	return method + ".arg2"
}

func isNull(raw json.RawMessage) bool {
	return string(raw) == "null"
}

func jsonErrorText(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return "Unexpected character at offset " + strconv.FormatInt(syn.Offset, 10) + ": " + syn.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "Unexpected end-of-input: " + err.Error()
	}
	return err.Error()
}

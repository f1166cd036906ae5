package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
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

var (
	requestFields = map[string]bool{
		"key_schema": true, "key_schema_id": true,
		"value_schema": true, "value_schema_id": true,
		"records": true,
	}
	recordFields = map[string]bool{"key": true, "value": true, "partition": true}
)

// decodeProduceRequest parses a produce request body the way the REST
// Proxy's Jackson binding does: field names are case-sensitive, unknown
// fields are rejected, scalars are coerced into string and integer fields,
// content after the first JSON value is ignored, and a key or value nested
// past Jackson's depth is refused (depth.go).
func decodeProduceRequest(body []byte) (*produceRequest, *apiError) {
	if _, deep := tooDeepIn(body, v2RecordData); deep {
		return nil, tooDeepBody()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nullRequest()
		}
		return nil, jsonError("%s", jsonErrorText(err))
	}
	if isNull(raw) {
		return nil, nullRequest()
	}
	if kind := jsonKind(raw); kind != "Object" {
		return nil, jsonError("Cannot deserialize value of type `ProduceRequest` from %s value", kind)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, jsonError("%s", jsonErrorText(err))
	}
	for name := range fields {
		if !requestFields[name] {
			return nil, jsonError("Unrecognized field %q (class ProduceRequest), not marked as ignorable", name)
		}
	}
	req := &produceRequest{}
	var apiErr *apiError
	if req.KeySchema, apiErr = optString(fields["key_schema"], "key_schema"); apiErr != nil {
		return nil, apiErr
	}
	if req.ValueSchema, apiErr = optString(fields["value_schema"], "value_schema"); apiErr != nil {
		return nil, apiErr
	}
	if req.KeySchemaID, apiErr = optInt32(fields["key_schema_id"], "key_schema_id"); apiErr != nil {
		return nil, apiErr
	}
	if req.ValueSchemaID, apiErr = optInt32(fields["value_schema_id"], "value_schema_id"); apiErr != nil {
		return nil, apiErr
	}
	recs, ok := fields["records"]
	if !ok || isNull(recs) {
		return req, nil
	}
	if kind := jsonKind(recs); kind != "Array" {
		return nil, jsonError("Cannot deserialize value of type `java.util.ArrayList<ProduceRecord>` from %s value (through reference chain: ProduceRequest[\"records\"])", kind)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(recs, &elems); err != nil {
		return nil, jsonError("%s", jsonErrorText(err))
	}
	req.Records = make([]produceRecord, 0, len(elems))
	for i, elem := range elems {
		rec, apiErr := decodeRecord(elem, i)
		if apiErr != nil {
			return nil, apiErr
		}
		req.Records = append(req.Records, rec)
	}
	return req, nil
}

func decodeRecord(raw json.RawMessage, i int) (produceRecord, *apiError) {
	var rec produceRecord
	if isNull(raw) {
		return rec, jsonError("Null record at index %d (through reference chain: ProduceRequest[\"records\"]->java.util.ArrayList[%d])", i, i)
	}
	if kind := jsonKind(raw); kind != "Object" {
		return rec, jsonError("Cannot deserialize value of type `ProduceRecord` from %s value (through reference chain: ProduceRequest[\"records\"]->java.util.ArrayList[%d])", kind, i)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return rec, jsonError("%s", jsonErrorText(err))
	}
	for name := range fields {
		if !recordFields[name] {
			return rec, jsonError("Unrecognized field %q (class ProduceRecord), not marked as ignorable", name)
		}
	}
	if k, ok := fields["key"]; ok && !isNull(k) {
		rec.Key = k
	}
	if v, ok := fields["value"]; ok && !isNull(v) {
		rec.Value = v
	}
	p, apiErr := optInt32(fields["partition"], "partition")
	if apiErr != nil {
		return rec, apiErr
	}
	rec.Partition = p
	return rec, nil
}

func nullRequest() *apiError {
	return newAPIError(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, "request: must not be null")
}

// optString reads a nullable string field; JSON scalars are taken as their
// text, as Jackson coerces them.
func optString(raw json.RawMessage, field string) (*string, *apiError) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, jsonError("%s", jsonErrorText(err))
		}
		return &s, nil
	case '{', '[':
		return nil, jsonError("Cannot deserialize value of type `java.lang.String` from %s value (through reference chain: ProduceRequest[%q])", jsonKind(raw), field)
	}
	s := string(raw)
	return &s, nil
}

// optInt32 reads a nullable integer field. Integral numbers and strings that
// hold one are accepted; anything else is a mapping error.
func optInt32(raw json.RawMessage, field string) (*int32, *apiError) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, jsonError("%s", jsonErrorText(err))
		}
		text = strings.TrimSpace(text)
		if text == "" {
			return nil, nil
		}
	} else if raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f' {
		return nil, jsonError("Cannot deserialize value of type `java.lang.Integer` from %s value (through reference chain: %q)", jsonKind(raw), field)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(text, 64)
		if ferr != nil || f != math.Trunc(f) {
			return nil, jsonError("Cannot deserialize value of type `java.lang.Integer` from %q: not a valid `java.lang.Integer` value (through reference chain: %q)", text, field)
		}
		n = int64(f)
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return nil, jsonError("Numeric value (%s) out of range of int (-2147483648 - 2147483647) (through reference chain: %q)", text, field)
	}
	v := int32(n)
	return &v, nil
}

func isNull(raw json.RawMessage) bool {
	return string(raw) == "null"
}

// jsonKind names the JSON type of a raw value the way Jackson's messages do.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "Object"
	case '[':
		return "Array"
	case '"':
		return "String"
	case 't', 'f':
		return "Boolean"
	case 'n':
		return "Null"
	}
	return "Number"
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

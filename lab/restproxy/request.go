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

// decodeProduceRequest parses a produce request body the way the REST
// Proxy's Jackson binding does: field names are case-sensitive, unknown
// fields are rejected (422, unrecognized), scalars are coerced into string and integer fields,
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
	members, err := objectMembers(raw)
	if err != nil {
		return nil, jsonError("%s", jsonErrorText(err))
	}
	// Jackson binds the members in the order written and stops at the
	// first it cannot: a mistyped field, or one ProduceRequest lacks.
	req := &produceRequest{}
	for _, m := range members {
		var apiErr *apiError
		switch m.name {
		case "key_schema":
			req.KeySchema, apiErr = optString(m.value, "key_schema")
		case "value_schema":
			req.ValueSchema, apiErr = optString(m.value, "value_schema")
		case "key_schema_id":
			req.KeySchemaID, apiErr = optInt32(m.value, "key_schema_id")
		case "value_schema_id":
			req.ValueSchemaID, apiErr = optInt32(m.value, "value_schema_id")
		case "records":
			req.Records, apiErr = decodeRecords(m.value)
		default:
			apiErr = unrecognized(m.name)
		}
		if apiErr != nil {
			return nil, apiErr
		}
	}
	return req, nil
}

// decodeRecords reads the records array of a produce request, each record
// in order (null: none).
func decodeRecords(recs json.RawMessage) ([]produceRecord, *apiError) {
	if isNull(recs) {
		return nil, nil
	}
	if kind := jsonKind(recs); kind != "Array" {
		return nil, jsonError("Cannot deserialize value of type `java.util.ArrayList<ProduceRecord>` from %s value (through reference chain: ProduceRequest[\"records\"])", kind)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(recs, &elems); err != nil {
		return nil, jsonError("%s", jsonErrorText(err))
	}
	out := make([]produceRecord, 0, len(elems))
	for i, elem := range elems {
		rec, apiErr := decodeRecord(elem, i)
		if apiErr != nil {
			return nil, apiErr
		}
		out = append(out, rec)
	}
	return out, nil
}

func decodeRecord(raw json.RawMessage, i int) (produceRecord, *apiError) {
	var rec produceRecord
	if isNull(raw) {
		return rec, jsonError("Null record at index %d (through reference chain: ProduceRequest[\"records\"]->java.util.ArrayList[%d])", i, i)
	}
	if kind := jsonKind(raw); kind != "Object" {
		return rec, jsonError("Cannot deserialize value of type `ProduceRecord` from %s value (through reference chain: ProduceRequest[\"records\"]->java.util.ArrayList[%d])", kind, i)
	}
	members, err := objectMembers(raw)
	if err != nil {
		return rec, jsonError("%s", jsonErrorText(err))
	}
	for _, m := range members {
		var apiErr *apiError
		switch m.name {
		case "key":
			rec.Key = nil
			if !isNull(m.value) {
				rec.Key = m.value
			}
		case "value":
			rec.Value = nil
			if !isNull(m.value) {
				rec.Value = m.value
			}
		case "partition":
			rec.Partition, apiErr = optInt32(m.value, "partition")
		default:
			apiErr = unrecognized(m.name)
		}
		if apiErr != nil {
			return rec, apiErr
		}
	}
	return rec, nil
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

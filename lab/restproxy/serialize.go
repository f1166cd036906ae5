package restproxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// encodedRecord is a record ready to produce. A nil key or value is a Kafka
// null; an empty non-nil slice is an empty byte string.
type encodedRecord struct {
	key, value []byte
	partition  *int32
}

// encodeRecords converts every record of a request, in order, stopping at the
// first record that cannot be converted. keySchema and valueSchema are nil
// when the request names none; they are used only for the avro format.
func encodeRecords(f embeddedFormat, recs []produceRecord, keySchema, valueSchema *registeredSchema) ([]encodedRecord, *apiError) {
	out := make([]encodedRecord, 0, len(recs))
	for _, r := range recs {
		key, err := encodeData(f, r.Key, keySchema, true)
		if err != nil {
			return nil, err
		}
		value, err := encodeData(f, r.Value, valueSchema, false)
		if err != nil {
			return nil, err
		}
		out = append(out, encodedRecord{key: key, value: value, partition: r.Partition})
	}
	return out, nil
}

func encodeData(f embeddedFormat, data json.RawMessage, schema *registeredSchema, isKey bool) ([]byte, *apiError) {
	if data == nil {
		return nil, nil
	}
	switch f {
	case formatBinary:
		return decodeBinary(data)
	case formatJSON:
		var b bytes.Buffer
		if err := json.Compact(&b, data); err != nil {
			return nil, jsonError("%s", jsonErrorText(err))
		}
		return b.Bytes(), nil
	case formatAvro, formatJSONSchema, formatProtobuf:
		if schema == nil {
			if isKey {
				return nil, keySchemaMissing()
			}
			return nil, valueSchemaMissing()
		}
		return schema.encode(data)
	}
	return nil, httpError(http.StatusUnsupportedMediaType)
}

// decodeBinary decodes a binary-format key or value. The proxy takes the JSON
// node's text (a string's content, a scalar's literal, "" for objects and
// arrays) and decodes it as standard base64, padding optional, rejecting
// anything outside the alphabet.
func decodeBinary(data json.RawMessage) ([]byte, *apiError) {
	var text string
	switch data[0] {
	case '"':
		if err := json.Unmarshal(data, &text); err != nil {
			return nil, jsonError("%s", jsonErrorText(err))
		}
	case '{', '[':
		text = ""
	default:
		text = string(data)
	}
	trimmed := strings.TrimRight(text, "=")
	if strings.ContainsAny(trimmed, "\r\n=") {
		return nil, binaryError("Unrecognized character in base64 data")
	}
	b, err := base64.RawStdEncoding.DecodeString(trimmed)
	if err != nil {
		return nil, binaryError(err.Error())
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// binaryError is the answer to undecodable base64: kafka-rest raises a
// SerializationException, which its exception mapper turns into 408/40801.
func binaryError(msg string) *apiError {
	return newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "java.lang.IllegalArgumentException: %s", msg)
}

package restproxy

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// embeddedFormat is the format of the keys and values inside a produce
// request, chosen by the request's Content-Type.
type embeddedFormat int

const (
	formatBinary embeddedFormat = iota + 1
	formatJSON
	formatAvro
	formatJSONSchema
	formatProtobuf
)

// usesSchemas reports whether the format's records are written with a
// registered schema.
func (f embeddedFormat) usesSchemas() bool {
	return f == formatAvro || f == formatJSONSchema || f == formatProtobuf
}

func (f embeddedFormat) String() string {
	switch f {
	case formatBinary:
		return "BINARY"
	case formatJSON:
		return "JSON"
	case formatAvro:
		return "AVRO"
	case formatJSONSchema:
		return "JSONSCHEMA"
	case formatProtobuf:
		return "PROTOBUF"
	}
	return "UNKNOWN"
}

// Content types of the v2 produce API. REST Proxy 7.x accepts only these on
// POST /topics/{topic}; plain application/json, application/vnd.kafka.v2+json
// or a missing Content-Type are answered with 415 (only the 5.x proxy, which
// still served API v1, took them to mean binary).
const (
	ctBinary     = "application/vnd.kafka.binary.v2+json"
	ctJSON       = "application/vnd.kafka.json.v2+json"
	ctAvro       = "application/vnd.kafka.avro.v2+json"
	ctJSONSchema = "application/vnd.kafka.jsonschema.v2+json"
	ctProtobuf   = "application/vnd.kafka.protobuf.v2+json"
)

// formatFromContentType maps a Content-Type header to an embedded format.
func formatFromContentType(header string) (embeddedFormat, *apiError) {
	if header == "" {
		return 0, httpError(http.StatusUnsupportedMediaType)
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return 0, httpError(http.StatusUnsupportedMediaType)
	}
	switch mt {
	case ctBinary:
		return formatBinary, nil
	case ctJSON:
		return formatJSON, nil
	case ctAvro:
		return formatAvro, nil
	case ctJSONSchema:
		return formatJSONSchema, nil
	case ctProtobuf:
		return formatProtobuf, nil
	}
	return 0, httpError(http.StatusUnsupportedMediaType)
}

// acceptsV2 reports whether an Accept header admits application/vnd.kafka.v2+json,
// the only type v2 responses come in. An absent header accepts anything.
func acceptsV2(header string) bool {
	if strings.TrimSpace(header) == "" {
		return true
	}
	for _, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(q, 64); err != nil || v <= 0 {
				continue
			}
		}
		switch mt {
		case "*/*", "application/*", mediaTypeV2:
			return true
		}
	}
	return false
}

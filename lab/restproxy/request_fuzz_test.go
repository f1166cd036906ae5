package restproxy

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzDecodeProduceRequest feeds arbitrary bodies through request decoding
// and record encoding in every format. Decoding must either succeed or give
// a 400/422 in the REST Proxy's error shape, never panic, and every decoded
// key and value must be valid, non-null JSON.
func FuzzDecodeProduceRequest(f *testing.F) {
	f.Add([]byte(`{"records":[{"key":"a2V5","value":"dmFsdWU=","partition":0}]}`))
	f.Add([]byte(`{"value_schema":"\"string\"","records":[{"value":"x"}]}`))
	f.Add([]byte(`{"key_schema_id":"7","records":[{"key":{"timestamp":1},"value":null}]}`))
	schema, err := validationCodec(weatherValSchema)
	if err != nil {
		f.Fatal(err)
	}
	weather := &registeredSchema{id: 1, codec: schema}

	f.Fuzz(func(t *testing.T, body []byte) {
		req, apiErr := decodeProduceRequest(body, "produceBinary.arg2")
		if (req == nil) == (apiErr == nil) {
			t.Fatalf("want exactly one of request and error, got %v and %v", req, apiErr)
		}
		if apiErr != nil {
			if apiErr.Status != http.StatusBadRequest && apiErr.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d for a decoding error", apiErr.Status)
			}
			if apiErr.Code != apiErr.Status || apiErr.Message == "" {
				t.Fatalf("error %+v", apiErr)
			}
			return
		}
		for i, r := range req.Records {
			for _, raw := range []json.RawMessage{r.Key, r.Value} {
				if raw != nil && (!json.Valid(raw) || isNull(raw)) {
					t.Fatalf("record %d holds %q", i, raw)
				}
			}
		}
		if recs, apiErr := encodeRecords(formatJSON, req.Records, nil, nil); apiErr == nil {
			for i, r := range recs {
				if (r.value != nil && !json.Valid(r.value)) || (r.key != nil && !json.Valid(r.key)) {
					t.Fatalf("json record %d encoded to invalid JSON", i)
				}
			}
		}
		_, _ = encodeRecords(formatBinary, req.Records, nil, nil)
		if recs, apiErr := encodeRecords(formatAvro, req.Records, weather, weather); apiErr == nil {
			for i, r := range recs {
				if r.value != nil && (len(r.value) < 5 || r.value[0] != 0) {
					t.Fatalf("avro record %d not in wire format: % x", i, r.value)
				}
			}
		}
	})
}

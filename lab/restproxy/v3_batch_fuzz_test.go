package restproxy

import (
	"net/http"
	"testing"
)

// FuzzDecodeBatchRequest feeds arbitrary bodies through records:batch
// binding: it either binds every entry, with a string id, or answers in
// the REST Proxy's error shape, and never panics.
func FuzzDecodeBatchRequest(f *testing.F) {
	f.Add([]byte(`{"entries":[{"id":"a","value":{"type":"JSON","data":1}}]}`))
	f.Add([]byte(`{"entries":[{"id":"a","partition_id":1,"headers":[{"name":"h","value":"AA=="}],"key":null,"value":null,"timestamp":"2021-02-05T19:14:42Z","headers":[null]}]}`))
	f.Add([]byte(`{"bogus":1,"entries":[{"id":"a"},null],"entries":[null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, e := decodeBatchRequest(body)
		if e != nil {
			switch e.Status {
			case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusInternalServerError:
			default:
				t.Fatalf("status %d for a binding error", e.Status)
			}
			if e.Message == "" || req != nil {
				t.Fatalf("error %+v with request %v", e, req)
			}
			return
		}
		if req == nil {
			return
		}
		for i, en := range req.Entries {
			if !validBatchID(en.ID) {
				t.Fatalf("entry %d bound with id %q", i, en.ID)
			}
		}
	})
}

package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzJacksonSyntaxPlacesEveryRefusal feeds arbitrary bodies to the
// syntax scan: it must never panic, and wherever the reader refuses the
// first JSON value it must place a refusal worded as jackson-core words
// one (an "Unexpected", "Unrecognized", "Illegal", "Invalid" or
// "Non-standard" message).
func FuzzJacksonSyntaxPlacesEveryRefusal(f *testing.F) {
	for _, c := range v2NotJSON {
		f.Add([]byte(c.body))
	}
	f.Add([]byte(`{"records":[{"value":{"a":[1,2.5e3,"x\n",true,null]}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var raw json.RawMessage
		err := json.NewDecoder(bytes.NewReader(body)).Decode(&raw)
		r, ok := jacksonSyntax(body)
		if err == nil || errors.Is(err, io.EOF) {
			return
		}
		if !ok {
			t.Fatalf("%q: the reader refused it (%v), the scan placed nothing", body, err)
		}
		for _, p := range []string{"Unexpected", "Unrecognized", "Illegal", "Invalid", "Non-standard"} {
			if strings.HasPrefix(r.msg, p) {
				return
			}
		}
		t.Fatalf("%q: %q", body, r.msg)
	})
}

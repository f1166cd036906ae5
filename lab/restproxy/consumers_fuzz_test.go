package restproxy

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Whatever body a client sends to create a consumer instance, the answer is
// the instance or an error in the REST Proxy's shape, never a server error.
func FuzzCreateConsumerBody(f *testing.F) {
	for _, seed := range []string{
		`{"name":"a","format":"json","auto.offset.reset":"earliest"}`,
		`{"format":"avro","auto.commit.enable":"false","fetch.min.bytes":10}`,
		`{"consumer.request.timeout.ms":-5,"responseMinBytes":-1}`,
		`{"format":"jsonschema"}`, `{"format":1}`, `null`, ``, `[]`, `{"id":null}`,
	} {
		f.Add([]byte(seed))
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &Proxy{cfg: defaultConfig(), log: log, consumers: newConsumerManager(nil, nil, time.Minute, 1<<30, log)}
	p.mux = http.NewServeMux()
	p.consumerRoutes(p.mux)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/consumers/fuzz", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctV2)
		rec := httptest.NewRecorder()
		p.mux.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("body %q: %d %s", body, rec.Code, rec.Body)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &fields); err != nil {
			t.Fatalf("body %q: answer %q is not a JSON object", body, rec.Body)
		}
		if rec.Code == http.StatusOK {
			if _, ok := fields["instance_id"]; !ok || len(fields) != 2 {
				t.Fatalf("body %q: %s", body, rec.Body)
			}
			return
		}
		if _, ok := fields["error_code"]; !ok || len(fields) != 2 {
			t.Fatalf("body %q: error %s", body, rec.Body)
		}
	})
}

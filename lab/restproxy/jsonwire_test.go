package restproxy

import (
	"bytes"
	"net/http"
	"testing"
)

// The proxy writes its JSON as Jackson's generator writes it: only quotes,
// backslashes and control characters are escaped (jackson-core 2.16
// CharTypes.get7BitOutputEscapes), so '<', '>' and '&' reach the client as
// they are, not as Go's HTML-safe \u003c, \u003e and \u0026. A refusal
// that names the container type java.util.ArrayList<...ProduceRecord>
// shows it.
func TestJSONAnswersWriteAnglesAndAmpersandsAsJacksonDoes(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("angles", 1)
	for _, c := range []struct {
		path, contentType, body, want string
	}{
		{"/topics/angles", "application/vnd.kafka.json.v2+json", `{"records":{"value":1}}`,
			"`ProduceRecord>`"},
		{"/topics/angles", "application/vnd.kafka.json.v2+json", `{"records":[{"value":1}],"a<b&c":1}`,
			`a<b&c`},
	} {
		resp := e.do(http.MethodPost, c.path, c.contentType, []byte(c.body))
		if resp.status < 400 {
			t.Fatalf("%s: status %d, want a refusal", c.body, resp.status)
		}
		if !bytes.Contains(resp.body, []byte(c.want)) {
			t.Errorf("%s: answered %s, want %s written as it is", c.body, resp.body, c.want)
		}
	}
}
